# A wrong baud divisor garbles the bytes on the wires: usb:baud=3000000
# against the 12 Mbaud board must fail with a clear error, in bounded time,
# never with wrong results.
. "$(dirname "$0")/lib.sh"
vb 120 -- "$TATAMI" selftest -d usb:baud=3000000 --count 2 --seed 1
[ "$rc" != 0 ] || fail "a 3 Mbaud host talked to a 12 Mbaud board"
grep -q MISMATCH "$TMP/out" && fail "wrong results instead of an error"
grep -qi "TATAMI_ETIMEOUT\|no answer\|baud" "$TMP/out" || fail "the error does not say what went wrong"
[ "$(stat baud)" = 3000000 ] || fail "the emulator saw $(stat baud) baud, not 3000000"
[ "$(stat bit_period)" = "12/1" ] || fail "bit period $(stat bit_period) cycles, expected 12"
echo "wrong divisor fails cleanly"
