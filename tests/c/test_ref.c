/* Unit tests of the reference model (host/src/ref_model.c) at the payload
 * level: products worked out by hand, transposes, accumulate, int32 wrap,
 * strides, and every WRITE/READ/GEMM check with its status, in the order
 * docs/protocol.md gives them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ref_model.h"
#include "tatami_test_util.h"

#define SRAM (64u * 1024u)

typedef struct desc {
  uint32_t a, b, c, m, n, k, lda, ldb, ldc;
  uint8_t flags, dtype_ab, dtype_c, reserved;
} desc;

static void encode(const desc *d, uint8_t p[40]) {
  const uint32_t f[9] = {d->a, d->b, d->c, d->m, d->n, d->k, d->lda, d->ldb, d->ldc};
  for (int i = 0; i < 9; i++) tt_put_le32(p + 4 * i, f[i]);
  p[36] = d->flags;
  p[37] = d->dtype_ab;
  p[38] = d->dtype_c;
  p[39] = d->reserved;
}

static uint8_t gemm(tatami_ref *r, const desc *d) {
  uint8_t p[40], resp[TATAMI_REF_MAX_PAYLOAD];
  size_t rl = 99;
  encode(d, p);
  uint8_t s = tatami_ref_exec(r, TATAMI_REF_OP_GEMM, p, 40, resp, &rl);
  assert_int_equal(rl, 0);
  return s;
}

static uint8_t write_bytes(tatami_ref *r, uint32_t addr, const void *src, size_t n) {
  uint8_t p[4 + TATAMI_REF_MAX_DATA + 8], resp[TATAMI_REF_MAX_PAYLOAD];
  size_t rl;
  assert_true(n <= TATAMI_REF_MAX_DATA + 8);
  tt_put_le32(p, addr);
  memcpy(p + 4, src, n);
  return tatami_ref_exec(r, TATAMI_REF_OP_WRITE, p, 4 + n, resp, &rl);
}

static uint8_t read_bytes(tatami_ref *r, uint32_t addr, uint32_t n, uint8_t *out) {
  uint8_t p[6], resp[TATAMI_REF_MAX_PAYLOAD];
  size_t rl = 12345;
  tt_put_le32(p, addr);
  p[4] = (uint8_t)n;
  p[5] = (uint8_t)(n >> 8);
  uint8_t s = tatami_ref_exec(r, TATAMI_REF_OP_READ, p, 6, resp, &rl);
  if (s == TATAMI_REF_OK) {
    assert_int_equal(rl, n);
    memcpy(out, resp, n);
  } else {
    assert_int_equal(rl, 0);
  }
  return s;
}

static void write_i32(tatami_ref *r, uint32_t addr, const int32_t *v, size_t n) {
  uint8_t buf[TATAMI_REF_MAX_DATA];
  assert_true(4 * n <= sizeof buf);
  tt_i32_to_le(v, n, buf);
  assert_int_equal(write_bytes(r, addr, buf, 4 * n), TATAMI_REF_OK);
}

static int32_t c_at(tatami_ref *r, uint32_t addr) {
  return (int32_t)tt_get_le32(tatami_ref_sram(r) + addr);
}

static int setup(void **state) {
  tatami_ref *r = tatami_ref_create(SRAM, 4, 4, 0);
  if (!r) return -1;
  *state = r;
  return 0;
}
static int teardown(void **state) {
  tatami_ref_destroy(*state);
  return 0;
}

/* ------------------------------------------------------------ arithmetic */

/* [1 2 3; 4 5 6] x [1 0; 0 1; 1 1] = [4 5; 10 11], by hand. */
static const int8_t A23[6] = {1, 2, 3, 4, 5, 6};
static const int8_t B32[6] = {1, 0, 0, 1, 1, 1};

static void test_hand_product(void **state) {
  tatami_ref *r = *state;
  assert_int_equal(write_bytes(r, 0, A23, 6), TATAMI_REF_OK);
  assert_int_equal(write_bytes(r, 16, B32, 6), TATAMI_REF_OK);
  desc d = {.a = 0, .b = 16, .c = 32, .m = 2, .n = 2, .k = 3, .lda = 3, .ldb = 2, .ldc = 2};
  assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  assert_int_equal(c_at(r, 32), 4);
  assert_int_equal(c_at(r, 36), 5);
  assert_int_equal(c_at(r, 40), 10);
  assert_int_equal(c_at(r, 44), 11);
}

/* Signed extremes: [-128 127] x [-128; -128] = 16384 - 16256 = 128, and
 * [-128 -128] x [-128; -128] = 32768. */
static void test_hand_signed(void **state) {
  tatami_ref *r = *state;
  const int8_t a[4] = {-128, 127, -128, -128}, b[2] = {-128, -128};
  assert_int_equal(write_bytes(r, 0, a, 4), TATAMI_REF_OK);
  assert_int_equal(write_bytes(r, 16, b, 2), TATAMI_REF_OK);
  desc d = {.a = 0, .b = 16, .c = 32, .m = 2, .n = 1, .k = 2, .lda = 2, .ldb = 1, .ldc = 1};
  assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  assert_int_equal(c_at(r, 32), 128);
  assert_int_equal(c_at(r, 36), 32768);
}

/* The same product with A and/or B stored transposed gives the same C. */
static void test_transposes(void **state) {
  tatami_ref *r = *state;
  const int8_t at[6] = {1, 4, 2, 5, 3, 6};    /* A23 stored 3x2 */
  const int8_t bt[6] = {1, 0, 1, 0, 1, 1};    /* B32 stored 2x3 */
  assert_int_equal(write_bytes(r, 0, A23, 6), TATAMI_REF_OK);
  assert_int_equal(write_bytes(r, 16, at, 6), TATAMI_REF_OK);
  assert_int_equal(write_bytes(r, 32, B32, 6), TATAMI_REF_OK);
  assert_int_equal(write_bytes(r, 48, bt, 6), TATAMI_REF_OK);
  for (unsigned f = 0; f < 4; f++) {
    int ta = f & 1, tb = (f >> 1) & 1;
    desc d = {.a = ta ? 16 : 0, .b = tb ? 48 : 32, .c = 64, .m = 2, .n = 2, .k = 3,
              .lda = ta ? 2 : 3, .ldb = tb ? 3 : 2, .ldc = 2, .flags = (uint8_t)f};
    memset((uint8_t *)tatami_ref_sram(r) + 64, 0xEE, 16);
    assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
    assert_int_equal(c_at(r, 64), 4);
    assert_int_equal(c_at(r, 68), 5);
    assert_int_equal(c_at(r, 72), 10);
    assert_int_equal(c_at(r, 76), 11);
  }
}

static void test_accumulate(void **state) {
  tatami_ref *r = *state;
  assert_int_equal(write_bytes(r, 0, A23, 6), TATAMI_REF_OK);
  assert_int_equal(write_bytes(r, 16, B32, 6), TATAMI_REF_OK);
  const int32_t c0[4] = {100, -200, 300, -400};
  write_i32(r, 32, c0, 4);
  desc d = {.a = 0, .b = 16, .c = 32, .m = 2, .n = 2, .k = 3, .lda = 3, .ldb = 2, .ldc = 2,
            .flags = 4};
  assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  assert_int_equal(c_at(r, 32), 104);
  assert_int_equal(c_at(r, 36), -195);
  assert_int_equal(c_at(r, 40), 310);
  assert_int_equal(c_at(r, 44), -389);
  /* Without accumulate the old C is overwritten, not added to. */
  d.flags = 0;
  assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  assert_int_equal(c_at(r, 32), 4);
  assert_int_equal(c_at(r, 44), 11);
}

/* Wrap of accumulate: INT32_MAX + 1 = INT32_MIN; INT32_MIN - 1 = INT32_MAX. */
static void test_wrap_accumulate(void **state) {
  tatami_ref *r = *state;
  const int8_t a[2] = {1, -1}, b[1] = {1};
  assert_int_equal(write_bytes(r, 0, a, 2), TATAMI_REF_OK);
  assert_int_equal(write_bytes(r, 16, b, 1), TATAMI_REF_OK);
  const int32_t c0[2] = {INT32_MAX, INT32_MIN};
  write_i32(r, 32, c0, 2);
  desc d = {.a = 0, .b = 16, .c = 32, .m = 2, .n = 1, .k = 1, .lda = 1, .ldb = 1, .ldc = 1,
            .flags = 4};
  assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  assert_int_equal(c_at(r, 32), INT32_MIN);
  assert_int_equal(c_at(r, 36), INT32_MAX);
}

