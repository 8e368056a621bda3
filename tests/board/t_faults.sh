# (b) Line faults: the emulator drops, duplicates and corrupts UART bytes in
# both directions; the protocol must still deliver right results, and the
# host must report retransmissions.
. "$(dirname "$0")/lib.sh"
vb 300 --faults=0.001 --seed=7 -- "$CHECK" -d usb: -s 3 gemm 24 20 28 -r 2
[ "$rc" = 0 ] || fail "GEMMs with line faults"
[ "$(value mismatches)" = 0 ] || fail "wrong results"
[ "$(value retransmits)" -gt 0 ] || fail "no retransmits reported"
f=$(( $(stat faults_drop) + $(stat faults_dup) + $(stat faults_corrupt) ))
[ "$f" -gt 0 ] || fail "no faults injected"
note "faults injected: $f, host retransmits: $(value retransmits)"
vb 300 --faults=0.0005 --seed=9 -- "$TATAMI" selftest -d usb: --count 6 --seed 2
[ "$rc" = 0 ] || fail "selftest with line faults"
echo "faults ok"
