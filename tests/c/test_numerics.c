/* Tests of the numerics reference (host/src/numerics.c) against
 * docs/numerics.md. Where it matters the expected values come from code
 * written here, independently of the implementation:
 *   - decoding: the spec's formulas evaluated with ldexp in double (exact);
 *   - rounding: the two neighbouring representable values, found with double
 *     arithmetic (exact here), and the nearest picked, ties to the even code;
 *   - FP32 add/mul: the host's IEEE float arithmetic, which is
 *     round-to-nearest-even, corrected only where the spec departs from IEEE
 *     (denormal operands and results flushed, one canonical NaN);
 *   - the random source: a separate xorshift32.
 * Every random test prints its seed (TATAMI_TEST_SEED replays it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <time.h>

#include "numerics.h"
#include "tatami_test_util.h"

#define FI TATAMI_NUM_FLAG_INVALID
#define FD TATAMI_NUM_FLAG_DENORMAL
#define FO TATAMI_NUM_FLAG_OVERFLOW
#define FU TATAMI_NUM_FLAG_UNDERFLOW
#define FX TATAMI_NUM_FLAG_INEXACT
#define QNAN TATAMI_NUM_FP32_QNAN
#define L143 TATAMI_NUM_CFP8_143
#define L152 TATAMI_NUM_CFP8_152
#define RNE TATAMI_NUM_RNE
#define SR TATAMI_NUM_SR

static uint32_t bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}
static float flt(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* Classification written from the IEEE layout, for the test's own use. */
static int t_denormal(uint32_t x) { return fpclassify(flt(x)) == FP_SUBNORMAL; }

static tatami_num_ctx fresh(void) {
  tatami_num_ctx c;
  tatami_num_init(&c, 1);
  return c;
}

/* ============================================================ oracles */

/* RNE between neighbours lo < hi: 1 picks hi. (lo + hi) / 2 is exact: both
 * are adjacent grid points with short significands. */
static int rne_pick(double ax, double lo, double hi, int lo_even) {
  double mid = (lo + hi) / 2;
  if (ax < mid) return 0;
  if (ax > mid) return 1;
  return lo_even ? 0 : 1;
}

/* The BF16 neighbours of a finite nonzero FP32 normal magnitude ax:
 * lo = ax cut to 8 significant bits, ulp; q = lo / ulp (its code parity). */
static void bf16_bracket(double ax, double *lo, double *ulp, double *q) {
  int e;
  (void)frexp(ax, &e);   /* ax in [2^(e-1), 2^e) */
  *ulp = ldexp(1.0, e - 1 - 7);
  *q = floor(ax / *ulp);
  *lo = *q * *ulp;
}

/* The spec's BF16 result of a finite FP32 normal or zero: nearest, ties to
 * even, >= 2^128 is Inf. sr_r >= 0: stochastic with that draw instead. */
static uint16_t oracle_bf16(uint32_t xb, long sr_r, unsigned *fl) {
  uint16_t sign = (xb >> 31) ? 0x8000u : 0;
  double ax = fabs((double)flt(xb));
  *fl = 0;
  if (ax == 0) return sign;
  double lo, ulp, q;
  bf16_bracket(ax, &lo, &ulp, &q);
  int up;
  if (sr_r >= 0) {
    double F = floor((ax - lo) / ulp * 65536.0);   /* exact */
    up = F + (double)sr_r >= 65536.0;
  } else {
    up = rne_pick(ax, lo, lo + ulp, fmod(q, 2.0) == 0.0);
  }
  double v = up ? lo + ulp : lo;
  if (v != ax) *fl |= FX;
  if (v >= ldexp(1.0, 128)) {
    *fl |= FO;
    return sign | 0x7F80u;
  }
  return (uint16_t)(sign | (bits((float)v) >> 16));
}

/* Value of a CFloat8 code: the spec's formula, in double. */
static double cfp8_value(unsigned code, int m_bits, int b) {
  unsigned mag = code & 0x7Fu, e = mag >> m_bits, m = mag & ((1u << m_bits) - 1u);
  double v = e == 0 ? ldexp((double)m, 1 - b - m_bits)
                    : ldexp((double)((1u << m_bits) + m), (int)e - b - m_bits);
  return (code & 0x80u) ? -v : v;
}

/* The 128 magnitudes of a layout and bias, ascending, plus g[128], the
 * first value past the largest (where rounding overflows). */
typedef struct grid {
  tatami_num_layout layout;
  int m_bits, e_bits, b;
  double g[129];
} grid;

static void grid_init(grid *G, tatami_num_layout layout, int b) {
  G->layout = layout;
  G->m_bits = layout == L152 ? 2 : 3;
  G->e_bits = layout == L152 ? 5 : 4;
  G->b = b;
  for (unsigned i = 0; i < 128; i++) G->g[i] = cfp8_value(i, G->m_bits, b);
  int e_max = (1 << G->e_bits) - 1;
  G->g[128] = G->g[127] + ldexp(1.0, e_max - b - G->m_bits);
}

/* The spec's CFloat8 result of a finite FP32 normal or zero x (as a
 * double): RNE (sr_r < 0) or stochastic with draw sr_r. lo_out and hi_out get
 * the neighbouring codes (before saturation). */
static uint8_t oracle_cfp8(const grid *G, double x, long sr_r, unsigned *fl, int *lo_out,
                           int *hi_out) {
  uint8_t sign = signbit(x) ? 0x80u : 0;
  double ax = fabs(x);
  *fl = 0;
  int pick;
  if (ax == 0) {
    *lo_out = *hi_out = 0;
    return sign;
  }
  if (ax >= G->g[128]) {
    pick = 128;
    *lo_out = *hi_out = 128;
  } else {
    int lo = 0, hi = 127;   /* largest i with g[i] <= ax */
    while (lo < hi) {
      int mid = (lo + hi + 1) / 2;
      if (G->g[mid] <= ax) lo = mid;
      else hi = mid - 1;
    }
    int i = lo;
    *lo_out = i;
    *hi_out = i + 1;
    if (sr_r >= 0) {
      double F = floor((ax - G->g[i]) / (G->g[i + 1] - G->g[i]) * 65536.0);
      pick = i + (F + (double)sr_r >= 65536.0);
    } else {
      pick = i + rne_pick(ax, G->g[i], G->g[i + 1], i % 2 == 0);
    }
  }
  if (pick == 128 || ax != G->g[pick]) *fl |= FX;   /* 128 delivers g[127] < ax */
  if (pick == 128) {
    *fl |= FO;
    pick = 127;
  }
  if (pick == 0) *fl |= FU;
  return (uint8_t)(sign | pick);
}

/* The spec's result of an FP32 add (op 0) or mul (op 1), from the host's
 * IEEE float arithmetic with the spec's departures applied around it. */
