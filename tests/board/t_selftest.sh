# (a) tatami selftest over the real usb: path: libusb driver -> emulated
# FT2232H -> 8N1 bits -> Verilator model of icebreaker_top.
. "$(dirname "$0")/lib.sh"
vb 600 -- "$TATAMI" selftest -d usb: --seed 1 ${VB_SELFTEST_COUNT:+--count $VB_SELFTEST_COUNT}
[ "$rc" = 0 ] || fail "selftest -d usb: failed"
grep -q "selftest: [0-9]* passed, 0 failed" "$TMP/out" || fail "no selftest summary"
[ "$(stat baud)" = "${VB_BAUD:-6000000}" ] || fail "the driver programmed $(stat baud) baud"
stats_line
vb 120 -- "$TATAMI" info -d usb:
[ "$rc" = 0 ] && grep -q "profile: *icebreaker" "$TMP/out" || fail "tatami info -d usb:"
echo "selftest over usb: ok"