/* Wrap of the sum itself: 131072 products of (-128)(-128) = 2^31, which is
 * INT32_MIN modulo 2^32. Needs a 256 KiB SRAM of its own. */
static void test_wrap_sum(void **state) {
  (void)state;
  const uint32_t k = 131072;
  tatami_ref *r = tatami_ref_create(2 * k + 64, 1, 1, 0);
  assert_non_null(r);
  int8_t chunk[TATAMI_REF_MAX_DATA];
  memset(chunk, -128, sizeof chunk);
  for (uint32_t off = 0; off < 2 * k; off += sizeof chunk)
    assert_int_equal(write_bytes(r, off, chunk, sizeof chunk), TATAMI_REF_OK);
  /* A is 1 x k, B is k x 1 (stride 1). */
  desc d = {.a = 0, .b = k, .c = 2 * k, .m = 1, .n = 1, .k = k, .lda = k, .ldb = 1, .ldc = 1};
  assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  assert_int_equal(c_at(r, 2 * k), INT32_MIN);
  /* One product fewer: 2^31 - 2^14 fits. */
  d.k = k - 1;
  d.lda = k - 1;
  assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  assert_int_equal(c_at(r, 2 * k), 2147483648 - 16384);
  tatami_ref_destroy(r);
}

/* Padded strides: elements come from the strided places and C's pads are
 * left alone. */
static void test_strides(void **state) {
  tatami_ref *r = *state;
  /* A 2x2 with lda 5: rows at 0 and 5; junk in between. */
  const int8_t a[7] = {2, 3, 99, 99, 99, 4, 5};
  /* B 2x2 with ldb 3: rows at 0 and 3. */
  const int8_t b[5] = {1, 2, 77, 3, 4};
  assert_int_equal(write_bytes(r, 0, a, 7), TATAMI_REF_OK);
  assert_int_equal(write_bytes(r, 16, b, 5), TATAMI_REF_OK);
  const int32_t c0[5] = {-1, -1, 0x5A5A5A5A, -1, -1};  /* ldc 3: the pad is c0[2] */
  write_i32(r, 32, c0, 5);
  desc d = {.a = 0, .b = 16, .c = 32, .m = 2, .n = 2, .k = 2, .lda = 5, .ldb = 3, .ldc = 3};
  assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  /* [2 3; 4 5] x [1 2; 3 4] = [11 16; 19 28] */
  assert_int_equal(c_at(r, 32), 11);
  assert_int_equal(c_at(r, 36), 16);
  assert_int_equal(c_at(r, 40), 0x5A5A5A5A);
  assert_int_equal(c_at(r, 44), 19);
  assert_int_equal(c_at(r, 48), 28);
}

/* Random small GEMMs against the independent naive loop. */
static void test_random_vs_naive(void **state) {
  tatami_ref *r = *state;
  tt_rng rng = {tt_seed("test_ref", 20261126)};
  for (int t = 0; t < 300; t++) {
    uint32_t m = tt_rng_range(&rng, 1, 20), n = tt_rng_range(&rng, 1, 20),
             k = tt_rng_range(&rng, 1, 20);
    uint8_t flags = (uint8_t)(t & 7);
    int ta = flags & 1, tb = (flags >> 1) & 1, acc = (flags >> 2) & 1;
    uint32_t ar = ta ? k : m, ac = ta ? m : k, br = tb ? n : k, bc = tb ? k : n;
    uint32_t lda = ac + tt_rng_range(&rng, 0, 3), ldb = bc + tt_rng_range(&rng, 0, 3),
             ldc = n + tt_rng_range(&rng, 0, 3);
    size_t alen = (size_t)(ar - 1) * lda + ac, blen = (size_t)(br - 1) * ldb + bc,
           clen = (size_t)(m - 1) * ldc + n;
    int8_t a[1024], b[1024];
    int32_t c[512], want[512];
    assert_true(alen <= sizeof a && blen <= sizeof b && clen <= 512);
    tt_rng_fill_i8(&rng, a, alen);
    tt_rng_fill_i8(&rng, b, blen);
    for (size_t i = 0; i < clen; i++) c[i] = (int32_t)(uint32_t)tt_rng_next(&rng);
    memcpy(want, c, clen * 4);
    tt_naive_gemm(m, n, k, ta, tb, acc, a, lda, b, ldb, want, ldc);
    uint8_t cbuf[2048];
    tt_i32_to_le(c, clen, cbuf);
    assert_int_equal(write_bytes(r, 0, a, alen), TATAMI_REF_OK);
    assert_int_equal(write_bytes(r, 1024, b, blen), TATAMI_REF_OK);
    assert_int_equal(write_bytes(r, 2048, cbuf, 1024), TATAMI_REF_OK);
    assert_int_equal(write_bytes(r, 3072, cbuf + 1024, 1024), TATAMI_REF_OK);
    desc d = {.a = 0, .b = 1024, .c = 2048, .m = m, .n = n, .k = k, .lda = lda, .ldb = ldb,
              .ldc = ldc, .flags = flags};
    assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
    for (size_t i = 0; i < clen; i++) assert_int_equal(c_at(r, 2048 + 4 * (uint32_t)i), want[i]);
  }
}

/* ------------------------------------------------------------ GEMM checks */

/* A valid baseline: A 4x4 at 0, B 4x4 at 16, C 4x4 at 64. */
static desc base(void) {
  return (desc){.a = 0, .b = 16, .c = 64, .m = 4, .n = 4, .k = 4, .lda = 4, .ldb = 4, .ldc = 4};
}

static void test_gemm_len(void **state) {
  tatami_ref *r = *state;
  uint8_t p[48], resp[TATAMI_REF_MAX_PAYLOAD];
  size_t rl;
  desc d = base();
  d.dtype_ab = 1;  /* would be BAD_DTYPE: length is checked first */
  encode(&d, p);
  assert_int_equal(tatami_ref_exec(r, TATAMI_REF_OP_GEMM, p, 39, resp, &rl), TATAMI_REF_BAD_LEN);
  assert_int_equal(tatami_ref_exec(r, TATAMI_REF_OP_GEMM, p, 41, resp, &rl), TATAMI_REF_BAD_LEN);
  assert_int_equal(tatami_ref_exec(r, TATAMI_REF_OP_GEMM, NULL, 0, resp, &rl), TATAMI_REF_BAD_LEN);
  assert_int_equal(tatami_ref_exec(r, TATAMI_REF_OP_GEMM, p, 40, resp, &rl), TATAMI_REF_BAD_DTYPE);
  d = base();
  encode(&d, p);
  assert_int_equal(tatami_ref_exec(r, TATAMI_REF_OP_GEMM, p, 40, resp, &rl), TATAMI_REF_OK);
}

static void test_gemm_dtype(void **state) {
  tatami_ref *r = *state;
  desc d = base();
  d.dtype_ab = 1;
  assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_DTYPE);
  d = base();
  d.dtype_c = 2;
  assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_DTYPE);
  /* dtype comes before BAD_ARG (m = 0) */
  d.m = 0;
  assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_DTYPE);
  /* reserved byte is ignored */
  d = base();
  d.reserved = 0xFF;
  assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
}

static void test_gemm_bad_arg(void **state) {
  tatami_ref *r = *state;
  desc d;
  for (int bit = 3; bit < 8; bit++) {
    d = base();
    d.flags = (uint8_t)(1u << bit);
    assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_ARG);
  }
  d = base(); d.m = 0; assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_ARG);
  d = base(); d.n = 0; assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_ARG);
  d = base(); d.k = 0; assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_ARG);
  /* 2^24 - 1 passes check 3 (and then leaves the SRAM); 2^24 does not. */
  d = base(); d.m = 0xFFFFFF; assert_int_equal(gemm(r, &d), TATAMI_REF_ADDR_RANGE);
  d = base(); d.m = 0x1000000; assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_ARG);
  d = base(); d.n = 0x1000000; d.ldb = d.ldc = 0x1000000;
  assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_ARG);
  d = base(); d.k = 0xFFFFFFFF; d.lda = 0xFFFFFFFF; assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_ARG);
  /* strides: lda >= (trans_a ? m : k), ldb >= (trans_b ? k : n), ldc >= n */
  d = base(); d.k = 5; d.lda = 4; assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_ARG);
  d = base(); d.flags = 1; d.m = 5; d.lda = 4; d.ldc = 5;
  assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_ARG);
  d = base(); d.flags = 1; d.k = 5; d.lda = 4;  /* trans_a: k is the row count, fine */
  d.ldb = 4;
  assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  d = base(); d.n = 5; d.ldb = 4; d.ldc = 5; assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_ARG);
  d = base(); d.flags = 2; d.k = 5; d.lda = 5; d.ldb = 4;
  assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_ARG);
  d = base(); d.ldc = 3; assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_ARG);
  /* BAD_ARG comes before ADDR_RANGE */
  d = base(); d.ldc = 3; d.c = 0xFFFFFF00; assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_ARG);
}

