#!/usr/bin/env bash
# 'make deps' as a user who is neither root nor a sudoer, with a package
# missing: it must print the exact apt-get command and stop with an error,
# not try to install or carry on. (Runs only where we are root and can
# switch to the unprivileged 'nobody' user, as in CI.)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
  echo "deps: needs root to switch to 'nobody'"; exit 1
fi
tmp=$(mktemp -d); chmod 777 "$tmp"
trap 'rm -rf "$tmp"' EXIT
set +e
out=$(su -s /bin/bash nobody -c "make -C '$PWD' --no-print-directory BUILD='$tmp/b' DEB_PACKAGES='make tatami-no-such-package' deps" 2>&1)
rc=$?
set -e
echo "$out"
[ $rc -ne 0 ] || { echo "FAIL: make deps succeeded with a missing package"; exit 1; }
# (here-strings, not echo | grep -q: with pipefail, grep -q's early exit can
# kill echo with SIGPIPE and fail a check that matched)
grep -q "apt-get update && apt-get install -y --no-install-recommends tatami-no-such-package" <<<"$out" \
  || { echo "FAIL: no exact apt-get command"; exit 1; }
grep -q "installing" <<<"$out" && { echo "FAIL: tried to install as non-root"; exit 1; }
[ ! -e "$tmp/b/.deps-ok" ] || { echo "FAIL: marked deps as done"; exit 1; }
echo "deps: non-root path prints the command and stops"
