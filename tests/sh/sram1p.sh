#!/usr/bin/env bash
# tatami_sram1p outside the tile: Verilator -Wall lint of each configuration
# (IMPL=0 with TATAMI_ICE40 on yosys's SPRAM cell model, IMPL=1 with W=4 and
# W=6, and ARB=0 on both), IMPL=0 without TATAMI_ICE40 must not build (no
# silent fallback), and yosys synth_ice40 must map the banks to SB_SPRAM256KA
# / SB_RAM40_4K and stay within the area budget, with the arbiter (ARB=1) and
# in the board's single-request mode (ARB=0) (the behaviour is tested by
# tests/rtl/tb_sram1p).
set -euo pipefail
cd "$(dirname "$0")/../.."
CELLS=${ICE40_CELLS_SIM:-/usr/share/yosys/ice40/cells_sim.v}
SRC=rtl/tatami_sram1p.sv
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The vendor cell library is not ours to lint.
printf '`verilator_config\nlint_off -file "%s"\n' "$CELLS" >"$TMP/cells.vlt"
lint() {  # lint NAME ARGS...
  local name=$1; shift
  if ! verilator --lint-only -Wall --top-module tatami_sram1p "$@" >"$TMP/lint.log" 2>&1 \
     || [ -s "$TMP/lint.log" ]; then
    cat "$TMP/lint.log"; fail "lint $name"
  fi
  echo "lint clean: $name"
}
lint "IMPL=0 BYTES=131072 W=4" -DTATAMI_ICE40 -DNO_ICE40_DEFAULT_ASSIGNMENTS "$TMP/cells.vlt" "$CELLS" $SRC
lint "IMPL=1 BYTES=8192 W=4" -GIMPL=1 -GBYTES=8192 $SRC
lint "IMPL=1 BYTES=4096 W=6" -GIMPL=1 -GBYTES=4096 -GW=6 $SRC
lint "IMPL=0 BYTES=131072 W=4 ARB=0" -GARB=0 -DTATAMI_ICE40 -DNO_ICE40_DEFAULT_ASSIGNMENTS "$TMP/cells.vlt" "$CELLS" $SRC
lint "IMPL=1 BYTES=8192 W=4 ARB=0" -GARB=0 -GIMPL=1 -GBYTES=8192 $SRC

# IMPL=0 needs TATAMI_ICE40: both tools must refuse it without the define.
if verilator --lint-only --top-module tatami_sram1p $SRC >"$TMP/v.log" 2>&1; then
  fail "verilator accepted IMPL=0 without TATAMI_ICE40"
fi
grep -q needs_TATAMI_ICE40 "$TMP/v.log" || { cat "$TMP/v.log"; fail "verilator: unexpected error"; }
if yosys -q -p "read_verilog -sv $SRC; hierarchy -check -top tatami_sram1p" >"$TMP/y.log" 2>&1; then
  fail "yosys accepted IMPL=0 without TATAMI_ICE40"
fi
grep -q needs_TATAMI_ICE40 "$TMP/y.log" || { cat "$TMP/y.log"; fail "yosys: unexpected error"; }
echo "IMPL=0 without TATAMI_ICE40: refused by verilator and yosys"

synth() {  # synth IMPL BYTES RAMCELL RAMCOUNT MAXLUT MAXFF [ARB]
  local arb=${7:-1}
  yosys -q -p "read_verilog -DTATAMI_ICE40 -sv $SRC; \
    chparam -set IMPL $1 -set BYTES $2 -set W 4 -set ARB $arb tatami_sram1p; \
    synth_ice40 -top tatami_sram1p; tee -q -o $TMP/stat.txt stat" >"$TMP/s.log" 2>&1 \
    || { cat "$TMP/s.log"; fail "synth IMPL=$1 ARB=$arb"; }
  local luts ffs rams
  luts=$(awk '$1 == "SB_LUT4" {print $2}' "$TMP/stat.txt")
  ffs=$(awk '$1 ~ /^SB_DFF/ {n += $2} END {print n + 0}' "$TMP/stat.txt")
  rams=$(awk -v c="$3" '$1 == c {print $2}' "$TMP/stat.txt")
  echo "synth IMPL=$1 BYTES=$2 W=4 ARB=$arb: $luts SB_LUT4, $ffs FFs, ${rams:-0} $3"
  [ "${rams:-0}" = "$4" ] || fail "IMPL=$1 ARB=$arb: expected $4 $3"
  [ "$luts" -le "$5" ] || fail "IMPL=$1 ARB=$arb: $luts LUTs > $5"
  [ "$ffs" -le "$6" ] || fail "IMPL=$1 ARB=$arb: $ffs FFs > $6"
}
synth 0 131072 SB_SPRAM256KA 4 520 250
synth 1 8192 SB_RAM40_4K 16 520 250
# ARB=0 (the iCEBreaker board tile): no latches or hold registers; only the
# request register (valid, write, 17-bit address, 32-bit data, 4 byte
# enables) and the read offset: 58 flops.
synth 0 131072 SB_SPRAM256KA 4 330 60 0
