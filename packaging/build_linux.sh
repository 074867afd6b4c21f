#!/usr/bin/env bash
# Build the one-folder Linux application with PyInstaller, then prove the built binary works:
# `--version`, then `demo` to create an encrypted demo database, then `check` on it, a wrong passphrase,
# and finally the desktop app's screens rendered offscreen (proving Qt and its plugins are in the package).
#
#   packaging/build_linux.sh            (from anywhere; uses the checkout's .venv, made by `python3 dev.py test`)
#
# Output: dist/dhr-tracker/ (run dist/dhr-tracker/dhr-tracker). Exit status 0 only if every step passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="$ROOT/.venv/bin/python"

if [[ ! -x "$PYTHON" ]]; then
    echo "No virtual environment at $ROOT/.venv. Run 'python3 dev.py test' once to create it." >&2
    exit 1
fi
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    # The build tool is in requirements/lock.txt, which dev.py installs with --require-hashes.
    echo "PyInstaller is missing from .venv: run 'python3 dev.py test' (it installs requirements/lock.txt)." >&2
    exit 1
fi
echo "== PyInstaller $("$PYTHON" -m PyInstaller --version), Python $("$PYTHON" -c 'import platform; print(platform.python_version())')"

echo "== Building dist/dhr-tracker/"
started=$SECONDS
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" packaging/dhr-tracker.spec
echo "   built in $((SECONDS - started)) s; $(du -sh dist/dhr-tracker | cut -f1) on disk"

BINARY="$ROOT/dist/dhr-tracker/dhr-tracker"
INTERNAL="$ROOT/dist/dhr-tracker/_internal"
for required in \
    "$INTERNAL/resources/reference/agencies.json" \
    "$INTERNAL/resources/icons/app-icon.png" \
    "$INTERNAL/dhr_tracker/storage/migrations/env.py"; do
    [[ -f "$required" ]] || { echo "FAILED: $required is missing from the build." >&2; exit 1; }
done
ls "$INTERNAL"/sqlcipher3/_sqlite3*.so >/dev/null || { echo "FAILED: SQLCipher's native library is missing." >&2; exit 1; }
ls "$INTERNAL"/PySide6/Qt/plugins/platforms/libqoffscreen.so >/dev/null \
    || { echo "FAILED: Qt's offscreen platform plugin is missing." >&2; exit 1; }
echo "   resources, migrations, SQLCipher and Qt platform plugins are in the build"

# Run the built binary from an empty folder, with a scratch HOME, so it cannot lean on the checkout.
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
export HOME="$SCRATCH/home" XDG_DATA_HOME="$SCRATCH/home/.local/share" QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME"
export DHR_TRACKER_PASSPHRASE="packaging check passphrase $(date +%s)"
cd "$SCRATCH"

echo "== $BINARY --version"
"$BINARY" --version

DB="$SCRATCH/demo.dhrdb"
echo "== dhr-tracker demo --db $DB --cases 20"
"$BINARY" demo --db "$DB" --cases 20

if head -c 16 "$DB" | grep -q "SQLite format 3"; then
    echo "FAILED: the demo database is plain SQLite; it must be encrypted." >&2
    exit 1
fi

echo "== dhr-tracker check --db $DB"
"$BINARY" check --db "$DB"

echo "== dhr-tracker cases --db $DB (first lines)"
listing="$("$BINARY" cases --db "$DB")"
printf '%s\n' "$listing" | sed -n 1,5p

echo "== wrong passphrase is refused with exit code 3"
set +e
DHR_TRACKER_PASSPHRASE="not the right passphrase" "$BINARY" check --db "$DB"
status=$?
set -e
[[ $status -eq 3 ]] || { echo "FAILED: expected exit code 3, got $status." >&2; exit 1; }

echo "== dhr-tracker --render-screenshots (the desktop app's screens, offscreen, on a throwaway demo database)"
SHOTS="$SCRATCH/screenshots"
"$BINARY" --render-screenshots "$SHOTS" | sed "s|$SHOTS/||"
count=$(find "$SHOTS" -name '*.png' -size +1k | wc -l)
[[ $count -ge 4 ]] || { echo "FAILED: expected the main screens as PNG files, found $count." >&2; exit 1; }
echo "   $count screens rendered by the packaged Qt"

echo "== PASSED: the packaged build at dist/dhr-tracker/ starts, creates, unlocks and checks an encrypted database"
