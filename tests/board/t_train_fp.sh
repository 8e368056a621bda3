# (e) the iCEBreaker FP variant (boards.mk BOARD=icebreaker-fp, tatami-vboard-fp):
# `tatami train -d usb:` over the emulated FT2232H into the Verilator model of
# icebreaker_top with FPU=1 R=1 C=1, every step's loss bit-identical
# (loss_hex) to the same run on ref:. VB_TRAIN_STEPS (default 3) steps of
# batch 8, hidden 16 (the network fits the board's 128 KiB SRAM) in BF16: the
# GEMMs on the tile's serial unit, VEC emulated by libtatami (the variant has
# no vector unit). CFloat8 (not on this tile) must be refused with a clear
# error, not crash or train on something else.
VB=${BUILD:-build}/bin/tatami-vboard-fp
. "$(dirname "$0")/lib.sh"
STEPS=${VB_TRAIN_STEPS:-3}
ARGS="--steps $STEPS --batch 8 --hidden 16 --test-size 16 --json"
run_pair() {   # $1: extra train arguments
  vb 900 -- "$TATAMI" train -d usb: $ARGS $1
  [ "$rc" = 0 ] || fail "train -d usb: $1 failed"
  grep '"step"' "$TMP/out" | sed 's/.*"step":\([0-9]*\).*"loss_hex":"\([^"]*\)".*/\1 \2/' > "$TMP/usb"
  "$TATAMI" train -d ref: $ARGS $1 > "$TMP/ref.out" 2>&1 || fail "train -d ref: $1 failed"
  grep '"step"' "$TMP/ref.out" | sed 's/.*"step":\([0-9]*\).*"loss_hex":"\([^"]*\)".*/\1 \2/' > "$TMP/ref"
  [ "$(wc -l < "$TMP/ref")" = "$STEPS" ] || fail "ref: printed $(wc -l < "$TMP/ref") steps, not $STEPS"
  diff "$TMP/ref" "$TMP/usb" || fail "usb: and ref: losses differ ($1)"
  note "$1: $STEPS steps, every loss_hex equal: $(tr '\n' ' ' < "$TMP/usb")"
}
vb 120 -- "$TATAMI" info -d usb:
[ "$rc" = 0 ] && grep -q "features:.*int8 bf16 flags (0x13)" "$TMP/out" || fail "tatami info -d usb: (FP variant)"
run_pair "--dtype bf16"
vb 120 -- "$TATAMI" train -d usb: $ARGS --dtype cfp8 --round sr
[ "$rc" != 0 ] && [ "$rc" -lt 128 ] && grep -q "lacks what training needs" "$TMP/out" ||
  fail "train --dtype cfp8 on the FP variant (no CFloat8): rc $rc, expected a clear refusal"
note "--dtype cfp8: refused (rc $rc): $(grep -m1 'lacks' "$TMP/out")"
stats_line
echo "train over usb: on the FP variant: bit-identical to ref:"
