/* Command programs (protocol 1.1 RUN, tatami_program_*): a recorded step
 * launched with different parameters leaves the same bytes and flags as
 * the same calls issued directly; a failing record stops the program and is
 * named by its index; RUN's own checks and its record checks (the model
 * directly); the API's states. Every device test runs on ref: (RUN on the
 * device), on ref:features=0x1f (no TATAMI_FEAT_PROGRAM: the host expands
 * the program) and on both under check:. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ref_model.h"
#include "tatami_float_util.h"

/* check:sim: runs RUN on the RTL sequencer (records fetched from its SRAM)
 * and compares every status, record index and readback with ref:. */
static const char *const uris[] = {"ref:sram=65536", "ref:sram=65536,features=0x1f",
                                   "check:ref:sram=65536", "check:ref:sram=65536,features=0x1f",
                                   "check:sim:"};
#define NURIS (sizeof uris / sizeof uris[0])
#define DATA_END 0x8000u   /* tensors live below, a program above */

/* ------------------------------------------------------------ a training step */

/* Allocate the rest of [0, DATA_END) so that a program lands above it. */
static void reserve_data(tatami_device *dev) {
  uint64_t next, rest;
  assert_int_equal(tatami_malloc(dev, 16, &next), 0);
  assert_int_equal(tatami_free(dev, next), 0);
  assert_true(next < DATA_END);
  assert_int_equal(tatami_malloc(dev, DATA_END - next, &rest), 0);
  assert_int_equal(rest, next);
}

typedef struct step {
  tatami_tensor w, bias, master, vel, grad, gsum, out;   /* fixed */
} step;

static void make_step(tatami_device *dev, tt_rng *r, step *s) {
  assert_int_equal(tatami_tensor_create(dev, TATAMI_BF16, 8, 4, &s->w), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 1, 4, &s->bias), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 8, 4, &s->master), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 8, 4, &s->vel), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 8, 4, &s->grad), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 1, 4, &s->gsum), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_CF8_143, 4, 4, &s->out), 0);
  s->out.bias = 9;
  reserve_data(dev);
  /* everything below DATA_END random, the same on every device (same r) */
  uint8_t *img = malloc(DATA_END);
  assert_non_null(img);
  tf_rand_fill(r, img, DATA_END / 2, TF_BF16);
  assert_int_equal(tatami_write(dev, 0, img, DATA_END), 0);
  free(img);
}

/* x (BF16 4x8) and h (FP32 4x4, then BF16 4x4 at +64) are the launch's buffers. */
static void issue_step(tatami_device *dev, const step *s, const tatami_tensor *x,
                       const tatami_tensor *h, const tatami_tensor *hb) {
  assert_int_equal(tatami_seed(dev, 1234), 0);
  assert_int_equal(tatami_gemm(dev, x, &s->w, h, 0), 0);
  assert_int_equal(tatami_bias_add(dev, h, h, &s->bias, 0), 0);
  assert_int_equal(tatami_relu(dev, hb, h, TATAMI_ROUND_SR), 0);
  assert_int_equal(tatami_row_sum(dev, &s->gsum, h, 0), 0);
  assert_int_equal(tatami_clear_flags(dev, TATAMI_FLAG_INEXACT), 0);
  assert_int_equal(tatami_sgd(dev, &s->master, &s->vel, &s->w, &s->grad, 0.125f, 0.875f, 0.001f,
                              TATAMI_ROUND_SR), 0);
  assert_int_equal(tatami_convert(dev, &s->out, hb, TATAMI_ROUND_SR), 0);
}

static void views(tatami_device *dev, uint64_t px, uint64_t ph, tatami_tensor *x, tatami_tensor *h,
                  tatami_tensor *hb) {
  assert_int_equal(tatami_tensor_view(dev, TATAMI_BF16, 4, 8, 8, px, x), 0);
  assert_int_equal(tatami_tensor_view(dev, TATAMI_FP32, 4, 4, 4, ph, h), 0);
  assert_int_equal(tatami_tensor_view(dev, TATAMI_BF16, 4, 4, 4, ph + 64, hb), 0);
}

