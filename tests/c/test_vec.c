/* The vector unit (protocol 1.1 VEC) and the numeric state commands
 * (FLAGS, CLEAR_FLAGS, SEED): every op through the API wrappers against an
 * independent per-element loop (docs/protocol.md VEC, docs/numerics.md
 * section 8) over random operands, dtypes, strides, in-place updates and
 * rounding modes; stochastic rounding's reproducibility and draw count;
 * the descriptor checks in the spec's order; the host-side checks; a 1.0
 * device's answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ref_model.h"
#include "tatami_float_util.h"

#define SRAM 65536u
static const char *const uris[] = {"ref:sram=65536", "check:ref:sram=65536"};

/* ------------------------------------------------------------ naive VEC */

typedef struct operand {
  uint8_t dt, bias;
  uint32_t addr, ld, rows;
} operand;

static uint8_t *at(uint8_t *img, const operand *o, uint32_t i, uint32_t j) {
  return img + o->addr + tf_size(o->dt) * ((size_t)i * o->ld + j);
}

/* x' (numerics.md 8): x read as a multiply reads it: x * 1 is exactly x with
 * a denormal flushed (D) and a NaN made canonical (I), and nothing else. */
static uint32_t prime(tatami_num_ctx *ctx, uint32_t x) { return tatami_num_fp32_mul(ctx, x, 0x3F800000u); }
static int is_nan32(uint32_t v) { return (v & 0x7F800000u) == 0x7F800000u && (v & 0x7FFFFFu); }

/* Apply op to the host image img, as docs/protocol.md's table says. */
static void naive_vec(tatami_num_ctx *ctx, uint8_t *img, int op, uint32_t m, uint32_t n,
                      const uint32_t s[3], int sr, const operand *x, const operand *y,
                      const operand *z, const operand *w) {
  tatami_num_round mode = sr ? TATAMI_NUM_SR : TATAMI_NUM_RNE;
  if (op == TATAMI_VEC_ROWSUM) {
    for (uint32_t j = 0; j < n; j++) {
      uint32_t acc = 0x80000000u;
      for (uint32_t i = 0; i < m; i++)
        acc = tatami_num_fp32_add(ctx, acc, tf_load(at(img, x, i, j), x->dt, x->bias));
      tf_store(ctx, at(img, z, 0, j), z->dt, z->bias, acc, mode);
    }
    return;
  }
  for (uint32_t i = 0; i < m; i++) {
    for (uint32_t j = 0; j < n; j++) {
      uint32_t xv = tf_load(at(img, x, i, j), x->dt, x->bias), yv = 0, r = 0;
      if (y) yv = tf_load(at(img, y, op == TATAMI_VEC_BIAS ? 0 : i, j), y->dt, y->bias);
      switch (op) {
      case TATAMI_VEC_ADD: r = tatami_num_fp32_add(ctx, xv, yv); break;
      case TATAMI_VEC_SUB: r = tatami_num_fp32_sub(ctx, xv, yv); break;
      case TATAMI_VEC_MUL: r = tatami_num_fp32_mul(ctx, xv, yv); break;
      case TATAMI_VEC_SCALE: r = tatami_num_fp32_mul(ctx, xv, s[0]); break;
      case TATAMI_VEC_BIAS: r = tatami_num_fp32_add(ctx, xv, yv); break;
      case TATAMI_VEC_RELU: {
        uint32_t p = prime(ctx, xv);
        r = is_nan32(p) || !(p >> 31) ? p : 0;
        break;
      }
      case TATAMI_VEC_RELU_BWD: {
        uint32_t p = prime(ctx, xv), q = prime(ctx, yv);
        r = !is_nan32(q) && !(q >> 31) && q != 0 ? p : 0;
        break;
      }
      case TATAMI_VEC_CONVERT: r = prime(ctx, xv); break;
      case TATAMI_VEC_SGD: {
        uint32_t zv = tf_load(at(img, z, i, j), z->dt, 0);
        uint32_t g = tatami_num_fp32_add(ctx, xv, tatami_num_fp32_mul(ctx, s[2], zv));
        uint32_t v = tatami_num_fp32_add(ctx, tatami_num_fp32_mul(ctx, s[1], yv), g);
        uint32_t z2 = tatami_num_fp32_sub(ctx, zv, tatami_num_fp32_mul(ctx, s[0], v));
        tf_store(ctx, at(img, y, i, j), TF_FP32, 0, v, mode);
        tf_store(ctx, at(img, z, i, j), TF_FP32, 0, z2, mode);
        tf_store(ctx, at(img, w, i, j), w->dt, w->bias, z2, mode);
        continue;
      }
      }
      tf_store(ctx, at(img, z, i, j), z->dt, z->bias, r, mode);
    }
  }
}