static uint32_t oracle_fp32(int op, uint32_t a, uint32_t b, unsigned *fl) {
  unsigned f = 0;
  if (t_denormal(a)) {
    a &= 0x80000000u;
    f |= FD;
  }
  if (t_denormal(b)) {
    b &= 0x80000000u;
    f |= FD;
  }
  volatile float x = flt(a), y = flt(b);
  if (isnan(x) || isnan(y)) {
    *fl = f | FI;
    return QNAN;
  }
  volatile float r = op ? x * y : x + y;
  if (isnan(r)) {   /* 0 x Inf, Inf - Inf */
    *fl = f | FI;
    return QNAN;
  }
  if (isinf(r)) {
    if (!isinf(x) && !isinf(y)) f |= FO | FX;
    *fl = f;
    return bits(r);
  }
  const double fmin = (double)FLT_MIN;
  uint32_t sign = bits(r) & 0x80000000u;
  if (op == 0) {
    /* Sums of FP32 values are multiples of 2^-149: the exact sum is normal
     * iff the host's is, and a denormal host sum is exact. TwoSum gives the
     * rounding error of a normal sum. */
    if (r == 0) {
      *fl = f;
      return bits(r);
    }
    if (fabs((double)r) < fmin) {
      *fl = f | FU | FX;
      return sign;
    }
    volatile float bb = r - x;
    volatile float err = (x - (r - bb)) + (y - bb);
    *fl = f | (err != 0 ? FX : 0);
    return bits(r);
  }
  /* Products of two FP32 values are exact in double. */
  double exact = (double)x * (double)y;
  double ae = fabs(exact);
  if (ae >= fmin) {
    *fl = f | ((double)r != exact ? FX : 0);
    return bits(r);
  }
  if (ae == 0) {
    *fl = f;
    return bits(r);
  }
  /* Tiny: rounded to 24 bits with an unbounded exponent, it reaches 2^-126
   * only from the midpoint 2^-126 - 2^-151 up. */
  if (ae >= fmin - ldexp(1.0, -151)) {
    *fl = f | FX;
    return sign | 0x00800000u;
  }
  *fl = f | FU | FX;
  return (exact < 0) ? 0x80000000u : 0;
}

/* ============================================================ BF16 */

static void test_bf16_all_codes(void **state) {
  (void)state;
  unsigned n_normal = 0, n_denormal = 0, n_nan = 0, n_inf = 0, n_zero = 0;
  for (uint32_t h = 0; h < 65536; h++) {
    uint32_t w = tatami_num_bf16_to_fp32((uint16_t)h);
    assert_int_equal(w, h << 16);   /* widening is exact: the same bits */
    unsigned e = (h >> 7) & 0xFFu, m = h & 0x7Fu;
    uint16_t sign = (uint16_t)(h & 0x8000u);
    /* The value by the spec's formula, against the host's reading. */
    if (e != 0xFF) {
      double v = e == 0 ? ldexp((double)m, -133) : ldexp(128.0 + m, (int)e - 134);
      if (sign) v = -v;
      assert_true((double)flt(w) == v);
      assert_int_equal(signbit(flt(w)) != 0, sign != 0);
    }
    for (int mode = 0; mode < 2; mode++) {
      tatami_num_ctx c = fresh();
      uint32_t rng0 = c.rng;
      uint16_t back = tatami_num_fp32_to_bf16(&c, w, (tatami_num_round)mode);
      /* SR consumes one draw per element, RNE none. */
      assert_int_equal(c.rng, mode ? tatami_num_xorshift32(rng0) : rng0);
      if (e == 0xFF && m != 0) {   /* NaN: the canonical NaN */
        assert_int_equal(back, TATAMI_NUM_BF16_QNAN);
        assert_int_equal(c.flags, FI);
        n_nan += !mode;
      } else if (e == 0 && m != 0) {   /* denormal: flushed, sign kept */
        assert_int_equal(back, sign);
        assert_int_equal(c.flags, FD);
        n_denormal += !mode;
      } else {   /* zero, normal, Inf: exact round trip */
        assert_int_equal(back, h);
        assert_int_equal(c.flags, 0);
        if (!mode) {
          if (e == 0xFF) n_inf++;
          else if (e == 0) n_zero++;
          else n_normal++;
        }
      }
    }
  }
  assert_int_equal(n_nan, 2 * 127);
  assert_int_equal(n_inf, 2);
  assert_int_equal(n_zero, 2);
  assert_int_equal(n_denormal, 2 * 127);
  assert_int_equal(n_normal, 2 * 254 * 128);
}

/* Hand-picked FP32 -> BF16 (RNE) cases of docs/numerics.md. */
static void test_bf16_rne_edges(void **state) {
  (void)state;
  static const struct {
    uint32_t x;
    uint16_t want;
    unsigned flags;
  } v[] = {
      {0x3F800000u, 0x3F80u, 0},        /* 1.0 */
      {0x3F808000u, 0x3F80u, FX},       /* 1 + 2^-8: tie, 1.0 is even */
      {0x3F818000u, 0x3F82u, FX},       /* 1 + 3*2^-8: tie, up to the even 1 + 2^-6 */
      {0x3F808001u, 0x3F81u, FX},       /* just above the tie */
      {0x3F807FFFu, 0x3F80u, FX},       /* just below */
      {0xBF808001u, 0xBF81u, FX},       /* sign-magnitude: the same for negatives */
      {0x3FFFFFFFu, 0x4000u, FX},       /* carry into the exponent */
      {0x7F7F0000u, 0x7F7Fu, 0},        /* largest finite BF16 */
      {0x7F7F7FFFu, 0x7F7Fu, FX},       /* below max + ulp/2: max */
      {0x7F7F8000u, 0x7F80u, FO | FX},  /* max + ulp/2: tie, max is odd -> Inf */
      {0x7F7FFFFFu, 0x7F80u, FO | FX},  /* largest FP32 -> Inf */
      {0xFF7FFFFFu, 0xFF80u, FO | FX},
      {0x7F800000u, 0x7F80u, 0},        /* Inf stays Inf, no flag */
      {0xFF800000u, 0xFF80u, 0},
      {0x7FC00000u, 0x7FC0u, FI},       /* NaN -> canonical */
      {0xFF800001u, 0x7FC0u, FI},       /* a signalling-pattern, negative NaN */
      {0x7F800001u, 0x7FC0u, FI},       /* a NaN whose top 16 bits read as Inf */
      {0x00800000u, 0x0080u, 0},        /* FP32 min normal = BF16 min normal */
      {0x00FFFFFFu, 0x0100u, FX},       /* rounds up across a binade */
      {0x007FFFFFu, 0x0000u, FD},       /* FP32 denormal: flushed */
      {0x80000001u, 0x8000u, FD},
      {0x80000000u, 0x8000u, 0},        /* -0 */
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    tatami_num_ctx c = fresh();
    uint16_t got = tatami_num_fp32_to_bf16(&c, v[i].x, RNE);
    if (got != v[i].want || c.flags != v[i].flags)
      fail_msg("bf16(0x%08x): got 0x%04x flags 0x%x, want 0x%04x flags 0x%x", v[i].x, got,
               c.flags, v[i].want, v[i].flags);
  }
}

/* Random FP32 patterns of every class -> BF16 RNE, against the oracle. */
static void test_bf16_rne_random(void **state) {
  (void)state;
  tt_rng r = {tt_seed("bf16_rne_random", 0xB16)};
  unsigned n = 1000000;
  for (unsigned i = 0; i < n; i++) {
    uint32_t x = (uint32_t)tt_rng_next(&r);
    if (i & 1) x &= 0xFFFF8FFFu | ((uint32_t)(i & 2) << 13);   /* make ties common */
    tatami_num_ctx c = fresh();
    uint16_t got = tatami_num_fp32_to_bf16(&c, x, RNE);
    uint16_t want;
    unsigned wf;
    float f = flt(x);
    if (isnan(f)) {
      want = TATAMI_NUM_BF16_QNAN;
      wf = FI;
    } else if (isinf(f)) {
      want = (uint16_t)(x >> 16);
      wf = 0;
    } else if (t_denormal(x)) {
      want = (uint16_t)((x >> 16) & 0x8000u);
      wf = FD;
    } else {
      want = oracle_bf16(x, -1, &wf);
    }
    if (got != want || c.flags != wf)
      fail_msg("bf16(0x%08x): got 0x%04x flags 0x%x, want 0x%04x flags 0x%x", x, got,
               c.flags, want, wf);
  }
}

