@echo off
rem The "rbxl (Command Prompt)" Start-menu entry: cmd.exe /k this file, in Documents\rbxl.
rem bin\ is put first on PATH here too, so rbxl works even before Windows hands the new user
rem PATH to programs started from the Start menu.
set "PATH=%~dp0bin;%PATH%"
rbxl --version
echo Ketik: rbxl --help   (contoh: rbxl demo --out hasil-demo)
