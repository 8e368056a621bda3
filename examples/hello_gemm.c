/* The smallest useful libtatami program: a 4x3 by 3x2 int8 GEMM on the
 * simulated tile (or any URI given as argv[1]), printed and checked against
 * a plain loop. Build against an installed libtatami with:
 *   cc hello_gemm.c $(pkg-config --cflags --libs tatami) */
#include <stdio.h>
#include <tatami.h>

int main(int argc, char **argv) {
  int8_t a[4 * 3] = {1, 2, 3, 4, 5, 6, -7, 8, -9, 10, 11, 12}, b[3 * 2] = {1, -1, 2, 0, 3, 5};
  int32_t c[4 * 2];
  tatami_device *dev;
  tatami_tensor ta, tb, tc;
  int err = tatami_open(argc > 1 ? argv[1] : "sim:", &dev);
  if (err) return fprintf(stderr, "open: %s: %s\n", tatami_strerror(err), tatami_open_error()), 1;
  if ((err = tatami_tensor_create(dev, TATAMI_INT8, 4, 3, &ta)) ||
      (err = tatami_tensor_create(dev, TATAMI_INT8, 3, 2, &tb)) ||
      (err = tatami_tensor_create(dev, TATAMI_INT32, 4, 2, &tc)) ||
      (err = tatami_tensor_upload(&ta, a)) || (err = tatami_tensor_upload(&tb, b)) ||
      (err = tatami_gemm(dev, &ta, &tb, &tc, 0)) || (err = tatami_tensor_download(&tc, c))) {
    fprintf(stderr, "tatami: %s (%s)\n", tatami_strerror(err), tatami_last_error(dev));
    tatami_close(dev);
    return 1;
  }
  int bad = 0;
  for (int i = 0; i < 4; i++) {
    for (int j = 0; j < 2; j++) {
      int32_t want = 0;
      for (int k = 0; k < 3; k++) want += a[i * 3 + k] * b[k * 2 + j];
      printf("%6d%s", c[i * 2 + j], j == 1 ? "\n" : " ");
      bad |= want != c[i * 2 + j];
    }
  }
  tatami_close(dev);
  puts(bad ? "MISMATCH" : "ok: matches a plain loop");
  return bad;
}
