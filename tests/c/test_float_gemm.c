/* Float GEMMs (protocol 1.1): random GEMMs of every dtype combination on
 * ref: and check:ref: against a naive loop written here from the tatami_num_*
 * primitives, following docs/numerics.md section 5 literally; the sticky
 * flags they set; every check of the GEMM descriptor in the spec's order
 * (through the API and, for what the API cannot send, the model directly);
 * the host-side checks of tatami_gemm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ref_model.h"
#include "tatami_float_util.h"

/* check:sim: runs the RTL (the sim profile has the float engine) and compares
 * every status and readback with ref: as well. */
static const char *const uris[] = {"ref:", "check:ref:", "check:sim:"};

/* ------------------------------------------------------------ naive GEMM */

typedef struct gemm_case {
  uint8_t da, db, dc;
  unsigned ba, bb, bc;
  uint32_t m, n, k, lda, ldb, ldc;
  int ta, tb, acc;
} gemm_case;

/* Stored shapes (docs/protocol.md): A is M x K (K x M with trans_a), B K x N. */
static uint64_t span(uint32_t rows, uint32_t cols, uint32_t ld, uint32_t es) {
  return ((uint64_t)(rows - 1) * ld + cols) * es;
}
static uint64_t a_bytes(const gemm_case *g) {
  return g->ta ? span(g->k, g->m, g->lda, tf_size(g->da)) : span(g->m, g->k, g->lda, tf_size(g->da));
}
static uint64_t b_bytes(const gemm_case *g) {
  return g->tb ? span(g->n, g->k, g->ldb, tf_size(g->db)) : span(g->k, g->n, g->ldb, tf_size(g->db));
}
static uint64_t c_bytes(const gemm_case *g) { return span(g->m, g->n, g->ldc, tf_size(g->dc)); }

/* numerics.md section 5: S = -0; S = add(S, mul(a_k, b_k)) for k in order;
 * with accumulate C = add(C_old, S); stored with RNE. */
static void naive_gemm(tatami_num_ctx *ctx, const gemm_case *g, const uint8_t *a, const uint8_t *b,
                       uint8_t *c) {
  uint32_t sa = tf_size(g->da), sb = tf_size(g->db), sc = tf_size(g->dc);
  for (uint32_t i = 0; i < g->m; i++) {
    for (uint32_t j = 0; j < g->n; j++) {
      uint32_t s = 0x80000000u;
      for (uint32_t k = 0; k < g->k; k++) {
        size_t ai = g->ta ? (size_t)k * g->lda + i : (size_t)i * g->lda + k;
        size_t bi = g->tb ? (size_t)j * g->ldb + k : (size_t)k * g->ldb + j;
        uint32_t p = tatami_num_fp32_mul(ctx, tf_load(a + sa * ai, g->da, g->ba),
                                         tf_load(b + sb * bi, g->db, g->bb));
        s = tatami_num_fp32_add(ctx, s, p);
      }
      uint8_t *cp = c + sc * ((size_t)i * g->ldc + j);
      if (g->acc) s = tatami_num_fp32_add(ctx, tf_load(cp, g->dc, g->bc), s);
      tf_store(ctx, cp, g->dc, g->bc, s, TATAMI_NUM_RNE);
    }
  }
}

/* Upload random A, B, C (padding included), run through tatami_gemm with
 * tensor views, compare C's whole span (padding must be untouched) and the
 * flags with the naive result. */