static void test_same_as_direct(void **state) {
  (void)state;
  const uint64_t launches[3][2] = {{0x4000, 0x6000}, {0x4100, 0x6200}, {0x5002, 0x7001}};
  for (size_t u = 0; u < NURIS; u++) {
    tatami_device *pd, *dd;
    assert_int_equal(tatami_open(tf_uri(uris[u]), &pd), 0);
    assert_int_equal(tatami_open(tf_uri(uris[u]), &dd), 0);
    tt_rng r1 = {42}, r2 = {42};
    step sp, sd;
    make_step(pd, &r1, &sp);
    make_step(dd, &r2, &sd);
    /* record on pd */
    tatami_tensor x, h, hb;
    assert_int_equal(tatami_tensor_param(pd, TATAMI_BF16, 4, 8, 8, 0, 0, &x), 0);
    assert_int_equal(tatami_tensor_param(pd, TATAMI_FP32, 4, 4, 4, 1, 0, &h), 0);
    assert_int_equal(tatami_tensor_param(pd, TATAMI_BF16, 4, 4, 4, 1, 64, &hb), 0);
    assert_int_equal(tatami_program_begin(pd), 0);
    issue_step(pd, &sp, &x, &h, &hb);
    tatami_program *prog;
    assert_int_equal(tatami_program_end(pd, &prog), 0);
    assert_int_equal(tatami_program_length(prog), 8);
    for (int l = 0; l < 3; l++) {
      assert_int_equal(tatami_program_run(pd, prog, launches[l], 2), 0);
      views(dd, launches[l][0], launches[l][1], &x, &h, &hb);
      issue_step(dd, &sd, &x, &h, &hb);
      int rp = tatami_sync(pd), rd = tatami_sync(dd);
      if (rp || rd) fail_msg("%s launch %d: %s / %s", uris[u], l, tatami_last_error(pd), tatami_last_error(dd));
      static uint8_t a[DATA_END], b[DATA_END];
      assert_int_equal(tatami_read(pd, 0, a, DATA_END), 0);
      assert_int_equal(tatami_read(dd, 0, b, DATA_END), 0);
      for (uint32_t i = 0; i < DATA_END; i++)
        if (a[i] != b[i]) fail_msg("%s launch %d: SRAM 0x%x: 0x%02x by program, 0x%02x direct", uris[u], l, i, a[i], b[i]);
      assert_int_equal(tf_flags(pd), tf_flags(dd));
    }
    tatami_program_free(prog);
    tatami_close(pd);
    tatami_close(dd);
  }
}

/* ------------------------------------------------------------ failures */

