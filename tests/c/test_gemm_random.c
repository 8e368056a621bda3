/* Random GEMMs on check:sim: (the simulated tile, every readback compared
 * with the reference model by the check: backend), each result also checked
 * against the naive int64 loop of tatami_test_util.h, pads included.
 * Shapes: 1x1x1, K = 1, sizes that are not multiples of R or C, all four
 * transpose combinations, accumulate on and off, padded strides, and once
 * the largest square GEMM that fits in the SRAM.
 * TATAMI_TEST_SEED=N replays a run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tatami.h"
#include "tatami_test_util.h"

/* 1000 random GEMMs; 250 in the sanitizer build (TATAMI_SAN set by
 * tests/run.sh): it looks for memory errors, the plain build for results,
 * and make test's time budget has no room for both at full length. */
#define N_RANDOM 1000
#define N_RANDOM_SAN 250
#define N_RANDOM_SERIAL 300   /* dimensions up to 24: the serial tile does one MAC per ~9 clocks */

typedef struct ctx {
  tatami_device *dev;
  tatami_info info;
  const char *uri;
  tt_rng rng;
  int serial;    /* TATAMI_TEST_SIM: a serial tile (one MAC at a time): smaller GEMMs */
} ctx;

typedef struct gcase {
  uint32_t m, n, k, lda, ldb, ldc;
  unsigned flags;
  int upload_c;  /* write a random initial C (always, with accumulate) */
} gcase;

static int group_setup(void **state) {
  static ctx c;
  static char uri[160];
  /* TATAMI_TEST_SIM=sim:profile=icebreaker-fp: check: of that tile instead */
  const char *e = getenv("TATAMI_TEST_SIM");
  c.serial = e && *e;
  if (c.serial) snprintf(uri, sizeof uri, "check:%s", e);
  else snprintf(uri, sizeof uri, "check:sim:");
  c.uri = uri;
  int rc = tatami_open(c.uri, &c.dev);
  if (rc) {
    fprintf(stderr, "cannot open %s: %s: %s\n", c.uri, tatami_strerror(rc), tatami_open_error());
    return -1;
  }
  tatami_get_info(c.dev, &c.info);
  printf("test_gemm_random on %s (%s, %ux%u array, %llu bytes SRAM)\n", c.uri, c.info.backend,
         c.info.rows, c.info.cols, (unsigned long long)c.info.sram_bytes);
  c.rng.s = tt_seed("test_gemm_random", 0x7A7A3121ull);
  *state = &c;
  return 0;
}

static int group_teardown(void **state) {
  ctx *c = *state;
  tatami_close(c->dev);
  return 0;
}

static void describe(const gcase *g, char *s, size_t n) {
  snprintf(s, n, "%ux%ux%u%s%s%s lda %u ldb %u ldc %u", g->m, g->n, g->k,
           (g->flags & TATAMI_TRANS_A) ? " trans-a" : "", (g->flags & TATAMI_TRANS_B) ? " trans-b" : "",
           (g->flags & TATAMI_ACCUMULATE) ? " accumulate" : "", g->lda, g->ldb, g->ldc);
}

#define CHECK(call)                                                                          \
  do {                                                                                       \
    int rc_ = (call);                                                                        \
    if (rc_) fail_msg("case %d (%s): %s failed: %s: %s", idx, desc, #call,                  \
                      tatami_strerror(rc_), tatami_last_error(c->dev));                      \
  } while (0)

/* Run one case on the device and compare C's whole span with the naive loop. */
static void run_case(ctx *c, const gcase *g, int idx) {
  char desc[128];
  describe(g, desc, sizeof desc);
  int ta = (g->flags & TATAMI_TRANS_A) != 0, tb = (g->flags & TATAMI_TRANS_B) != 0;
  int acc = (g->flags & TATAMI_ACCUMULATE) != 0;
  uint32_t ar = ta ? g->k : g->m, ac = ta ? g->m : g->k;
  uint32_t br = tb ? g->n : g->k, bc = tb ? g->k : g->n;
  size_t alen = (size_t)(ar - 1) * g->lda + ac, blen = (size_t)(br - 1) * g->ldb + bc;
  size_t clen = (size_t)(g->m - 1) * g->ldc + g->n;
  int8_t *a = malloc(alen), *b = malloc(blen);
  int32_t *want = malloc(clen * 4), *got = malloc(clen * 4);
  uint8_t *cbytes = malloc(clen * 4);
  assert_true(a && b && want && got && cbytes);
  tt_rng_fill_i8(&c->rng, a, alen);
  tt_rng_fill_i8(&c->rng, b, blen);
  uint64_t pa, pb, pc;
  CHECK(tatami_malloc(c->dev, alen, &pa));
  CHECK(tatami_malloc(c->dev, blen, &pb));
  CHECK(tatami_malloc(c->dev, clen * 4, &pc));
  CHECK(tatami_write(c->dev, pa, a, alen));
  CHECK(tatami_write(c->dev, pb, b, blen));
  if (g->upload_c || acc) {
    /* Random C, now and then near the int32 limits so accumulate wraps. */
    int extremes = (tt_rng_next(&c->rng) & 3) == 0;
    for (size_t i = 0; i < clen; i++) {
      uint32_t v = (uint32_t)tt_rng_next(&c->rng);
      if (extremes) v = (v & 1) ? 0x7FFFFF00u + (v >> 24) : 0x80000000u + (v >> 24);
      want[i] = (int32_t)v;
    }
    tt_i32_to_le(want, clen, cbytes);
    CHECK(tatami_write(c->dev, pc, cbytes, clen * 4));
  } else if (g->ldc == g->n) {
    memset(want, 0, clen * 4);  /* no pads: every element is overwritten */
  } else {
    /* C's old contents are whatever the SRAM held: read them for the pads. */
    CHECK(tatami_read(c->dev, pc, cbytes, clen * 4));
    tt_le_to_i32(cbytes, clen, want);
  }
  tatami_tensor tA, tB, tC;
  CHECK(tatami_tensor_view(c->dev, TATAMI_INT8, ar, ac, g->lda, pa, &tA));
  CHECK(tatami_tensor_view(c->dev, TATAMI_INT8, br, bc, g->ldb, pb, &tB));
  CHECK(tatami_tensor_view(c->dev, TATAMI_INT32, g->m, g->n, g->ldc, pc, &tC));
  CHECK(tatami_gemm(c->dev, &tA, &tB, &tC, g->flags));
  CHECK(tatami_sync(c->dev));
  /* On check: this read is compared byte for byte with the reference model. */
  CHECK(tatami_read(c->dev, pc, cbytes, clen * 4));
  tt_le_to_i32(cbytes, clen, got);
  tt_naive_gemm(g->m, g->n, g->k, ta, tb, acc, a, g->lda, b, g->ldb, want, g->ldc);
  for (size_t i = 0; i < clen; i++) {
    if (got[i] != want[i])
      fail_msg("case %d (%s): C[%zu][%zu]%s = %d, naive loop says %d (seed: see above)", idx, desc,
               i / g->ldc, i % g->ldc, i % g->ldc >= g->n ? " (pad)" : "", got[i], want[i]);
  }
  CHECK(tatami_free(c->dev, pa));
  CHECK(tatami_free(c->dev, pb));
  CHECK(tatami_free(c->dev, pc));
  free(a);
  free(b);
  free(want);
  free(got);
  free(cbytes);
}