static void run_case(tatami_device *dev, tatami_num_ctx *ctx, tt_rng *r, const gemm_case *g) {
  uint64_t an = a_bytes(g), bn = b_bytes(g), cn = c_bytes(g);
  uint8_t *a = malloc(an), *b = malloc(bn), *c = malloc(cn), *want = malloc(cn), *got = malloc(cn);
  assert_true(a && b && c && want && got);
  tf_rand_fill(r, a, an / tf_size(g->da), g->da);
  tf_rand_fill(r, b, bn / tf_size(g->db), g->db);
  tf_rand_fill(r, c, cn / tf_size(g->dc), g->dc);
  uint64_t aa, ba, ca;
  assert_int_equal(tatami_malloc(dev, an, &aa), 0);
  assert_int_equal(tatami_malloc(dev, bn, &ba), 0);
  assert_int_equal(tatami_malloc(dev, cn, &ca), 0);
  assert_int_equal(tatami_write(dev, aa, a, an), 0);
  assert_int_equal(tatami_write(dev, ba, b, bn), 0);
  assert_int_equal(tatami_write(dev, ca, c, cn), 0);
  tatami_tensor ta, tb, tc;
  assert_int_equal(tatami_tensor_view(dev, tf_api_dtype(g->da), g->ta ? g->k : g->m,
                                      g->ta ? g->m : g->k, g->lda, aa, &ta), 0);
  assert_int_equal(tatami_tensor_view(dev, tf_api_dtype(g->db), g->tb ? g->n : g->k,
                                      g->tb ? g->k : g->n, g->ldb, ba, &tb), 0);
  assert_int_equal(tatami_tensor_view(dev, tf_api_dtype(g->dc), g->m, g->n, g->ldc, ca, &tc), 0);
  ta.bias = g->ba;
  tb.bias = g->bb;
  tc.bias = g->bc;
  unsigned fl = (g->ta ? TATAMI_TRANS_A : 0) | (g->tb ? TATAMI_TRANS_B : 0) |
                (g->acc ? TATAMI_ACCUMULATE : 0);
  assert_int_equal(tatami_gemm(dev, &ta, &tb, &tc, fl), 0);
  memcpy(want, c, cn);
  naive_gemm(ctx, g, a, b, want);
  int rc = tatami_sync(dev);
  if (rc) fail_msg("gemm: %s: %s", tatami_strerror(rc), tatami_last_error(dev));
  assert_int_equal(tatami_read(dev, ca, got, cn), 0);
  for (uint64_t i = 0; i < cn; i++) {
    if (got[i] != want[i])
      fail_msg("dtypes %u x %u -> %u (biases %u %u %u) %ux%ux%u ta %d tb %d acc %d: C byte %llu "
               "is 0x%02x, expected 0x%02x", g->da, g->db, g->dc, g->ba, g->bb, g->bc, g->m, g->n,
               g->k, g->ta, g->tb, g->acc, (unsigned long long)i, got[i], want[i]);
  }
  unsigned f = tf_flags(dev);
  if (f != ctx->flags) fail_msg("flags 0x%x, expected 0x%x", f, ctx->flags);
  /* Clear them now and then, on both sides, so that later GEMMs' flags count. */
  if (tt_rng_range(r, 0, 1)) {
    unsigned mask = tt_rng_range(r, 0, 31);
    assert_int_equal(tatami_clear_flags(dev, mask), 0);
    tatami_num_clear_flags(ctx, mask);
  }
  assert_int_equal(tatami_free(dev, aa), 0);
  assert_int_equal(tatami_free(dev, ba), 0);
  assert_int_equal(tatami_free(dev, ca), 0);
  free(a), free(b), free(c), free(want), free(got);
}

/* A CFloat8 GEMM on a device without CFloat8: BAD_DTYPE at the sync, C's
 * bytes unchanged. */
static void refused_cf8(tatami_device *dev) {
  const tatami_dtype cf[2] = {TATAMI_CF8_143, TATAMI_CF8_152};
  for (int i = 0; i < 2; i++) {
    tatami_tensor ta, tb, tc;
    assert_int_equal(tatami_tensor_create(dev, cf[i], 2, 2, &ta), 0);
    assert_int_equal(tatami_tensor_create(dev, TATAMI_BF16, 2, 2, &tb), 0);
    assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 2, 2, &tc), 0);
    uint8_t c0[16], c1[16];
    for (int j = 0; j < 16; j++) c0[j] = (uint8_t)(0x5A + j);
    assert_int_equal(tatami_write(dev, tc.addr, c0, sizeof c0), 0);
    assert_int_equal(tatami_gemm(dev, &ta, &tb, &tc, 0), 0);
    assert_int_equal(tatami_sync(dev), TATAMI_EDEV_BAD_DTYPE);
    assert_int_equal(tatami_read(dev, tc.addr, c1, sizeof c1), 0);
    assert_memory_equal(c0, c1, sizeof c0);
    assert_int_equal(tatami_tensor_destroy(&ta), 0);
    assert_int_equal(tatami_tensor_destroy(&tb), 0);
    assert_int_equal(tatami_tensor_destroy(&tc), 0);
  }
}