static void view(tatami_device *dev, const operand *o, uint32_t cols, tatami_tensor *t) {
  assert_int_equal(tatami_tensor_view(dev, tf_api_dtype(o->dt), o->rows, cols, o->ld, o->addr, t), 0);
  t->bias = o->bias;
}

static uint32_t rand_scalar(tt_rng *r) {
  uint8_t b[4];
  tf_rand_elem(r, b, TF_FP32);
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static float as_float(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}

static void random_ops(const char *uri, tt_rng *r, int iters) {
  tatami_device *dev;
  assert_int_equal(tatami_open(uri, &dev), 0);
  static uint8_t img[SRAM], got[SRAM];
  tf_rand_fill(r, img, SRAM, TF_C143);   /* any bytes */
  assert_int_equal(tatami_write(dev, 0, img, SRAM), 0);
  tatami_num_ctx ctx;
  tf_ctx_reset(&ctx);
  for (int it = 0; it < iters; it++) {
    int op = (int)tt_rng_range(r, 1, 10);
    uint32_t m = tt_rng_range(r, 1, 6), n = tt_rng_range(r, 1, 6);
    int sr = (int)tt_rng_range(r, 0, 1);
    operand o[4];
    for (int i = 0; i < 4; i++) {
      o[i].dt = (uint8_t)tt_rng_range(r, 1, 4);
      o[i].bias = o[i].dt == TF_C143 || o[i].dt == TF_C152 ? (uint8_t)tt_rng_range(r, 0, 63) : 0;
      o[i].ld = n + tt_rng_range(r, 0, 3);
      o[i].rows = m;
      o[i].addr = 0x1000u * (uint32_t)(1 + 2 * i + (int)tt_rng_range(r, 0, 1)) + tt_rng_range(r, 0, 64);
    }
    operand *x = &o[0], *y = &o[1], *z = &o[2], *w = &o[3];
    if (op == TATAMI_VEC_BIAS) y->rows = 1;
    if (op == TATAMI_VEC_ROWSUM) z->rows = 1;
    if (op == TATAMI_VEC_SGD) y->dt = z->dt = TF_FP32, y->bias = z->bias = 0;
    int elementwise = op != TATAMI_VEC_BIAS && op != TATAMI_VEC_ROWSUM && op != TATAMI_VEC_SGD;
    if (elementwise && tt_rng_range(r, 0, 3) == 0) *z = *x;   /* in place */
    int no_low = op == TATAMI_VEC_SGD && tt_rng_range(r, 0, 2) == 0;
    if (no_low) *w = *z;   /* tatami_sgd without w_low writes W over Z */
    uint32_t s[3] = {rand_scalar(r), rand_scalar(r), rand_scalar(r)};
    if (tt_rng_range(r, 0, 2) == 0) {
      uint32_t seed = (uint32_t)tt_rng_next(r);
      if (tt_rng_range(r, 0, 3) == 0) seed = 0;
      assert_int_equal(tatami_seed(dev, seed), 0);
      tatami_num_seed(&ctx, seed);
    }
    tatami_tensor tx, ty, tz, tw;
    view(dev, x, n, &tx);
    view(dev, y, n, &ty);
    view(dev, z, n, &tz);
    view(dev, w, n, &tw);
    unsigned fl = sr ? TATAMI_ROUND_SR : 0;
    int rc = -1;
    switch (op) {
    case TATAMI_VEC_ADD: rc = tatami_add(dev, &tz, &tx, &ty, fl); break;
    case TATAMI_VEC_SUB: rc = tatami_sub(dev, &tz, &tx, &ty, fl); break;
    case TATAMI_VEC_MUL: rc = tatami_mul(dev, &tz, &tx, &ty, fl); break;
    case TATAMI_VEC_SCALE: rc = tatami_scale(dev, &tz, &tx, as_float(s[0]), fl); break;
    case TATAMI_VEC_BIAS: rc = tatami_bias_add(dev, &tz, &tx, &ty, fl); break;
    case TATAMI_VEC_RELU: rc = tatami_relu(dev, &tz, &tx, fl); break;
    case TATAMI_VEC_RELU_BWD: rc = tatami_relu_backward(dev, &tz, &tx, &ty, fl); break;
    case TATAMI_VEC_ROWSUM: rc = tatami_row_sum(dev, &tz, &tx, fl); break;
    case TATAMI_VEC_CONVERT: rc = tatami_convert(dev, &tz, &tx, fl); break;
    case TATAMI_VEC_SGD:
      rc = tatami_sgd(dev, &tz, &ty, no_low ? NULL : &tw, &tx, as_float(s[0]), as_float(s[1]),
                      as_float(s[2]), fl);
      break;
    }
    assert_int_equal(rc, 0);
    rc = tatami_sync(dev);
    if (rc) fail_msg("op %d: %s: %s", op, tatami_strerror(rc), tatami_last_error(dev));
    int has_y = op == TATAMI_VEC_ADD || op == TATAMI_VEC_SUB || op == TATAMI_VEC_MUL ||
                op == TATAMI_VEC_BIAS || op == TATAMI_VEC_RELU_BWD || op == TATAMI_VEC_SGD;
    naive_vec(&ctx, img, op, m, n, s, sr, x, has_y ? y : NULL, z, w);
    /* Compare the written operands' regions (and, now and then, all of SRAM). */
    int full = it % 16 == 15;
    uint32_t lo = full ? 0 : 0x1000, hi = full ? SRAM : 0x9000;
    assert_int_equal(tatami_read(dev, lo, got + lo, hi - lo), 0);
    for (uint32_t a = lo; a < hi; a++)
      if (got[a] != img[a])
        fail_msg("%s: iteration %d op %d %ux%u sr %d dtypes x%u y%u z%u w%u: SRAM 0x%x is 0x%02x, "
                 "expected 0x%02x", uri, it, op, m, n, sr, x->dt, y->dt, z->dt, w->dt, a, got[a],
                 img[a]);
    unsigned f = tf_flags(dev);
    if (f != ctx.flags) fail_msg("%s: iteration %d op %d: flags 0x%x, expected 0x%x", uri, it, op, f, ctx.flags);
    if (tt_rng_range(r, 0, 2) == 0) {
      assert_int_equal(tatami_clear_flags(dev, TATAMI_FLAG_ALL), 0);
      tatami_num_clear_flags(&ctx, TATAMI_NUM_FLAGS_ALL);
    }
  }
  tatami_close(dev);
}

static void test_random_ops(void **state) {
  (void)state;
  tt_rng r = {tt_seed("test_vec_random_ops", 0xFEC7)};
  for (size_t u = 0; u < sizeof uris / sizeof uris[0]; u++) random_ops(uris[u], &r, tf_sanitized() ? 120 : 400);
  /* the RTL vector unit, every result and flag compared with ref: by check: */
  /* (TATAMI_TEST_SIM=sim:profile=icebreaker-fp has no vector unit: libtatami
   * emulates VEC over the simulated link, fast: many more) */
  int rtl_iters = getenv("TATAMI_TEST_SIM") ? 150 : 15;
  random_ops(tf_uri("check:sim:"), &r, tf_sanitized() ? 4 : rtl_iters);
}

/* Random VEC descriptors, valid and not, on the RTL through check:: the
 * tile's status (its checks 2..5 in order) must equal the reference model's
 * for every one (check: fails with TATAMI_EMISMATCH otherwise), and the ones
 * that run must leave identical bytes (readbacks, compared by check:). */
static void test_random_descriptors_rtl(void **state) {
  (void)state;
  tt_rng r = {tt_seed("test_vec_random_descriptors_rtl", 0x5EC7)};
  tatami_device *dev;
  assert_int_equal(tatami_open(tf_uri("check:sim:"), &dev), 0);
  tatami_info info;
  assert_int_equal(tatami_get_info(dev, &info), 0);
  const uint32_t sram = (uint32_t)info.sram_bytes;
  const uint32_t edge[] = {0, 1, 2, 3, 5, 16, 0xFFFFFF, 0x1000000, 0xFFFFFFFF};
  /* 120 at least: every status below must turn up whatever the seed (40 missed
   * ADDR_RANGE now and then: about 3 % of seeds) */
  int n = getenv("TATAMI_TEST_SIM") ? 600 : 120, ran = 0;
  int statuses[16] = {0};
  for (int t = 0; t < n; t++) {
    tatami_vec_desc d = {0};
    d.op = (uint8_t)(tt_rng_range(&r, 0, 15) ? tt_rng_range(&r, 1, 10) : tt_rng_range(&r, 0, 12));
    d.flags = (uint8_t)tt_rng_range(&r, 0, 1);
    d.m = tt_rng_range(&r, 1, 6), d.n = tt_rng_range(&r, 1, 6);
    for (int k = 0; k < 3; k++) d.s[k] = rand_scalar(&r);
    tatami_vec_operand *o[4] = {&d.x, &d.y, &d.z, &d.w};
    for (int k = 0; k < 4; k++) {
      o[k]->dtype = (uint8_t)(tt_rng_range(&r, 0, 9) ? tt_rng_range(&r, 1, 4) : tt_rng_range(&r, 0, 6));
      o[k]->bias = (uint8_t)tt_rng_range(&r, 0, 63);
      o[k]->ld = d.n + tt_rng_range(&r, 0, 2);
      o[k]->addr = 0x400u * (uint32_t)(1 + 2 * k) + tt_rng_range(&r, 0, 64);
    }
    if (d.op == TATAMI_VEC_SGD && tt_rng_range(&r, 0, 3)) d.y.dtype = d.z.dtype = TF_FP32;
    /* one field made bad, in place or at an edge, now and then */
    switch (tt_rng_range(&r, 0, 17)) {
      case 0: d.m = edge[tt_rng_range(&r, 0, 8)]; break;
      case 1: d.n = edge[tt_rng_range(&r, 0, 8)]; break;
      case 2: o[tt_rng_range(&r, 0, 3)]->ld = d.n - (uint32_t)tt_rng_range(&r, 0, 2); break;
      case 3: o[tt_rng_range(&r, 0, 3)]->bias = (uint8_t)tt_rng_range(&r, 60, 255); break;
      case 4: d.flags = (uint8_t)tt_rng_range(&r, 0, 255); break;
      case 5: *o[2] = *o[0]; break;                                          /* Z in place of X */
      case 6: d.z.addr = d.x.addr + (uint32_t)tt_rng_range(&r, 0, 40); break; /* overlap? */
      case 7: d.w.addr = d.z.addr + (uint32_t)tt_rng_range(&r, 0, 40); break;
      case 8: *o[1] = *o[2]; break;                                          /* Y = Z (SGD) */
      case 9: o[tt_rng_range(&r, 0, 3)]->addr = sram - (uint32_t)tt_rng_range(&r, 0, 4); break;  /* past the end */
      case 13: o[tt_rng_range(&r, 0, 3)]->addr = sram - (uint32_t)tt_rng_range(&r, 5, 200); break;
      case 10: o[tt_rng_range(&r, 0, 3)]->addr = edge[tt_rng_range(&r, 0, 8)]; break;
      case 11: o[tt_rng_range(&r, 0, 3)]->ld = edge[tt_rng_range(&r, 0, 8)]; break;
      case 12: d.m = tt_rng_range(&r, 200, 3000); break;                     /* range by rows */
      default: break;
    }
    /* now and then two operands exactly adjacent, or one byte into each other */
    if (tt_rng_range(&r, 0, 3) == 0) {
      tatami_vec_operand *p = o[tt_rng_range(&r, 0, 3)], *q = o[tt_rng_range(&r, 0, 3)];
      uint32_t sz = p->dtype == TF_BF16 ? 2 : p->dtype == TF_FP32 ? 4 : 1;
      uint64_t end = p->addr + (uint64_t)sz * ((uint64_t)(d.m - 1) * p->ld + d.n);
      if (p != q && d.m >= 1 && d.m <= 16 && end < sram) q->addr = (uint32_t)end - (uint32_t)tt_rng_range(&r, 0, 1);
    }
    int rc = tatami_vec_desc_run(dev, &d);
    if (rc == 0) rc = tatami_sync(dev);
    if (rc == TATAMI_EMISMATCH) fail_msg("descriptor %d: %s", t, tatami_last_error(dev));
    if (rc == TATAMI_EINVAL) continue;   /* refused by the host's own checks */
    if (!(rc == 0 || (rc <= -101 && rc >= -111)))
      fail_msg("descriptor %d: %s: %s", t, tatami_strerror(rc), tatami_last_error(dev));
    statuses[rc == 0 ? 0 : -rc - 100]++;
    ran += rc == 0;
    if (rc == 0 && t % 4 == 0) {
      uint8_t buf[1024];
      assert_int_equal(tatami_read(dev, d.z.addr & ~1023u, buf, sizeof buf), 0);
      assert_int_equal(tf_flags(dev) <= 31, 1);   /* FLAGS compared by check: too */
    }
  }
  print_message("%d descriptors: %d ran; BAD_DTYPE %d, BAD_ARG %d, ADDR_RANGE %d, OVERLAP %d\n", n,
                ran, statuses[8], statuses[9], statuses[7], statuses[10]);
  assert_true(ran > 0 && statuses[8] > 0 && statuses[9] > 0 && statuses[7] > 0 && statuses[10] > 0);
  tatami_close(dev);
}

/* ------------------------------------------------------------ stochastic rounding */

/* Convert n FP32 values in X (at 0) to Z (BF16, at 0x1000) with SR; Z back. */
static void sr_convert(tatami_device *dev, const uint32_t *v, uint32_t n, uint16_t *out) {
  tatami_tensor x, z;
  assert_int_equal(tatami_tensor_view(dev, TATAMI_FP32, 1, n, n, 0, &x), 0);
  assert_int_equal(tatami_tensor_view(dev, TATAMI_BF16, 1, n, n, 0x1000, &z), 0);
  assert_int_equal(tatami_tensor_upload(&x, v), 0);
  assert_int_equal(tatami_convert(dev, &z, &x, TATAMI_ROUND_SR), 0);
  assert_int_equal(tatami_sync(dev), 0);
  assert_int_equal(tatami_tensor_download(&z, out), 0);
}

static void test_sr(void **state) {
  (void)state;
  /* the ref: URIs, then the RTL (check:sim:, or TATAMI_TEST_SIM's) */
  for (size_t u = 0; u <= sizeof uris / sizeof uris[0]; u++) {
    tatami_device *dev;
    const char *uri = u < sizeof uris / sizeof uris[0] ? uris[u] : tf_uri("check:sim:");
    assert_int_equal(tatami_open(uri, &dev), 0);
    /* numerics.md 6.3 worked sequence, seed 0x12345678 */
    assert_int_equal(tatami_seed(dev, 0x12345678), 0);
    uint32_t v2[2] = {0x3F80C000, 0x3F80C000};
    uint16_t o2[2];
    sr_convert(dev, v2, 2, o2);
    assert_int_equal(o2[0], 0x3F81);
    assert_int_equal(o2[1], 0x3F80);
    tatami_tensor x, z;
    assert_int_equal(tatami_tensor_view(dev, TATAMI_FP32, 1, 2, 2, 0, &x), 0);
    assert_int_equal(tatami_tensor_view(dev, TATAMI_CF8_143, 1, 2, 2, 0x1000, &z), 0);
    z.bias = 7;
    uint32_t v34[2] = {0x3F840000, 0x3F8C0000};
    uint8_t o34[2];
    assert_int_equal(tatami_tensor_upload(&x, v34), 0);
    assert_int_equal(tatami_convert(dev, &z, &x, TATAMI_ROUND_SR), 0);
    assert_int_equal(tatami_tensor_download(&z, o34), 0);
    assert_int_equal(o34[0], 0x38);
    assert_int_equal(o34[1], 0x39);
    assert_int_equal(tf_flags(dev), TATAMI_FLAG_INEXACT);

    /* reproducible by seed; another seed differs */
    enum { N = 64 };
    uint32_t v[N];
    for (int i = 0; i < N; i++) v[i] = 0x3F800000u + 0x1234u * (uint32_t)(i + 1);
    uint16_t a[N], b[N], c[N];
    assert_int_equal(tatami_seed(dev, 99), 0);
    sr_convert(dev, v, N, a);
    assert_int_equal(tatami_seed(dev, 99), 0);
    sr_convert(dev, v, N, b);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(tatami_seed(dev, 100), 0);
    sr_convert(dev, v, N, c);
    assert_memory_not_equal(a, c, sizeof a);

    /* draw count: N draws, then the (N+1)-th decides 1 + 2^-8 (exactly half
     * a BF16 step): up iff r >= 0x8000 */
    tatami_num_ctx ctx;
    tatami_num_init(&ctx, 5);
    for (int i = 0; i < N; i++) tatami_num_rng_draw(&ctx);
    uint32_t r65 = tatami_num_rng_draw(&ctx);
    assert_int_equal(tatami_seed(dev, 5), 0);
    sr_convert(dev, v, N, a);
    /* an FP32 output draws nothing, even with SR */
    tatami_tensor f1, f2;
    assert_int_equal(tatami_tensor_view(dev, TATAMI_FP32, 1, N, N, 0, &f1), 0);
    assert_int_equal(tatami_tensor_view(dev, TATAMI_FP32, 1, N, N, 0x2000, &f2), 0);
    assert_int_equal(tatami_add(dev, &f2, &f1, &f1, TATAMI_ROUND_SR), 0);
    uint32_t half = 0x3F808000u;
    uint16_t h;
    sr_convert(dev, &half, 1, &h);
    assert_int_equal(h, r65 >= 0x8000 ? 0x3F81 : 0x3F80);
    sr_convert(dev, &half, 1, &h);   /* and the next one takes the (N+2)-th draw */
    uint32_t r66 = tatami_num_rng_draw(&ctx);
    assert_int_equal(h, r66 >= 0x8000 ? 0x3F81 : 0x3F80);
    tatami_close(dev);
  }
}

/* ------------------------------------------------------------ checks */

/* ADD of 4x4 FP32: X at 0, Y at 256, Z at 512. */
static tatami_vec_desc base(void) {
  tatami_vec_desc d = {.op = TATAMI_VEC_ADD, .m = 4, .n = 4};
  d.x = (tatami_vec_operand){.addr = 0, .ld = 4, .dtype = TF_FP32};
  d.y = (tatami_vec_operand){.addr = 256, .ld = 4, .dtype = TF_FP32};
  d.z = (tatami_vec_operand){.addr = 512, .ld = 4, .dtype = TF_FP32};
  return d;
}

static int run(tatami_device *dev, const tatami_vec_desc *d) {
  return tf_status(dev, tatami_vec_desc_run(dev, d));
}

static void test_checks(void **state) {
  (void)state;
  const char *small[] = {"ref:sram=4096", "check:ref:sram=4096"};
  for (size_t u = 0; u < 2; u++) {
    tatami_device *dev;
    assert_int_equal(tatami_open(small[u], &dev), 0);
    tatami_vec_desc d = base();
    assert_int_equal(run(dev, &d), 0);
    /* 2. */
    d = base(), d.x.dtype = 0;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_BAD_DTYPE);
    d = base(), d.z.dtype = 5;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_BAD_DTYPE);
    d = base(), d.w.dtype = 0, d.w.bias = 200, d.w.addr = 0xFFFFFFFF;   /* unused: ignored */
    assert_int_equal(run(dev, &d), 0);
    d = base(), d.op = TATAMI_VEC_SCALE, d.y.dtype = 0;   /* SCALE does not use Y */
    assert_int_equal(run(dev, &d), 0);
    d = base(), d.op = TATAMI_VEC_SGD, d.y.dtype = TF_BF16;
    d.w = (tatami_vec_operand){.addr = 768, .ld = 4, .dtype = TF_BF16};
    assert_int_equal(run(dev, &d), TATAMI_EDEV_BAD_DTYPE);
    d.y.dtype = TF_FP32;
    assert_int_equal(run(dev, &d), 0);
    d.w.dtype = 0;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_BAD_DTYPE);
    d = base(), d.op = 11, d.x.dtype = 0;   /* unknown op: no operand, so BAD_ARG */
    assert_int_equal(run(dev, &d), TATAMI_EDEV_BAD_ARG);
    d = base(), d.op = 0;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_BAD_ARG);
    d = base(), d.x.dtype = 0, d.flags = 2;   /* 2 before 3 */
    assert_int_equal(run(dev, &d), TATAMI_EDEV_BAD_DTYPE);
    /* 3. */
    d = base(), d.flags = 2;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_BAD_ARG);
    d = base(), d.m = 0;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_BAD_ARG);
    d = base(), d.n = 1u << 24;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_BAD_ARG);
    d = base(), d.y.ld = 3;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_BAD_ARG);
    d = base(), d.z.bias = 64;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_BAD_ARG);
    d = base(), d.op = TATAMI_VEC_BIAS, d.y.ld = 0;   /* a 1 x n operand's stride is unused */
    assert_int_equal(run(dev, &d), 0);
    d = base(), d.op = TATAMI_VEC_ROWSUM, d.z.ld = 0;
    assert_int_equal(run(dev, &d), 0);
    d = base(), d.x.ld = 1, d.x.addr = 0xFFFFFF00;   /* 3 before 4 */
    assert_int_equal(run(dev, &d), TATAMI_EDEV_BAD_ARG);
    /* 4. 4x4 FP32 spans 64 bytes; BF16 with ld 6: (3*6+4)*2 = 44 */
    d = base(), d.z.addr = 4096 - 64;
    assert_int_equal(run(dev, &d), 0);
    d.z.addr++;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_ADDR_RANGE);
    d = base(), d.x.dtype = TF_BF16, d.x.ld = 6, d.x.addr = 4096 - 44;
    assert_int_equal(run(dev, &d), 0);
    d.x.addr++;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_ADDR_RANGE);
    d = base(), d.op = TATAMI_VEC_ROWSUM, d.z.dtype = TF_C152, d.z.ld = 1000, d.z.addr = 4096 - 4;
    assert_int_equal(run(dev, &d), 0);   /* Z is 1 x 4: 4 bytes, ld unused */
    d = base(), d.op = TATAMI_VEC_BIAS, d.y.addr = 4096 - 16, d.y.ld = 4;
    assert_int_equal(run(dev, &d), 0);
    d.y.addr++;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_ADDR_RANGE);
    d = base(), d.y.addr = 0x80000000;   /* a parameter reference outside a program */
    assert_int_equal(run(dev, &d), TATAMI_EDEV_ADDR_RANGE);
    d = base(), d.z.addr = 4096 - 60, d.x.addr = 4096 - 64;   /* 4 before 5 */
    assert_int_equal(run(dev, &d), TATAMI_EDEV_ADDR_RANGE);
    /* 5. */
    d = base(), d.z.addr = 4;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_OVERLAP);
    d = base(), d.z.addr = 64;   /* right after X */
    assert_int_equal(run(dev, &d), 0);
    d = base(), d.z = d.x;   /* in place */
    assert_int_equal(run(dev, &d), 0);
    d = base(), d.z = d.x, d.z.ld = 5;   /* same address, other stride */
    assert_int_equal(run(dev, &d), TATAMI_EDEV_OVERLAP);
    d = base(), d.x.dtype = TF_BF16, d.x.ld = 8, d.z = d.x, d.z.dtype = TF_C143, d.z.ld = 16;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_OVERLAP);   /* other dtype */
    d = base(), d.y = d.x, d.y.addr = 4;   /* two reads may overlap */
    assert_int_equal(run(dev, &d), 0);
    d = base(), d.op = TATAMI_VEC_ROWSUM, d.z = d.x, d.m = 1;   /* 1 x n over 1 x n */
    assert_int_equal(run(dev, &d), 0);
    d.m = 2;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_OVERLAP);
    d = base(), d.op = TATAMI_VEC_SGD;
    d.w = (tatami_vec_operand){.addr = 0, .ld = 4, .dtype = TF_FP32};   /* W over X: in place */
    assert_int_equal(run(dev, &d), 0);
    d.w = d.z;   /* W over Z (read and written): in place */
    assert_int_equal(run(dev, &d), 0);
    d.w.addr += 4;
    assert_int_equal(run(dev, &d), TATAMI_EDEV_OVERLAP);
    tatami_close(dev);
  }
}