/* A dimension near the array's edges (1, R or C plus or minus one, ...) or
 * anything up to 32, and up to 64 now and then: moderate simulated work. */
static uint32_t pick_dim(ctx *c) {
  uint32_t x = tt_rng_range(&c->rng, 0, 9);
  if (x < 4) {
    uint32_t unit = (tt_rng_next(&c->rng) & 1) ? c->info.rows : c->info.cols;
    const uint32_t cand[8] = {1, 2, unit - 1, unit, unit + 1, 2 * unit - 1, 2 * unit + 1, 3};
    uint32_t v = cand[tt_rng_range(&c->rng, 0, 7)];
    uint32_t cap = c->serial ? 24 : 64;
    return v == 0 ? 1 : v > cap ? cap : v;
  }
  return tt_rng_range(&c->rng, 1, c->serial ? 24 : x == 9 ? 64 : 32);
}

static void test_random_gemms(void **state) {
  ctx *c = *state;
  unsigned seen_flags = 0;
  int k1 = 0, unaligned = 0, padded = 0;
  const int n_random = c->serial ? N_RANDOM_SERIAL : getenv("TATAMI_SAN") ? N_RANDOM_SAN : N_RANDOM;
  for (int t = 0; t < n_random; t++) {
    gcase g;
    if (t == 0) {
      g = (gcase){.m = 1, .n = 1, .k = 1};
    } else {
      g.m = pick_dim(c);
      g.n = pick_dim(c);
      g.k = (t % 10 == 1) ? 1 : pick_dim(c);
    }
    g.flags = t < 8 ? (unsigned)t : (unsigned)(tt_rng_next(&c->rng) & 7);
    uint32_t ac = (g.flags & TATAMI_TRANS_A) ? g.m : g.k;
    uint32_t bc = (g.flags & TATAMI_TRANS_B) ? g.k : g.n;
    int pad = (tt_rng_next(&c->rng) & 1) != 0;
    g.lda = ac + (pad ? tt_rng_range(&c->rng, 0, 5) : 0);
    g.ldb = bc + (pad ? tt_rng_range(&c->rng, 0, 5) : 0);
    g.ldc = g.n + (pad ? tt_rng_range(&c->rng, 0, 5) : 0);
    g.upload_c = (tt_rng_next(&c->rng) & 1) != 0;
    run_case(c, &g, t);
    seen_flags |= 1u << g.flags;
    k1 += g.k == 1;
    unaligned += g.m % c->info.rows != 0 || g.n % c->info.cols != 0;
    padded += g.lda > ac || g.ldb > bc || g.ldc > g.n;
  }
  printf("test_gemm_random: %d GEMMs passed (K=1: %d, not multiples of R/C: %d, padded: %d)\n",
         n_random, k1, unaligned, padded);
  /* The mix really covered what it claims to. */
  assert_int_equal(seen_flags, 0xFF);
  assert_true(k1 >= n_random / 10);
  assert_true((unaligned > 0 || c->info.rows * c->info.cols == 1) && padded > 0);
}

/* The largest square GEMM whose A, B and C (16-byte aligned) fit in SRAM. */
static void test_largest_gemm(void **state) {
  ctx *c = *state;

  uint32_t s = 1;
  for (uint32_t t = 1; t < 4096; t++) {
    uint64_t ab = ((uint64_t)t * t + 15) / 16 * 16, cb = ((uint64_t)t * t * 4 + 15) / 16 * 16;
    if (2 * ab + cb <= c->info.sram_bytes) s = t;
  }
  printf("test_gemm_random: largest GEMM that fits: %ux%ux%u\n", s, s, s);
  gcase g = {.m = s, .n = s, .k = s, .lda = s, .ldb = s, .ldc = s, .flags = 0, .upload_c = 0};
  /* one more element per side would not fit: it really is the largest */
  uint64_t t = s + 1;
  assert_true(2 * ((t * t + 15) / 16 * 16) + (t * t * 4 + 15) / 16 * 16 > c->info.sram_bytes);
  run_case(c, &g, -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_gemms),
      cmocka_unit_test(test_largest_gemm),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