static void test_random_all_dtypes(void **state) {
  (void)state;
  tt_rng r = {tt_seed("test_random_all_dtypes", 0x11F10A7)};
  const uint8_t ab[3] = {TF_BF16, TF_C143, TF_C152};
  const uint8_t cs[4] = {TF_FP32, TF_BF16, TF_C143, TF_C152};
  int reps = tf_sanitized() ? 2 : 4;
  for (size_t u = 0; u < sizeof uris / sizeof uris[0]; u++) {
    tatami_device *dev;
    assert_int_equal(tatami_open(tf_uri(uris[u]), &dev), 0);
    tatami_num_ctx ctx;
    tf_ctx_reset(&ctx);
    /* A tile without CFloat8 (the iCEBreaker FP variant): BF16 A and B, C in
     * FP32 or BF16; a CFloat8 GEMM there is BAD_DTYPE and writes nothing. */
    tatami_info info;
    assert_int_equal(tatami_get_info(dev, &info), 0);
    int cf8 = (info.dtypes & TATAMI_FEAT_CF8) != 0, nab = cf8 ? 3 : 1, nc = cf8 ? 4 : 2;
    if (!cf8) refused_cf8(dev);
    for (int ia = 0; ia < nab; ia++)
      for (int ib = 0; ib < nab; ib++)
        for (int ic = 0; ic < nc; ic++)
          for (int rep = 0; rep < reps; rep++) {
            gemm_case g = {.da = ab[ia], .db = ab[ib], .dc = cs[ic]};
            g.ba = g.da == TF_BF16 ? 0 : tt_rng_range(&r, 0, 63);
            g.bb = g.db == TF_BF16 ? 0 : tt_rng_range(&r, 0, 63);
            g.bc = g.dc == TF_BF16 || g.dc == TF_FP32 ? 0 : tt_rng_range(&r, 0, 63);
            if (rep == 0) g.ba = g.bb = g.bc = 0;  /* the 40-byte form for same A/B types */
            g.m = tt_rng_range(&r, 1, 7);
            g.n = tt_rng_range(&r, 1, 7);
            g.k = tt_rng_range(&r, 1, 9);
            g.ta = (int)tt_rng_range(&r, 0, 1);
            g.tb = (int)tt_rng_range(&r, 0, 1);
            g.acc = (int)tt_rng_range(&r, 0, 1);
            g.lda = (g.ta ? g.m : g.k) + tt_rng_range(&r, 0, 2);
            g.ldb = (g.tb ? g.k : g.n) + tt_rng_range(&r, 0, 2);
            g.ldc = g.n + tt_rng_range(&r, 0, 2);
            run_case(dev, &ctx, &r, &g);
          }
    tatami_close(dev);
  }
}

/* Random descriptors, valid and not, through check:sim:: the RTL's status
 * (its byte-serial checks with the element sizes) must equal the reference
 * model's for every one (check: fails with TATAMI_EMISMATCH otherwise), and
 * the ones that run must leave identical C bytes (checked by readbacks). */