/* ============================================================ CFloat8 */

static void test_cfp8_all_codes(void **state) {
  (void)state;
  for (int li = 0; li < 2; li++) {
    tatami_num_layout L = li ? L152 : L143;
    for (int b = 0; b < 64; b++) {
      grid G;
      grid_init(&G, L, b);
      const int M = G.m_bits, e_max = (1 << G.e_bits) - 1;
      /* Ascending, so every code is a distinct value: round trips are exact. */
      for (int i = 0; i < 128; i++) assert_true(G.g[i] < G.g[i + 1]);
      /* The spec's closed forms. */
      assert_true(G.g[127] == ldexp(2.0 - ldexp(1.0, -M), e_max - b));   /* max normal */
      assert_true(G.g[1 << M] == ldexp(1.0, 1 - b));                     /* min normal */
      assert_true(G.g[(1 << M) - 1] == ldexp(1.0 - ldexp(1.0, -M), 1 - b)); /* max denormal */
      assert_true(G.g[1] == ldexp(1.0, 1 - b - M));                      /* min denormal */
      for (unsigned code = 0; code < 256; code++) {
        uint32_t w = tatami_num_cfp8_to_fp32((uint8_t)code, L, (unsigned)b);
        double v = cfp8_value(code, M, b);
        assert_true(isnormal(flt(w)) || flt(w) == 0);   /* always an FP32 normal */
        if (bits((float)v) != w)
          fail_msg("cfp8 %s bias %d code 0x%02x: got 0x%08x, want 0x%08x (%g)",
                   li ? "152" : "143", b, code, w, bits((float)v), v);
        for (int mode = 0; mode < 2; mode++) {
          tatami_num_ctx c = fresh();
          uint8_t back = tatami_num_fp32_to_cfp8(&c, w, L, (unsigned)b, (tatami_num_round)mode);
          assert_int_equal(back, code);   /* 0x80 too: it is -0 and comes back as -0 */
          assert_int_equal(c.flags, 0);
        }
        /* Bias is a 6-bit register: only its low 6 bits count. */
        assert_int_equal(tatami_num_cfp8_to_fp32((uint8_t)code, L, (unsigned)b + 64u), w);
      }
    }
  }
  /* 0x80 is -0: FP32 -0 exactly. */
  assert_int_equal(tatami_num_cfp8_to_fp32(0x80, L143, 7), 0x80000000u);
}

/* Worked examples of docs/numerics.md section 3. */
static void test_cfp8_examples(void **state) {
  (void)state;
  static const struct {
    tatami_num_layout L;
    unsigned bias;
    uint8_t code;
    uint32_t fp32;
  } v[] = {
      {L143, 7, 0x38, 0x3F800000u},   /* 1.0 */
      {L143, 7, 0x7F, 0x43F00000u},   /* max 480 */
      {L143, 7, 0x08, 0x3C800000u},   /* min normal 2^-6 */
      {L143, 7, 0x01, 0x3B000000u},   /* min denormal 2^-9 */
      {L143, 7, 0x07, 0x3C600000u},   /* max denormal 7 * 2^-9 */
      {L143, 7, 0xC4, 0xC0400000u},   /* -3.0 */
      {L152, 15, 0x3C, 0x3F800000u},  /* 1.0 */
      {L152, 15, 0x7F, 0x47E00000u},  /* max 114688 */
      {L152, 15, 0x01, 0x37800000u},  /* min denormal 2^-16 */
      {L152, 0, 0x7F, 0x4F600000u},   /* bias 0: max 1.75 * 2^31 */
      {L143, 63, 0x01, 0x1F000000u},  /* bias 63: min denormal 2^-65 */
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    assert_int_equal(tatami_num_cfp8_to_fp32(v[i].code, v[i].L, v[i].bias), v[i].fp32);
    tatami_num_ctx c = fresh();
    assert_int_equal(tatami_num_fp32_to_cfp8(&c, v[i].fp32, v[i].L, v[i].bias, RNE), v[i].code);
  }
}

static void check_cfp8_rne(const grid *G, uint32_t x) {
  tatami_num_ctx c = fresh();
  uint8_t got = tatami_num_fp32_to_cfp8(&c, x, G->layout, (unsigned)G->b, RNE);
  unsigned wf;
  int lo, hi;
  uint8_t want = oracle_cfp8(G, (double)flt(x), -1, &wf, &lo, &hi);
  if (got != want || c.flags != wf)
    fail_msg("cfp8 %s bias %d of 0x%08x (%.9g): got 0x%02x flags 0x%x, want 0x%02x flags 0x%x",
             G->layout == L152 ? "152" : "143", G->b, x, (double)flt(x), got, c.flags, want, wf);
}

/* Every tie, the values one FP32 ulp either side of it, saturation, the
 * zero/denormal and denormal/normal boundaries, for all layouts and biases;
 * then random values around each format's range. */
static void test_cfp8_rne_edges_random(void **state) {
  (void)state;
  tt_rng r = {tt_seed("cfp8_rne", 0xCF8)};
  unsigned n_rand = 4000;
  for (int li = 0; li < 2; li++) {
    for (int b = 0; b < 64; b++) {
      grid G;
      grid_init(&G, li ? L152 : L143, b);
      for (int i = 0; i < 128; i++) {
        float mid = (float)((G.g[i] + G.g[i + 1]) / 2);   /* exact in FP32 */
        assert_true((double)mid == (G.g[i] + G.g[i + 1]) / 2);
        uint32_t m = bits(mid);
        for (uint32_t s = 0; s < 2; s++) {
          uint32_t sg = s << 31;
          check_cfp8_rne(&G, sg | m);
          check_cfp8_rne(&G, sg | (m + 1));
          check_cfp8_rne(&G, sg | (m - 1));
          check_cfp8_rne(&G, sg | bits((float)G.g[i]));
          if (i > 0) check_cfp8_rne(&G, sg | (bits((float)G.g[i]) - 1));
        }
      }
      /* Beyond the largest value: saturation without and with overflow. */
      check_cfp8_rne(&G, bits((float)G.g[128]));
      check_cfp8_rne(&G, bits((float)G.g[128]) + 1);
      check_cfp8_rne(&G, 0x7F7FFFFFu);
      check_cfp8_rne(&G, 0xFF7FFFFFu);
      check_cfp8_rne(&G, 0x00800000u);   /* FP32 min normal: far below, -> 0 */
      /* Random: exponents from 4 below the smallest denormal to 2 above the
       * largest, random mantissa and sign. */
      int e_lo = 1 - b - G.m_bits - 4, e_hi = (1 << G.e_bits) - 1 - b + 2;
      for (unsigned k = 0; k < n_rand; k++) {
        uint64_t v = tt_rng_next(&r);
        int e = e_lo + (int)((v >> 32) % (uint64_t)(e_hi - e_lo + 1));
        uint32_t x = (uint32_t)(v & 0x807FFFFFu) | (uint32_t)(e + 127) << 23;
        if (k & 1) x &= 0xFFF0FFFFu;   /* more exact ties */
        check_cfp8_rne(&G, x);
      }
    }
  }
}

