# Memasang rbxl dari folder ini tanpa internet, untuk komputer yang sudah punya Python 3.12
# (64-bit, dari python.org). Tanpa hak administrator: semuanya di %LOCALAPPDATA%\rbxl.
# Jalankan lewat install.bat (klik dua kali), atau: powershell -ExecutionPolicy Bypass -File install.ps1
$ErrorActionPreference = "Stop"
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$target = Join-Path $env:LOCALAPPDATA "rbxl"
$venv = Join-Path $target "venv"

$py = $null
foreach ($cand in @(@("py", "-3.12"), @("python"))) {
    try {
        $v = & $cand[0] @($cand | Select-Object -Skip 1) -c "import sys, struct; print('%d.%d %d' % (sys.version_info[0], sys.version_info[1], struct.calcsize('P') * 8))" 2>$null
        if ($v -eq "3.12 64") { $py = $cand; break }
    } catch {}
}
if (-not $py) {
    Write-Host "Python 3.12 (64-bit) tidak ditemukan. Pasang dari python.org (centang 'Add python.exe to PATH'),"
    Write-Host "atau pakai pemasang rbxl-...-setup.exe yang sudah membawa Python sendiri."
    exit 1
}

Write-Host "Membuat lingkungan Python di $venv ..."
& $py[0] @($py | Select-Object -Skip 1) -m venv $venv
if ($LASTEXITCODE -ne 0) { Write-Host "Gagal membuat $venv."; exit 1 }
$vpy = Join-Path $venv "Scripts\python.exe"
& $vpy -m pip install --no-index --find-links (Join-Path $here "wheels") rbxl
if ($LASTEXITCODE -ne 0) { Write-Host "Gagal memasang rbxl dari folder wheels."; exit 1 }

# the shipped master sits beside the rbxl package, where rbxl looks for it
$site = & $vpy -c "import sysconfig; print(sysconfig.get_paths()['purelib'])"
New-Item -ItemType Directory -Force -Path (Join-Path $site "master") | Out-Null
Copy-Item (Join-Path $here "master\roadmap-rb-blora-2022-2026.xlsx") (Join-Path $site "master") -Force

$scripts = Join-Path $venv "Scripts"
$userPath = [Environment]::GetEnvironmentVariable("Path", "User")
if (-not (($userPath -split ";") -contains $scripts)) {
    [Environment]::SetEnvironmentVariable("Path", (@($scripts, $userPath) -ne "" -join ";"), "User")
}
& (Join-Path $scripts "rbxl.exe") --version
Write-Host "Selesai. Buka jendela Command Prompt atau PowerShell BARU lalu ketik: rbxl --help"
Write-Host "Menghapus: hapus folder $target dan entri $scripts dari PATH pengguna."
