/* The reference model of a tatami tile. Deliberately plain: every check and
 * every loop reads like docs/protocol.md so that it can be trusted as the
 * golden model. Speed is not a goal. */
#include "ref_model.h"

#include <stdlib.h>
#include <string.h>

struct tatami_ref {
  uint8_t *sram;
  uint32_t sram_bytes;
  uint32_t rows, cols;
  uint8_t profile;
  uint64_t counters[TATAMI_REF_NUM_COUNTERS];
};

tatami_ref *tatami_ref_create(uint32_t sram_bytes, uint32_t rows, uint32_t cols,
                              uint8_t profile) {
  if (sram_bytes == 0 || sram_bytes > TATAMI_REF_MAX_SRAM) return NULL;
  if (rows == 0 || rows > 255 || cols == 0 || cols > 255) return NULL;
  tatami_ref *ref = calloc(1, sizeof *ref);
  if (!ref) return NULL;
  ref->sram = calloc(sram_bytes, 1);
  if (!ref->sram) {
    free(ref);
    return NULL;
  }
  ref->sram_bytes = sram_bytes;
  ref->rows = rows;
  ref->cols = cols;
  ref->profile = profile;
  return ref;
}

void tatami_ref_destroy(tatami_ref *ref) {
  if (!ref) return;
  free(ref->sram);
  free(ref);
}

uint32_t tatami_ref_sram_bytes(const tatami_ref *ref) { return ref->sram_bytes; }
const uint8_t *tatami_ref_sram(const tatami_ref *ref) { return ref->sram; }
uint64_t tatami_ref_counter(const tatami_ref *ref, unsigned index) {
  return index < TATAMI_REF_NUM_COUNTERS ? ref->counters[index] : 0;
}

static void info_record(const tatami_ref *ref, uint8_t *out) {
  memset(out, 0, TATAMI_REF_INFO_BYTES);
  out[0] = 0x00;                      /* version 1.0, little-endian u16 */
  out[1] = 0x01;
  out[2] = ref->profile;
  out[3] = 0x00;                      /* a lone tile is (0,0) */
  out[4] = (uint8_t)ref->rows;
  out[5] = (uint8_t)ref->cols;
  out[6] = 4;                         /* credits: as the sim profile */
  out[7] = 0x01;                      /* int8 x int8 -> int32 */
  tatami_ref_put_u32(out + 8, ref->sram_bytes);
  out[12] = (uint8_t)(TATAMI_REF_MAX_DATA & 0xFF);
  out[13] = (uint8_t)(TATAMI_REF_MAX_DATA >> 8);
  out[14] = 128;                      /* duplicate window */
  out[15] = 0;
  tatami_ref_put_u32(out + 16, 100000000u);
}

/* Does [addr, addr + bytes) stay inside the SRAM? 64-bit math: no overflow
 * for any u32 address and any length below 2^63. */
static int in_sram(const tatami_ref *ref, uint64_t addr, uint64_t bytes) {
  return addr + bytes <= ref->sram_bytes;
}

static uint8_t exec_write(tatami_ref *ref, const uint8_t *p, size_t len) {
  if (len < 5) return TATAMI_REF_BAD_LEN;
  uint32_t addr = tatami_ref_get_u32(p);
  size_t n = len - 4;
  if (!in_sram(ref, addr, n)) return TATAMI_REF_ADDR_RANGE;
  memcpy(ref->sram + addr, p + 4, n);
  return TATAMI_REF_OK;
}

static uint8_t exec_read(tatami_ref *ref, const uint8_t *p, size_t len, uint8_t *resp,
                         size_t *resp_len) {
  if (len != 6) return TATAMI_REF_BAD_LEN;
  uint32_t addr = tatami_ref_get_u32(p);
  uint32_t n = (uint32_t)p[4] | (uint32_t)p[5] << 8;
  if (n == 0 || n > TATAMI_REF_MAX_DATA) return TATAMI_REF_BAD_ARG;
  if (!in_sram(ref, addr, n)) return TATAMI_REF_ADDR_RANGE;
  memcpy(resp, ref->sram + addr, n);
  *resp_len = n;
  return TATAMI_REF_OK;
}

/* Byte extent of a stored matrix of rows x cols elements of esize bytes with
 * row stride ld elements: (rows - 1) * ld + cols elements. rows, cols < 2^24
 * and ld < 2^32, so this fits in 64 bits with room to spare. */
static uint64_t extent(uint32_t rows, uint32_t cols, uint32_t ld, uint32_t esize) {
  return ((uint64_t)(rows - 1) * ld + cols) * esize;
}

static int intersects(uint64_t a0, uint64_t alen, uint64_t b0, uint64_t blen) {
  return a0 < b0 + blen && b0 < a0 + alen;
}

