#!/usr/bin/env bash
# `make install` into a temporary prefix, then build an out-of-tree program
# against the installed copy with pkg-config (shared, and static from
# libtatami.a) and run it: it opens ref: (and sim: if it is available),
# runs a GEMM and checks it against a plain loop.
set -euo pipefail
# (no `producer | grep -q`: grep -q exits at the first match, the producer may
# die of SIGPIPE, and pipefail then turns a match into a failure)
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
fail() { echo "FAIL: $*"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
P=$tmp/prefix

make -s BUILD="$BUILD" install PREFIX="$P" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "make install PREFIX=$P"; }

# What must be there.
for f in include/tatami.h lib/libtatami.a lib/libtatami.so.1.0.0 lib/pkgconfig/tatami.pc bin/tatami; do
  [ -f "$P/$f" ] || fail "$f not installed"
done
[ -L "$P/lib/libtatami.so.1" ] && [ "$(readlink "$P/lib/libtatami.so.1")" = libtatami.so.1.0.0 ] \
  || fail "lib/libtatami.so.1 is not a symlink to libtatami.so.1.0.0"
[ -L "$P/lib/libtatami.so" ] && [ "$(readlink "$P/lib/libtatami.so")" = libtatami.so.1 ] \
  || fail "lib/libtatami.so is not a symlink to libtatami.so.1"
readelf -d "$P/lib/libtatami.so.1.0.0" | grep 'SONAME.*\[libtatami\.so\.1\]' >/dev/null \
  || fail "the shared library's SONAME is not libtatami.so.1"
ar t "$P/lib/libtatami.a" | grep 'device\.o' >/dev/null || fail "libtatami.a does not hold the host code"
ar t "$P/lib/libtatami.a" | grep 'ft2232h\.o' >/dev/null || fail "libtatami.a does not hold the USB driver"

# The udev rule for the boards: $(PREFIX)/lib/udev/rules.d by default (UDEVDIR=...
# moves it), mode 0644, the same text as driver/60-tatami.rules, group plugdev,
# MODE 0660 (not world-writable), uaccess.
rules=$P/lib/udev/rules.d/60-tatami.rules
[ -f "$rules" ] || fail "lib/udev/rules.d/60-tatami.rules not installed"
[ "$(stat -c %a "$rules")" = 644 ] || fail "60-tatami.rules has mode $(stat -c %a "$rules"), not 644"
cmp -s "$rules" driver/60-tatami.rules || fail "installed 60-tatami.rules differs from driver/60-tatami.rules"
rule=$(grep -v '^#' "$rules" | grep -v '^$')
[ "$(echo "$rule" | wc -l)" = 1 ] || fail "60-tatami.rules: expected one rule"
for want in 'SUBSYSTEM=="usb"' 'ATTR{idVendor}=="0403"' 'ATTR{idProduct}=="6010"' \
            'GROUP="plugdev"' 'MODE="0660"' 'TAG+="uaccess"'; do
  echo "$rule" | grep -qF "$want" || fail "60-tatami.rules lacks $want"
done
echo "$rule" | grep -q 'MODE="0[0-7][0-7][2367]"' && fail "60-tatami.rules makes the board world-writable"
make -s BUILD="$BUILD" install PREFIX="$tmp/p2" UDEVDIR=/etc/udev/rules.d DESTDIR="$tmp/dest" \
  >"$tmp/install2.log" 2>&1 || { cat "$tmp/install2.log"; fail "make install UDEVDIR=... DESTDIR=..."; }
[ -f "$tmp/dest/etc/udev/rules.d/60-tatami.rules" ] || fail "UDEVDIR/DESTDIR not honoured for the udev rule"
"$P/bin/tatami" info -d ref: | grep 'ref' >/dev/null || fail "installed tatami CLI does not run"

cat >"$tmp/prog.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <tatami.h>

/* A 5x3 by 3x7 GEMM (B given transposed) with accumulate, checked against a loop. */
static int run(const char *uri) {
  enum { M = 5, K = 3, N = 7 };
  int8_t a[M * K], bt[N * K];
  int32_t c[M * N], want[M * N];
  for (int i = 0; i < M * K; i++) a[i] = (int8_t)(i * 37 - 100);
  for (int i = 0; i < N * K; i++) bt[i] = (int8_t)(90 - i * 11);
  for (int i = 0; i < M * N; i++) c[i] = want[i] = 1000 * i - 7;
  tatami_device *dev;
  int err = tatami_open(uri, &dev);
  if (err == TATAMI_EUNSUPPORTED && !strcmp(uri, "sim:")) {
    printf("%s: not available (%s), skipped\n", uri, tatami_open_error());
    return 0;
  }
  if (err) return fprintf(stderr, "open %s: %s: %s\n", uri, tatami_strerror(err), tatami_open_error()), 1;
  tatami_tensor ta, tb, tc;
  if ((err = tatami_tensor_create(dev, TATAMI_INT8, M, K, &ta)) ||
      (err = tatami_tensor_create(dev, TATAMI_INT8, N, K, &tb)) ||
      (err = tatami_tensor_create(dev, TATAMI_INT32, M, N, &tc)) ||
      (err = tatami_tensor_upload(&ta, a)) || (err = tatami_tensor_upload(&tb, bt)) ||
      (err = tatami_tensor_upload(&tc, c)) ||
      (err = tatami_gemm(dev, &ta, &tb, &tc, TATAMI_TRANS_B | TATAMI_ACCUMULATE)) ||
      (err = tatami_sync(dev)) || (err = tatami_tensor_download(&tc, c))) {
    fprintf(stderr, "%s: %s (%s)\n", uri, tatami_strerror(err), tatami_last_error(dev));
    tatami_close(dev);
    return 1;
  }
  tatami_close(dev);
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) {
      for (int k = 0; k < K; k++) want[i * N + j] += a[i * K + k] * bt[j * K + k];
      if (c[i * N + j] != want[i * N + j])
        return fprintf(stderr, "%s: C[%d][%d] = %d, expected %d\n", uri, i, j, c[i * N + j],
                       want[i * N + j]), 1;
    }
  printf("%s ok\n", uri);
  return 0;
}

int main(void) { return run("ref:") | run("sim:"); }
C

export PKG_CONFIG_PATH=$P/lib/pkgconfig
pkg-config --exists tatami || fail "pkg-config does not find tatami.pc"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror "$tmp/prog.c" -o "$tmp/prog" $(pkg-config --cflags --libs tatami) \
  || fail "building against the installed shared library"
ldd "$tmp/prog" | grep "$P/lib/libtatami.so.1" >/dev/null || { ldd "$tmp/prog"; fail "prog is not linked to the installed libtatami.so.1"; }
"$tmp/prog" || fail "program against the shared library"

# Static: the archive plus the private libraries the .pc names.
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror "$tmp/prog.c" -o "$tmp/prog-static" $(pkg-config --cflags tatami) \
  "$P/lib/libtatami.a" $(pkg-config --static --libs-only-l tatami | sed 's/-ltatami//') -pthread \
  || fail "building against the installed static library"
ldd "$tmp/prog-static" | grep libtatami >/dev/null && fail "prog-static still needs libtatami.so"
"$tmp/prog-static" || fail "program against the static library"
echo "install: all checks passed"
