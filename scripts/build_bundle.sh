#!/usr/bin/env bash
# Build the one-folder Caucus bundle with PyInstaller (build.spec) into build/dist, then check that
# the built program runs: --version, --smoke (offscreen), and import + verify + a PDF report on a
# temp workspace.
# Exits non-zero on any failure. Uses .venv (scripts/setup) unless PYTHON names another Python.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}

if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  echo "bundle: installing pyinstaller into $("$PY" -c 'import sys; print(sys.prefix)')"
  "$PY" -m pip install -q --disable-pip-version-check "pyinstaller>=6.3" 2>&1 | grep -v "is ignored" || true
  "$PY" -c "import PyInstaller" || { echo "bundle: pyinstaller did not install" >&2; exit 1; }
fi

version=$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
dist=build/dist/caucus-$version
exe=$dist/caucus

started=$(date +%s)
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath build/dist --workpath build/work build.spec
built=$(date +%s)
[ -x "$exe" ] || { echo "bundle: $exe was not built" >&2; exit 1; }

# the checks run in a throwaway home: no user file, setting or keychain is touched (and no keyring
# backend or phrase of the caller's: a frozen program cannot import a backend from PYTHONPATH)
unset PYTHONPATH PYTHON_KEYRING_BACKEND CAUCUS_JOIN_PHRASE CAUCUS_TEST_KEYRING
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data XDG_CACHE_HOME=$tmp/cache
export CAUCUS_CONFIG_DIR=$tmp/config/caucus CAUCUS_WORKSPACE=$tmp/default.caucus
export QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME"

fail() { echo "bundle: FAILED: $*" >&2; exit 1; }

out=$("$exe" --version) || fail "--version exited $?"
echo "bundle: --version → $out"
[[ "$out" == *"$version"* ]] || fail "--version says '$out', expected $version"

out=$("$exe" --smoke 2>&1) || fail "--smoke exited $?: $out"
echo "bundle: --smoke → $(grep -m1 smoke: <<<"$out")"

"$exe" --workspace "$tmp/w.caucus" import resources/demo-scenario.json 2>"$tmp/import.err" \
  || { cat "$tmp/import.err" >&2; fail "import"; }
# a new workspace names its join phrase once (there is no keychain here to keep it): verify needs it
phrase=$(sed -n 's/^caucus: join phrase (hand it to your teammates): //p' "$tmp/import.err")
[ -n "$phrase" ] && export CAUCUS_JOIN_PHRASE=$phrase
"$exe" --workspace "$tmp/w.caucus" verify || fail "verify"
# the report uses reportlab and its fonts: they must be in the bundle too
"$exe" --workspace "$tmp/w.caucus" export --pdf "$tmp/report.pdf" --csv "$tmp/acts.csv" \
  || fail "export --pdf"
[ -s "$tmp/report.pdf" ] || fail "the PDF report is empty"
checked=$(date +%s)

size=$(du -sh "$dist" | cut -f1)
echo "bundle: OK $dist ($size) · build $((built - started)) s · checks $((checked - built)) s"