static uint8_t exec_gemm(tatami_ref *ref, const uint8_t *p, size_t len) {
  if (len != TATAMI_REF_GEMM_DESC_BYTES) return TATAMI_REF_BAD_LEN;
  uint32_t a = tatami_ref_get_u32(p + 0), b = tatami_ref_get_u32(p + 4);
  uint32_t c = tatami_ref_get_u32(p + 8);
  uint32_t m = tatami_ref_get_u32(p + 12), n = tatami_ref_get_u32(p + 16);
  uint32_t k = tatami_ref_get_u32(p + 20);
  uint32_t lda = tatami_ref_get_u32(p + 24), ldb = tatami_ref_get_u32(p + 28);
  uint32_t ldc = tatami_ref_get_u32(p + 32);
  uint8_t flags = p[36], dtype_ab = p[37], dtype_c = p[38];
  int trans_a = flags & 1, trans_b = (flags >> 1) & 1, accumulate = (flags >> 2) & 1;

  /* 2. */
  if (dtype_ab != 0 || dtype_c != 0) return TATAMI_REF_BAD_DTYPE;

  /* 3. stored shapes: A is M x K (K x M transposed), B is K x N (N x K). */
  if (flags & 0xF8) return TATAMI_REF_BAD_ARG;
  if (m == 0 || n == 0 || k == 0) return TATAMI_REF_BAD_ARG;
  if (m > TATAMI_REF_MAX_DIM || n > TATAMI_REF_MAX_DIM || k > TATAMI_REF_MAX_DIM)
    return TATAMI_REF_BAD_ARG;
  uint32_t a_rows = trans_a ? k : m, a_cols = trans_a ? m : k;
  uint32_t b_rows = trans_b ? n : k, b_cols = trans_b ? k : n;
  if (lda < a_cols || ldb < b_cols || ldc < n) return TATAMI_REF_BAD_ARG;

  /* 4. */
  uint64_t a_len = extent(a_rows, a_cols, lda, 1);
  uint64_t b_len = extent(b_rows, b_cols, ldb, 1);
  uint64_t c_len = extent(m, n, ldc, 4);
  if (!in_sram(ref, a, a_len) || !in_sram(ref, b, b_len) || !in_sram(ref, c, c_len))
    return TATAMI_REF_ADDR_RANGE;

  /* 5. A and B may overlap each other: they are only read. */
  if (intersects(c, c_len, a, a_len) || intersects(c, c_len, b, b_len))
    return TATAMI_REF_OVERLAP;

  /* Sums wrap modulo 2^32: accumulate in uint32_t, where wrapping is defined. */
  const int8_t *sa = (const int8_t *)(ref->sram + a);
  const int8_t *sb = (const int8_t *)(ref->sram + b);
  for (uint32_t i = 0; i < m; i++) {
    for (uint32_t j = 0; j < n; j++) {
      uint8_t *cp = ref->sram + c + 4 * ((uint64_t)i * ldc + j);
      uint32_t acc = accumulate ? tatami_ref_get_u32(cp) : 0;
      for (uint32_t kk = 0; kk < k; kk++) {
        int32_t av = trans_a ? sa[(uint64_t)kk * lda + i] : sa[(uint64_t)i * lda + kk];
        int32_t bv = trans_b ? sb[(uint64_t)j * ldb + kk] : sb[(uint64_t)kk * ldb + j];
        acc += (uint32_t)(av * bv);   /* |av * bv| <= 2^14: exact in int32 */
      }
      tatami_ref_put_u32(cp, acc);
    }
  }
  ref->counters[TATAMI_REF_CNT_MACS] += (uint64_t)m * n * k;
  ref->counters[TATAMI_REF_CNT_GEMM_COUNT] += 1;
  return TATAMI_REF_OK;
}

uint8_t tatami_ref_exec(tatami_ref *ref, uint8_t opcode, const uint8_t *payload,
                        size_t len, uint8_t *resp, size_t *resp_len) {
  *resp_len = 0;
  /* A tile never sees a longer payload: its frame parser answers TOO_LONG
   * from the header, before the opcode is looked at. */
  if (len > TATAMI_REF_MAX_PAYLOAD) return TATAMI_REF_TOO_LONG;
  /* The frame passed its CRC: it counts as received even if it then fails
   * (and CLEAR then clears it along with the rest). */
  ref->counters[TATAMI_REF_CNT_FRAMES_OK] += 1;

  switch (opcode) {
  case TATAMI_REF_OP_HELLO:
  case TATAMI_REF_OP_INFO:
    if (len != 0) return TATAMI_REF_BAD_LEN;
    info_record(ref, resp);
    *resp_len = TATAMI_REF_INFO_BYTES;
    return TATAMI_REF_OK;
  case TATAMI_REF_OP_WRITE:
    return exec_write(ref, payload, len);
  case TATAMI_REF_OP_READ:
    return exec_read(ref, payload, len, resp, resp_len);
  case TATAMI_REF_OP_GEMM:
    return exec_gemm(ref, payload, len);
  case TATAMI_REF_OP_COUNTERS:
    if (len != 0) return TATAMI_REF_BAD_LEN;
    for (unsigned i = 0; i < TATAMI_REF_NUM_COUNTERS; i++)
      tatami_ref_put_u64(resp + 8 * i, ref->counters[i]);
    *resp_len = 8 * TATAMI_REF_NUM_COUNTERS;
    return TATAMI_REF_OK;
  case TATAMI_REF_OP_CLEAR:
    if (len != 0) return TATAMI_REF_BAD_LEN;
    memset(ref->counters, 0, sizeof ref->counters);
    return TATAMI_REF_OK;
  default:
    return TATAMI_REF_BAD_OPCODE;
  }
}