static void test_random_descriptors_rtl(void **state) {
  (void)state;
  tt_rng r = {tt_seed("test_random_descriptors_rtl", 0xDE5C)};
  tatami_device *dev;
  assert_int_equal(tatami_open(tf_uri("check:sim:"), &dev), 0);
  tatami_info info;
  assert_int_equal(tatami_get_info(dev, &info), 0);
  const uint32_t sram = (uint32_t)info.sram_bytes;   /* B at sram / 16, C at sram / 8 */
  const int cf8 = (info.dtypes & TATAMI_FEAT_CF8) != 0;
  const uint32_t edge[] = {0, 1, 2, 3, 4, 5, 7, 8, 16, 17, 40, 0xFFFFFF, 0x1000000, 0xFFFFFFFF};
  int n = tf_sanitized() ? 60 : 300, ran = 0, statuses[16] = {0};
  for (int t = 0; t < n; t++) {
    tatami_gemm_desc d = {0};
    int pick = (int)tt_rng_range(&r, 0, 9);
    d.dtype_ab = (uint8_t)(pick < 8 ? tt_rng_range(&r, 1, 3) : tt_rng_range(&r, 0, 5));
    d.dtype_b = (uint8_t)(pick < 8 ? tt_rng_range(&r, 1, 3) : tt_rng_range(&r, 0, 5));
    d.dtype_c = (uint8_t)(pick < 8 ? tt_rng_range(&r, 1, 4) : tt_rng_range(&r, 0, 5));
    if (!cf8 && pick < 8) {   /* a tile without CFloat8: mostly its valid types */
      d.dtype_ab = d.dtype_b = 1;
      d.dtype_c = tt_rng_range(&r, 0, 1) ? 1 : 4;
    }
    d.m = tt_rng_range(&r, 1, 24), d.n = tt_rng_range(&r, 1, 24), d.k = tt_rng_range(&r, 1, 24);
    d.flags = (uint8_t)tt_rng_range(&r, 0, 7);
    d.lda = ((d.flags & 1) ? d.m : d.k) + tt_rng_range(&r, 0, 3);
    d.ldb = ((d.flags & 2) ? d.k : d.n) + tt_rng_range(&r, 0, 3);
    d.ldc = d.n + tt_rng_range(&r, 0, 3);
    d.a = tt_rng_range(&r, 0, 4000), d.b = sram / 16 + tt_rng_range(&r, 0, 4000);
    d.c = sram / 8 + tt_rng_range(&r, 0, 4000);
    d.bias_a = (uint8_t)tt_rng_range(&r, 0, 63), d.bias_b = (uint8_t)tt_rng_range(&r, 0, 63);
    d.bias_c = (uint8_t)tt_rng_range(&r, 0, 63);
    /* one field made bad or at an edge, now and then */
    switch (tt_rng_range(&r, 0, 14)) {
      case 0: d.m = edge[tt_rng_range(&r, 0, 13)]; break;
      case 1: d.k = edge[tt_rng_range(&r, 0, 13)]; break;
      case 2: d.lda = d.lda - (uint32_t)tt_rng_range(&r, 0, 2); break;
      case 3: d.ldc = d.ldc - (uint32_t)tt_rng_range(&r, 0, 1); break;
      case 4: d.flags |= (uint8_t)(8u << tt_rng_range(&r, 0, 4)); break;
      case 5: d.bias_c = (uint8_t)tt_rng_range(&r, 60, 255); break;
      case 6: d.c = d.a + (uint32_t)tt_rng_range(&r, 0, 64); break;              /* overlap A? */
      case 7: d.b = d.c + (uint32_t)tt_rng_range(&r, 0, 64); break;              /* overlap B? */
      case 8: d.c = sram - (uint32_t)tt_rng_range(&r, 1, 600); break;            /* range edge */
      case 9: d.a = sram - (uint32_t)tt_rng_range(&r, 1, 300); break;
      case 10: d.ldb = edge[tt_rng_range(&r, 0, 13)]; break;
      default: break;
    }
    int rc = tatami_gemm_desc_run(dev, &d);
    if (rc == 0) rc = tatami_sync(dev);
    if (rc == TATAMI_EMISMATCH) fail_msg("descriptor %d: %s", t, tatami_last_error(dev));
    assert_true(rc == 0 || (rc <= -101 && rc >= -111));
    statuses[rc == 0 ? 0 : -rc - 100]++;
    ran += rc == 0;
    /* read C back (compared with ref: by check:) now and then */
    if (rc == 0 && t % 8 == 0) {
      uint8_t buf[256];
      assert_int_equal(tatami_read(dev, d.c, buf, sizeof buf), 0);
    }
  }
  print_message("%d descriptors: %d ran; BAD_DTYPE %d, BAD_ARG %d, ADDR_RANGE %d, OVERLAP %d\n", n, ran,
                statuses[8], statuses[9], statuses[7], statuses[10]);
  assert_true(ran > 0 && statuses[8] > 0 && statuses[9] > 0 && statuses[7] > 0 && statuses[10] > 0);
  tatami_close(dev);
}

/* The section 5 example: the order of the sum matters, and each product is
 * rounded before it is added. */
