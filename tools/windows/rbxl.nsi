; The rbxl installer: per user, no administrator rights (RequestExecutionLevel user), into
; %LOCALAPPDATA%\Programs\rbxl. A pynsist template (Jinja, with pynsist's own delimiters): pynsist fills in
; the Python folder, pkgs\ and bin\ it prepared; tools/build_windows.py writes the config.
!define PRODUCT_NAME "[[ib.appname]]"
!define PRODUCT_VERSION "[[ib.version]]"
!define PY_VERSION "[[ib.py_version]]"
!define INSTALLER_NAME "[[ib.installer_name]]"
!define PRODUCT_ICON "[[icon]]"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${PRODUCT_NAME}"

SetCompressor /SOLID lzma
Unicode true
ManifestDPIAware true
RequestExecutionLevel user

!include "MUI2.nsh"
!include FileFunc.nsh
!define MUI_ABORTWARNING
!define MUI_ICON "[[icon]]"
!define MUI_UNICON "[[icon]]"
!define MUI_FINISHPAGE_RUN
!define MUI_FINISHPAGE_RUN_TEXT "Buka rbxl Konsol sekarang"
!define MUI_FINISHPAGE_RUN_FUNCTION LaunchKonsol
!define MUI_FINISHPAGE_RUN_NOTCHECKED

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Indonesian"

Name "${PRODUCT_NAME} ${PRODUCT_VERSION}"
Caption "Pemasangan ${PRODUCT_NAME} ${PRODUCT_VERSION}"
BrandingText "${PRODUCT_NAME} ${PRODUCT_VERSION} (Python ${PY_VERSION})"
OutFile "${INSTALLER_NAME}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT_NAME}"
ShowInstDetails show
VIProductVersion "[[ib.version]].0"
VIAddVersionKey /LANG=${LANG_INDONESIAN} "ProductName" "${PRODUCT_NAME}"
VIAddVersionKey /LANG=${LANG_INDONESIAN} "ProductVersion" "${PRODUCT_VERSION}"
VIAddVersionKey /LANG=${LANG_INDONESIAN} "FileVersion" "${PRODUCT_VERSION}"
VIAddVersionKey /LANG=${LANG_INDONESIAN} "FileDescription" "Pemasang ${PRODUCT_NAME} ${PRODUCT_VERSION}"
VIAddVersionKey /LANG=${LANG_INDONESIAN} "LegalCopyright" "MIT"

; through the shortcut, so the console starts in Documents\rbxl as it does from the Start menu
Function LaunchKonsol
  ExecShell "" "$SMPROGRAMS\${PRODUCT_NAME}\rbxl Konsol.lnk"
FunctionEnd

Function .onInit
  SetShellVarContext current
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "!${PRODUCT_NAME}" sec_app
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; an upgrade replaces the packages whole: no module of an older version stays importable
  RMDir /r "$INSTDIR\pkgs"
  RMDir /r "$INSTDIR\Python"
  File ${PRODUCT_ICON}
  SetOutPath "$INSTDIR\pkgs"
  File /r "pkgs\*.*"

  [% for destination, group in grouped_files %]
  SetOutPath "[[destination]]"
  [% for file in group %]
  File "[[ file ]]"
  [% endfor %]
  [% endfor %]

  [% for dir, destination in ib.install_dirs %]
  SetOutPath "[[ pjoin(destination, dir) ]]"
  File /r "[[dir]]\*.*"
  [% endfor %]

  ; the clerk's working folder: shortcuts start there, uninstalling leaves it (their files)
  CreateDirectory "$DOCUMENTS\rbxl"
  SetOutPath "$DOCUMENTS\rbxl"
  CreateDirectory "$SMPROGRAMS\${PRODUCT_NAME}"
  ; (pynsist's own shortcut for [Application] is left out: rbxl has the two named ones)
  [% for scname, sc in ib.shortcuts.items() if scname != ib.appname %]
  CreateShortCut "$SMPROGRAMS\${PRODUCT_NAME}\[[scname]].lnk" "[[sc['target'] ]]" \
    '[[ sc['parameters'] ]]' "$INSTDIR\[[ sc['icon'] ]]"
  [% endfor %]
  CreateShortCut "$SMPROGRAMS\${PRODUCT_NAME}\Hapus ${PRODUCT_NAME}.lnk" "$INSTDIR\uninstall.exe"
  SetOutPath "$INSTDIR"

  [% if has_commands %]
  DetailPrint "Menambahkan $INSTDIR\bin ke PATH pengguna ini..."
  nsExec::ExecToLog '[[ python ]] -Es "$INSTDIR\_system_path.py" add_user "$INSTDIR\bin"'
  [% endif %]

  DetailPrint "Menyiapkan modul Python (byte-compile)..."
  nsExec::ExecToLog '[[ python ]] -m compileall -q "$INSTDIR\pkgs"'
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT_NAME} ${PRODUCT_VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${PRODUCT_VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${PRODUCT_ICON}"
  [% if ib.publisher is not none %]
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "[[ib.publisher]]"
  [% endif %]
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  [% if has_commands %]
  nsExec::ExecToLog '[[ python ]] -Es "$INSTDIR\_system_path.py" remove_user "$INSTDIR\bin"'
  [% endif %]
  RMDir /r "$INSTDIR\pkgs"
  [% for file, destination in ib.install_files %]
  Delete "[[pjoin(destination, file)]]"
  [% endfor %]
  [% for dir, destination in ib.install_dirs %]
  RMDir /r "[[pjoin(destination, dir)]]"
  [% endfor %]
  Delete "$INSTDIR\${PRODUCT_ICON}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir /r "$SMPROGRAMS\${PRODUCT_NAME}"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd
