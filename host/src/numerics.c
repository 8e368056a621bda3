/* The reference of docs/numerics.md. Integer arithmetic only: no float or
 * double appears in this file, so the host's FPU (its rounding mode, its
 * denormal handling, x87 excess precision) cannot change a result. Each
 * function follows the section of the spec named in its comment. */
#include "numerics.h"

#define SIGN32 0x80000000u
#define EXP32 0x7F800000u
#define FRAC32 0x007FFFFFu
#define INF32 0x7F800000u

static int is_nan(uint32_t x) { return (x & EXP32) == EXP32 && (x & FRAC32) != 0; }
static int is_inf(uint32_t x) { return (x & ~SIGN32) == INF32; }
static int is_zero(uint32_t x) { return (x & ~SIGN32) == 0; }
static int is_denormal(uint32_t x) { return (x & EXP32) == 0 && (x & FRAC32) != 0; }

/* Index of the most significant set bit of x (x != 0). */
static int msb64(uint64_t x) {
  int p = 0;
  for (int s = 32; s > 0; s >>= 1) {
    if (x >> s) {
      x >>= s;
      p += s;
    }
  }
  return p;
}

/* ---------------------------------------------------------------- section 6 */

uint32_t tatami_num_xorshift32(uint32_t x) {
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

void tatami_num_seed(tatami_num_ctx *ctx, uint32_t seed) {
  ctx->rng = seed ? seed : TATAMI_NUM_RNG_SEED0;
}

void tatami_num_init(tatami_num_ctx *ctx, uint32_t seed) {
  ctx->flags = 0;
  tatami_num_seed(ctx, seed);
}

uint32_t tatami_num_rng_draw(tatami_num_ctx *ctx) {
  ctx->rng = tatami_num_xorshift32(ctx->rng);
  return ctx->rng >> 16;
}

/* ---------------------------------------------------------------- section 2 */

uint32_t tatami_num_bf16_to_fp32(uint16_t h) { return (uint32_t)h << 16; }

/* ---------------------------------------------------------------- section 3 */

uint32_t tatami_num_cfp8_to_fp32(uint8_t c, tatami_num_layout layout, unsigned bias) {
  const int m_bits = (int)tatami_num_cfp8_mbits(layout);
  const int b = (int)(bias & 63u);
  uint32_t sign = (uint32_t)(c & 0x80u) << 24;
  uint32_t mag = c & 0x7Fu;
  uint32_t e = mag >> m_bits, m = mag & ((1u << m_bits) - 1u);
  if (mag == 0) return sign;
  int E;          /* unbiased exponent of the value */
  uint32_t frac;  /* its 23 FP32 fraction bits */
  if (e == 0) {   /* denormal: m * 2^(1 - b - M), normalised */
    int p = msb64(m);
    E = 1 - b - m_bits + p;
    frac = (m << (23 - p)) & FRAC32;
  } else {
    E = (int)e - b;
    frac = m << (23 - m_bits);
  }
  /* E is in [-65, 31]: always an FP32 normal. */
  return sign | (uint32_t)(E + 127) << 23 | frac;
}

/* ---------------------------------------------------------------- section 4 */

/* Round sig * 2^exp (sig != 0) to FP32 with the given sign: RNE to a 24-bit
 * significand with an unbounded exponent, then overflow to Inf, tiny to zero.
 * sticky != 0 says the exact value is a little above sig * 2^exp (by less
 * than 2^exp); callers pass it only with sig >= 2^25, where it lies wholly
 * below the rounding position. */
static uint32_t round_pack(tatami_num_ctx *ctx, uint32_t sign, int exp, uint64_t sig,
                           int sticky) {
  int p = msb64(sig);
  int E = exp + p;   /* the value is in [2^E, 2^(E+1)) */
  uint64_t m;
  int inexact = sticky != 0;
  if (p > 23) {
    int sh = p - 23;
    uint64_t rem = sig & ((1ull << sh) - 1);
    uint64_t half = 1ull << (sh - 1);
    m = sig >> sh;
    if (rem) inexact = 1;
    if (rem > half || (rem == half && (sticky || (m & 1)))) m++;
    if (m == (1ull << 24)) {
      m >>= 1;
      E++;
    }
  } else {
    m = sig << (23 - p);
  }
  if (E > 127) {
    ctx->flags |= TATAMI_NUM_FLAG_OVERFLOW | TATAMI_NUM_FLAG_INEXACT;
    return sign | INF32;
  }
  if (E < -126) {
    ctx->flags |= TATAMI_NUM_FLAG_UNDERFLOW | TATAMI_NUM_FLAG_INEXACT;
    return sign;
  }
  if (inexact) ctx->flags |= TATAMI_NUM_FLAG_INEXACT;
  return sign | (uint32_t)(E + 127) << 23 | ((uint32_t)m & FRAC32);
}

/* An FP32 operand as the arithmetic sees it: denormals are signed zeros. */
static uint32_t operand(tatami_num_ctx *ctx, uint32_t x) {
  if (is_denormal(x)) {
    ctx->flags |= TATAMI_NUM_FLAG_DENORMAL;
    return x & SIGN32;
  }
  return x;
}

/* Significand (with its hidden bit) and the exponent of its LSB. */
static uint32_t sig_of(uint32_t x) { return (x & FRAC32) | 0x00800000u; }
static int lsb_exp_of(uint32_t x) { return (int)((x >> 23) & 0xFFu) - 150; }

uint32_t tatami_num_fp32_mul(tatami_num_ctx *ctx, uint32_t a, uint32_t b) {
  a = operand(ctx, a);
  b = operand(ctx, b);
  uint32_t sign = (a ^ b) & SIGN32;
  if (is_nan(a) || is_nan(b)) {
    ctx->flags |= TATAMI_NUM_FLAG_INVALID;
    return TATAMI_NUM_FP32_QNAN;
  }
  if (is_inf(a) || is_inf(b)) {
    if (is_zero(a) || is_zero(b)) {
      ctx->flags |= TATAMI_NUM_FLAG_INVALID;
      return TATAMI_NUM_FP32_QNAN;
    }
    return sign | INF32;
  }
  if (is_zero(a) || is_zero(b)) return sign;
  return round_pack(ctx, sign, lsb_exp_of(a) + lsb_exp_of(b),
                    (uint64_t)sig_of(a) * sig_of(b), 0);
}

uint32_t tatami_num_fp32_add(tatami_num_ctx *ctx, uint32_t a, uint32_t b) {
  a = operand(ctx, a);
  b = operand(ctx, b);
  if (is_nan(a) || is_nan(b)) {
    ctx->flags |= TATAMI_NUM_FLAG_INVALID;
    return TATAMI_NUM_FP32_QNAN;
  }
  if (is_inf(a) && is_inf(b)) {
    if ((a ^ b) & SIGN32) {
      ctx->flags |= TATAMI_NUM_FLAG_INVALID;
      return TATAMI_NUM_FP32_QNAN;
    }
    return a;
  }
  if (is_inf(a)) return a;
  if (is_inf(b)) return b;
  if (is_zero(a) && is_zero(b)) return a & b;   /* -0 only for -0 + -0 */
  if (is_zero(a)) return b;
  if (is_zero(b)) return a;

  /* Both normal. Let a be the one with the larger exponent. */
  if (lsb_exp_of(b) > lsb_exp_of(a)) {
    uint32_t t = a;
    a = b;
    b = t;
  }
  int d = lsb_exp_of(a) - lsb_exp_of(b);
  /* A = sig_a * 2^39 in units of 2^(ea - 39); B = b in the same units,
   * exact when d <= 39, else truncated with a sticky bit. */
  uint64_t A = (uint64_t)sig_of(a) << 39, B;
  int st = 0;
  if (d <= 39) {
    B = (uint64_t)sig_of(b) << (39 - d);
  } else if (d - 39 < 32) {
    B = sig_of(b) >> (d - 39);
    st = (sig_of(b) & ((1u << (d - 39)) - 1u)) != 0;
  } else {
    B = 0;
    st = 1;
  }
  int exp = lsb_exp_of(a) - 39;
  if (((a ^ b) & SIGN32) == 0) return round_pack(ctx, a & SIGN32, exp, A + B, st);
  if (A == B) return 0;   /* x + (-x) = +0 (st is 0 here: d == 0) */
  if (A > B) return round_pack(ctx, a & SIGN32, exp, A - B - (uint64_t)st, st);
  return round_pack(ctx, b & SIGN32, exp, B - A, 0);   /* only when d == 0 */
}

uint32_t tatami_num_fp32_sub(tatami_num_ctx *ctx, uint32_t a, uint32_t b) {
  return tatami_num_fp32_add(ctx, a, b ^ SIGN32);
}

/* ---------------------------------------------------------------- section 5 */

uint32_t tatami_num_dot(tatami_num_ctx *ctx, const uint32_t *a, size_t sa, const uint32_t *b,
                        size_t sb, size_t n) {
  uint32_t s = SIGN32;   /* -0: add(-0, p) == p for every product p */
  for (size_t k = 0; k < n; k++)
    s = tatami_num_fp32_add(ctx, s, tatami_num_fp32_mul(ctx, a[k * sa], b[k * sb]));
  return s;
}

/* ---------------------------------------------------------------- section 6 */

/* Round up? RNE from the dropped bits (rem against half, ties to an even
 * kept LSB), or SR: F, the 16 dropped bits just below the kept LSB, plus the
 * draw r carries out of 16 bits. */
static int round_up(tatami_num_round mode, uint64_t kept, uint64_t rem, int sh, uint32_t r) {
  if (mode == TATAMI_NUM_SR) {
    uint64_t f = sh >= 16 ? rem >> (sh - 16) : rem << (16 - sh);
    return f + r >= 0x10000u;
  }
  uint64_t half = 1ull << (sh - 1);
  return rem > half || (rem == half && (kept & 1));
}

uint16_t tatami_num_fp32_to_bf16(tatami_num_ctx *ctx, uint32_t x, tatami_num_round mode) {
  uint32_t r = mode == TATAMI_NUM_SR ? tatami_num_rng_draw(ctx) : 0;
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
  if (is_nan(x)) {
    ctx->flags |= TATAMI_NUM_FLAG_INVALID;
    return TATAMI_NUM_BF16_QNAN;
  }
  if (is_inf(x)) return (uint16_t)(x >> 16);
  x = operand(ctx, x);
  if (is_zero(x)) return sign;
  uint32_t mag = x & ~SIGN32;
  uint32_t kept = mag >> 16, rem = mag & 0xFFFFu;
  if (rem) ctx->flags |= TATAMI_NUM_FLAG_INEXACT;
  kept += (uint32_t)round_up(mode, kept, rem, 16, r);
  if (kept >= 0x7F80u) {
    ctx->flags |= TATAMI_NUM_FLAG_OVERFLOW | TATAMI_NUM_FLAG_INEXACT;
    return sign | 0x7F80u;
  }
  return (uint16_t)(sign | kept);
}

uint8_t tatami_num_fp32_to_cfp8(tatami_num_ctx *ctx, uint32_t x, tatami_num_layout layout,
                                unsigned bias, tatami_num_round mode) {
  uint32_t r = mode == TATAMI_NUM_SR ? tatami_num_rng_draw(ctx) : 0;
  const int m_bits = (int)tatami_num_cfp8_mbits(layout);
  const int e_max = (1 << tatami_num_cfp8_ebits(layout)) - 1;
  const int b = (int)(bias & 63u);
  uint8_t sign = (uint8_t)((x >> 24) & 0x80u);
  if (is_nan(x)) {
    ctx->flags |= TATAMI_NUM_FLAG_INVALID;
    return sign | 0x7Fu;
  }
  if (is_inf(x)) {
    ctx->flags |= TATAMI_NUM_FLAG_OVERFLOW | TATAMI_NUM_FLAG_INEXACT;
    return sign | 0x7Fu;
  }
  x = operand(ctx, x);
  if (is_zero(x)) return sign;
  int E = (int)((x >> 23) & 0xFFu) - 127;
  int e = E + b;   /* the exponent field if the result is normal */
  if (e > e_max) {
    ctx->flags |= TATAMI_NUM_FLAG_OVERFLOW | TATAMI_NUM_FLAG_INEXACT;
    return sign | 0x7Fu;
  }
  /* Drop sh bits of the 24-bit significand: 23 - M, plus 1 - e more in the
   * denormal range. Beyond 40 nothing changes (the kept part and F are 0). */
  int sh = 23 - m_bits + (e < 1 ? 1 - e : 0);
  if (sh > 40) sh = 40;
  uint64_t sig = sig_of(x);
  uint64_t kept = sig >> sh, rem = sig & ((1ull << sh) - 1);
  /* Code of the kept value: ((max(e,1) - 1) << M) + kept, kept holding the
   * hidden bit when normal; rounding up carries into the exponent field. */
  uint32_t code = ((uint32_t)(e < 1 ? 1 : e) - 1u) * (1u << m_bits) + (uint32_t)kept;
  if (rem) ctx->flags |= TATAMI_NUM_FLAG_INEXACT;
  code += (uint32_t)round_up(mode, kept, rem, sh, r);
  if (code > 0x7Fu) {
    ctx->flags |= TATAMI_NUM_FLAG_OVERFLOW | TATAMI_NUM_FLAG_INEXACT;
    code = 0x7Fu;
  }
  if (code == 0) ctx->flags |= TATAMI_NUM_FLAG_UNDERFLOW | TATAMI_NUM_FLAG_INEXACT;
  return (uint8_t)(sign | code);
}

void tatami_num_fp32_to_bf16_n(tatami_num_ctx *ctx, const uint32_t *src, uint16_t *dst,
                               size_t n, tatami_num_round mode) {
  for (size_t i = 0; i < n; i++) dst[i] = tatami_num_fp32_to_bf16(ctx, src[i], mode);
}

void tatami_num_fp32_to_cfp8_n(tatami_num_ctx *ctx, const uint32_t *src, uint8_t *dst,
                               size_t n, tatami_num_layout layout, unsigned bias,
                               tatami_num_round mode) {
  for (size_t i = 0; i < n; i++)
    dst[i] = tatami_num_fp32_to_cfp8(ctx, src[i], layout, bias, mode);
}