static void test_gemm_addr_range(void **state) {
  tatami_ref *r = *state;
  desc d;
  /* A (4x4, 16 bytes) ending exactly at the end of the SRAM is fine. */
  d = base(); d.a = SRAM - 16; assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  d = base(); d.a = SRAM - 15; assert_int_equal(gemm(r, &d), TATAMI_REF_ADDR_RANGE);
  d = base(); d.b = SRAM - 16; assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  d = base(); d.b = SRAM - 15; assert_int_equal(gemm(r, &d), TATAMI_REF_ADDR_RANGE);
  /* C is 4 bytes per element: 64 bytes. */
  d = base(); d.c = SRAM - 64; assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  d = base(); d.c = SRAM - 63; assert_int_equal(gemm(r, &d), TATAMI_REF_ADDR_RANGE);
  /* The extent uses the stride: (rows-1)*ld + cols, not rows*ld. */
  d = base(); d.lda = 100; d.a = SRAM - (3 * 100 + 4); d.c = 128;
  assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  d.a += 1; assert_int_equal(gemm(r, &d), TATAMI_REF_ADDR_RANGE);
  /* Transposed A is stored K x M. */
  d = base(); d.flags = 1; d.m = 8; d.lda = 8; d.ldc = 4; d.n = 4; d.c = 256;
  d.a = SRAM - 32; assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  d.a = SRAM - 31; assert_int_equal(gemm(r, &d), TATAMI_REF_ADDR_RANGE);
  /* No 32-bit wrap-around: a huge address plus a huge extent. */
  d = base(); d.a = 0xFFFFFFF0; assert_int_equal(gemm(r, &d), TATAMI_REF_ADDR_RANGE);
  d = base(); d.lda = 0xFFFFFFFF; assert_int_equal(gemm(r, &d), TATAMI_REF_ADDR_RANGE);
  d = base(); d.c = 0xFFFFFFFF; d.ldc = 0x40000000;
  assert_int_equal(gemm(r, &d), TATAMI_REF_ADDR_RANGE);
  /* ADDR_RANGE comes before OVERLAP */
  d = base(); d.c = 0; d.ldc = 0x40000000; assert_int_equal(gemm(r, &d), TATAMI_REF_ADDR_RANGE);
}

static void test_gemm_overlap(void **state) {
  tatami_ref *r = *state;
  desc d;
  /* C right after A's last byte, or right before A: no overlap. */
  d = base(); d.a = 0; d.b = 200; d.c = 16; assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  d = base(); d.a = 64; d.b = 200; d.c = 0; assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  /* One byte of overlap each way, with A and with B. */
  d = base(); d.a = 0; d.b = 200; d.c = 15; assert_int_equal(gemm(r, &d), TATAMI_REF_OVERLAP);
  d = base(); d.a = 63; d.b = 200; d.c = 0; assert_int_equal(gemm(r, &d), TATAMI_REF_OVERLAP);
  d = base(); d.a = 0; d.b = 300; d.c = 236; assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  d = base(); d.a = 0; d.b = 300; d.c = 237; assert_int_equal(gemm(r, &d), TATAMI_REF_OVERLAP);
  /* A inside C's pad (ldc > n): still inside C's byte range. */
  d = base(); d.ldc = 16; d.c = 1000; d.a = 1000 + 20; d.b = 0;
  assert_int_equal(gemm(r, &d), TATAMI_REF_OVERLAP);
  /* A and B may be the same bytes. */
  d = base(); d.a = 0; d.b = 0; d.c = 64; assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
}

