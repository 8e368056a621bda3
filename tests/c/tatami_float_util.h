/* Helpers of the 1.1 tests (float GEMM, VEC, programs), written from
 * docs/protocol.md and docs/numerics.md independently of the reference
 * model: element access by protocol dtype code built from the tatami_num_*
 * primitives, random operand values, and device helpers. Header-only. */
#ifndef TATAMI_FLOAT_UTIL_H
#define TATAMI_FLOAT_UTIL_H

#include <stdio.h>
#include <string.h>

#include "numerics.h"
#include "tatami.h"
#include "tatami_test_util.h"

/* Protocol dtype codes. */
enum { TF_INT = 0, TF_BF16 = 1, TF_C143 = 2, TF_C152 = 3, TF_FP32 = 4 };

static inline uint32_t tf_size(uint8_t code) {
  return code == TF_BF16 ? 2 : code == TF_FP32 ? 4 : 1;
}

static inline tatami_dtype tf_api_dtype(uint8_t code) {
  switch (code) {
  case TF_BF16: return TATAMI_BF16;
  case TF_C143: return TATAMI_CF8_143;
  case TF_C152: return TATAMI_CF8_152;
  default: return TATAMI_FP32;
  }
}

/* The element at p, widened to FP32. */
static inline uint32_t tf_load(const uint8_t *p, uint8_t code, unsigned bias) {
  switch (code) {
  case TF_BF16: return tatami_num_bf16_to_fp32((uint16_t)(p[0] | p[1] << 8));
  case TF_C143: return tatami_num_cfp8_to_fp32(p[0], TATAMI_NUM_CFP8_143, bias);
  case TF_C152: return tatami_num_cfp8_to_fp32(p[0], TATAMI_NUM_CFP8_152, bias);
  default: return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  }
}

/* v converted to code at p (FP32: as is). */
static inline void tf_store(tatami_num_ctx *ctx, uint8_t *p, uint8_t code, unsigned bias, uint32_t v,
                            tatami_num_round mode) {
  if (code == TF_FP32) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
  } else if (code == TF_BF16) {
    uint16_t h = tatami_num_fp32_to_bf16(ctx, v, mode);
    p[0] = (uint8_t)h;
    p[1] = (uint8_t)(h >> 8);
  } else {
    p[0] = tatami_num_fp32_to_cfp8(ctx, v, code == TF_C143 ? TATAMI_NUM_CFP8_143 : TATAMI_NUM_CFP8_152,
                                   bias, mode);
  }
}

/* Random bytes of one element: mostly ordinary values near 1, sometimes
 * anything (NaN, Inf, denormals, zeros); CFloat8: any code. */
static inline void tf_rand_elem(tt_rng *r, uint8_t *p, uint8_t code) {
  uint32_t u = (uint32_t)tt_rng_next(r);
  int wild = tt_rng_range(r, 0, 15) == 0;
  if (code == TF_BF16) {
    uint16_t h = (uint16_t)u;
    if (!wild) h = (uint16_t)((h & 0x807F) | (uint16_t)(tt_rng_range(r, 120, 134) << 7));
    p[0] = (uint8_t)h;
    p[1] = (uint8_t)(h >> 8);
  } else if (code == TF_FP32) {
    if (!wild) u = (u & 0x807FFFFFu) | tt_rng_range(r, 118, 136) << 23;
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(u >> (8 * i));
  } else {
    p[0] = (uint8_t)u;
  }
}

static inline void tf_rand_fill(tt_rng *r, uint8_t *p, size_t elems, uint8_t code) {
  for (size_t i = 0; i < elems; i++) tf_rand_elem(r, p + i * tf_size(code), code);
}

/* The test's numeric state, mirroring a device's (flags, random source). */
static inline void tf_ctx_reset(tatami_num_ctx *ctx) { tatami_num_init(ctx, 0); }

/* Device flags must equal the mirror's. */
static inline unsigned tf_flags(tatami_device *dev) {
  unsigned f = 0xFFu;
  int rc = tatami_get_flags(dev, &f);
  if (rc) {
    fprintf(stderr, "get_flags: %s: %s\n", tatami_strerror(rc), tatami_last_error(dev));
    return 0xFFFFu;
  }
  return f;
}

/* A command's status, whether reported at once or at sync. */
static inline int tf_status(tatami_device *dev, int rc) {
  int s = tatami_sync(dev);
  return rc ? rc : s;
}

static inline int tf_sanitized(void) { return getenv("TATAMI_SAN") != NULL; }

/* The simulated tile the RTL cases run on: "check:sim:" (the sim profile), or
 * with TATAMI_TEST_SIM set (e.g. "sim:profile=icebreaker-fp", the iCEBreaker
 * FP variant's serial GEMM unit) check: of that URI. Other URIs pass unchanged. */
static inline const char *tf_uri(const char *uri) {
  static char buf[160];
  const char *e = getenv("TATAMI_TEST_SIM");
  if (strcmp(uri, "check:sim:") != 0 || !e || !*e) return uri;
  snprintf(buf, sizeof buf, "check:%s", e);
  return buf;
}

#endif