static void test_failing_record(void **state) {
  (void)state;
  for (size_t u = 0; u < NURIS; u++) {
    tatami_device *dev;
    assert_int_equal(tatami_open(tf_uri(uris[u]), &dev), 0);
    static uint8_t zero[DATA_END];
    reserve_data(dev);
    assert_int_equal(tatami_write(dev, 0, zero, DATA_END), 0);
    float ones[16];
    for (int i = 0; i < 16; i++) ones[i] = 1.0f;
    tatami_tensor src, d0, d1, d3, p0, p1, p2;
    assert_int_equal(tatami_tensor_view(dev, TATAMI_FP32, 4, 4, 4, 0x100, &src), 0);
    assert_int_equal(tatami_tensor_upload(&src, ones), 0);
    assert_int_equal(tatami_tensor_view(dev, TATAMI_BF16, 4, 4, 4, 0x200, &d0), 0);
    assert_int_equal(tatami_tensor_view(dev, TATAMI_FP32, 4, 4, 4, 0x300, &d1), 0);
    assert_int_equal(tatami_tensor_view(dev, TATAMI_FP32, 4, 4, 4, 0x400, &d3), 0);
    assert_int_equal(tatami_tensor_param(dev, TATAMI_FP32, 4, 4, 4, 0, 0, &p0), 0);
    assert_int_equal(tatami_tensor_param(dev, TATAMI_FP32, 4, 4, 4, 1, 0x10, &p1), 0);
    assert_int_equal(tatami_tensor_param(dev, TATAMI_FP32, 4, 4, 4, 2, 0, &p2), 0);
    assert_int_equal(tatami_program_begin(dev), 0);
    assert_int_equal(tatami_convert(dev, &d0, &p0, 0), 0);        /* 0 */
    assert_int_equal(tatami_add(dev, &d1, &p0, &p0, 0), 0);       /* 1 */
    assert_int_equal(tatami_add(dev, &p1, &src, &p2, 0), 0);      /* 2: uses parameter 2 */
    assert_int_equal(tatami_scale(dev, &d3, &src, 3.0f, 0), 0);   /* 3 */
    tatami_program *prog;
    assert_int_equal(tatami_program_end(dev, &prog), 0);

    /* two parameters: record 2 is BAD_ARG, 0 and 1 ran, 3 did not */
    uint64_t pa[3] = {0x100, 0x800, 0x900};
    assert_int_equal(tatami_program_run(dev, prog, pa, 2), 0);
    assert_int_equal(tatami_sync(dev), TATAMI_EDEV_BAD_ARG);
    if (!strstr(tatami_last_error(dev), "record 2"))
      fail_msg("%s: message \"%s\" does not name record 2", uris[u], tatami_last_error(dev));
    assert_int_equal(tatami_sync(dev), 0);
    uint16_t b0[16];
    float f1[16], f3[16];
    assert_int_equal(tatami_tensor_download(&d0, b0), 0);
    assert_int_equal(tatami_tensor_download(&d1, f1), 0);
    assert_int_equal(tatami_tensor_download(&d3, f3), 0);
    for (int i = 0; i < 16; i++) {
      assert_int_equal(b0[i], 0x3F80);
      assert_true(f1[i] == 2.0f);
      assert_true(f3[i] == 0.0f);
    }
    /* parameter 1 + offset past the SRAM: ADDR_RANGE at record 2; a sum
     * above 2^32 - 1 too */
    tatami_info in;
    assert_int_equal(tatami_get_info(dev, &in), 0);
    pa[1] = in.sram_bytes - 0x10 - 32;
    assert_int_equal(tatami_program_run(dev, prog, pa, 3), 0);
    assert_int_equal(tatami_sync(dev), TATAMI_EDEV_ADDR_RANGE);
    assert_non_null(strstr(tatami_last_error(dev), "record 2"));
    pa[1] = 0xFFFFFFF8u;
    assert_int_equal(tatami_program_run(dev, prog, pa, 3), 0);
    assert_int_equal(tatami_sync(dev), TATAMI_EDEV_ADDR_RANGE);
    /* Z overlapping Y partly: OVERLAP at record 2 */
    pa[1] = 0x900 - 0x10 + 4;
    assert_int_equal(tatami_program_run(dev, prog, pa, 3), 0);
    assert_int_equal(tatami_sync(dev), TATAMI_EDEV_OVERLAP);
    assert_non_null(strstr(tatami_last_error(dev), "record 2"));
    /* all good: all four ran */
    pa[1] = 0x800;
    assert_int_equal(tatami_program_run(dev, prog, pa, 3), 0);
    assert_int_equal(tatami_sync(dev), 0);
    assert_int_equal(tatami_tensor_download(&d3, f3), 0);
    for (int i = 0; i < 16; i++) assert_true(f3[i] == 3.0f);
    /* an error queued before the run is the one reported */
    tatami_gemm_desc bad = {.a = 0, .b = 0, .c = 0, .m = 1, .n = 1, .k = 1, .lda = 1, .ldb = 1, .ldc = 1};
    assert_int_equal(tatami_gemm_desc_run(dev, &bad), 0);
    assert_int_equal(tatami_program_run(dev, prog, pa, 2), 0);
    assert_int_equal(tatami_sync(dev), TATAMI_EDEV_OVERLAP);
    assert_int_equal(tatami_sync(dev), 0);
    tatami_program_free(prog);
    tatami_close(dev);
  }
}

/* ------------------------------------------------------------ RUN checks (the model) */

static size_t rec(uint8_t *p, uint8_t op, const void *payload, uint16_t len) {
  p[0] = op;
  p[1] = 0;
  p[2] = (uint8_t)len;
  p[3] = (uint8_t)(len >> 8);
  memcpy(p + 4, payload, len);
  return 4u + len;
}

