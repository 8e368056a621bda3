# Gate-level simulation: the same emulator with the board model verilated from
# the synthesized netlist (BOARD_NETLIST_icebreaker, yosys write_verilog) and
# yosys's iCE40 cell models; a short end-to-end selftest through the UART PHY
# shows that what gets flashed behaves like the RTL.
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
# Under tests/run.sh the board's synthesis may be running in the background:
# wait for it (TATAMI_SYN_LOCK) rather than synthesize the same netlist twice.
if [ -n "${TATAMI_SYN_LOCK:-}" ]; then
  flock "$TATAMI_SYN_LOCK" make -s BUILD="$BUILD" vboard-gate
else
  make -s BUILD="$BUILD" vboard-gate
fi || { echo "FAIL: cannot build the gate-level virtual board"; exit 1; }
VB=$BUILD/bin/tatami-vboard-gate
. tests/board/lib.sh
vb 900 -- "$TATAMI" selftest -d usb:timeout=20000 --count "${VB_GATE_COUNT:-2}" --seed 3
[ "$rc" = 0 ] || fail "selftest on the gate-level model"
grep -q "selftest: [0-9]* passed, 0 failed" "$TMP/out" || fail "no selftest summary"
stats_line
echo "gate-level selftest ok"