static void test_order_and_rounding(void **state) {
  (void)state;
  for (size_t u = 0; u < sizeof uris / sizeof uris[0]; u++) {
    tatami_device *dev;
    assert_int_equal(tatami_open(tf_uri(uris[u]), &dev), 0);
    tatami_tensor a, b, c;
    assert_int_equal(tatami_tensor_create(dev, TATAMI_BF16, 1, 3, &a), 0);
    assert_int_equal(tatami_tensor_create(dev, TATAMI_BF16, 3, 1, &b), 0);
    assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 1, 1, &c), 0);
    /* 2^24, 1, -2^24 (BF16 0x4B80, 0x3F80, 0xCB80) times ones: 2^24 + 1 ties to 2^24. */
    uint16_t av[3] = {0x4B80, 0x3F80, 0xCB80}, bv[3] = {0x3F80, 0x3F80, 0x3F80};
    assert_int_equal(tatami_tensor_upload(&a, av), 0);
    assert_int_equal(tatami_tensor_upload(&b, bv), 0);
    assert_int_equal(tatami_gemm(dev, &a, &b, &c, 0), 0);
    uint32_t cv = 0xDEAD;
    assert_int_equal(tatami_tensor_download(&c, &cv), 0);
    assert_int_equal(cv, 0x00000000u);   /* +0, inexact */
    assert_int_equal(tf_flags(dev), TATAMI_FLAG_INEXACT);
    /* order (2^24, -2^24, 1) gives 1, exactly */
    uint16_t av2[3] = {0x4B80, 0xCB80, 0x3F80};
    assert_int_equal(tatami_clear_flags(dev, TATAMI_FLAG_ALL), 0);
    assert_int_equal(tatami_tensor_upload(&a, av2), 0);
    assert_int_equal(tatami_gemm(dev, &a, &b, &c, 0), 0);
    assert_int_equal(tatami_tensor_download(&c, &cv), 0);
    assert_int_equal(cv, 0x3F800000u);
    assert_int_equal(tf_flags(dev), 0);
    /* accumulate: C = add(C_old, S): 1 + 1 = 2 */
    assert_int_equal(tatami_gemm(dev, &a, &b, &c, TATAMI_ACCUMULATE), 0);
    assert_int_equal(tatami_tensor_download(&c, &cv), 0);
    assert_int_equal(cv, 0x40000000u);
    tatami_close(dev);
  }
}

/* Overflow and NaN flags; clearing by mask. */
static void test_flags(void **state) {
  (void)state;
  for (size_t u = 0; u < sizeof uris / sizeof uris[0]; u++) {
    tatami_device *dev;
    assert_int_equal(tatami_open(tf_uri(uris[u]), &dev), 0);
    assert_int_equal(tf_flags(dev), 0);   /* reset state */
    tatami_tensor a, b, c;
    assert_int_equal(tatami_tensor_create(dev, TATAMI_BF16, 1, 1, &a), 0);
    assert_int_equal(tatami_tensor_create(dev, TATAMI_BF16, 1, 1, &b), 0);
    assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 1, 1, &c), 0);
    uint16_t big = 0x7F7F, two = 0x4000, nan = 0x7FC1;
    assert_int_equal(tatami_tensor_upload(&a, &big), 0);
    assert_int_equal(tatami_tensor_upload(&b, &two), 0);
    assert_int_equal(tatami_gemm(dev, &a, &b, &c, 0), 0);
    uint32_t cv;
    assert_int_equal(tatami_tensor_download(&c, &cv), 0);
    assert_int_equal(cv, 0x7F800000u);
    assert_int_equal(tf_flags(dev), TATAMI_FLAG_OVERFLOW | TATAMI_FLAG_INEXACT);
    assert_int_equal(tatami_clear_flags(dev, TATAMI_FLAG_OVERFLOW), 0);
    assert_int_equal(tf_flags(dev), TATAMI_FLAG_INEXACT);
    assert_int_equal(tatami_tensor_upload(&b, &nan), 0);
    assert_int_equal(tatami_gemm(dev, &a, &b, &c, 0), 0);
    assert_int_equal(tatami_tensor_download(&c, &cv), 0);
    assert_int_equal(cv, 0x7FC00000u);
    assert_int_equal(tf_flags(dev), TATAMI_FLAG_INEXACT | TATAMI_FLAG_INVALID);
    assert_int_equal(tatami_clear_flags(dev, TATAMI_FLAG_ALL), 0);
    assert_int_equal(tf_flags(dev), 0);
    assert_int_equal(tatami_clear_flags(dev, 0x20), TATAMI_EINVAL);   /* host check */
    tatami_close(dev);
  }
}

