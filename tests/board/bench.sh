#!/usr/bin/env bash
# make bench-board: measured on the virtual iCEBreaker, in simulated time
# (the tile's cycle counter at the board clock; docs/vboard.md).
#  1. link efficiency: payload bytes per simulated second / (baud / 10), bulk
#     upload (WRITE frames) and download (READ frames), VB_BENCH_BYTES each
#  2. the same GEMM job (upload A and B, GEMM, download C) on the virtual
#     board and on sim:profile=icebreaker with the UART link modelled at the
#     board's baud and clock: the tile's cycle counts and their ratio
# Simulated cycles are deterministic: every measurement runs twice.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
VB_BAUD=${VB_BAUD:-6000000}
VB_CLOCK_HZ=${VB_CLOCK_HZ:-30000000}
BYTES=${VB_BENCH_BYTES:-65536}
JOB=${VB_BENCH_JOB:-64 64 64}
CHECK=$BUILD/tests/board/vb_check
VB=$BUILD/bin/tatami-vboard
# ftdi=1: sim: also models the FT2232H's packet release with the 1 ms latency
# timer the usb: driver sets (VB_SIM_FTDI=0 compares with the bare UART model).
SIMURI="sim:profile=icebreaker,baud=$VB_BAUD,clock=$VB_CLOCK_HZ,ftdi=${VB_SIM_FTDI:-1}"
USBURI="usb:timeout=5000"
OUT=$BUILD/bench-board
mkdir -p "$OUT"
val() { grep -m1 "^$2=" "$1" | cut -d= -f2; }
runvb() { # file, args...
  local f=$1; shift
  timeout -k 5 1800 umockdev-wrapper "$VB" --stats="$f.stats" -- "$CHECK" "$@" >"$f" 2>&1 ||
    { echo "bench-board: $* failed:"; tail -5 "$f"; return 1; }
}
echo "== virtual iCEBreaker: $VB_BAUD baud, $VB_CLOCK_HZ Hz tile clock, latency timer as the driver sets it"
printf '%-10s %10s %12s %12s %12s %12s\n' run bytes up_cycles up_eff down_cycles down_eff
for r in 1 2; do
  runvb "$OUT/link$r.txt" -d "$USBURI" -b "$VB_BAUD" link "$BYTES" || exit 1
  f=$OUT/link$r.txt
  printf '%-10s %10s %12s %12s %12s %12s\n' "link#$r" "$BYTES" "$(val $f up_cycles)" "$(val $f up_efficiency)" \
    "$(val $f down_cycles)" "$(val $f down_efficiency)"
  [ "$(val $f mismatches)" = 0 ] || { echo "bench-board: data mismatch"; exit 1; }
done
echo
echo "== GEMM job $JOB (upload A, B; GEMM; download C), tile cycles from CLEAR"
printf '%-28s %12s %12s\n' device job_cycles gemm_cycles
for r in 1 2; do
  runvb "$OUT/job$r.txt" -d "$USBURI" job $JOB || exit 1
  printf '%-28s %12s %12s\n' "usb: (virtual board) #$r" "$(val $OUT/job$r.txt job_cycles)" "$(val $OUT/job$r.txt gemm_cycles)"
done
simok=1
for r in 1 2; do
  if timeout 1800 "$CHECK" -d "$SIMURI" job $JOB >"$OUT/simjob$r.txt" 2>&1; then
    printf '%-28s %12s %12s\n' "sim:profile=icebreaker #$r" "$(val $OUT/simjob$r.txt job_cycles)" "$(val $OUT/simjob$r.txt gemm_cycles)"
  else
    simok=0; echo "sim: $SIMURI: $(tail -1 "$OUT/simjob$r.txt")"
  fi
done
if [ "$simok" = 1 ]; then
  awk -v a="$(val $OUT/job1.txt job_cycles)" -v b="$(val $OUT/simjob1.txt job_cycles)" \
      -v g="$(val $OUT/job1.txt gemm_cycles)" -v h="$(val $OUT/simjob1.txt gemm_cycles)" \
      'BEGIN { printf "ratio virtual board / sim: job %.4f (%+.2f%%), gemm %.4f\n", a / b, 100 * (a / b - 1), g / h }'
fi

echo
echo "== tatami bench --json (the CLI's own link and job measurements)"
for dev in "$USBURI" "$SIMURI"; do
  f=$OUT/bench-$(echo "$dev" | cut -d: -f1).json
  if [ "${dev%%:*}" = usb ]; then
    timeout -k 5 3600 umockdev-wrapper "$VB" -- "$BUILD/bin/tatami" -d "$dev" bench --json --repeat 1 >"$f" 2>&1
  else
    timeout -k 5 3600 "$BUILD/bin/tatami" -d "$dev" bench --json --repeat 1 >"$f" 2>&1
  fi || { echo "tatami bench -d $dev failed: $(tail -1 "$f")"; continue; }
  grep '"op":"link"' "$f" | sed 's/^/  /'
  grep '"op":"gemm"' "$f" | sed -E 's/.*"m":([0-9]+),"n":([0-9]+),"k":([0-9]+),"cycles":([0-9]+).*"job_cycles":([0-9a-z]+).*/  gemm \1x\2x\3: gemm cycles \4, job cycles \5/' 
done