static uint8_t run_at(tatami_ref *ref, uint32_t prog, uint32_t len, const uint32_t *params,
                      unsigned np, size_t payload_len, uint32_t *index, size_t *rl) {
  uint8_t p[64] = {0}, resp[TATAMI_REF_MAX_PAYLOAD];
  tatami_ref_put_u32(p, prog);
  tatami_ref_put_u32(p + 4, len);
  for (unsigned i = 0; i < np; i++) tatami_ref_put_u32(p + 8 + 4 * i, params[i]);
  uint8_t st = tatami_ref_exec(ref, TATAMI_REF_OP_RUN, p, payload_len, resp, rl);
  *index = *rl == 4 ? tatami_ref_get_u32(resp) : 0xFFFFFFFFu;
  return st;
}

static void write_prog(tatami_ref *ref, uint32_t at, const uint8_t *bytes, size_t n) {
  uint8_t p[4 + 512], resp[TATAMI_REF_MAX_PAYLOAD];
  size_t rl;
  tatami_ref_put_u32(p, at);
  memcpy(p + 4, bytes, n);
  assert_int_equal(tatami_ref_exec(ref, TATAMI_REF_OP_WRITE, p, 4 + n, resp, &rl), TATAMI_REF_OK);
}

static void test_run_checks(void **state) {
  (void)state;
  tatami_ref *ref = tatami_ref_create(4096, 4, 4, 0);
  assert_non_null(ref);
  uint32_t idx, params[8] = {0};
  size_t rl;
  /* three good records: SEED, CLEAR_FLAGS, SEED */
  uint8_t prog[256];
  uint8_t seed[4] = {7, 0, 0, 0}, mask = 0x1F;
  size_t n = rec(prog, TATAMI_REF_OP_SEED, seed, 4);
  n += rec(prog + n, TATAMI_REF_OP_CLEAR_FLAGS, &mask, 1);
  n += rec(prog + n, TATAMI_REF_OP_SEED, seed, 4);
  write_prog(ref, 1024, prog, n);
  assert_int_equal(run_at(ref, 1024, (uint32_t)n, params, 0, 8, &idx, &rl), TATAMI_REF_OK);
  assert_int_equal(idx, 3);
  assert_int_equal(tatami_ref_rng_state(ref), 7);
  /* RUN's own checks: empty payload */
  size_t bad_lens[] = {0, 4, 7, 9, 10, 11, 44, 48};
  for (size_t i = 0; i < sizeof bad_lens / sizeof bad_lens[0]; i++) {
    assert_int_equal(run_at(ref, 1024, (uint32_t)n, params, 8, bad_lens[i], &idx, &rl), TATAMI_REF_BAD_LEN);
    assert_int_equal(rl, 0);
  }
  assert_int_equal(run_at(ref, 1024, (uint32_t)n, params, 8, 40, &idx, &rl), TATAMI_REF_OK);
  assert_int_equal(run_at(ref, 1024, 0, params, 0, 8, &idx, &rl), TATAMI_REF_BAD_ARG);
  assert_int_equal(rl, 0);
  assert_int_equal(run_at(ref, 4096 - 8, 9, params, 0, 8, &idx, &rl), TATAMI_REF_ADDR_RANGE);
  assert_int_equal(rl, 0);
  assert_int_equal(run_at(ref, 0xFFFFFFF0u, 0x20, params, 0, 8, &idx, &rl), TATAMI_REF_ADDR_RANGE);
  /* len cutting record 1's payload, then its header */
  assert_int_equal(run_at(ref, 1024, 8 + 4, params, 0, 8, &idx, &rl), TATAMI_REF_BAD_LEN);
  assert_int_equal(idx, 1);
  assert_int_equal(run_at(ref, 1024, 8 + 2, params, 0, 8, &idx, &rl), TATAMI_REF_BAD_LEN);
  assert_int_equal(idx, 1);
  /* a record with another opcode (WRITE, RUN), a bad reserved byte, a bad payload */
  uint8_t bad[64];
  size_t m = rec(bad, TATAMI_REF_OP_SEED, seed, 4);
  size_t m2 = m + rec(bad + m, TATAMI_REF_OP_WRITE, seed, 4);
  write_prog(ref, 2048, bad, m2);
  assert_int_equal(run_at(ref, 2048, (uint32_t)m2, params, 0, 8, &idx, &rl), TATAMI_REF_BAD_OPCODE);
  assert_int_equal(idx, 1);
  assert_int_equal(rl, 4);
  m2 = m + rec(bad + m, TATAMI_REF_OP_RUN, seed, 4);
  write_prog(ref, 2048, bad, m2);
  assert_int_equal(run_at(ref, 2048, (uint32_t)m2, params, 0, 8, &idx, &rl), TATAMI_REF_BAD_OPCODE);
  m2 = m + rec(bad + m, TATAMI_REF_OP_SEED, seed, 4);
  bad[m + 1] = 1;
  write_prog(ref, 2048, bad, m2);
  assert_int_equal(run_at(ref, 2048, (uint32_t)m2, params, 0, 8, &idx, &rl), TATAMI_REF_BAD_ARG);
  assert_int_equal(idx, 1);
  m2 = m + rec(bad + m, TATAMI_REF_OP_SEED, seed, 3);
  write_prog(ref, 2048, bad, m2);
  assert_int_equal(run_at(ref, 2048, (uint32_t)m2, params, 0, 8, &idx, &rl), TATAMI_REF_BAD_LEN);
  assert_int_equal(idx, 1);
  /* a parameter index not given: BAD_ARG, after the record's BAD_DTYPE */
  uint8_t g[48] = {0};
  tatami_ref_put_u32(g + 0, 0x81000000u);   /* param 1 + 0 */
  tatami_ref_put_u32(g + 4, 256);
  tatami_ref_put_u32(g + 8, 512);
  for (int i = 3; i < 9; i++) tatami_ref_put_u32(g + 4 * i, 2);
  m2 = rec(bad, TATAMI_REF_OP_GEMM, g, 40);
  write_prog(ref, 2048, bad, m2);
  params[0] = 0;
  params[1] = 128;
  assert_int_equal(run_at(ref, 2048, (uint32_t)m2, params, 1, 12, &idx, &rl), TATAMI_REF_BAD_ARG);
  assert_int_equal(idx, 0);
  assert_int_equal(run_at(ref, 2048, (uint32_t)m2, params, 2, 16, &idx, &rl), TATAMI_REF_OK);
  bad[4 + 38] = 4;   /* int8 x int8 -> FP32: BAD_DTYPE comes first */
  write_prog(ref, 2048, bad, m2);
  assert_int_equal(run_at(ref, 2048, (uint32_t)m2, params, 1, 12, &idx, &rl), TATAMI_REF_BAD_DTYPE);
  /* a model without RUN */
  assert_int_equal(tatami_ref_configure(ref, TATAMI_REF_VERSION_1_1, 0x1F), 0);
  assert_int_equal(run_at(ref, 1024, (uint32_t)n, params, 0, 8, &idx, &rl), TATAMI_REF_BAD_OPCODE);
  tatami_ref_destroy(ref);
}