/* ------------------------------------------------------------ descriptor checks */

#define SRAM 4096u

/* BF16 A (4x4) at 0, BF16 B (4x4) at 256, FP32 C (4x4) at 512. */
static const tatami_gemm_desc base = {.a = 0, .b = 256, .c = 512, .m = 4, .n = 4, .k = 4,
                                      .lda = 4, .ldb = 4, .ldc = 4, .dtype_ab = 1, .dtype_c = 4};

static int run_desc(tatami_device *dev, const tatami_gemm_desc *d) {
  return tf_status(dev, tatami_gemm_desc_run(dev, d));
}

static void test_checks(void **state) {
  (void)state;
  const char *small[] = {"ref:sram=4096", "check:ref:sram=4096"};
  for (size_t u = 0; u < 2; u++) {
    tatami_device *dev;
    assert_int_equal(tatami_open(small[u], &dev), 0);
    tatami_gemm_desc d = base;
    assert_int_equal(run_desc(dev, &d), 0);
    /* 2. data types */
    const uint8_t bad_dt[][3] = {{0, 0, 4}, {1, 1, 0}, {4, 4, 4}, {0, 1, 4}, {1, 0, 0}, {5, 5, 1},
                                 {1, 1, 5}, {2, 3, 0}};
    for (size_t i = 0; i < sizeof bad_dt / sizeof bad_dt[0]; i++) {
      d = base;
      d.dtype_ab = bad_dt[i][0];
      d.dtype_b = bad_dt[i][1];
      d.dtype_c = bad_dt[i][2];
      if (d.dtype_ab == 0 && d.dtype_b == 0) d.bias_a = 1;   /* force the 48-byte form */
      if (run_desc(dev, &d) != TATAMI_EDEV_BAD_DTYPE)
        fail_msg("dtypes %u %u %u: not BAD_DTYPE", d.dtype_ab, d.dtype_b, d.dtype_c);
    }
    /* every allowed float mix passes */
    for (uint8_t a = 1; a <= 3; a++)
      for (uint8_t b = 1; b <= 3; b++)
        for (uint8_t c = 1; c <= 4; c++) {
          d = base;
          d.dtype_ab = a, d.dtype_b = b, d.dtype_c = c;
          assert_int_equal(run_desc(dev, &d), 0);
        }
    /* 2 before 3 */
    d = base;
    d.dtype_c = 0;
    d.flags = 0x08;
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_BAD_DTYPE);
    /* 3. */
    d = base, d.flags = 0x08;
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_BAD_ARG);
    d = base, d.m = 0;
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_BAD_ARG);
    d = base, d.k = 1u << 24;
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_BAD_ARG);
    d = base, d.lda = 3;
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_BAD_ARG);
    d = base, d.flags = TATAMI_TRANS_B, d.n = 5, d.ldb = 4, d.ldc = 5;   /* trans_b: ldb >= k */
    assert_int_equal(run_desc(dev, &d), 0);
    d = base, d.ldc = 3;
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_BAD_ARG);
    d = base, d.bias_b = 64;   /* a BF16 operand's bias is ignored but still <= 63 */
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_BAD_ARG);
    d = base, d.bias_c = 63, d.dtype_c = 2;
    assert_int_equal(run_desc(dev, &d), 0);
    d = base, d.lda = 3, d.a = 0x7FFFFFFF;   /* 3 before 4 */
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_BAD_ARG);
    /* 4. element sizes in the range math: A BF16 4x4 spans 32 bytes */
    d = base, d.a = SRAM - 32, d.c = 0;
    assert_int_equal(run_desc(dev, &d), 0);
    d.a = SRAM - 31;
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_ADDR_RANGE);
    d = base, d.dtype_ab = 2, d.a = SRAM - 16, d.c = 0;   /* CFloat8: 16 bytes */
    assert_int_equal(run_desc(dev, &d), 0);
    d = base, d.c = SRAM - 64;   /* FP32 C: 64 bytes */
    assert_int_equal(run_desc(dev, &d), 0);
    d.c = SRAM - 63;
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_ADDR_RANGE);
    d = base, d.dtype_c = 1, d.ldc = 6, d.c = SRAM - 2 * (3 * 6 + 4);   /* BF16 C with a stride */
    assert_int_equal(run_desc(dev, &d), 0);
    d.c++;
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_ADDR_RANGE);
    d = base, d.b = 0x80000100;   /* a parameter reference outside a program */
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_ADDR_RANGE);
    d = base, d.b = 0xFFFFFFF0;
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_ADDR_RANGE);
    d = base, d.c = SRAM - 60, d.a = 8;   /* 4 before 5 */
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_ADDR_RANGE);
    /* 5. C (64 bytes) ending exactly where A starts, then one byte into it */
    d = base, d.a = 1024, d.c = 1024 - 64;
    assert_int_equal(run_desc(dev, &d), 0);
    d.c++;
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_OVERLAP);
    d = base, d.b = 512 + 63;   /* B starting inside C's last byte */
    assert_int_equal(run_desc(dev, &d), TATAMI_EDEV_OVERLAP);
    d = base, d.b = 0;   /* A and B may overlap */
    assert_int_equal(run_desc(dev, &d), 0);
    tatami_close(dev);
  }
}

