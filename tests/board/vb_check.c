/* vb_check: workloads over libtatami for the virtual-board tests and
 * benchmarks. Every mode checks its results on the host and prints the tile
 * and host link counters as key=value lines, so scripts can judge them.
 *
 *   vb_check -d URI gemm M N K [-r REPEAT] [-s SEED]
 *       random int8 A, B; C = A*B on the device; compared with a plain loop
 *   vb_check -d URI rw BYTES [-s SEED]
 *       write BYTES of random data to SRAM, read them back, compare
 *   vb_check -d URI link BYTES [-r REPEAT]
 *       link efficiency: cycles (tile counter) to upload, then to download,
 *       BYTES of payload; efficiency = bytes / seconds / (baud / 10)
 *   vb_check -d URI job M N K
 *       one GEMM job from cleared counters: upload A and B, GEMM, download C;
 *       prints the tile's cycles for the whole job and for the GEMM
 * Options: -b BAUD (the link's baud for the efficiency; default 6000000, the
 * usb: driver's default).
 * Exit 0 if every result was right, 1 if not, 2 if the device failed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tatami.h>

static uint64_t rng_state = 1;
static uint64_t rnd(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

static void print_counters(const char *prefix, tatami_device *d) {
  tatami_counters c;
  if (tatami_get_counters(d, &c) != 0) return;
  printf("%scycles=%" PRIu64 "\n%slast_gemm_cycles=%" PRIu64 "\n%sframes_ok=%" PRIu64 "\n"
         "%sframes_err=%" PRIu64 "\n%sframes_dup=%" PRIu64 "\n%srx_overrun=%" PRIu64 "\n"
         "%stx_frames=%" PRIu64 "\n%sretransmits=%" PRIu64 "\n%stimeouts=%" PRIu64 "\n"
         "%sbad_responses=%" PRIu64 "\n",
         prefix, c.cycles, prefix, c.last_gemm_cycles, prefix, c.frames_ok, prefix, c.frames_err,
         prefix, c.frames_dup, prefix, c.rx_overrun, prefix, c.tx_frames, prefix, c.retransmits,
         prefix, c.timeouts, prefix, c.bad_responses);
}

static int fail(tatami_device *d, const char *what, int rc) {
  fprintf(stderr, "vb_check: %s failed: %s: %s\n", what, tatami_strerror(rc),
          d ? tatami_last_error(d) : tatami_open_error());
  return 2;
}

static int do_gemm(tatami_device *d, uint32_t m, uint32_t n, uint32_t k, unsigned repeat, int job) {
  int8_t *a = malloc((size_t)m * k), *b = malloc((size_t)k * n);
  int32_t *c = malloc((size_t)m * n * 4), *ref = malloc((size_t)m * n * 4);
  if (!a || !b || !c || !ref) return 2;
  tatami_tensor ta, tb, tc;
  int rc, bad = 0;
  for (unsigned r = 0; r < repeat; r++) {
    for (size_t i = 0; i < (size_t)m * k; i++) a[i] = (int8_t)rnd();
    for (size_t i = 0; i < (size_t)k * n; i++) b[i] = (int8_t)rnd();
    for (uint32_t i = 0; i < m; i++)
      for (uint32_t j = 0; j < n; j++) {
        int32_t s = 0;
        for (uint32_t x = 0; x < k; x++) s += (int32_t)a[(size_t)i * k + x] * b[(size_t)x * n + j];
        ref[(size_t)i * n + j] = s;
      }
    if ((rc = tatami_tensor_create(d, TATAMI_INT8, m, k, &ta)) ||
        (rc = tatami_tensor_create(d, TATAMI_INT8, k, n, &tb)) ||
        (rc = tatami_tensor_create(d, TATAMI_INT32, m, n, &tc)))
      return fail(d, "allocating", rc);
    if (job && (rc = tatami_clear_counters(d))) return fail(d, "clear", rc);
    if ((rc = tatami_tensor_upload(&ta, a)) || (rc = tatami_tensor_upload(&tb, b)))
      return fail(d, "upload", rc);
    if ((rc = tatami_gemm(d, &ta, &tb, &tc, 0))) return fail(d, "gemm", rc);
    memset(c, 0x5A, (size_t)m * n * 4);
    if ((rc = tatami_tensor_download(&tc, c))) return fail(d, "download", rc);
    if (job) {
      tatami_counters cn;
      if ((rc = tatami_get_counters(d, &cn))) return fail(d, "counters", rc);
      printf("job_cycles=%" PRIu64 "\ngemm_cycles=%" PRIu64 "\n", cn.cycles, cn.last_gemm_cycles);
    }
    for (size_t i = 0; i < (size_t)m * n; i++)
      if (c[i] != ref[i]) {
        if (bad < 5)
          fprintf(stderr, "vb_check: MISMATCH gemm %ux%ux%u C[%zu] = %" PRId32 ", expected %" PRId32 "\n",
                  m, n, k, i, c[i], ref[i]);
        bad++;
      }
    tatami_tensor_destroy(&tc);
    tatami_tensor_destroy(&tb);
    tatami_tensor_destroy(&ta);
  }
  free(a);
  free(b);
  free(c);
  free(ref);
  printf("mismatches=%d\n", bad);
  return bad ? 1 : 0;
}

static int do_rw(tatami_device *d, size_t bytes) {
  uint8_t *w = malloc(bytes), *r = malloc(bytes);
  uint64_t addr;
  int rc;
  if (!w || !r) return 2;
  for (size_t i = 0; i < bytes; i++) w[i] = (uint8_t)rnd();
  memset(r, 0xA5, bytes);
  if ((rc = tatami_malloc(d, bytes, &addr))) return fail(d, "malloc", rc);
  if ((rc = tatami_write(d, addr, w, bytes))) return fail(d, "write", rc);
  if ((rc = tatami_read(d, addr, r, bytes))) return fail(d, "read", rc);
  size_t bad = 0;
  for (size_t i = 0; i < bytes; i++) bad += w[i] != r[i];
  printf("rw_bytes=%zu\nmismatches=%zu\n", bytes, bad);
  tatami_free(d, addr);
  free(w);
  free(r);
  return bad ? 1 : 0;
}

static int do_link(tatami_device *d, size_t bytes, unsigned repeat, double baud) {
  tatami_info in;
  uint8_t *w = malloc(bytes), *r = malloc(bytes);
  uint64_t addr;
  int rc;
  if (!w || !r) return 2;
  if ((rc = tatami_get_info(d, &in))) return fail(d, "info", rc);
  if ((rc = tatami_malloc(d, bytes, &addr))) return fail(d, "malloc", rc);
  for (size_t i = 0; i < bytes; i++) w[i] = (uint8_t)rnd();
  double line = baud / 10.0;
  int bad = 0;
  for (unsigned k = 0; k < repeat; k++) {
    tatami_counters c0, c1, c2;
    if ((rc = tatami_get_counters(d, &c0))) return fail(d, "counters", rc);
    if ((rc = tatami_write(d, addr, w, bytes)) || (rc = tatami_sync(d))) return fail(d, "write", rc);
    if ((rc = tatami_get_counters(d, &c1))) return fail(d, "counters", rc);
    if ((rc = tatami_read(d, addr, r, bytes))) return fail(d, "read", rc);
    if ((rc = tatami_get_counters(d, &c2))) return fail(d, "counters", rc);
    if (memcmp(w, r, bytes) != 0) bad = 1;
    double up_s = (double)(c1.cycles - c0.cycles) / (double)in.clock_hz;
    double down_s = (double)(c2.cycles - c1.cycles) / (double)in.clock_hz;
    printf("link_bytes=%zu\nup_cycles=%" PRIu64 "\ndown_cycles=%" PRIu64 "\n"
           "up_bytes_per_s=%.0f\ndown_bytes_per_s=%.0f\nup_efficiency=%.4f\ndown_efficiency=%.4f\n",
           bytes, c1.cycles - c0.cycles, c2.cycles - c1.cycles, (double)bytes / up_s,
           (double)bytes / down_s, (double)bytes / up_s / line, (double)bytes / down_s / line);
  }
  tatami_free(d, addr);
  free(w);
  free(r);
  printf("mismatches=%d\n", bad);
  return bad;
}

int main(int argc, char **argv) {
  const char *uri = "sim:";
  unsigned repeat = 1;
  double baud = 6000000;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i += 2) {
    if (i + 1 >= argc) break;
    if (!strcmp(argv[i], "-d")) uri = argv[i + 1];
    else if (!strcmp(argv[i], "-r")) repeat = (unsigned)strtoul(argv[i + 1], NULL, 0);
    else if (!strcmp(argv[i], "-s")) rng_state = strtoull(argv[i + 1], NULL, 0) * 2654435761u + 1;
    else if (!strcmp(argv[i], "-b")) baud = strtod(argv[i + 1], NULL);
    else break;
  }
  if (i >= argc) {
    fprintf(stderr, "usage: vb_check [-d URI] [-r N] [-s SEED] [-b BAUD] gemm M N K | rw BYTES | "
                    "link BYTES | job M N K\n");
    return 2;
  }
  const char *mode = argv[i++];
  tatami_device *d;
  int rc = tatami_open(uri, &d);
  if (rc) return fail(NULL, "open", rc);
  if (!strcmp(mode, "gemm") && i + 3 <= argc)
    rc = do_gemm(d, (uint32_t)atoi(argv[i]), (uint32_t)atoi(argv[i + 1]), (uint32_t)atoi(argv[i + 2]),
                 repeat, 0);
  else if (!strcmp(mode, "job") && i + 3 <= argc)
    rc = do_gemm(d, (uint32_t)atoi(argv[i]), (uint32_t)atoi(argv[i + 1]), (uint32_t)atoi(argv[i + 2]), 1, 1);
  else if (!strcmp(mode, "rw") && i + 1 <= argc)
    rc = do_rw(d, (size_t)strtoul(argv[i], NULL, 0));
  else if (!strcmp(mode, "link") && i + 1 <= argc)
    rc = do_link(d, (size_t)strtoul(argv[i], NULL, 0), repeat, baud);
  else {
    fprintf(stderr, "vb_check: bad mode or arguments\n");
    rc = 2;
  }
  if (rc != 2) print_counters("", d);
  tatami_close(d);
  return rc;
}
