/* The numerics of a tatami tile: BF16, CFloat8 (1-4-3 and 1-5-2 with a 6-bit
 * exponent bias), FP32 add/multiply/dot product, conversions with
 * round-to-nearest-even or stochastic rounding, the tile's random source and
 * its sticky flags. docs/numerics.md is the specification; this file is its
 * reference, written in integer arithmetic only, so that the results are the
 * spec's and never depend on the host's FPU (rounding mode, denormals, x87).
 * Internal to libtatami: not installed.
 *
 * Every value is passed as its bit pattern: FP32 as uint32_t, BF16 as
 * uint16_t, CFloat8 as uint8_t. */
#ifndef TATAMI_NUMERICS_H
#define TATAMI_NUMERICS_H

#include <stddef.h>
#include <stdint.h>

/* Sticky flags (docs/numerics.md section 7): operations OR them into
 * tatami_num_ctx.flags; only tatami_num_clear_flags clears them. */
enum {
  TATAMI_NUM_FLAG_INVALID = 1u << 0,   /* NaN operand, 0 x Inf, Inf - Inf */
  TATAMI_NUM_FLAG_DENORMAL = 1u << 1,  /* an FP32 denormal operand was read as zero */
  TATAMI_NUM_FLAG_OVERFLOW = 1u << 2,  /* result rounded past the largest finite value */
  TATAMI_NUM_FLAG_UNDERFLOW = 1u << 3, /* a nonzero exact result was delivered as zero */
  TATAMI_NUM_FLAG_INEXACT = 1u << 4,   /* the delivered result differs from the exact one */
  TATAMI_NUM_FLAGS_ALL = 0x1Fu
};

/* CFloat8 layouts: sign-exponent-mantissa bits. */
typedef enum { TATAMI_NUM_CFP8_143 = 0, TATAMI_NUM_CFP8_152 = 1 } tatami_num_layout;

/* Rounding of a narrowing conversion. */
typedef enum { TATAMI_NUM_RNE = 0, TATAMI_NUM_SR = 1 } tatami_num_round;

#define TATAMI_NUM_FP32_QNAN 0x7FC00000u   /* the canonical NaN every NaN result is */
#define TATAMI_NUM_BF16_QNAN 0x7FC0u
#define TATAMI_NUM_RNG_SEED0 0x9E3779B9u   /* the state a seed of 0 (and reset) gives */

/* The numeric state of a tile: the flags register and the random source. */
typedef struct tatami_num_ctx {
  uint32_t flags;   /* TATAMI_NUM_FLAG_* */
  uint32_t rng;     /* xorshift32 state, never 0 */
} tatami_num_ctx;

/* Flags cleared, generator seeded with seed (as tatami_num_seed). */
void tatami_num_init(tatami_num_ctx *ctx, uint32_t seed);
/* The seed register: state = seed, or TATAMI_NUM_RNG_SEED0 if seed is 0. */
void tatami_num_seed(tatami_num_ctx *ctx, uint32_t seed);
/* One draw: steps the xorshift32 state and returns the new state's high 16
 * bits, the r of a stochastic rounding. */
uint32_t tatami_num_rng_draw(tatami_num_ctx *ctx);
/* One xorshift32 step of a state (x ^= x << 13; x ^= x >> 17; x ^= x << 5). */
uint32_t tatami_num_xorshift32(uint32_t x);
static inline uint32_t tatami_num_flags(const tatami_num_ctx *ctx) { return ctx->flags; }
static inline void tatami_num_clear_flags(tatami_num_ctx *ctx, uint32_t mask) {
  ctx->flags &= ~mask;
}

/* Mantissa and exponent field widths of a layout. */
static inline unsigned tatami_num_cfp8_mbits(tatami_num_layout l) {
  return l == TATAMI_NUM_CFP8_152 ? 2u : 3u;
}
static inline unsigned tatami_num_cfp8_ebits(tatami_num_layout l) {
  return l == TATAMI_NUM_CFP8_152 ? 5u : 4u;
}

/* ---- widening conversions: exact, no flags, no draws ----------------------
 * Wherever a CFloat8 bias is taken, only its low 6 bits are used, as in the
 * 6-bit register. */
uint32_t tatami_num_bf16_to_fp32(uint16_t h);
uint32_t tatami_num_cfp8_to_fp32(uint8_t c, tatami_num_layout layout, unsigned bias);

/* ---- narrowing conversions -------------------------------------------------
 * mode TATAMI_NUM_SR consumes exactly one draw per call (per element), whatever
 * the value (zero, NaN, ...); TATAMI_NUM_RNE consumes none. */
uint16_t tatami_num_fp32_to_bf16(tatami_num_ctx *ctx, uint32_t x, tatami_num_round mode);
uint8_t tatami_num_fp32_to_cfp8(tatami_num_ctx *ctx, uint32_t x, tatami_num_layout layout,
                                unsigned bias, tatami_num_round mode);
/* Element i of src is converted i-th (the order in which draws are consumed). */
void tatami_num_fp32_to_bf16_n(tatami_num_ctx *ctx, const uint32_t *src, uint16_t *dst,
                               size_t n, tatami_num_round mode);
void tatami_num_fp32_to_cfp8_n(tatami_num_ctx *ctx, const uint32_t *src, uint8_t *dst,
                               size_t n, tatami_num_layout layout, unsigned bias,
                               tatami_num_round mode);

/* ---- FP32 arithmetic (RNE, denormals flushed, canonical NaN) --------------- */
uint32_t tatami_num_fp32_add(tatami_num_ctx *ctx, uint32_t a, uint32_t b);
uint32_t tatami_num_fp32_sub(tatami_num_ctx *ctx, uint32_t a, uint32_t b);
uint32_t tatami_num_fp32_mul(tatami_num_ctx *ctx, uint32_t a, uint32_t b);

/* The dot product of section 5: S = -0; for k = 0..n-1 in order:
 * S = add(S, mul(a[k*sa], b[k*sb])). Returns S. */
uint32_t tatami_num_dot(tatami_num_ctx *ctx, const uint32_t *a, size_t sa, const uint32_t *b,
                        size_t sb, size_t n);

#endif