/* Length, reserved bytes and byte 39 of the 40-byte form: only the model
 * can be sent such payloads directly. */
static void test_payload_checks(void **state) {
  (void)state;
  tatami_ref *ref = tatami_ref_create(SRAM, 4, 4, 0);
  assert_non_null(ref);
  uint8_t p[64] = {0}, resp[TATAMI_REF_MAX_PAYLOAD];
  size_t rl;
  tatami_ref_put_u32(p + 0, 0);
  tatami_ref_put_u32(p + 4, 256);
  tatami_ref_put_u32(p + 8, 512);
  for (int i = 3; i < 9; i++) tatami_ref_put_u32(p + 4 * i, 4);
  p[37] = 1, p[38] = 4, p[39] = 1;
  for (size_t len = 0; len <= 64; len++) {
    uint8_t st = tatami_ref_exec(ref, TATAMI_REF_OP_GEMM, p, len, resp, &rl);
    assert_int_equal(st, len == 40 || len == 48 ? TATAMI_REF_OK : TATAMI_REF_BAD_LEN);
  }
  p[39] = 0x77;   /* 40 bytes: ignored (dtype_b = dtype_a) */
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_GEMM, p, 40, resp, &rl), TATAMI_REF_OK);
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_GEMM, p, 48, resp, &rl), TATAMI_REF_BAD_DTYPE);
  p[39] = 1;
  for (int i = 43; i < 48; i++) {
    p[i] = 1;
    assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_GEMM, p, 48, resp, &rl), TATAMI_REF_BAD_ARG);
    p[i] = 0;
  }
  /* a 1.0 model: the 48-byte form is BAD_LEN, float types BAD_DTYPE */
  assert_int_equal(tatami_ref_configure(ref, TATAMI_REF_VERSION_1_0, TATAMI_REF_FEAT_ALL), 0);
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_GEMM, p, 48, resp, &rl), TATAMI_REF_BAD_LEN);
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_GEMM, p, 40, resp, &rl), TATAMI_REF_BAD_DTYPE);
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_INFO, NULL, 0, resp, &rl), TATAMI_REF_OK);
  assert_int_equal(resp[0] | resp[1] << 8, 0x0100);
  assert_int_equal(resp[7], 0x01);
  tatami_ref_destroy(ref);
}

