// Shared helpers of the floating-point testbenches (tb_fp_conv, tb_fp_arith,
// tb_fp_rng): the C reference (host/src/numerics.c, compiled as C11 and
// linked in; see TB_VFLAGS_tb_fp_* in rtl/rtl.mk), a deterministic random
// source for the stimuli, FP32 stimulus generators weighted to the classes
// and exponent ranges that matter, and a way to make the reference's next
// draw a chosen r (for SR conversions driven with an explicit r).
#ifndef TB_FP_COMMON_H
#define TB_FP_COMMON_H

extern "C" {
#include "numerics.h"
}
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

// splitmix64: the stimulus generator (not the tile's random source).
struct Gen {
  uint64_t s;
  explicit Gen(uint64_t seed) : s(seed) {}
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t u32() { return (uint32_t)(next() >> 32); }
  uint32_t below(uint32_t n) { return (uint32_t)(((next() >> 32) * (uint64_t)n) >> 32); }
  int range(int lo, int hi) { return lo + (int)below((uint32_t)(hi - lo + 1)); }  // [lo, hi]
  bool chance(uint32_t num, uint32_t den) { return below(den) < num; }
};

// Inverse of one xorshift32 step, so that the reference's next draw can be
// made any r: state = xs_inv(r << 16 | low), low != 0 when r = 0.
static inline uint32_t unxor_shl(uint32_t y, int k) {
  uint32_t x = y;
  for (int s = k; s < 32; s += k) x ^= y << s;
  return x;
}
static inline uint32_t unxor_shr(uint32_t y, int k) {
  uint32_t x = y;
  for (int s = k; s < 32; s += k) x ^= y >> s;
  return x;
}
static inline uint32_t xs_inv(uint32_t x) {
  x = unxor_shl(x, 5);
  x = unxor_shr(x, 17);
  x = unxor_shl(x, 13);
  return x;
}
// Set ctx's generator so that its next draw is r (the low half of the state
// after the draw is low, or 1 if that would make the state 0).
static inline void ref_set_next_draw(tatami_num_ctx* ctx, uint16_t r, uint16_t low) {
  uint32_t target = (uint32_t)r << 16 | low;
  if (target == 0) target = 1;
  ctx->rng = xs_inv(target);
}

// A 23-bit fraction: uniform, sparse, dense, or with a run of low zeros (ties).
static inline uint32_t rand_frac(Gen& g) {
  switch (g.below(8)) {
    case 0: return g.u32() & g.u32() & g.u32() & 0x7FFFFFu;
    case 1: return (g.u32() | g.u32() | g.u32()) & 0x7FFFFFu;
    case 2: return (g.u32() & 0x7FFFFFu) & ~((1u << g.below(24)) - 1u);
    case 3: return g.chance(1, 2) ? 0u : 0x7FFFFFu;
    case 4: return (0x7FFFFFu - g.below(4)) ^ (g.chance(1, 2) ? 0x7FFFFFu : 0u);
    default: return g.u32() & 0x7FFFFFu;
  }
}

// A random FP32 operand of any class: zeros, denormals, Inf, NaN (random
// payloads and signs), normals over the whole range and weighted to the tiny
// and huge ends and to the middle.
static inline uint32_t rand_fp32(Gen& g) {
  uint32_t s = g.u32() & 0x80000000u;
  switch (g.below(20)) {
    case 0: return s;
    case 1: {
      uint32_t f = rand_frac(g);
      return s | (f ? f : 1u);
    }
    case 2: return s | 0x7F800000u;
    case 3: {
      uint32_t f = rand_frac(g);
      return s | 0x7F800000u | (f ? f : 0x400000u);
    }
    case 4: case 5: return s | (uint32_t)g.range(1, 40) << 23 | rand_frac(g);
    case 6: case 7: return s | (uint32_t)g.range(215, 254) << 23 | rand_frac(g);
    case 8: case 9: case 10: return s | (uint32_t)g.range(100, 154) << 23 | rand_frac(g);
    default: return s | (uint32_t)g.range(1, 254) << 23 | rand_frac(g);
  }
}

// Operands every pair of which is tested: zeros, denormal ends, normal ends,
// ones, Inf, NaN payloads and signs, ties and boundary values.
static const uint32_t kSpecials[] = {
    0x00000000u, 0x80000000u, 0x00000001u, 0x807FFFFFu, 0x00400000u, 0x00800000u,
    0x80800000u, 0x00800001u, 0x00FFFFFFu, 0x01000000u, 0x3F800000u, 0xBF800000u,
    0x3F800001u, 0xBF800001u, 0x3F7FFFFFu, 0x3FFFFFFFu, 0x40000000u, 0x33800000u,
    0x33800001u, 0xB3800000u, 0x4B800000u, 0xCB800000u, 0x7F000000u, 0x7F7FFFFFu,
    0xFF7FFFFFu, 0x7F7FFFFEu, 0x1F800000u, 0x5F800000u, 0x20000000u, 0x5F000000u,
    0x7F800000u, 0xFF800000u, 0x7FC00000u, 0xFFC00000u, 0x7F800001u, 0xFFFFFFFFu,
    0x7FBFFFFFu, 0x3F818000u, 0x40490FDBu, 0x00C00000u};
static const int kNumSpecials = (int)(sizeof kSpecials / sizeof kSpecials[0]);

static inline double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

#endif