/* A failing GEMM executes nothing: C untouched, not counted. */
static void test_gemm_fail_executes_nothing(void **state) {
  tatami_ref *r = *state;
  uint8_t ones[16];
  memset(ones, 1, sizeof ones);
  assert_int_equal(write_bytes(r, 0, ones, 16), TATAMI_REF_OK);
  assert_int_equal(write_bytes(r, 16, ones, 16), TATAMI_REF_OK);
  const int32_t marker[16] = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
  write_i32(r, 64, marker, 16);
  uint64_t count = tatami_ref_counter(r, TATAMI_REF_CNT_GEMM_COUNT);
  uint64_t macs = tatami_ref_counter(r, TATAMI_REF_CNT_MACS);
  desc d = base();
  d.b = 64 - 8;  /* B's last bytes run into C: OVERLAP, the last check */
  assert_int_equal(gemm(r, &d), TATAMI_REF_OVERLAP);
  for (uint32_t i = 0; i < 16; i++) assert_int_equal(c_at(r, 64 + 4 * i), 7);
  assert_int_equal(tatami_ref_counter(r, TATAMI_REF_CNT_GEMM_COUNT), count);
  assert_int_equal(tatami_ref_counter(r, TATAMI_REF_CNT_MACS), macs);
  d = base();
  assert_int_equal(gemm(r, &d), TATAMI_REF_OK);
  assert_int_equal(c_at(r, 64), 4);
  assert_int_equal(tatami_ref_counter(r, TATAMI_REF_CNT_GEMM_COUNT), count + 1);
  assert_int_equal(tatami_ref_counter(r, TATAMI_REF_CNT_MACS), macs + 64);
}

/* ------------------------------------------------------------ WRITE / READ */

static void test_write_checks(void **state) {
  tatami_ref *r = *state;
  uint8_t data[1100] = {0}, resp[TATAMI_REF_MAX_PAYLOAD];
  size_t rl;
  uint8_t p[4 + 1100];
  /* LEN < 5 */
  for (size_t len = 0; len < 5; len++) {
    tt_put_le32(p, 0);
    assert_int_equal(tatami_ref_exec(r, TATAMI_REF_OP_WRITE, p, len, resp, &rl),
                     TATAMI_REF_BAD_LEN);
  }
  /* BAD_LEN comes before ADDR_RANGE */
  tt_put_le32(p, 0xFFFFFFFF);
  assert_int_equal(tatami_ref_exec(r, TATAMI_REF_OP_WRITE, p, 4, resp, &rl), TATAMI_REF_BAD_LEN);
  /* One byte, and the last byte of the SRAM. */
  data[0] = 0xAB;
  assert_int_equal(write_bytes(r, 0, data, 1), TATAMI_REF_OK);
  assert_int_equal(tatami_ref_sram(r)[0], 0xAB);
  assert_int_equal(write_bytes(r, SRAM - 1, data, 1), TATAMI_REF_OK);
  assert_int_equal(tatami_ref_sram(r)[SRAM - 1], 0xAB);
  /* addr + (LEN - 4) > SRAM */
  assert_int_equal(write_bytes(r, SRAM - 1, data, 2), TATAMI_REF_ADDR_RANGE);
  assert_int_equal(write_bytes(r, SRAM, data, 1), TATAMI_REF_ADDR_RANGE);
  assert_int_equal(write_bytes(r, 0xFFFFFFFF, data, 1024), TATAMI_REF_ADDR_RANGE);
  /* a failed write writes nothing */
  data[0] = 0x11;
  data[1] = 0x22;
  assert_int_equal(write_bytes(r, SRAM - 1, data, 2), TATAMI_REF_ADDR_RANGE);
  assert_int_equal(tatami_ref_sram(r)[SRAM - 1], 0xAB);
  /* The largest payload: 1024 data bytes. A longer frame is TOO_LONG. */
  memset(p, 0, sizeof p);
  assert_int_equal(tatami_ref_exec(r, TATAMI_REF_OP_WRITE, p, 1028, resp, &rl), TATAMI_REF_OK);
  assert_int_equal(tatami_ref_exec(r, TATAMI_REF_OP_WRITE, p, 1029, resp, &rl),
                   TATAMI_REF_TOO_LONG);
}