/* The same GEMM in the 40- and the 48-byte form; int8 in the 48-byte form. */
static void test_forms_agree(void **state) {
  (void)state;
  tatami_device *dev;
  assert_int_equal(tatami_open("check:ref:", &dev), 0);
  tt_rng r = {77};
  uint8_t buf[1024];
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)tt_rng_next(&r);
  assert_int_equal(tatami_write(dev, 0, buf, sizeof buf), 0);
  tatami_gemm_desc d = {.a = 0, .b = 128, .c = 1024, .m = 5, .n = 6, .k = 7, .lda = 7, .ldb = 6,
                        .ldc = 6, .dtype_ab = 2, .dtype_c = 1};
  uint8_t c40[60], c48[60];
  assert_int_equal(run_desc(dev, &d), 0);
  assert_int_equal(tatami_read(dev, 1024, c40, sizeof c40), 0);
  d.dtype_b = 2;   /* explicit: 48 bytes */
  assert_int_equal(run_desc(dev, &d), 0);
  assert_int_equal(tatami_read(dev, 1024, c48, sizeof c48), 0);
  assert_memory_equal(c40, c48, sizeof c40);
  d.bias_a = 9;   /* and a bias does change the result */
  assert_int_equal(run_desc(dev, &d), 0);
  assert_int_equal(tatami_read(dev, 1024, c48, sizeof c48), 0);
  assert_memory_not_equal(c40, c48, sizeof c40);
  tatami_gemm_desc i8 = {.a = 0, .b = 128, .c = 1024, .m = 5, .n = 6, .k = 7, .lda = 7, .ldb = 6,
                         .ldc = 6};
  uint8_t i40[120], i48[120];
  assert_int_equal(run_desc(dev, &i8), 0);
  assert_int_equal(tatami_read(dev, 1024, i40, sizeof i40), 0);
  i8.bias_c = 5;   /* 48 bytes, biases ignored for int8 */
  assert_int_equal(run_desc(dev, &i8), 0);
  assert_int_equal(tatami_read(dev, 1024, i48, sizeof i48), 0);
  assert_memory_equal(i40, i48, sizeof i40);
  tatami_close(dev);
}

static void test_host_checks(void **state) {
  (void)state;
  tatami_device *dev;
  assert_int_equal(tatami_open("ref:", &dev), 0);
  tatami_tensor i8, bf, f32, c8, i32;
  assert_int_equal(tatami_tensor_create(dev, TATAMI_INT8, 4, 4, &i8), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_BF16, 4, 4, &bf), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 4, 4, &f32), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_CF8_152, 4, 4, &c8), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_INT32, 4, 4, &i32), 0);
  assert_int_equal(tatami_dtype_size(TATAMI_BF16), 2);
  assert_int_equal(tatami_dtype_size(TATAMI_FP32), 4);
  assert_int_equal(tatami_dtype_size(TATAMI_CF8_143), 1);
  assert_int_equal(tatami_dtype_size(TATAMI_CF8_152), 1);
  assert_int_equal(tatami_dtype_size(TATAMI_INT32), 4);
  assert_int_equal(tatami_dtype_size((tatami_dtype)6), 0);
  assert_int_equal(tatami_gemm(dev, &i8, &bf, &f32, 0), TATAMI_EINVAL);
  assert_int_equal(tatami_gemm(dev, &f32, &bf, &f32, 0), TATAMI_EINVAL);
  assert_int_equal(tatami_gemm(dev, &bf, &bf, &i32, 0), TATAMI_EINVAL);
  assert_int_equal(tatami_gemm(dev, &bf, &c8, &f32, 0), 0);
  assert_int_equal(tatami_sync(dev), 0);
  assert_int_equal(tatami_gemm(dev, &bf, &c8, &bf, 0), 0);
  assert_int_equal(tatami_sync(dev), TATAMI_EDEV_OVERLAP);   /* C is A: the device says so */
  c8.bias = 64;
  assert_int_equal(tatami_gemm(dev, &bf, &c8, &f32, 0), TATAMI_EINVAL);
  c8.bias = 63;
  tatami_tensor bf2;
  assert_int_equal(tatami_tensor_create(dev, TATAMI_BF16, 4, 3, &bf2), 0);
  assert_int_equal(tatami_gemm(dev, &bf2, &c8, &f32, 0), TATAMI_ESHAPE);
  assert_int_equal(tatami_gemm(dev, &bf2, &c8, &f32, TATAMI_TRANS_A), TATAMI_ESHAPE);
  assert_int_equal(tatami_sync(dev), 0);
  tatami_close(dev);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_all_dtypes), cmocka_unit_test(test_random_descriptors_rtl),
      cmocka_unit_test(test_order_and_rounding),
      cmocka_unit_test(test_flags),           cmocka_unit_test(test_checks),
      cmocka_unit_test(test_payload_checks),  cmocka_unit_test(test_forms_agree),
      cmocka_unit_test(test_host_checks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
