/* Shared helpers for tatami's C tests: a seeded RNG, a naive GEMM written
 * independently of the reference model (int64 sums, wrapped at the end),
 * and little-endian conversions. Header-only; every function is static so
 * any test may include it. */
#ifndef TATAMI_TEST_UTIL_H
#define TATAMI_TEST_UTIL_H

#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ RNG */

/* splitmix64: reproducible from one printed 64-bit seed. */
typedef struct tt_rng {
  uint64_t s;
} tt_rng;

static inline uint64_t tt_rng_next(tt_rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform-enough integer in [lo, hi] (inclusive). */
static inline uint32_t tt_rng_range(tt_rng *r, uint32_t lo, uint32_t hi) {
  return lo + (uint32_t)(tt_rng_next(r) % ((uint64_t)hi - lo + 1));
}

static inline void tt_rng_fill_i8(tt_rng *r, int8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = (int8_t)tt_rng_next(r);
}

/* The seed of a test run: TATAMI_TEST_SEED if set (decimal or 0x hex),
 * else def. Printed so that any failure can be replayed. */
static inline uint64_t tt_seed(const char *test, uint64_t def) {
  const char *e = getenv("TATAMI_TEST_SEED");
  uint64_t seed = def;
  if (e && *e) {
    char *end;
    unsigned long long v = strtoull(e, &end, 0);
    if (*end == '\0') seed = v;
    else fprintf(stderr, "%s: ignoring malformed TATAMI_TEST_SEED='%s'\n", test, e);
  }
  printf("%s: seed %" PRIu64 " (replay with TATAMI_TEST_SEED=%" PRIu64 ")\n", test, seed, seed);
  fflush(stdout);
  return seed;
}

/* ------------------------------------------------------------ naive GEMM */

/* C = op(A) op(B) (or C += with accumulate), exactly as docs/protocol.md
 * defines it: A and B int8 with strides lda/ldb in elements, C int32 with
 * stride ldc. Sums are exact in int64 and wrapped to int32 only at the end,
 * which equals wrapping every step (addition modulo 2^32 is associative). */
static inline void tt_naive_gemm(uint32_t m, uint32_t n, uint32_t k, int trans_a, int trans_b,
                                 int accumulate, const int8_t *a, uint32_t lda, const int8_t *b,
                                 uint32_t ldb, int32_t *c, uint32_t ldc) {
  for (uint32_t i = 0; i < m; i++) {
    for (uint32_t j = 0; j < n; j++) {
      int64_t sum = 0;
      for (uint32_t kk = 0; kk < k; kk++) {
        int64_t av = trans_a ? a[(size_t)kk * lda + i] : a[(size_t)i * lda + kk];
        int64_t bv = trans_b ? b[(size_t)j * ldb + kk] : b[(size_t)kk * ldb + j];
        sum += av * bv;
      }
      int32_t *cp = &c[(size_t)i * ldc + j];
      if (accumulate) sum += *cp;
      *cp = (int32_t)(uint32_t)(uint64_t)sum;
    }
  }
}

/* ------------------------------------------------------------ bytes */

static inline void tt_put_le32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t tt_get_le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Serialize int32 values little-endian (the device's byte order). */
static inline void tt_i32_to_le(const int32_t *v, size_t n, uint8_t *out) {
  for (size_t i = 0; i < n; i++) tt_put_le32(out + 4 * i, (uint32_t)v[i]);
}

static inline void tt_le_to_i32(const uint8_t *p, size_t n, int32_t *v) {
  for (size_t i = 0; i < n; i++) v[i] = (int32_t)tt_get_le32(p + 4 * i);
}

#endif
