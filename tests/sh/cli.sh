#!/usr/bin/env bash
# End-to-end checks of the tatami CLI on the simulated tile: every command
# works, results are checked, bench --json emits well-formed records, and bad
# usage fails with a message instead of crashing.
set -euo pipefail
cd "$(dirname "$0")/../.."
T=${BUILD:-build}/bin/tatami
fail() { echo "FAIL: $*"; exit 1; }

$T --help | grep -i usage >/dev/null || fail "tatami --help"
for c in info selftest gemm bench; do $T $c --help | grep -i usage >/dev/null || fail "tatami $c --help"; done

$T info -d sim: | tee /tmp/tatami-info.$$ | grep '16' >/dev/null || fail "info on sim: does not show the 16x16 array"
rm -f /tmp/tatami-info.$$
$T info -d ref: >/dev/null || fail "info on ref:"

$T selftest -d sim: --count 40 --seed 7 || fail "selftest on sim:"
$T gemm 33 17 40 --trans-a --check -d sim: || fail "gemm --trans-a --check"
$T gemm 5 64 3 --trans-b --accumulate --check -d check:sim: || fail "gemm on check:sim:"

out=$($T bench --json --repeat 1 -d sim:)
echo "$out"
python3 - "$out" <<'PY' || fail "bench --json records"
import json, sys
lines = [l for l in sys.argv[1].splitlines() if l.strip()]
assert len(lines) >= 4, "expected at least 4 cases"
shapes = set()
for l in lines:
    r = json.loads(l)
    for key in ("op", "dtype", "m", "n", "k", "cycles", "busy_cycles", "macs", "utilization", "sim_cycles_per_second"):
        assert key in r, "missing " + key
    assert r["macs"] == r["m"] * r["n"] * r["k"], r
    assert 0 < r["utilization"] <= 1.0, r
    assert abs(r["utilization"] - r["macs"] / (r["cycles"] * 256)) < 1e-6, r
    assert r["busy_cycles"] <= r["cycles"], r
    shapes.add((r["m"], r["n"], r["k"]))
assert (256, 256, 256) in shapes and (16, 16, 16) in shapes and (64, 64, 64) in shapes, shapes
PY

# The board's tile over a modelled UART + FT2232H (packets, latency timer):
# results still right, and the whole job costs more cycles than over the bare
# UART (answers shorter than 510 bytes wait for the latency timer).
$T selftest -d "check:sim:profile=icebreaker,baud=6000000,clock=30000000,ftdi=1" --count 4 --seed 3 \
  || fail "selftest on sim: with the FT2232H model"
job() { $T bench --json --link-bytes 4096 -d "sim:profile=icebreaker,baud=6000000,clock=30000000$1" 2>/dev/null |
        python3 -c 'import json,sys; print([r for r in map(json.loads, sys.stdin) if r.get("op")=="gemm" and r["m"]==16][0]["job_cycles"])'; }
bare=$(job "") ; ftdi=$(job ",ftdi=1")
[ "$ftdi" -gt "$bare" ] || fail "FT2232H model: job cycles $ftdi not above the bare UART's $bare"

# Bad usage: non-zero exit, a message, no crash.
for args in "gemm 0 4 4" "gemm 4 4" "gemm x 4 4" "frobnicate" "info -d nosuch:" "info -d sim:profile=nope" "info -d sim:ftdi=300"; do
  set +e; msg=$($T $args 2>&1); rc=$?; set -e
  [ $rc -ne 0 ] && [ $rc -lt 128 ] || fail "'tatami $args' exit status $rc"
  [ -n "$msg" ] || fail "'tatami $args' printed no message"
done
echo "cli: all checks passed"