/* What the API cannot send: the model directly. */
static void test_payload_checks(void **state) {
  (void)state;
  tatami_ref *ref = tatami_ref_create(4096, 4, 4, 0);
  assert_non_null(ref);
  uint8_t p[80] = {0}, resp[TATAMI_REF_MAX_PAYLOAD];
  size_t rl;
  p[0] = 1;
  tatami_ref_put_u32(p + 4, 2);
  tatami_ref_put_u32(p + 8, 2);
  for (int i = 0; i < 3; i++) {
    tatami_ref_put_u32(p + 24 + 12 * i, 256u * (uint32_t)i);
    tatami_ref_put_u32(p + 28 + 12 * i, 2);
    p[32 + 12 * i] = 4;
  }
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_VEC, p, 72, resp, &rl), TATAMI_REF_OK);
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_VEC, p, 71, resp, &rl), TATAMI_REF_BAD_LEN);
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_VEC, p, 73, resp, &rl), TATAMI_REF_BAD_LEN);
  p[2] = 1;   /* reserved u16 */
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_VEC, p, 72, resp, &rl), TATAMI_REF_BAD_ARG);
  p[2] = 0;
  p[24 + 12 + 11] = 1;   /* Y's reserved u16 (used) */
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_VEC, p, 72, resp, &rl), TATAMI_REF_BAD_ARG);
  p[24 + 12 + 11] = 0;
  p[24 + 36 + 10] = 1;   /* W's (unused) */
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_VEC, p, 72, resp, &rl), TATAMI_REF_OK);
  /* FLAGS, CLEAR_FLAGS, SEED */
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_FLAGS, p, 1, resp, &rl), TATAMI_REF_BAD_LEN);
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_FLAGS, NULL, 0, resp, &rl), TATAMI_REF_OK);
  assert_int_equal(rl, 1);
  uint8_t mask = 0x20;
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_CLEAR_FLAGS, &mask, 1, resp, &rl), TATAMI_REF_BAD_ARG);
  mask = 0x1F;
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_CLEAR_FLAGS, &mask, 0, resp, &rl), TATAMI_REF_BAD_LEN);
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_CLEAR_FLAGS, p, 2, resp, &rl), TATAMI_REF_BAD_LEN);
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_CLEAR_FLAGS, &mask, 1, resp, &rl), TATAMI_REF_OK);
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_SEED, p, 3, resp, &rl), TATAMI_REF_BAD_LEN);
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_SEED, p, 5, resp, &rl), TATAMI_REF_BAD_LEN);
  uint8_t seed[4] = {0, 0, 0, 0};
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_SEED, seed, 4, resp, &rl), TATAMI_REF_OK);
  assert_int_equal(tatami_ref_rng_state(ref), 0x9E3779B9u);
  tatami_ref_put_u32(seed, 1);
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_SEED, seed, 4, resp, &rl), TATAMI_REF_OK);
  assert_int_equal(tatami_ref_rng_state(ref), 1);
  /* HELLO is not a reset: the state stays */
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_HELLO, NULL, 0, resp, &rl), TATAMI_REF_OK);
  assert_int_equal(tatami_ref_rng_state(ref), 1);
  assert_int_equal(resp[0] | resp[1] << 8, 0x0101);
  assert_int_equal(resp[7], 0x3F);
  tatami_ref_destroy(ref);
}