/* ------------------------------------------------------------ API states */

static void test_states(void **state) {
  (void)state;
  for (size_t u = 0; u < NURIS; u++) {
    tatami_device *dev;
    assert_int_equal(tatami_open(tf_uri(uris[u]), &dev), 0);
    tatami_info in;
    assert_int_equal(tatami_get_info(dev, &in), 0);
    int has_run = (in.dtypes & TATAMI_FEAT_PROGRAM) != 0;
    /* RUN everywhere but with features=0x1f and on the iCEBreaker FP variant's
     * tile (TATAMI_TEST_SIM=sim:profile=icebreaker-fp: the host expands it,
     * and runs its VEC records itself) */
    assert_int_equal(has_run, strstr(uris[u], "features") == NULL &&
                              strstr(tf_uri(uris[u]), "icebreaker-fp") == NULL);
    tatami_program *prog = NULL;
    assert_int_equal(tatami_program_end(dev, &prog), TATAMI_ESTATE);
    assert_null(prog);
    assert_int_equal(tatami_program_run(dev, NULL, NULL, 0), TATAMI_EINVAL);
    assert_int_equal(tatami_program_begin(dev), 0);
    assert_int_equal(tatami_program_begin(dev), TATAMI_ESTATE);
    assert_int_equal(tatami_program_end(dev, &prog), TATAMI_EINVAL);   /* empty */
    tatami_tensor p, a, z;
    assert_int_equal(tatami_tensor_param(dev, TATAMI_FP32, 2, 2, 2, 8, 0, &p), TATAMI_EINVAL);
    assert_int_equal(tatami_tensor_param(dev, TATAMI_FP32, 2, 2, 2, 0, 1u << 24, &p), TATAMI_EINVAL);
    assert_int_equal(tatami_tensor_param(dev, TATAMI_FP32, 2, 2, 1, 0, 0, &p), TATAMI_EINVAL);
    assert_int_equal(tatami_tensor_param(dev, TATAMI_FP32, 2, 2, 2, 7, 0xFFFFFF, &p), 0);
    assert_int_equal(p.addr, 0x87FFFFFFu);
    assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 2, 2, &a), 0);
    assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 2, 2, &z), 0);
    float v[4] = {1, 2, 3, 4}, o[4] = {0};
    assert_int_equal(tatami_tensor_upload(&a, v), 0);
    assert_int_equal(tatami_tensor_upload(&z, o), 0);
    assert_int_equal(tatami_scale(dev, &z, &p, 2.0f, 0), TATAMI_ESTATE);   /* not recording */
    assert_int_equal(tatami_program_begin(dev), 0);
    assert_int_equal(tatami_scale(dev, &z, &a, 2.0f, 0), 0);
    assert_int_equal(tatami_scale(dev, &z, &a, 2.0f, 7), TATAMI_EINVAL);   /* still checked */
    unsigned f;
    assert_int_equal(tatami_get_flags(dev, &f), 0);   /* runs at once */
    assert_int_equal(tatami_tensor_download(&z, o), 0);
    assert_true(o[0] == 0.0f);   /* recorded, not run */
    uint64_t before;
    assert_int_equal(tatami_malloc(dev, 16, &before), 0);
    assert_int_equal(tatami_free(dev, before), 0);
    assert_int_equal(tatami_program_run(dev, NULL, NULL, 0), TATAMI_ESTATE);
    assert_int_equal(tatami_program_end(dev, &prog), 0);
    assert_int_equal(tatami_program_length(prog), 1);
    uint64_t after;
    assert_int_equal(tatami_malloc(dev, 16, &after), 0);
    /* only a device that runs programs holds them in SRAM */
    if (has_run) assert_int_not_equal(after, before);
    else assert_int_equal(after, before);
    uint64_t big = 1ull << 32;
    assert_int_equal(tatami_program_run(dev, prog, &big, 1), TATAMI_EINVAL);
    assert_int_equal(tatami_program_run(dev, prog, &big, 9), TATAMI_EINVAL);
    tatami_counters c0, c1;
    assert_int_equal(tatami_get_counters(dev, &c0), 0);
    assert_int_equal(tatami_program_run(dev, prog, NULL, 0), 0);
    assert_int_equal(tatami_sync(dev), 0);
    assert_int_equal(tatami_get_counters(dev, &c1), 0);
    assert_int_equal(tatami_tensor_download(&z, o), 0);
    assert_true(o[3] == 8.0f);
    if (!strncmp(uris[u], "ref:", 4))   /* one RUN, or the record itself */
      assert_int_equal(c1.tx_frames - c0.tx_frames, 2);   /* + COUNTERS */
    tatami_program_free(prog);
    tatami_program_free(NULL);
    assert_int_equal(tatami_program_length(NULL), 0);
    /* recording left open: close frees it */
    assert_int_equal(tatami_program_begin(dev), 0);
    assert_int_equal(tatami_seed(dev, 3), 0);
    tatami_close(dev);
  }
}

