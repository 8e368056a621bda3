# A wrong baud divisor garbles the bytes on the wires: a host at 3 Mbaud, or at
# 12 Mbaud (the default before the boards moved to 6 Mbaud), against the
# 6 Mbaud board must fail with a clear error, in bounded time, never with
# wrong results; the emulator must have run the host's bit period.
. "$(dirname "$0")/lib.sh"
clock=${VB_CLOCK_HZ:-30000000}
board=${VB_BAUD:-6000000}
for b in 3000000 12000000; do
  [ "$b" != "$board" ] || continue
  vb 120 -- "$TATAMI" selftest -d usb:baud=$b --count 2 --seed 1
  [ "$rc" != 0 ] || fail "a $b baud host talked to a $board baud board"
  grep -q MISMATCH "$TMP/out" && fail "wrong results instead of an error ($b baud)"
  grep -qi "TATAMI_ETIMEOUT\|no answer\|baud" "$TMP/out" || fail "the error does not say what went wrong ($b baud)"
  [ "$(stat baud)" = "$b" ] || fail "the emulator saw $(stat baud) baud, not $b"
  # the bit period in board clocks, as a reduced fraction
  want=$(python3 -c "from fractions import Fraction as F; f = F($clock, $b); print(f'{f.numerator}/{f.denominator}')")
  [ "$(stat bit_period)" = "$want" ] || fail "bit period $(stat bit_period) cycles at $b baud, expected $want"
done
echo "wrong divisor fails cleanly"
