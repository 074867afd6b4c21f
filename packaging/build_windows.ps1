# Build the one-folder Windows application with PyInstaller, then check the built program.
# Run in PowerShell from the checkout, on a Windows 10/11 build machine with Python 3.11+ (64-bit):
#
#   powershell -ExecutionPolicy Bypass -File packaging\build_windows.ps1
#
# Output: dist\dhr-tracker\ holding "DHR Tracker.exe" (the desktop app, no console window),
# dhr-tracker.exe (the command line) and _internal\. Copy the whole folder to install it.
$ErrorActionPreference = "Stop"
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root

if (-not (Test-Path ".venv\Scripts\python.exe")) {
    py -3.11 -m venv .venv
}
$Python = Join-Path $Root ".venv\Scripts\python.exe"
# Exactly the files CI tested (requirements/lock.txt, every file checked against its hash; PyInstaller is in it),
# then the program itself without dependencies or an isolated build environment.
& $Python -m pip install --disable-pip-version-check --quiet --require-hashes --no-deps -r requirements\lock.txt
if ($LASTEXITCODE -ne 0) { throw "Installing the locked dependencies failed." }
& $Python -m pip install --disable-pip-version-check --quiet --no-deps --no-build-isolation -e .
if ($LASTEXITCODE -ne 0) { throw "Installing DHR Tracker failed." }

& $Python -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller packaging\dhr-tracker.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed." }

$Cli = Join-Path $Root "dist\dhr-tracker\dhr-tracker.exe"
$Scratch = Join-Path $env:TEMP ("dhr-tracker-build-check-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $Scratch | Out-Null
try {
    $env:DHR_TRACKER_PASSPHRASE = "packaging check passphrase " + (Get-Random)
    $Db = Join-Path $Scratch "demo.dhrdb"
    & $Cli --version;                       if ($LASTEXITCODE -ne 0) { throw "--version failed." }
    & $Cli demo --db $Db --cases 20;        if ($LASTEXITCODE -ne 0) { throw "demo failed." }
    & $Cli check --db $Db;                  if ($LASTEXITCODE -ne 0) { throw "check failed." }
    Write-Host "PASSED: dist\dhr-tracker\ starts, creates, unlocks and checks an encrypted database."
} finally {
    Remove-Item Env:\DHR_TRACKER_PASSPHRASE
    Remove-Item -Recurse -Force $Scratch
}
