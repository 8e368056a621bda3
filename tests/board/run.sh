#!/usr/bin/env bash
# make test-board: every virtual-board test (tests/board/t_*.sh), one
# PASS/FAIL line each, then "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LOGDIR=$BUILD/test-logs
mkdir -p "$LOGDIR"
pass=0; fail=0
for s in tests/board/t_*.sh; do
  name=vboard-$(basename "$s" .sh | sed 's/^t_//')
  t0=$(date +%s)
  if BUILD=$BUILD bash "$s" >"$LOGDIR/$name.log" 2>&1; then
    pass=$((pass+1)); printf 'PASS  %-40s %4ss\n' "$name" $(( $(date +%s) - t0 ))
  else
    fail=$((fail+1)); printf 'FAIL  %-40s %4ss  (log: %s)\n' "$name" $(( $(date +%s) - t0 )) "$LOGDIR/$name.log"
    tail -n 15 "$LOGDIR/$name.log" | sed 's/^/      | /'
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