/* Inputs outside the finite normal range. */
static void test_cfp8_specials(void **state) {
  (void)state;
  static const struct {
    uint32_t x;
    uint8_t want;
    unsigned flags;
  } v[] = {
      {0x7F800000u, 0x7F, FO | FX},   /* +Inf: saturates */
      {0xFF800000u, 0xFF, FO | FX},
      {0x7FC00000u, 0x7F, FI},        /* NaN: largest magnitude, its sign */
      {0xFFC00001u, 0xFF, FI},
      {0x00000001u, 0x00, FD},        /* FP32 denormal: flushed */
      {0x807FFFFFu, 0x80, FD},
      {0x00000000u, 0x00, 0},
      {0x80000000u, 0x80, 0},         /* -0 stays -0 */
      {0x3A800000u, 0x00, FU | FX},   /* 2^-10 = min denormal / 2, 1-4-3 bias 7: tie -> 0 */
      {0xBA800001u, 0x81, FX},        /* just above: -min denormal */
      {0x43F40000u, 0x7F, FX},        /* 488 = max + ulp/4 (1-4-3 bias 7): max */
      {0x43F80000u, 0x7F, FO | FX},   /* 496 = max + ulp/2: tie, max is odd: overflow */
      {0x44000000u, 0x7F, FO | FX},   /* 512 = max + ulp: overflow */
  };
  /* The first 8 entries do not depend on the draw: SR gives the same. */
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    for (int mode = 0; mode < (i < 8 || v[i].x == 0x44000000u ? 2 : 1); mode++) {
      tatami_num_ctx c = fresh();
      uint8_t got = tatami_num_fp32_to_cfp8(&c, v[i].x, L143, 7, (tatami_num_round)mode);
      if (got != v[i].want || c.flags != v[i].flags)
        fail_msg("cfp8(0x%08x) mode %d: got 0x%02x flags 0x%x, want 0x%02x flags 0x%x",
                 v[i].x, mode, got, c.flags, v[i].want, v[i].flags);
    }
  }
}

/* ============================================================ FP32 */

static void check_fp32(int op, uint32_t a, uint32_t b) {
  tatami_num_ctx c = fresh();
  uint32_t got = op ? tatami_num_fp32_mul(&c, a, b) : tatami_num_fp32_add(&c, a, b);
  unsigned wf;
  uint32_t want = oracle_fp32(op, a, b, &wf);
  if (got != want || c.flags != wf)
    fail_msg("%s(0x%08x, 0x%08x): got 0x%08x flags 0x%x, want 0x%08x flags 0x%x",
             op ? "mul" : "add", a, b, got, c.flags, want, wf);
}

static uint32_t rand_normal(tt_rng *r, int e_lo, int e_hi) {
  uint64_t v = tt_rng_next(r);
  int e = e_lo + (int)((v >> 32) % (uint64_t)(e_hi - e_lo + 1));
  return (uint32_t)(v & 0x807FFFFFu) | (uint32_t)e << 23;
}

/* 10^6 random adds of normal operands: exponent gaps mostly 0..30 (all the
 * alignment cases), some cancellations, some overflow. */
static void test_fp32_add_random(void **state) {
  (void)state;
  assert_int_equal(FLT_EVAL_METHOD, 0);   /* host float ops round to float */
  tt_rng r = {tt_seed("fp32_add_random", 0xADD)};
  unsigned n = 1000000, cmp_normal = 0, cmp_tiny = 0, cmp_inf = 0;
  for (unsigned i = 0; i < n; i++) {
    uint32_t a = rand_normal(&r, 1, 254), b;
    int ea = (int)((a >> 23) & 0xFF);
    switch (i % 4) {
    case 0:
      b = rand_normal(&r, 1, 254);
      break;
    case 1:
    case 2: {   /* gap 0..30 */
      int eb = ea - (int)tt_rng_range(&r, 0, 30);
      if (eb < 1) eb = 1;
      b = rand_normal(&r, eb, eb);
      break;
    }
    default:   /* near cancellation: -a plus or minus a few ulps, either order */
      b = (a ^ 0x80000000u) + tt_rng_range(&r, 0, 8) - 4;
      if (((b >> 23) & 0xFF) == 0 || ((b >> 23) & 0xFF) == 0xFF) b = a ^ 0x80000000u;
      break;
    }
    if (i & 8) {
      uint32_t t = a;
      a = b;
      b = t;
    }
    check_fp32(0, a, b);
    float s = flt(a) + flt(b);
    if (isinf(s)) cmp_inf++;
    else if (fabsf(s) < FLT_MIN) cmp_tiny++;
    else cmp_normal++;
  }
  printf("add: %u compared (%u normal, %u zero/tiny, %u overflow)\n", n, cmp_normal, cmp_tiny,
         cmp_inf);
  assert_true(cmp_tiny > 0 && cmp_inf > 0);
}

/* 10^6 random products: exponents chosen so that most are in range, some
 * overflow, some are tiny (flushed) or straddle 2^-126. */
static void test_fp32_mul_random(void **state) {
  (void)state;
  tt_rng r = {tt_seed("fp32_mul_random", 0x307)};
  unsigned n = 1000000, tiny = 0, over = 0;
  for (unsigned i = 0; i < n; i++) {
    uint32_t a, b;
    if (i % 4 == 3) {   /* products around 2^-126 */
      a = rand_normal(&r, 100, 126);
      int eb = 127 - 126 - ((int)((a >> 23) & 0xFF) - 127) + (int)tt_rng_range(&r, 0, 2) - 1;
      b = rand_normal(&r, eb, eb);
    } else {
      a = rand_normal(&r, 1, 254);
      b = rand_normal(&r, 1, 254);
    }
    check_fp32(1, a, b);
    double p = fabs((double)flt(a) * (double)flt(b));
    tiny += p < FLT_MIN;
    over += p > FLT_MAX;
  }
  printf("mul: %u compared (%u tiny, %u overflow)\n", n, tiny, over);
  assert_true(tiny > 0 && over > 0);
}

/* Every pair of a set of special and boundary values, both operations, both
 * orders, against the oracle (denormals, zeros of both signs, Inf, NaNs,
 * FLT_MIN, FLT_MAX, products at 2^-126 - 2^-150 and 2^-126 - 2^-151). */
