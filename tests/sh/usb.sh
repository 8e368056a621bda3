#!/usr/bin/env bash
# usb: through the CLI without a board (this machine has none; the virtual
# board's end-to-end tests are tests/board): every command fails cleanly
# with TATAMI_ENODEV and a message, bad options with TATAMI_EURI. And the
# link-efficiency part of `tatami bench` on a simulated UART link.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
T=$BUILD/bin/tatami
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect CODE STATUS TEXT -- args: exit status STATUS, stderr has CODE and TEXT
expect() {
  local code=$1 status=$2 text=$3; shift 4
  timeout 60 "$T" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  echo "tatami $* -> exit $rc: $(head -c 300 "$tmp/err")"
  [ "$rc" -eq "$status" ] || fail "tatami $*: exit status $rc, expected $status"
  grep -q "$code" "$tmp/err" || fail "tatami $*: no $code in the message"
  grep -qF "$text" "$tmp/err" || fail "tatami $*: message lacks '$text'"
}

# No board with this product id exists anywhere: every command fails cleanly.
for cmd in "info" "selftest --count 1" "gemm 4 4 4" "bench --json"; do
  # shellcheck disable=SC2086
  expect TATAMI_ENODEV 1 "no FT2232H board (USB 0403:fff0)" -- $cmd -d usb:pid=0xfff0
done
if ! "$T" info -d usb: >/dev/null 2>&1; then
  expect TATAMI_ENODEV 1 "no FT2232H board" -- info -d usb:
  expect TATAMI_ENODEV 1 "no FT2232H board" -- info -d usb:serial=NO-SUCH-BOARD,baud=3000000
fi
expect TATAMI_EURI 1 'unknown option "bogus"' -- info -d usb:bogus=1
expect TATAMI_EURI 1 'bad baud "10000000"' -- info -d usb:baud=10000000
expect TATAMI_EURI 1 'bad port' -- info -d usb:bus=1,port=x

# The link rate reaches tatami_info.
"$T" info -d sim:profile=tiny,baud=3000000,clock=30000000 | grep "link: *UART 3000000 baud" >/dev/null \
  || fail "info does not show the UART link"
"$T" info -d ref: | grep "link: *not a UART" >/dev/null || fail "info on ref: shows a UART"

# bench on a simulated UART link: link efficiency objects, job cycles.
"$T" bench --json --repeat 1 --link-bytes 8192 -d sim:profile=tiny,baud=3000000,clock=30000000 \
  >"$tmp/bench" 2>"$tmp/err" || { cat "$tmp/err"; fail "bench on a UART link"; }
cat "$tmp/bench"
python3 - "$tmp/bench" <<'PY' || fail "bench --json output"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
gemms = [o for o in objs if o["op"] == "gemm"]
links = {o["direction"]: o for o in objs if o["op"] == "link"}
assert gemms and all(o["job_cycles"] and o["job_cycles"] > o["cycles"] for o in gemms), gemms
assert set(links) == {"upload", "download"}, links
for d, o in links.items():
    assert o["bytes"] == 8192 and o["baud"] == 3000000 and o["clock_hz"] == 30000000, o
    # cycles at 30 MHz for 8192 payload bytes at 300,000 bytes/s: >= 819,200
    assert o["cycles"] >= 819200, o
    assert 0.90 <= o["efficiency"] <= 1.0, (d, o["efficiency"])
print("bench link efficiency: upload %.3f, download %.3f" %
      (links["upload"]["efficiency"], links["download"]["efficiency"]))
PY
# No UART, no link objects.
"$T" bench --json --repeat 1 -d ref: | grep '"op":"link"' >/dev/null && fail "bench on ref: measured a link"
echo "usb: all checks passed"