static void test_host_checks(void **state) {
  (void)state;
  tatami_device *dev;
  assert_int_equal(tatami_open("ref:", &dev), 0);
  tatami_tensor a, b, c, i8, row, bf, p;
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 3, 4, &a), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 3, 4, &b), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 4, 3, &c), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_INT8, 3, 4, &i8), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 1, 4, &row), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_BF16, 3, 4, &bf), 0);
  assert_int_equal(tatami_add(dev, &a, &b, &c, 0), TATAMI_ESHAPE);
  assert_int_equal(tatami_add(dev, &a, &b, &i8, 0), TATAMI_EINVAL);
  assert_int_equal(tatami_add(dev, &a, &b, NULL, 0), TATAMI_EINVAL);
  assert_int_equal(tatami_add(dev, &a, &b, &b, 1), TATAMI_EINVAL);   /* unknown flag */
  assert_int_equal(tatami_bias_add(dev, &a, &b, &a, 0), TATAMI_ESHAPE);
  assert_int_equal(tatami_bias_add(dev, &a, &b, &row, 0), 0);
  assert_int_equal(tatami_row_sum(dev, &a, &b, 0), TATAMI_ESHAPE);
  assert_int_equal(tatami_row_sum(dev, &row, &b, 0), 0);
  assert_int_equal(tatami_sgd(dev, &bf, &a, NULL, &b, 0.1f, 0.9f, 0.f, 0), TATAMI_EINVAL);
  assert_int_equal(tatami_sgd(dev, &a, &b, &c, &b, 0.1f, 0.9f, 0.f, 0), TATAMI_ESHAPE);
  assert_int_equal(tatami_tensor_param(dev, TATAMI_FP32, 3, 4, 4, 0, 0, &p), 0);
  assert_int_equal(tatami_add(dev, &a, &b, &p, 0), TATAMI_ESTATE);
  float hb[12] = {0};
  assert_int_equal(tatami_tensor_upload(&p, hb), TATAMI_ESTATE);
  assert_int_equal(tatami_sync(dev), 0);
  tatami_close(dev);
}