static void test_fp32_special_pairs(void **state) {
  (void)state;
  static const uint32_t v[] = {
      0x00000000u, 0x80000000u, 0x00000001u, 0x807FFFFFu, 0x00400000u, 0x00800000u,
      0x80800000u, 0x00800001u, 0x3F800000u, 0xBF800000u, 0x3F7FFFFFu, 0x3FFFFFFFu,
      0x33800000u, 0x34000000u, 0x4B800000u, 0x7F7FFFFFu, 0xFF7FFFFFu, 0x7F000000u,
      0x7F800000u, 0xFF800000u, 0x7FC00000u, 0xFFC00000u, 0x7F800001u, 0x3F000000u,
      0x01000000u, 0x3F118E00u, 0x00E12000u, 0x00E10000u, 0x3F016C00u, 0x00FD3000u,
      0x3F226800u, 0x00C9C400u, 0x00FFFFFFu,
  };
  /* 0x3F118E00 = 18631 * 2^-15, 0x00E12000 = 1801 * 2^-136: their product is
   * (2^25 - 1) * 2^-151 = 2^-126 - 2^-151, the tie that rounds up to 2^-126;
   * 0x00E10000 = 1800 * 2^-136 makes it smaller (flushed). 0x3F016C00 *
   * 0x00FD3000 = (8283 * 4051) * 2^-151 = 2^-126 + 2^-151 (rounds to 2^-126).
   * 0x3F7FFFFF * 0x00800000 = 2^-126 - 2^-150 and 0x3F226800 * 0x00C9C400 =
   * (5197 * 12913) * 2^-152 = 2^-126 - 3 * 2^-152 are flushed (IEEE: 2^-126). */
  const size_t n = sizeof v / sizeof v[0];
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      for (int op = 0; op < 2; op++) check_fp32(op, v[i], v[j]);
  /* The spec's departures from IEEE, spelled out. */
  tatami_num_ctx c = fresh();
  assert_int_equal(tatami_num_fp32_mul(&c, 0x3F118E00u, 0x00E12000u), 0x00800000u);
  assert_int_equal(c.flags, FX);
  c = fresh();
  assert_int_equal(tatami_num_fp32_mul(&c, 0x3F118E00u, 0x00E10000u), 0);
  assert_int_equal(c.flags, FU | FX);
  c = fresh();
  assert_int_equal(tatami_num_fp32_mul(&c, 0x3F7FFFFFu, 0x00800000u), 0);   /* IEEE: 2^-126 */
  assert_int_equal(c.flags, FU | FX);
  c = fresh();
  assert_int_equal(tatami_num_fp32_mul(&c, 0xBF226800u, 0x00C9C400u), 0x80000000u);
  assert_int_equal(c.flags, FU | FX);
  volatile float ieee = flt(0x3F226800u) * flt(0x00C9C400u);   /* the host disagrees, as documented */
  assert_int_equal(bits(ieee), 0x00800000u);
  c = fresh();
  assert_int_equal(tatami_num_fp32_add(&c, 0x00C00000u, 0x80800000u), 0);  /* 2^-127 flushed */
  assert_int_equal(c.flags, FU | FX);
  c = fresh();
  assert_int_equal(tatami_num_fp32_add(&c, 0x7FC00001u, 0x3F800000u), QNAN);
  assert_int_equal(c.flags, FI);
  c = fresh();
  assert_int_equal(tatami_num_fp32_sub(&c, 0x3F800000u, 0x3F800000u), 0);  /* 1 - 1 = +0 */
  assert_int_equal(tatami_num_fp32_sub(&c, 0x80000000u, 0x00000000u), 0x80000000u);
  assert_int_equal(tatami_num_fp32_sub(&c, 0x40400000u, 0x3F800000u), 0x40000000u);
  assert_int_equal(c.flags, 0);
}

/* ============================================================ dot product */

static void test_dot_order(void **state) {
  (void)state;
  const uint32_t one = 0x3F800000u, p24 = 0x4B800000u, m24 = 0xCB800000u;
  /* Sequential in k: 2^24 + 1 rounds to 2^24 (tie, even), then -2^24: +0.
   * Any other order of the same terms gives 1. */
  uint32_t a1[] = {p24, one, m24}, b1[] = {one, one, one};
  tatami_num_ctx c = fresh();
  assert_int_equal(tatami_num_dot(&c, a1, 1, b1, 1, 3), 0);
  assert_int_equal(c.flags, FX);
  uint32_t a1r[] = {p24, m24, one};
  c = fresh();
  assert_int_equal(tatami_num_dot(&c, a1r, 1, b1, 1, 3), one);
  assert_int_equal(c.flags, 0);
  /* The product is rounded before the add (no fused multiply-add):
   * (1 + 2^-23)^2 = 1 + 2^-22 + 2^-46 -> 1 + 2^-22; minus 1: 2^-22. */
  uint32_t a2[] = {0x3F800001u, 0xBF800000u}, b2[] = {0x3F800001u, one};
  c = fresh();
  assert_int_equal(tatami_num_dot(&c, a2, 1, b2, 1, 2), 0x34800000u);
  assert_int_equal(c.flags, FX);
  /* The accumulator starts at -0: a dot product of -0 products is -0. */
  uint32_t a3[] = {0x80000000u, 0x80000000u}, b3[] = {one, one};
  c = fresh();
  assert_int_equal(tatami_num_dot(&c, a3, 1, b3, 1, 2), 0x80000000u);
  assert_int_equal(tatami_num_dot(&c, a3, 1, b3, 1, 1), 0x80000000u);
  b3[1] = 0xBF800000u;   /* -0 * -1 = +0; -0 + +0 = +0 */
  assert_int_equal(tatami_num_dot(&c, a3, 1, b3, 1, 2), 0);
  assert_int_equal(c.flags, 0);
  /* Inf * 0 in one term: NaN for the rest of the sum. */
  uint32_t a4[] = {one, 0x7F800000u, one}, b4[] = {one, 0, 0x7F800000u};
  c = fresh();
  assert_int_equal(tatami_num_dot(&c, a4, 1, b4, 1, 3), QNAN);
  assert_int_equal(c.flags, FI);
  /* Strides. */
  uint32_t a5[] = {one, 0xDEADBEEFu, 0x40000000u, 0xDEADBEEFu}, b5[] = {0x40400000u, 0x40800000u};
  c = fresh();
  assert_int_equal(tatami_num_dot(&c, a5, 2, b5, 1, 2), 0x41300000u);   /* 3 + 8 = 11 */
}

/* Random dot products against the host's float loop in the same order,
 * where every intermediate is normal (the host is then exactly the spec):
 * BF16-valued operands (exact products) and full FP32 operands. */
static void test_dot_random(void **state) {
  (void)state;
  tt_rng r = {tt_seed("dot_random", 0xD07)};
  enum { K = 64 };
  unsigned n = 20000, compared = 0;
  for (unsigned t = 0; t < n; t++) {
    uint32_t a[K], b[K];
    int bf16 = t & 1;
    for (int k = 0; k < K; k++) {
      a[k] = rand_normal(&r, 100, 154);
      b[k] = rand_normal(&r, 100, 154);
      if (bf16) {
        a[k] &= 0xFFFF0000u;
        b[k] &= 0xFFFF0000u;
      }
    }
    volatile float s = -0.0f;
    int ok = 1;
    for (int k = 0; k < K; k++) {
      volatile float p = flt(a[k]) * flt(b[k]);
      s = s + p;
      if ((p != 0 && fabsf(p) < FLT_MIN) || (s != 0 && fabsf(s) < FLT_MIN)) ok = 0;
    }
    if (!ok) continue;
    compared++;
    tatami_num_ctx c = fresh();
    uint32_t got = tatami_num_dot(&c, a, 1, b, 1, K);
    if (got != bits(s)) fail_msg("dot %u: got 0x%08x, host 0x%08x", t, got, bits(s));
    assert_int_equal(c.flags & ~FX, 0);
  }
  printf("dot: %u of %u compared\n", compared, n);
  assert_true(compared > n / 2);
}

