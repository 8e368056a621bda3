/* Verilator side of the simulator speed comparison: replays the same hex
 * byte stream as icarus_tb.sv through tatami_sim (the tiny profile, as
 * icarus_tb.sv instantiates it; another profile as the third argument),
 * with the same stop rule (everything sent, tile idle for 64 cycles), and
 * prints the simulated cycles and wall-clock seconds. With a second
 * argument it also writes the tile's response bytes there (hex), so the two
 * simulators' outputs can be compared byte for byte. */
#include "tatami_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  if (argc < 2 || argc > 4) {
    fprintf(stderr, "usage: %s STREAM.hex [RESPONSES.hex [PROFILE]]\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "r");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  unsigned v;
  while (buf && fscanf(f, "%x", &v) == 1) {
    if (n == cap) buf = realloc(buf, cap *= 2);
    if (buf) buf[n++] = (uint8_t)v;
  }
  fclose(f);
  tatami_sim *s = tatami_sim_create(argc == 4 ? argv[3] : "tiny");
  if (!buf || !s) {
    fprintf(stderr, "out of memory or no sim profile\n");
    return 1;
  }
  struct timespec t0, t1;
  uint64_t c0 = tatami_sim_cycles(s), quiet = 0, out = 0;
  uint8_t sink[256];
  FILE *out_f = argc >= 3 ? fopen(argv[2], "w") : NULL;  /* response bytes, hex */
  if (argc >= 3 && !out_f) {
    perror(argv[2]);
    return 1;
  }
  clock_gettime(CLOCK_MONOTONIC, &t0);
  tatami_sim_push(s, buf, n);
  while (quiet < 64) {
    tatami_sim_run(s, 1);
    size_t got = tatami_sim_pull(s, sink, sizeof sink);
    for (size_t i = 0; out_f && i < got; i++) fprintf(out_f, "%02x\n", sink[i]);
    out += got;
    quiet = tatami_sim_idle(s) ? quiet + 1 : 0;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double sec = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  uint64_t cyc = tatami_sim_cycles(s) - c0 - 64;
  printf("verilator: cycles=%llu bytes_in=%zu bytes_out=%llu seconds=%.3f cycles_per_second=%.0f\n",
         (unsigned long long)cyc, n, (unsigned long long)out, sec, (double)(cyc + 64) / sec);
  if (out_f) fclose(out_f);
  tatami_sim_destroy(s);
  free(buf);
  return 0;
}
