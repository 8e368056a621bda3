# (c) The board disappears mid-transfer (after N bulk bytes, or at the Nth
# URB): a clean TATAMI_EIO-style error, no hang, no crash.
. "$(dirname "$0")/lib.sh"
for opt in --unplug-after-bytes=5 --unplug-after-bytes=3000 --unplug-after-bytes=26000 \
           --unplug-after-urbs=12; do
  vb 60 "$opt" -- "$CHECK" -d usb: rw 16384
  [ "$rc" = 2 ] || fail "$opt: expected a device error (status 2), got $rc"
  [ "$(stat unplugged)" = 1 ] || fail "$opt: the emulator did not unplug"
  grep -q "TATAMI_EIO\|TATAMI_ENODEV" "$TMP/out" || fail "$opt: error is not TATAMI_EIO/ENODEV"
done
echo "unplug ok"
