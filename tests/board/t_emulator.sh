# The emulator itself, with a wire loopback as the board: bytes must come back
# intact at several baud rates (the divisor decoded, fractional bit periods)
# and with random packet splitting; and a client that strips status bytes
# only once per transfer must be caught.
. "$(dirname "$0")/lib.sh"
for b in 12000000 6000000 3000000 921600; do
  vb 60 --model=loopback -- "$ECHO" -b "$b" -n 4000
  [ "$rc" = 0 ] || fail "loopback at $b baud"
  [ "$(stat baud)" = "$b" ] || [ "$b" = 921600 ] || fail "emulator decoded baud $(stat baud), not $b"
done
vb 60 --model=loopback --split=11 -- "$ECHO" -n 5000
[ "$rc" = 0 ] || fail "loopback with random packet sizes"
[ "$(stat pkt_status_only)" -gt 0 ] && [ "$(stat pkt_short)" -gt 0 ] || fail "split mode made no short/status-only packets"
vb 60 --model=loopback -- "$ECHO" -n 20000 -W
[ "$rc" = 1 ] || fail "a client that strips the status bytes wrongly was not caught (status $rc)"
echo "emulator ok"
