# (d) A board that stops answering: FPGA held in reset, or its TX line stuck
# high or low (a break). A clean timeout error in bounded time.
. "$(dirname "$0")/lib.sh"
vb 60 --stall=reset -- "$TATAMI" info -d usb:
[ "$rc" != 0 ] || fail "a board held in reset answered"
grep -q "TATAMI_ETIMEOUT" "$TMP/out" || fail "no timeout error"
for opt in "--stall=tx-high --stall-after=3000" "--stall=tx-low --stall-after=3000" \
           "--stall=reset --stall-after=9000"; do
  vb 90 $opt -- "$CHECK" -d usb:timeout=100 rw 16384
  [ "$rc" = 2 ] || fail "$opt: expected a device error, got $rc"
  grep -q "TATAMI_ETIMEOUT" "$TMP/out" || fail "$opt: no timeout error"
done
echo "stalled boards fail cleanly"
