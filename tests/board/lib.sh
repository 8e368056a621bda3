# Helpers for the virtual-board tests (tests/board/t_*.sh), sourced by them.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BUILD=${BUILD:-build}
VB=${VB:-$BUILD/bin/tatami-vboard}
TATAMI=$BUILD/bin/tatami
CHECK=$BUILD/tests/board/vb_check
ECHO=$BUILD/tests/board/ftdi_echo
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vboard-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
for f in "$VB" "$TATAMI" "$CHECK" "$ECHO"; do
  [ -x "$f" ] || { echo "missing $f (make vboard)"; exit 1; }
done

fail() { echo "FAIL: $*"; exit 1; }
note() { echo "-- $*"; }

# vb SECONDS [tatami-vboard options] -- command...: run under the virtual
# board, bounded in time; output in $TMP/out, status in $rc, wall time in $secs
vb() {
  local t=$1; shift
  local t0=$(date +%s.%N)
  timeout -k 5 "$t" umockdev-wrapper "$VB" --stats="$TMP/stats" "$@" >"$TMP/out" 2>&1
  rc=$?
  secs=$(echo "$(date +%s.%N) - $t0" | bc)
  sed 's/^/   | /' "$TMP/out" | tail -n 25
  note "exit status $rc after ${secs}s"
  [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || fail "did not finish within ${t}s (hang)"
  [ "$rc" -lt 128 ] || fail "killed by signal $((rc - 128)) (crash)"
}
# value KEY: from the command's key=value output;  stat KEY: from the emulator
value() { grep -m1 "^$1=" "$TMP/out" | cut -d= -f2; }
stat() { grep -m1 "^$1=" "$TMP/stats" 2>/dev/null | cut -d= -f2; }
stats_line() { tr '\n' ' ' < "$TMP/stats"; echo; }