/* The host expansion against a device that does not know RUN at all: a
 * 1.0 model, and the RTL of the tiny profile (built without FP: a 1.0 tile). */
static void test_old_device(void **state) {
  (void)state;
  const char *old[] = {"ref:version=0x100", "check:ref:version=0x100", "sim:profile=tiny",
                       "check:sim:profile=tiny"};
  for (size_t u = 0; u < 4; u++) {
    tatami_device *dev;
    int rc = tatami_open(old[u], &dev);
    if (rc == TATAMI_EUNSUPPORTED && strstr(old[u], "sim:")) {
      print_message("%s: not available: skipped\n", old[u]);
      continue;
    }
    assert_int_equal(rc, 0);
    tatami_tensor a, b, c, p;
    assert_int_equal(tatami_tensor_create(dev, TATAMI_INT8, 2, 2, &a), 0);
    assert_int_equal(tatami_tensor_create(dev, TATAMI_INT8, 2, 2, &b), 0);
    assert_int_equal(tatami_tensor_create(dev, TATAMI_INT32, 2, 2, &c), 0);
    int8_t v[4] = {1, 2, 3, 4};
    assert_int_equal(tatami_tensor_upload(&a, v), 0);
    assert_int_equal(tatami_tensor_upload(&b, v), 0);
    assert_int_equal(tatami_tensor_param(dev, TATAMI_INT32, 2, 2, 2, 0, 0, &p), 0);
    assert_int_equal(tatami_program_begin(dev), 0);
    assert_int_equal(tatami_gemm(dev, &a, &b, &p, 0), 0);
    assert_int_equal(tatami_seed(dev, 1), 0);   /* unknown to a 1.0 tile */
    tatami_program *prog;
    assert_int_equal(tatami_program_end(dev, &prog), 0);
    assert_int_equal(tatami_program_run(dev, prog, &c.addr, 1), 0);
    assert_int_equal(tatami_sync(dev), TATAMI_EDEV_BAD_OPCODE);
    assert_non_null(strstr(tatami_last_error(dev), "record 1"));
    int32_t o[4];
    assert_int_equal(tatami_tensor_download(&c, o), 0);   /* record 0 ran */
    assert_int_equal(o[0], 7);
    assert_int_equal(o[3], 22);
    tatami_program_free(prog);
    tatami_close(dev);
  }
}