static void test_read_checks(void **state) {
  tatami_ref *r = *state;
  uint8_t p[8] = {0}, resp[TATAMI_REF_MAX_PAYLOAD], out[1024];
  size_t rl;
  /* LEN != 6, even when the len field would also be bad */
  for (size_t len = 0; len < 8; len++) {
    if (len == 6) continue;
    assert_int_equal(tatami_ref_exec(r, TATAMI_REF_OP_READ, p, len, resp, &rl),
                     TATAMI_REF_BAD_LEN);
  }
  assert_int_equal(read_bytes(r, 0, 0, out), TATAMI_REF_BAD_ARG);
  assert_int_equal(read_bytes(r, 0, 1025, out), TATAMI_REF_BAD_ARG);
  assert_int_equal(read_bytes(r, 0, 0xFFFF, out), TATAMI_REF_BAD_ARG);
  /* BAD_ARG comes before ADDR_RANGE */
  assert_int_equal(read_bytes(r, 0xFFFFFFFF, 0, out), TATAMI_REF_BAD_ARG);
  assert_int_equal(read_bytes(r, SRAM - 1024, 1024, out), TATAMI_REF_OK);
  assert_int_equal(read_bytes(r, SRAM - 1023, 1024, out), TATAMI_REF_ADDR_RANGE);
  assert_int_equal(read_bytes(r, 0xFFFFFFFF, 2, out), TATAMI_REF_ADDR_RANGE);
  /* what was written comes back */
  const uint8_t msg[5] = {1, 2, 3, 250, 251};
  assert_int_equal(write_bytes(r, 1000, msg, 5), TATAMI_REF_OK);
  assert_int_equal(read_bytes(r, 1000, 5, out), TATAMI_REF_OK);
  assert_memory_equal(out, msg, 5);
}

/* ------------------------------------------------------------ other opcodes */

static void test_zero_length_opcodes(void **state) {
  tatami_ref *r = *state;
  uint8_t p[4] = {0}, resp[TATAMI_REF_MAX_PAYLOAD];
  size_t rl;
  const uint8_t ops[4] = {TATAMI_REF_OP_HELLO, TATAMI_REF_OP_INFO, TATAMI_REF_OP_COUNTERS,
                          TATAMI_REF_OP_CLEAR};
  for (int i = 0; i < 4; i++) {
    assert_int_equal(tatami_ref_exec(r, ops[i], p, 1, resp, &rl), TATAMI_REF_BAD_LEN);
    assert_int_equal(rl, 0);
  }
}

static void test_bad_opcode(void **state) {
  tatami_ref *r = *state;
  uint8_t p[40] = {0}, resp[TATAMI_REF_MAX_PAYLOAD];
  size_t rl;
  const uint8_t ops[5] = {0x0C, 0x10, 0x40, 0x80, 0xFF};
  for (int i = 0; i < 5; i++) {
    assert_int_equal(tatami_ref_exec(r, ops[i], NULL, 0, resp, &rl), TATAMI_REF_BAD_OPCODE);
    assert_int_equal(tatami_ref_exec(r, ops[i], p, 40, resp, &rl), TATAMI_REF_BAD_OPCODE);
  }
  /* 0x07..0x0B are 1.1's: a model of a 1.0 tile has none of them */
  tatami_ref *old = tatami_ref_create(4096, 4, 4, 0);
  assert_non_null(old);
  assert_int_equal(tatami_ref_configure(old, TATAMI_REF_VERSION_1_0, TATAMI_REF_FEAT_ALL), 0);
  for (uint8_t op = 0x07; op <= 0x0B; op++) {
    assert_int_equal(tatami_ref_exec(old, op, NULL, 0, resp, &rl), TATAMI_REF_BAD_OPCODE);
    assert_int_equal(tatami_ref_exec(old, op, p, 40, resp, &rl), TATAMI_REF_BAD_OPCODE);
    assert_int_not_equal(tatami_ref_exec(r, op, NULL, 0, resp, &rl), TATAMI_REF_BAD_OPCODE);
  }
  tatami_ref_destroy(old);
}

