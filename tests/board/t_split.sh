# (e) Status bytes at every packet boundary: large READs whose IN transfers
# span many 512-byte packets (usb:packets=32: 16 KiB transfers; the driver's
# default is one packet per transfer, which the last run checks too), with the emulator varying the data per packet
# (full, 1 byte, status only, random). No faults are injected, so any
# mis-stripped status byte shows up as corrupt data or a retransmission.
. "$(dirname "$0")/lib.sh"
for seed in 1 2; do
  vb 120 --split=$seed -- "$CHECK" -d usb:timeout=2000,packets=32 -s $seed rw 40000
  [ "$rc" = 0 ] || fail "READs with varied packet sizes (seed $seed)"
  [ "$(value retransmits)" = 0 ] && [ "$(value bad_responses)" = 0 ] ||
    fail "retransmits $(value retransmits), bad responses $(value bad_responses): data were corrupted"
  [ "$(stat urbs_multi_packet)" -gt 0 ] || fail "no IN transfer spanned several packets"
  [ "$(stat pkt_status_only)" -gt 0 ] && [ "$(stat pkt_short)" -gt 0 ] || fail "no short/status-only packets"
  stats_line
done
vb 120 -- "$CHECK" -d usb:timeout=2000,packets=32 -s 5 rw 40000
[ "$rc" = 0 ] && [ "$(value retransmits)" = 0 ] || fail "large READs with the chip's own packetization"
[ "$(stat max_packets_per_urb)" -gt 2 ] || fail "IN transfers did not span several packets"
stats_line
vb 120 --split=3 -- "$CHECK" -d usb:timeout=2000 -s 6 rw 40000
[ "$rc" = 0 ] && [ "$(value retransmits)" = 0 ] && [ "$(value bad_responses)" = 0 ] ||
  fail "one-packet IN transfers (the default) with varied packet sizes"
stats_line
echo "status bytes stripped right at every packet boundary"