/* check: compares the failing record's index, not only the status: an inner
 * device (ref: with its sync wrapped) that names the next record fails. */
#include "device.h"
int tatami_check_attach(tatami_device *dev, tatami_device *inner, const char *inner_uri);
static const tatami_backend_ops *g_real;
static tatami_backend_ops g_faulty;
static int shifted_sync(tatami_device *dev) {
  int rc = g_real->sync(dev);
  if (dev->err_record >= 0) dev->err_record++;
  return rc;
}

static void test_check_compares_index(void **state) {
  (void)state;
  for (int faulty = 0; faulty < 2; faulty++) {
    tatami_device *inner, *dev = calloc(1, sizeof *dev);
    assert_non_null(dev);
    assert_int_equal(tatami_open("ref:", &inner), 0);
    g_real = inner->ops;
    g_faulty = *g_real;
    if (faulty) g_faulty.sync = shifted_sync;
    inner->ops = &g_faulty;
    assert_int_equal(tatami_check_attach(dev, inner, "faulty"), 0);
    tatami_tensor a, z, p;
    assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 2, 2, &a), 0);
    assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 2, 2, &z), 0);
    assert_int_equal(tatami_tensor_param(dev, TATAMI_FP32, 2, 2, 2, 3, 0, &p), 0);
    assert_int_equal(tatami_program_begin(dev), 0);
    assert_int_equal(tatami_relu(dev, &z, &a, 0), 0);
    assert_int_equal(tatami_relu(dev, &z, &p, 0), 0);   /* parameter 3 not given */
    tatami_program *prog;
    assert_int_equal(tatami_program_end(dev, &prog), 0);
    assert_int_equal(tatami_program_run(dev, prog, NULL, 0), 0);
    int rc = tatami_sync(dev);
    if (faulty) {
      assert_int_equal(rc, TATAMI_EMISMATCH);
      assert_non_null(strstr(tatami_last_error(dev), "record"));
    } else {
      assert_int_equal(rc, TATAMI_EDEV_BAD_ARG);
      assert_non_null(strstr(tatami_last_error(dev), "record 1"));
    }
    tatami_program_free(prog);
    tatami_close(dev);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_as_direct), cmocka_unit_test(test_failing_record),
      cmocka_unit_test(test_run_checks),     cmocka_unit_test(test_states),
      cmocka_unit_test(test_old_device),     cmocka_unit_test(test_check_compares_index),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