/* A 1.0 device (the model of one, and the RTL of a profile built without FP):
 * clear device errors, no hang. */
static void old_device(const char *uri) {
  tatami_device *dev;
  int rc = tatami_open(uri, &dev);
  if (rc == TATAMI_EUNSUPPORTED && strstr(uri, "sim:")) {
    print_message("%s: not available: skipped\n", uri);
    return;
  }
  assert_int_equal(rc, 0);
  tatami_info in;
  assert_int_equal(tatami_get_info(dev, &in), 0);
  assert_int_equal(in.version, 0x0100);
  tatami_tensor a, b, c;
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 2, 2, &a), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 2, 2, &c), 0);
  assert_int_equal(tatami_add(dev, &c, &a, &a, 0), 0);
  assert_int_equal(tatami_sync(dev), TATAMI_EDEV_BAD_OPCODE);
  if (!strstr(tatami_last_error(dev), "1.0")) fail_msg("message: %s", tatami_last_error(dev));
  unsigned f;
  assert_int_equal(tatami_get_flags(dev, &f), TATAMI_EDEV_BAD_OPCODE);
  assert_int_equal(tatami_seed(dev, 1), 0);
  assert_int_equal(tatami_sync(dev), TATAMI_EDEV_BAD_OPCODE);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_BF16, 2, 2, &b), 0);
  assert_int_equal(tatami_gemm(dev, &b, &b, &a, 0), 0);   /* 40 bytes: BAD_DTYPE */
  assert_int_equal(tatami_sync(dev), TATAMI_EDEV_BAD_DTYPE);
  b.bias = 3, b.dtype = TATAMI_CF8_143;   /* 48 bytes: BAD_LEN */
  assert_int_equal(tatami_gemm(dev, &b, &b, &a, 0), 0);
  assert_int_equal(tatami_sync(dev), TATAMI_EDEV_BAD_LEN);
  tatami_close(dev);
}

static void test_old_device(void **state) {
  (void)state;
  old_device("ref:version=0x100");
  old_device("check:ref:version=0x100");
  old_device("sim:profile=tiny");        /* the tiny and board profiles are 1.0 tiles */
  old_device("check:sim:profile=tiny");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_ops),     cmocka_unit_test(test_sr),
      cmocka_unit_test(test_random_descriptors_rtl),
      cmocka_unit_test(test_checks),         cmocka_unit_test(test_payload_checks),
      cmocka_unit_test(test_host_checks),    cmocka_unit_test(test_old_device),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