static void test_info_record(void **state) {
  (void)state;
  tatami_ref *r = tatami_ref_create(123456, 7, 9, 3);
  assert_non_null(r);
  uint8_t resp[TATAMI_REF_MAX_PAYLOAD];
  size_t rl;
  for (uint8_t op = TATAMI_REF_OP_HELLO; op <= TATAMI_REF_OP_INFO; op++) {
    memset(resp, 0xCC, sizeof resp);
    assert_int_equal(tatami_ref_exec(r, op, NULL, 0, resp, &rl), TATAMI_REF_OK);
    assert_int_equal(rl, 20);
    assert_int_equal(resp[0] | resp[1] << 8, 0x0101);   /* protocol 1.1 */
    assert_int_equal(resp[2], 3);
    assert_int_equal(resp[3], 0);
    assert_int_equal(resp[4], 7);
    assert_int_equal(resp[5], 9);
    assert_true(resp[6] >= 1);
    assert_int_equal(resp[7], 0x3F);   /* every 1.1 feature */
    assert_int_equal(tt_get_le32(resp + 8), 123456);
    assert_int_equal(resp[12] | resp[13] << 8, 1024);
    assert_int_equal(resp[14], 128);
    assert_int_equal(resp[15], 0);
    assert_int_equal(tt_get_le32(resp + 16), 100000000);
  }
  tatami_ref_destroy(r);
}

static void test_counters(void **state) {
  tatami_ref *r = *state;
  uint8_t resp[TATAMI_REF_MAX_PAYLOAD];
  size_t rl;
  assert_int_equal(tatami_ref_exec(r, TATAMI_REF_OP_CLEAR, NULL, 0, resp, &rl), TATAMI_REF_OK);
  desc d = base();
  assert_int_equal(gemm(r, &d), TATAMI_REF_OK);           /* 64 MACs */
  d.m = 3; d.n = 2; d.k = 1;
  assert_int_equal(gemm(r, &d), TATAMI_REF_OK);           /* 6 MACs */
  d.m = 0;
  assert_int_equal(gemm(r, &d), TATAMI_REF_BAD_ARG);      /* not counted */
  assert_int_equal(tatami_ref_exec(r, TATAMI_REF_OP_COUNTERS, NULL, 0, resp, &rl), TATAMI_REF_OK);
  assert_int_equal(rl, 96);
  assert_int_equal(tt_get_le32(resp + 8 * TATAMI_REF_CNT_MACS), 70);
  assert_int_equal(tt_get_le32(resp + 8 * TATAMI_REF_CNT_GEMM_COUNT), 2);
  /* frames: the 3 GEMMs and this COUNTERS (CLEAR cleared its own) */
  assert_int_equal(tt_get_le32(resp + 8 * TATAMI_REF_CNT_FRAMES_OK), 4);
  assert_int_equal(tt_get_le32(resp + 8 * TATAMI_REF_CNT_CYCLES), 0);
  assert_int_equal(tt_get_le32(resp + 8 * TATAMI_REF_CNT_LAST_GEMM_CYCLES), 0);
  assert_int_equal(tatami_ref_exec(r, TATAMI_REF_OP_CLEAR, NULL, 0, resp, &rl), TATAMI_REF_OK);
  assert_int_equal(tatami_ref_counter(r, TATAMI_REF_CNT_MACS), 0);
  assert_int_equal(tatami_ref_counter(r, TATAMI_REF_CNT_GEMM_COUNT), 0);
}

static void test_create_limits(void **state) {
  (void)state;
  assert_null(tatami_ref_create(0, 16, 16, 0));
  assert_null(tatami_ref_create(TATAMI_REF_MAX_SRAM + 1, 16, 16, 0));
  assert_null(tatami_ref_create(1024, 0, 16, 0));
  assert_null(tatami_ref_create(1024, 16, 256, 0));
  tatami_ref *r = tatami_ref_create(1024, 255, 1, 0);
  assert_non_null(r);
  assert_int_equal(tatami_ref_sram_bytes(r), 1024);
  for (uint32_t i = 0; i < 1024; i++) assert_int_equal(tatami_ref_sram(r)[i], 0);
  tatami_ref_destroy(r);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_hand_product),   T(test_hand_signed),      T(test_transposes),
      T(test_accumulate),     T(test_wrap_accumulate),  T(test_wrap_sum),
      T(test_strides),        T(test_random_vs_naive),  T(test_gemm_len),
      T(test_gemm_dtype),     T(test_gemm_bad_arg),     T(test_gemm_addr_range),
      T(test_gemm_overlap),   T(test_gemm_fail_executes_nothing),
      T(test_write_checks),   T(test_read_checks),      T(test_zero_length_opcodes),
      T(test_bad_opcode),     T(test_info_record),      T(test_counters),
      T(test_create_limits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