/* ============================================================ random source */

static uint32_t my_xorshift32(uint32_t x) {   /* written again, for the test */
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

static void test_rng(void **state) {
  (void)state;
  tatami_num_ctx c;
  tatami_num_init(&c, 1);
  /* Worked by hand in docs/numerics.md: 1 -> 0x00042021 -> 0x04080601. */
  assert_int_equal(tatami_num_rng_draw(&c), 0x0004u);
  assert_int_equal(c.rng, 0x00042021u);
  assert_int_equal(tatami_num_rng_draw(&c), 0x0408u);
  assert_int_equal(c.rng, 0x04080601u);
  /* Seed 0 (and reset) load the fixed nonzero state. */
  tatami_num_init(&c, 0);
  assert_int_equal(c.rng, TATAMI_NUM_RNG_SEED0);
  /* 10^5 draws against the test's own generator; never state 0. */
  uint32_t seed = 0x12345678u, x = seed;
  tatami_num_seed(&c, seed);
  for (int i = 0; i < 100000; i++) {
    x = my_xorshift32(x);
    assert_int_equal(tatami_num_rng_draw(&c), x >> 16);
    assert_int_not_equal(c.rng, 0);
  }
  /* Draws do not touch the flags. */
  assert_int_equal(c.flags, 0);
}

/* ============================================================ stochastic rounding */

/* Same seed, same bits; another seed, other bits; one draw per element,
 * whatever its value. */
static void test_sr_reproducible(void **state) {
  (void)state;
  enum { N = 10000 };
  static uint32_t src[N];
  static uint16_t h1[N], h2[N], h3[N];
  static uint8_t c1[N], c2[N], c3[N];
  tt_rng r = {tt_seed("sr_reproducible", 0x5EED)};
  for (int i = 0; i < N; i++) src[i] = rand_normal(&r, 110, 140);
  tatami_num_ctx x, y, z;
  tatami_num_init(&x, 42);
  tatami_num_init(&y, 42);
  tatami_num_init(&z, 43);
  tatami_num_fp32_to_bf16_n(&x, src, h1, N, SR);
  tatami_num_fp32_to_bf16_n(&y, src, h2, N, SR);
  tatami_num_fp32_to_bf16_n(&z, src, h3, N, SR);
  assert_memory_equal(h1, h2, sizeof h1);
  assert_memory_not_equal(h1, h3, sizeof h1);
  tatami_num_fp32_to_cfp8_n(&x, src, c1, N, L152, 20, SR);
  tatami_num_fp32_to_cfp8_n(&y, src, c2, N, L152, 20, SR);
  tatami_num_fp32_to_cfp8_n(&z, src, c3, N, L152, 20, SR);
  assert_memory_equal(c1, c2, sizeof c1);
  assert_memory_not_equal(c1, c3, sizeof c1);
  assert_int_equal(x.rng, y.rng);
  assert_int_equal(x.flags, y.flags);
  /* RNE draws nothing: the state is unchanged. */
  uint32_t before = x.rng;
  tatami_num_fp32_to_bf16_n(&x, src, h1, N, RNE);
  tatami_num_fp32_to_cfp8_n(&x, src, c1, N, L143, 3, RNE);
  assert_int_equal(x.rng, before);
  /* Specials consume a draw each: NaN, Inf, 0, denormal, then a value. */
  const uint32_t seq[5] = {0x7FC00000u, 0x7F800000u, 0, 1, 0x3F8055AAu};
  tatami_num_init(&x, 7);
  tatami_num_init(&y, 7);
  for (int i = 0; i < 4; i++) (void)tatami_num_rng_draw(&y);
  uint16_t hs[5];
  tatami_num_fp32_to_bf16_n(&x, seq, hs, 5, SR);
  assert_int_equal(hs[4], tatami_num_fp32_to_bf16(&y, seq[4], SR));
  assert_int_equal(x.rng, y.rng);
  uint8_t cs[5];
  tatami_num_fp32_to_cfp8_n(&x, seq, cs, 5, L143, 7, SR);
  for (int i = 0; i < 4; i++) (void)tatami_num_rng_draw(&y);
  assert_int_equal(cs[4], tatami_num_fp32_to_cfp8(&y, seq[4], L143, 7, SR));
  assert_int_equal(x.rng, y.rng);
}

/* Bit-exact: each SR result is predicted from the test's own generator and
 * the spec's rule (round up iff F + r >= 2^16, F the 16 bits below the kept
 * LSB, found with double arithmetic); so it is one of the two neighbours. */
static void test_sr_bit_exact(void **state) {
  (void)state;
  tt_rng r = {tt_seed("sr_bit_exact", 0x5B1)};
  tatami_num_ctx c;
  uint32_t seed = (uint32_t)tt_rng_next(&r) | 1u, x = seed;
  tatami_num_init(&c, seed);
  unsigned n = 200000;
  for (unsigned i = 0; i < n; i++) {
    uint32_t v = rand_normal(&r, 1, 254);
    x = my_xorshift32(x);
    unsigned wf;
    uint16_t want = oracle_bf16(v, (long)(x >> 16), &wf);
    uint16_t got = tatami_num_fp32_to_bf16(&c, v, SR);
    if (got != want || c.flags != wf)
      fail_msg("SR bf16(0x%08x) r=0x%04x: got 0x%04x flags 0x%x, want 0x%04x flags 0x%x", v,
               x >> 16, got, c.flags, want, wf);
    c.flags = 0;
  }
  for (unsigned i = 0; i < n; i++) {
    grid G;
    grid_init(&G, (i & 1) ? L152 : L143, (int)tt_rng_range(&r, 0, 63));
    int e_lo = 1 - G.b - G.m_bits - 4, e_hi = (1 << G.e_bits) - 1 - G.b + 2;
    uint32_t v = rand_normal(&r, e_lo + 127, e_hi + 127);
    x = my_xorshift32(x);
    unsigned wf;
    int lo, hi;
    uint8_t want = oracle_cfp8(&G, (double)flt(v), (long)(x >> 16), &wf, &lo, &hi);
    uint8_t got = tatami_num_fp32_to_cfp8(&c, v, G.layout, (unsigned)G.b, SR);
    if (got != want || c.flags != wf)
      fail_msg("SR cfp8 %d/%d of 0x%08x r=0x%04x: got 0x%02x flags 0x%x, want 0x%02x flags 0x%x",
               (int)G.layout, G.b, v, x >> 16, got, c.flags, want, wf);
    int mag = got & 0x7F;
    hi = hi > 127 ? 127 : hi;
    assert_true(mag == lo || mag == hi);   /* one of the two neighbours */
    c.flags = 0;
  }
}

/* The statistics of SR. With f the exact fraction of an ulp below x, SR
 * rounds up with probability p = floor(f * 2^16) / 2^16 (BF16: exactly f).
 * The error e = (result - x) / ulp then has mean p - f in [-2^-16, 0] and
 * variance f(1-f) <= 1/4: over n = 10^5 samples the standard error of the
 * mean is <= 0.5 / sqrt(n) = 1.58e-3. Bound: 5 standard errors (a false
 * failure has probability < 10^-6, and the seed is fixed) plus 2^-16. */
static void test_sr_mean_error(void **state) {
  (void)state;
  tt_rng r = {tt_seed("sr_mean_error", 0x3EA)};
  const unsigned n = 100000;
  const double bound = 5.0 * 0.5 / sqrt((double)n) + ldexp(1.0, -16);
  tatami_num_ctx c;
  tatami_num_init(&c, 2024);
  for (int fmt = 0; fmt < 3; fmt++) {
    /* x uniform in [1, 2): BF16 ulp 2^-7; 1-4-3 (bias 7) 2^-3; 1-5-2 (bias 15) 2^-2. */
    const double ulp = fmt == 0 ? ldexp(1, -7) : fmt == 1 ? ldexp(1, -3) : ldexp(1, -2);
    double sum = 0, sum_rne = 0;
    for (unsigned i = 0; i < n; i++) {
      uint32_t xb = 0x3F800000u | ((uint32_t)tt_rng_next(&r) & 0x7FFFFFu);
      double x = (double)flt(xb), v, v_rne;
      tatami_num_ctx q = fresh();
      if (fmt == 0) {
        v = (double)flt(tatami_num_bf16_to_fp32(tatami_num_fp32_to_bf16(&c, xb, SR)));
        v_rne = (double)flt(tatami_num_bf16_to_fp32(tatami_num_fp32_to_bf16(&q, xb, RNE)));
      } else {
        tatami_num_layout L = fmt == 1 ? L143 : L152;
        unsigned b = fmt == 1 ? 7 : 15;
        v = (double)flt(tatami_num_cfp8_to_fp32(tatami_num_fp32_to_cfp8(&c, xb, L, b, SR), L, b));
        v_rne = (double)flt(
            tatami_num_cfp8_to_fp32(tatami_num_fp32_to_cfp8(&q, xb, L, b, RNE), L, b));
      }
      double e = (v - x) / ulp;
      assert_true(e > -1.0 && e < 1.0);   /* a neighbour */
      sum += e;
      sum_rne += (v_rne - x) / ulp;
    }
    double mean = sum / n;
    printf("SR mean error, format %d: %+.6f ulp (bound %.6f); RNE %+.6f\n", fmt, mean, bound,
           sum_rne / n);
    assert_true(fabs(mean) <= bound);
  }
  /* A fixed fraction f of an ulp: the share rounded up is within 5 standard
   * errors sqrt(p(1-p)/n) of p (RNE would give 0 or 1 here). */
  static const double fr[] = {0.25, 0.1, 0.75, 0.5, 1.0 / 1024};
  for (size_t j = 0; j < sizeof fr / sizeof fr[0]; j++) {
    for (int fmt = 0; fmt < 2; fmt++) {
      const double ulp = fmt == 0 ? ldexp(1, -7) : ldexp(1, -3);
      double x = 1.0 + ulp + fr[j] * ulp;   /* 1 + ulp: a grid point of both */
      float xf = (float)x;                  /* f as FP32 allows */
      double f = ((double)xf - (1.0 + ulp)) / ulp;
      double p = floor(f * 65536.0) / 65536.0;
      unsigned up = 0;
      for (unsigned i = 0; i < n; i++) {
        double v;
        if (fmt == 0) v = (double)flt(tatami_num_bf16_to_fp32(tatami_num_fp32_to_bf16(&c, bits(xf), SR)));
        else v = (double)flt(tatami_num_cfp8_to_fp32(tatami_num_fp32_to_cfp8(&c, bits(xf), L143, 7, SR), L143, 7));
        up += v > (double)xf;
      }
      double share = (double)up / n, se = sqrt(p * (1 - p) / n);
      printf("SR P(up), format %d, f = %.6f: %.5f (expected %.5f +- %.5f)\n", fmt, f, share, p,
             5 * se);
      assert_true(fabs(share - p) <= 5 * se + 1e-12);
    }
  }
}

/* The worked examples of docs/numerics.md sections 6.3 and 7, verbatim. */
static void test_doc_examples(void **state) {
  (void)state;
  tatami_num_ctx c;
  tatami_num_init(&c, 0x12345678u);
  static const uint32_t states[] = {0x87985AA5u, 0x155B24A3u, 0x4820F4C4u, 0x81B3AC98u};
  for (int i = 0; i < 4; i++) {
    (void)tatami_num_rng_draw(&c);
    assert_int_equal(c.rng, states[i]);
  }
  tatami_num_init(&c, 0);
  (void)tatami_num_rng_draw(&c);
  assert_int_equal(c.rng, 0x510C4619u);
  /* The SR table of 6.3. */
  tatami_num_init(&c, 0x12345678u);
  assert_int_equal(tatami_num_fp32_to_bf16(&c, 0x3F80C000u, SR), 0x3F81u);
  assert_int_equal(tatami_num_fp32_to_bf16(&c, 0x3F80C000u, SR), 0x3F80u);
  assert_int_equal(tatami_num_fp32_to_cfp8(&c, 0x3F840000u, L143, 7, SR), 0x38u);
  assert_int_equal(tatami_num_fp32_to_cfp8(&c, 0x3F8C0000u, L143, 7, SR), 0x39u);
  assert_int_equal(c.flags, FX);
  /* The table of section 7. */
  enum { ADD, MUL, BF16, CFP8, CFP8_152 };
  static const struct {
    int op;
    uint32_t a, b, want;
    unsigned flags;
  } v[] = {
      {ADD, 0x3F800000u, 0x40000000u, 0x40400000u, 0},
      {ADD, 0x3F800000u, 0x33800000u, 0x3F800000u, FX},
      {ADD, 0x3F800000u, 0x00000001u, 0x3F800000u, FD},
      {ADD, 0x00C00000u, 0x80800000u, 0x00000000u, FU | FX},
      {ADD, 0x7F800000u, 0xFF800000u, 0x7FC00000u, FI},
      {MUL, 0x7F000000u, 0x40000000u, 0x7F800000u, FO | FX},
      {MUL, 0x00000001u, 0xFF800000u, 0x7FC00000u, FI | FD},
      {MUL, 0x3F800001u, 0x3F800001u, 0x3F800002u, FX},
      {BF16, 0x40490FDBu, 0, 0x4049u, FX},
      {BF16, 0x3F818000u, 0, 0x3F82u, FX},
      {BF16, 0x7F7F8000u, 0, 0x7F80u, FO | FX},
      {BF16, 0x807FFFFFu, 0, 0x8000u, FD},
      {CFP8, 0x40490FDBu, 0, 0x45u, FX},
      {CFP8_152, 0x40490FDBu, 0, 0x42u, FX},
      {CFP8, 0x3B400000u, 0, 0x02u, FX},
      {CFP8, 0x3A800000u, 0, 0x00u, FU | FX},
      {CFP8, 0xC3F80000u, 0, 0xFFu, FO | FX},
      {CFP8, 0x7FC00000u, 0, 0x7Fu, FI},
      {CFP8, 0x43F40000u, 0, 0x7Fu, FX},   /* 488, from the text of 6.2 */
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    c = fresh();
    uint32_t got;
    switch (v[i].op) {
    case ADD: got = tatami_num_fp32_add(&c, v[i].a, v[i].b); break;
    case MUL: got = tatami_num_fp32_mul(&c, v[i].a, v[i].b); break;
    case BF16: got = tatami_num_fp32_to_bf16(&c, v[i].a, RNE); break;
    case CFP8: got = tatami_num_fp32_to_cfp8(&c, v[i].a, L143, 7, RNE); break;
    default: got = tatami_num_fp32_to_cfp8(&c, v[i].a, L152, 15, RNE); break;
    }
    if (got != v[i].want || c.flags != v[i].flags)
      fail_msg("doc example %zu: got 0x%08x flags 0x%x, want 0x%08x flags 0x%x", i, got, c.flags,
               v[i].want, v[i].flags);
  }
}

/* ============================================================ flags */

/* Each operation sets exactly the flags the spec gives it (and no other),
 * starting from a clear register. */
static void test_flags_each(void **state) {
  (void)state;
  enum { ADD, MUL, BF16, CFP8, W16, W8 };
  static const struct {
    int op;
    uint32_t a, b;
    uint32_t want;
    unsigned flags;
  } v[] = {
      {ADD, 0x3F800000u, 0x40000000u, 0x40400000u, 0},   /* 1 + 2 = 3 */
      {ADD, 0x3F800000u, 0x33800000u, 0x3F800000u, FX},  /* 1 + 2^-24: tie, even */
      {ADD, 0x3F800000u, 0x33C00000u, 0x3F800001u, FX},  /* 1 + 1.5 * 2^-24 */
      {ADD, 0x7F7FFFFFu, 0x7F7FFFFFu, 0x7F800000u, FO | FX},
      {ADD, 0x00C00000u, 0x80800000u, 0x00000000u, FU | FX},
      {ADD, 0x00000001u, 0x3F800000u, 0x3F800000u, FD},
      {ADD, 0x7FC00000u, 0x3F800000u, QNAN, FI},
      {ADD, 0x7F800000u, 0xFF800000u, QNAN, FI},
      {ADD, 0x7F800000u, 0x7F800000u, 0x7F800000u, 0},
      {MUL, 0x40000000u, 0x40400000u, 0x40C00000u, 0},
      {MUL, 0x7F000000u, 0x40000000u, 0x7F800000u, FO | FX},
      {MUL, 0x0D800000u, 0x0D800000u, 0x00000000u, FU | FX},   /* 2^-100 squared */
      {MUL, 0x80000001u, 0x40000000u, 0x80000000u, FD},
      {MUL, 0x00000000u, 0x7F800000u, QNAN, FI},
      {MUL, 0x00000001u, 0xFF800000u, QNAN, FI | FD},   /* denormal is 0: 0 x Inf */
      {MUL, 0x7F800000u, 0xC0000000u, 0xFF800000u, 0},
      {BF16, 0x3F808001u, 0, 0x3F81u, FX},
      {BF16, 0x7F7FFFFFu, 0, 0x7F80u, FO | FX},
      {BF16, 0x00000001u, 0, 0x0000u, FD},
      {BF16, 0x7FC00000u, 0, 0x7FC0u, FI},
      {CFP8, 0x3F800000u, 0, 0x38u, 0},          /* 1-4-3 bias 7 below */
      {CFP8, 0x3F8C0000u, 0, 0x39u, FX},   /* 1.09375 */
      {CFP8, 0x7F800000u, 0, 0x7Fu, FO | FX},
      {CFP8, 0x3A000000u, 0, 0x00u, FU | FX},
      {CFP8, 0x00000001u, 0, 0x00u, FD},
      {CFP8, 0x7FC00000u, 0, 0x7Fu, FI},
      {W16, 0x7FC1u, 0, 0x7FC10000u, 0},         /* widening: never a flag */
      {W16, 0x0001u, 0, 0x00010000u, 0},
      {W8, 0xFFu, 0, 0xC3F00000u, 0},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    tatami_num_ctx c = fresh();
    uint32_t got = 0;
    switch (v[i].op) {
    case ADD: got = tatami_num_fp32_add(&c, v[i].a, v[i].b); break;
    case MUL: got = tatami_num_fp32_mul(&c, v[i].a, v[i].b); break;
    case BF16: got = tatami_num_fp32_to_bf16(&c, v[i].a, RNE); break;
    case CFP8: got = tatami_num_fp32_to_cfp8(&c, v[i].a, L143, 7, RNE); break;
    case W16: got = tatami_num_bf16_to_fp32((uint16_t)v[i].a); break;
    default: got = tatami_num_cfp8_to_fp32((uint8_t)v[i].a, L143, 7); break;
    }
    if (got != v[i].want || c.flags != v[i].flags)
      fail_msg("case %zu: got 0x%08x flags 0x%x, want 0x%08x flags 0x%x", i, got, c.flags,
               v[i].want, v[i].flags);
  }
}

/* Flags are sticky (an exact operation leaves them set) and clear by mask. */
static void test_flags_sticky_clear(void **state) {
  (void)state;
  tatami_num_ctx c = fresh();
  (void)tatami_num_fp32_add(&c, 0x7F800000u, 0xFF800000u);   /* I */
  (void)tatami_num_fp32_mul(&c, 0x00000001u, 0x3F800000u);   /* D */
  (void)tatami_num_fp32_mul(&c, 0x7F000000u, 0x7F000000u);   /* O X */
  (void)tatami_num_fp32_mul(&c, 0x0D800000u, 0x0D800000u);   /* U X */
  assert_int_equal(tatami_num_flags(&c), TATAMI_NUM_FLAGS_ALL);
  (void)tatami_num_fp32_add(&c, 0x3F800000u, 0x3F800000u);   /* exact: changes nothing */
  assert_int_equal(tatami_num_flags(&c), TATAMI_NUM_FLAGS_ALL);
  tatami_num_clear_flags(&c, FO | FX);
  assert_int_equal(tatami_num_flags(&c), FI | FD | FU);
  (void)tatami_num_fp32_add(&c, 0x3F800000u, 0x3F800000u);
  assert_int_equal(tatami_num_flags(&c), FI | FD | FU);
  tatami_num_clear_flags(&c, TATAMI_NUM_FLAGS_ALL);
  assert_int_equal(tatami_num_flags(&c), 0);
  (void)tatami_num_fp32_to_bf16(&c, 0x3F808001u, RNE);
  assert_int_equal(tatami_num_flags(&c), FX);
  /* Seeding the generator does not touch the flags. */
  tatami_num_seed(&c, 5);
  assert_int_equal(tatami_num_flags(&c), FX);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bf16_all_codes),
      cmocka_unit_test(test_bf16_rne_edges),
      cmocka_unit_test(test_bf16_rne_random),
      cmocka_unit_test(test_cfp8_all_codes),
      cmocka_unit_test(test_cfp8_examples),
      cmocka_unit_test(test_cfp8_rne_edges_random),
      cmocka_unit_test(test_cfp8_specials),
      cmocka_unit_test(test_fp32_add_random),
      cmocka_unit_test(test_fp32_mul_random),
      cmocka_unit_test(test_fp32_special_pairs),
      cmocka_unit_test(test_dot_order),
      cmocka_unit_test(test_dot_random),
      cmocka_unit_test(test_rng),
      cmocka_unit_test(test_sr_reproducible),
      cmocka_unit_test(test_sr_bit_exact),
      cmocka_unit_test(test_sr_mean_error),
      cmocka_unit_test(test_doc_examples),
      cmocka_unit_test(test_flags_each),
      cmocka_unit_test(test_flags_sticky_clear),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
