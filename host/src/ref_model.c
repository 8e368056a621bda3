/* The reference model of a tatami tile. Deliberately plain: every check and
 * every loop reads like docs/protocol.md so that it can be trusted as the
 * golden model. Speed is not a goal. */
#include "ref_model.h"

#include <stdlib.h>
#include <string.h>

#include "numerics.h"

struct tatami_ref {
  uint8_t *sram;
  uint32_t sram_bytes;
  uint32_t rows, cols;
  uint8_t profile;
  uint16_t version;           /* INFO version: 0x0101, or 0x0100 to model a 1.0 tile */
  uint8_t features;           /* INFO features: what this model accepts */
  uint64_t counters[TATAMI_REF_NUM_COUNTERS];
  tatami_num_ctx num;         /* sticky flags and the random source (numerics.md 6.3, 7) */
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
  ref->version = TATAMI_REF_VERSION_1_1;
  ref->features = TATAMI_REF_FEAT_ALL;
  tatami_num_init(&ref->num, 0);  /* reset: flags clear, seed register written with 0 */
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
uint8_t tatami_ref_flags(const tatami_ref *ref) { return (uint8_t)tatami_num_flags(&ref->num); }
uint32_t tatami_ref_rng_state(const tatami_ref *ref) { return ref->num.rng; }

int tatami_ref_configure(tatami_ref *ref, uint16_t version, uint8_t features) {
  if (version != TATAMI_REF_VERSION_1_0 && version != TATAMI_REF_VERSION_1_1) return -1;
  if (features & ~TATAMI_REF_FEAT_ALL) return -1;
  ref->version = version;
  /* "a 1.0 tile answers 0x0100 and has only bit 0 of the features" */
  ref->features = version == TATAMI_REF_VERSION_1_0 ? (features & TATAMI_REF_FEAT_INT8) : features;
  return 0;
}

static int has(const tatami_ref *ref, uint8_t feature) { return (ref->features & feature) != 0; }

static void info_record(const tatami_ref *ref, uint8_t *out) {
  memset(out, 0, TATAMI_REF_INFO_BYTES);
  out[0] = (uint8_t)ref->version;     /* little-endian u16 */
  out[1] = (uint8_t)(ref->version >> 8);
  out[2] = ref->profile;
  out[3] = 0x00;                      /* a lone tile is (0,0) */
  out[4] = (uint8_t)ref->rows;
  out[5] = (uint8_t)ref->cols;
  out[6] = 4;                         /* credits: as the sim profile */
  out[7] = ref->features;
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

/* ------------------------------------------------------------ data types */

/* Protocol data type codes (docs/protocol.md, GEMM descriptor). */
enum { DT_INT = 0, DT_BF16 = 1, DT_CF8_143 = 2, DT_CF8_152 = 3, DT_FP32 = 4 };

/* Element size in bytes; code 0 is int8 as A/B and int32 as C. */
static uint32_t elem_size(uint8_t dt, int as_c) {
  switch (dt) {
  case DT_INT: return as_c ? 4 : 1;
  case DT_BF16: return 2;
  case DT_FP32: return 4;
  default: return 1;   /* CFloat8 */
  }
}

static int is_cf8(uint8_t dt) { return dt == DT_CF8_143 || dt == DT_CF8_152; }

static tatami_num_layout layout_of(uint8_t dt) {
  return dt == DT_CF8_152 ? TATAMI_NUM_CFP8_152 : TATAMI_NUM_CFP8_143;
}

/* Element at p of a float type, widened to FP32 (exact, no flags). */
static uint32_t load_at(const uint8_t *p, uint8_t dt, uint8_t bias) {
  switch (dt) {
  case DT_BF16: return tatami_num_bf16_to_fp32((uint16_t)(p[0] | p[1] << 8));
  case DT_FP32: return tatami_ref_get_u32(p);
  default: return tatami_num_cfp8_to_fp32(p[0], layout_of(dt), bias);
  }
}
static uint32_t load_widened(const tatami_ref *ref, uint64_t addr, uint8_t dt, uint8_t bias) {
  return load_at(ref->sram + addr, dt, bias);
}

/* cvt of numerics.md section 8: FP32 stored as is; BF16 and CFloat8 by
 * section 6 with the given rounding (SR takes one draw per element). */
static void store_at(tatami_num_ctx *nc, uint8_t *p, uint8_t dt, uint8_t bias, uint32_t v,
                     tatami_num_round mode) {
  switch (dt) {
  case DT_FP32:
    tatami_ref_put_u32(p, v);
    break;
  case DT_BF16: {
    uint16_t h = tatami_num_fp32_to_bf16(nc, v, mode);
    p[0] = (uint8_t)h;
    p[1] = (uint8_t)(h >> 8);
    break;
  }
  default:
    p[0] = tatami_num_fp32_to_cfp8(nc, v, layout_of(dt), bias, mode);
    break;
  }
}
static void store_converted(tatami_ref *ref, uint64_t addr, uint8_t dt, uint8_t bias, uint32_t v,
                            tatami_num_round mode) {
  store_at(&ref->num, ref->sram + addr, dt, bias, v, mode);
}

/* x' of numerics.md section 8: x read as an operand is, without arithmetic. */
static uint32_t read_operand(tatami_num_ctx *nc, uint32_t x) {
  uint32_t e = x & 0x7F800000u, f = x & 0x007FFFFFu;
  if (e == 0 && f != 0) {
    nc->flags |= TATAMI_NUM_FLAG_DENORMAL;
    return x & 0x80000000u;
  }
  if (e == 0x7F800000u && f != 0) {
    nc->flags |= TATAMI_NUM_FLAG_INVALID;
    return TATAMI_NUM_FP32_QNAN;
  }
  return x;
}

/* ------------------------------------------------------------ parameters */

/* Inside RUN, the launch parameters; NULL outside a program. */
typedef struct run_params {
  const uint32_t *v;
  unsigned n;
} run_params;

/* An address field, resolved (docs/protocol.md RUN, parameters). Returns 0
 * for a parameter index that was not given (BAD_ARG). Outside a program
 * bit 31 means nothing: the address is simply past the SRAM. */
static int resolve(const run_params *rp, uint32_t field, uint64_t *addr) {
  if (!rp || !(field & 0x80000000u)) {
    *addr = field;
    return 1;
  }
  unsigned index = (field >> 24) & 7u;
  if (index >= rp->n) return 0;
  *addr = (uint64_t)rp->v[index] + (field & 0xFFFFFFu);   /* > 2^32 - 1: out of range */
  return 1;
}

/* ------------------------------------------------------------ GEMM */

/* Allowed combinations: all 0, or A and B in {BF16, CF8} with C in
 * {BF16, CF8, FP32}; a feature the model lacks removes its types. */
static int gemm_dtypes_ok(const tatami_ref *ref, uint8_t da, uint8_t db, uint8_t dc) {
  if (da == DT_INT && db == DT_INT && dc == DT_INT) return has(ref, TATAMI_REF_FEAT_INT8);
  if (da < DT_BF16 || da > DT_CF8_152 || db < DT_BF16 || db > DT_CF8_152) return 0;
  if (dc < DT_BF16 || dc > DT_FP32) return 0;
  uint8_t used[3] = {da, db, dc};
  for (int i = 0; i < 3; i++) {
    if (used[i] == DT_BF16 && !has(ref, TATAMI_REF_FEAT_BF16)) return 0;
    if (is_cf8(used[i]) && !has(ref, TATAMI_REF_FEAT_CF8)) return 0;
  }
  return 1;
}

static uint8_t exec_gemm(tatami_ref *ref, const uint8_t *p, size_t len, const run_params *rp) {
  /* 1. A 1.0 tile knows only the 40-byte form. */
  int long_form = len == TATAMI_REF_GEMM_DESC11_BYTES;
  if (len != TATAMI_REF_GEMM_DESC_BYTES &&
      !(long_form && ref->version >= TATAMI_REF_VERSION_1_1))
    return TATAMI_REF_BAD_LEN;
  uint32_t m = tatami_ref_get_u32(p + 12), n = tatami_ref_get_u32(p + 16);
  uint32_t k = tatami_ref_get_u32(p + 20);
  uint32_t lda = tatami_ref_get_u32(p + 24), ldb = tatami_ref_get_u32(p + 28);
  uint32_t ldc = tatami_ref_get_u32(p + 32);
  uint8_t flags = p[36], dtype_a = p[37], dtype_c = p[38];
  uint8_t dtype_b = long_form ? p[39] : dtype_a;   /* 40 bytes: byte 39 ignored */
  uint8_t bias_a = long_form ? p[40] : 0, bias_b = long_form ? p[41] : 0;
  uint8_t bias_c = long_form ? p[42] : 0;
  int trans_a = flags & 1, trans_b = (flags >> 1) & 1, accumulate = (flags >> 2) & 1;

  /* 2. */
  if (!gemm_dtypes_ok(ref, dtype_a, dtype_b, dtype_c)) return TATAMI_REF_BAD_DTYPE;

  /* 3. stored shapes: A is M x K (K x M transposed), B is K x N (N x K). */
  if (flags & 0xF8) return TATAMI_REF_BAD_ARG;
  if (m == 0 || n == 0 || k == 0) return TATAMI_REF_BAD_ARG;
  if (m > TATAMI_REF_MAX_DIM || n > TATAMI_REF_MAX_DIM || k > TATAMI_REF_MAX_DIM)
    return TATAMI_REF_BAD_ARG;
  uint32_t a_rows = trans_a ? k : m, a_cols = trans_a ? m : k;
  uint32_t b_rows = trans_b ? n : k, b_cols = trans_b ? k : n;
  if (lda < a_cols || ldb < b_cols || ldc < n) return TATAMI_REF_BAD_ARG;
  if (bias_a > 63 || bias_b > 63 || bias_c > 63) return TATAMI_REF_BAD_ARG;
  if (long_form)
    for (int i = 43; i < 48; i++)
      if (p[i] != 0) return TATAMI_REF_BAD_ARG;
  uint64_t a, b, c;   /* a parameter index not given is a field out of range */
  if (!resolve(rp, tatami_ref_get_u32(p + 0), &a) || !resolve(rp, tatami_ref_get_u32(p + 4), &b) ||
      !resolve(rp, tatami_ref_get_u32(p + 8), &c))
    return TATAMI_REF_BAD_ARG;

  /* 4. */
  uint32_t sa = elem_size(dtype_a, 0), sb = elem_size(dtype_b, 0), sc = elem_size(dtype_c, 1);
  uint64_t a_len = extent(a_rows, a_cols, lda, sa);
  uint64_t b_len = extent(b_rows, b_cols, ldb, sb);
  uint64_t c_len = extent(m, n, ldc, sc);
  if (!in_sram(ref, a, a_len) || !in_sram(ref, b, b_len) || !in_sram(ref, c, c_len))
    return TATAMI_REF_ADDR_RANGE;

  /* 5. A and B may overlap each other: they are only read. */
  if (intersects(c, c_len, a, a_len) || intersects(c, c_len, b, b_len))
    return TATAMI_REF_OVERLAP;

  for (uint32_t i = 0; i < m; i++) {
    for (uint32_t j = 0; j < n; j++) {
      uint64_t c_at = c + sc * ((uint64_t)i * ldc + j);
      if (dtype_c == DT_INT) {
        /* Sums wrap modulo 2^32: accumulate in uint32_t, where wrapping is defined. */
        uint32_t acc = accumulate ? tatami_ref_get_u32(ref->sram + c_at) : 0;
        for (uint32_t kk = 0; kk < k; kk++) {
          uint64_t ai = trans_a ? (uint64_t)kk * lda + i : (uint64_t)i * lda + kk;
          uint64_t bi = trans_b ? (uint64_t)j * ldb + kk : (uint64_t)kk * ldb + j;
          int32_t av = (int8_t)ref->sram[a + ai], bv = (int8_t)ref->sram[b + bi];
          acc += (uint32_t)(av * bv);   /* |av * bv| <= 2^14: exact in int32 */
        }
        tatami_ref_put_u32(ref->sram + c_at, acc);
        continue;
      }
      /* numerics.md section 5, literally: round after every multiply and add. */
      uint32_t s = 0x80000000u;   /* -0 */
      for (uint32_t kk = 0; kk < k; kk++) {
        uint64_t ai = trans_a ? (uint64_t)kk * lda + i : (uint64_t)i * lda + kk;
        uint64_t bi = trans_b ? (uint64_t)j * ldb + kk : (uint64_t)kk * ldb + j;
        uint32_t av = load_widened(ref, a + sa * ai, dtype_a, bias_a);
        uint32_t bv = load_widened(ref, b + sb * bi, dtype_b, bias_b);
        s = tatami_num_fp32_add(&ref->num, s, tatami_num_fp32_mul(&ref->num, av, bv));
      }
      if (accumulate)
        s = tatami_num_fp32_add(&ref->num, load_widened(ref, c_at, dtype_c, bias_c), s);
      store_converted(ref, c_at, dtype_c, bias_c, s, TATAMI_NUM_RNE);  /* a GEMM never draws */
    }
  }
  ref->counters[TATAMI_REF_CNT_MACS] += (uint64_t)m * n * k;
  ref->counters[TATAMI_REF_CNT_GEMM_COUNT] += 1;
  return TATAMI_REF_OK;
}

/* ------------------------------------------------------------ VEC */

enum { OP_ADD = 1, OP_SUB, OP_MUL, OP_SCALE, OP_BIAS, OP_RELU, OP_RELU_BWD, OP_ROWSUM, OP_CONVERT,
       OP_SGD, OP_LAST = OP_SGD };
enum { X = 0, Y = 1, Z = 2, W = 3 };   /* operand slots, in descriptor order */
#define BIT(slot) (1u << (slot))

/* Which slots each op reads and writes, and which of them are 1 x n. */
static const struct {
  uint8_t read, written, row;
} vec_ops[OP_LAST + 1] = {
    [OP_ADD] = {BIT(X) | BIT(Y), BIT(Z), 0},
    [OP_SUB] = {BIT(X) | BIT(Y), BIT(Z), 0},
    [OP_MUL] = {BIT(X) | BIT(Y), BIT(Z), 0},
    [OP_SCALE] = {BIT(X), BIT(Z), 0},
    [OP_BIAS] = {BIT(X) | BIT(Y), BIT(Z), BIT(Y)},
    [OP_RELU] = {BIT(X), BIT(Z), 0},
    [OP_RELU_BWD] = {BIT(X) | BIT(Y), BIT(Z), 0},
    [OP_ROWSUM] = {BIT(X), BIT(Z), BIT(Z)},
    [OP_CONVERT] = {BIT(X), BIT(Z), 0},
    [OP_SGD] = {BIT(X) | BIT(Y) | BIT(Z), BIT(Y) | BIT(Z) | BIT(W), 0},
};

/* Steps 1-5 of docs/protocol.md VEC: decode p and check it against an SRAM of
 * sram_bytes. Depends on nothing but the descriptor, the SRAM size and the
 * parameters, so the host's emulation of VEC checks with this very code. */
static uint8_t vec_check(const uint8_t *p, size_t len, uint64_t sram_bytes, const run_params *rp,
                         tatami_ref_vec *v) {
  /* 1. */
  if (len != TATAMI_REF_VEC_DESC_BYTES) return TATAMI_REF_BAD_LEN;
  uint8_t op = p[0], vflags = p[1];
  uint16_t reserved = (uint16_t)(p[2] | p[3] << 8);
  uint32_t m = tatami_ref_get_u32(p + 4), n = tatami_ref_get_u32(p + 8);
  memset(v, 0, sizeof *v);
  v->op = op;
  v->sr = vflags & 1;
  v->m = m;
  v->n = n;
  for (int i = 0; i < 3; i++) v->s[i] = tatami_ref_get_u32(p + 12 + 4 * i);
  tatami_ref_vec_operand *o = v->o;
  uint32_t field[4];
  uint16_t ores[4];
  for (int i = 0; i < 4; i++) {
    const uint8_t *q = p + 24 + 12 * i;
    field[i] = tatami_ref_get_u32(q);
    ores[i] = (uint16_t)(q[10] | q[11] << 8);
    o[i].ld = tatami_ref_get_u32(q + 4);
    o[i].dtype = q[8];
    o[i].bias = q[9];
  }
  /* An unknown op uses no operand. */
  unsigned read = op >= 1 && op <= OP_LAST ? vec_ops[op].read : 0;
  unsigned written = op >= 1 && op <= OP_LAST ? vec_ops[op].written : 0;
  unsigned row = op >= 1 && op <= OP_LAST ? vec_ops[op].row : 0;
  unsigned used = read | written;
  for (int i = 0; i < 4; i++) {
    o[i].read = (read & BIT(i)) != 0;
    o[i].written = (written & BIT(i)) != 0;
  }

  /* 2. */
  for (int i = 0; i < 4; i++)
    if ((used & BIT(i)) && (o[i].dtype < DT_BF16 || o[i].dtype > DT_FP32))
      return TATAMI_REF_BAD_DTYPE;
  if (op == OP_SGD && (o[Y].dtype != DT_FP32 || o[Z].dtype != DT_FP32))
    return TATAMI_REF_BAD_DTYPE;

  /* 3. */
  if (op < 1 || op > OP_LAST || (vflags & 0xFE) || reserved != 0) return TATAMI_REF_BAD_ARG;
  if (m == 0 || n == 0 || m > TATAMI_REF_MAX_DIM || n > TATAMI_REF_MAX_DIM)
    return TATAMI_REF_BAD_ARG;
  for (int i = 0; i < 4; i++) {
    if (!(used & BIT(i))) continue;
    if (ores[i] != 0 || o[i].bias > 63) return TATAMI_REF_BAD_ARG;
    if (!(row & BIT(i)) && o[i].ld < n) return TATAMI_REF_BAD_ARG;  /* 1 x n: ld unused */
    if (!resolve(rp, field[i], &o[i].addr)) return TATAMI_REF_BAD_ARG;
  }

  /* 4. A 1 x n operand spans n elements whatever its ld. */
  for (int i = 0; i < 4; i++) {
    if (!(used & BIT(i))) continue;
    o[i].rows = (row & BIT(i)) ? 1 : m;
    o[i].esize = elem_size(o[i].dtype, 1);
    o[i].len = extent(o[i].rows, n, o[i].rows == 1 ? n : o[i].ld, o[i].esize);
    if (o[i].addr + o[i].len > sram_bytes) return TATAMI_REF_ADDR_RANGE;
  }

  /* 5. Slots that intersect, at least one of them written, are an overlap
   * unless they are the same range exactly (address, rows, stride, dtype)
   * and one of them is read: an in-place update, where each element is read
   * before the same element is written. */
  for (int i = 0; i < 4; i++) {
    for (int j = i + 1; j < 4; j++) {
      if (!(used & BIT(i)) || !(used & BIT(j))) continue;
      if (!(written & (BIT(i) | BIT(j)))) continue;
      if (!intersects(o[i].addr, o[i].len, o[j].addr, o[j].len)) continue;
      int same = o[i].addr == o[j].addr && o[i].rows == o[j].rows && o[i].dtype == o[j].dtype &&
                 (o[i].rows == 1 || o[i].ld == o[j].ld);
      int read_vs_written = ((read & BIT(i)) && (written & BIT(j))) ||
                            ((written & BIT(i)) && (read & BIT(j)));
      if (!(same && read_vs_written)) return TATAMI_REF_OVERLAP;
    }
  }
  return TATAMI_REF_OK;
}

uint8_t tatami_ref_vec_check(const uint8_t *p, size_t len, uint64_t sram_bytes,
                             const uint32_t *params, unsigned nparams, tatami_ref_vec *v) {
  run_params rp = {params, nparams};
  return vec_check(p, len, sram_bytes, params ? &rp : NULL, v);
}

void tatami_ref_vec_exec(const tatami_ref_vec *v, uint8_t *const mem[4], tatami_num_ctx *nc) {
  const tatami_ref_vec_operand *o = v->o;
  uint8_t op = v->op;
  uint32_t m = v->m, n = v->n, s0 = v->s[0], s1 = v->s[1], s2 = v->s[2];
  tatami_num_round mode = v->sr ? TATAMI_NUM_SR : TATAMI_NUM_RNE;
  /* mem[slot] holds the slot's first byte: element (i, j) is at its offset. */
#define AT(slot, i, j) (mem[slot] + o[slot].esize * ((uint64_t)(i) * o[slot].ld + (j)))
#define LOAD(slot, i, j) load_at(AT(slot, i, j), o[slot].dtype, o[slot].bias)
#define STORE(slot, i, j, val) store_at(nc, AT(slot, i, j), o[slot].dtype, o[slot].bias, (val), mode)

  if (op == OP_ROWSUM) {
    /* S_j over i in order (section 5's loop, no tree); Z is 1 x n, so its
     * draws go j = 0, 1, ... */
    for (uint32_t j = 0; j < n; j++) {
      uint32_t s = 0x80000000u;
      for (uint32_t i = 0; i < m; i++) s = tatami_num_fp32_add(nc, s, LOAD(X, i, j));
      STORE(Z, 0, j, s);
    }
  } else {
    /* Row-major: the SR draws go in the output's row-major order. */
    for (uint32_t i = 0; i < m; i++) {
      for (uint32_t j = 0; j < n; j++) {
        uint32_t x = LOAD(X, i, j), r;
        switch (op) {
        case OP_ADD: r = tatami_num_fp32_add(nc, x, LOAD(Y, i, j)); break;
        case OP_SUB: r = tatami_num_fp32_sub(nc, x, LOAD(Y, i, j)); break;
        case OP_MUL: r = tatami_num_fp32_mul(nc, x, LOAD(Y, i, j)); break;
        case OP_SCALE: r = tatami_num_fp32_mul(nc, x, s0); break;
        case OP_BIAS: r = tatami_num_fp32_add(nc, x, LOAD(Y, 0, j)); break;
        case OP_RELU: {
          uint32_t xr = read_operand(nc, x);
          int nan = (xr & 0x7F800000u) == 0x7F800000u && (xr & 0x007FFFFFu);
          r = (nan || !(xr & 0x80000000u)) ? xr : 0u;
          break;
        }
        case OP_RELU_BWD: {
          /* Both operands are read for every element (their flags count
           * whichever value is selected). */
          uint32_t xr = read_operand(nc, x), yr = read_operand(nc, LOAD(Y, i, j));
          int y_nan = (yr & 0x7F800000u) == 0x7F800000u && (yr & 0x007FFFFFu);
          int pos = !y_nan && !(yr & 0x80000000u) && (yr & 0x7FFFFFFFu) != 0;
          r = pos ? xr : 0u;
          break;
        }
        case OP_CONVERT: r = read_operand(nc, x); break;
        case OP_SGD: {
          uint32_t y = LOAD(Y, i, j), z = LOAD(Z, i, j);
          uint32_t g = tatami_num_fp32_add(nc, x, tatami_num_fp32_mul(nc, s2, z));
          uint32_t vv = tatami_num_fp32_add(nc, tatami_num_fp32_mul(nc, s1, y), g);
          uint32_t z2 = tatami_num_fp32_sub(nc, z, tatami_num_fp32_mul(nc, s0, vv));
          STORE(Y, i, j, vv);   /* FP32: no conversion, no draw */
          STORE(Z, i, j, z2);
          STORE(W, i, j, z2);   /* the low-precision copy: W's draws only */
          continue;
        }
        default: return;   /* unreachable: a checked descriptor's op is known */
        }
        STORE(Z, i, j, r);
      }
    }
  }
#undef AT
#undef LOAD
#undef STORE
}

static uint8_t exec_vec(tatami_ref *ref, const uint8_t *p, size_t len, const run_params *rp) {
  tatami_ref_vec v;
  uint8_t st = vec_check(p, len, ref->sram_bytes, rp, &v);
  if (st != TATAMI_REF_OK) return st;
  uint8_t *mem[4] = {NULL, NULL, NULL, NULL};
  for (int i = 0; i < 4; i++)
    if (v.o[i].read || v.o[i].written) mem[i] = ref->sram + v.o[i].addr;
  tatami_ref_vec_exec(&v, mem, &ref->num);
  return TATAMI_REF_OK;
}

/* ------------------------------------------------------------ flags, seed */

static uint8_t exec_flags(tatami_ref *ref, size_t len, uint8_t *resp, size_t *resp_len) {
  if (len != 0) return TATAMI_REF_BAD_LEN;
  resp[0] = (uint8_t)tatami_num_flags(&ref->num);
  *resp_len = 1;
  return TATAMI_REF_OK;
}

static uint8_t exec_clear_flags(tatami_ref *ref, const uint8_t *p, size_t len) {
  if (len != 1) return TATAMI_REF_BAD_LEN;
  if (p[0] & 0xE0) return TATAMI_REF_BAD_ARG;
  tatami_num_clear_flags(&ref->num, p[0]);
  return TATAMI_REF_OK;
}

static uint8_t exec_seed(tatami_ref *ref, const uint8_t *p, size_t len) {
  if (len != 4) return TATAMI_REF_BAD_LEN;
  tatami_num_seed(&ref->num, tatami_ref_get_u32(p));
  return TATAMI_REF_OK;
}

/* ------------------------------------------------------------ RUN */

/* One record's command: only the four opcodes a program may hold. */
static uint8_t exec_record(tatami_ref *ref, uint8_t op, const uint8_t *p, size_t len,
                           const run_params *rp) {
  switch (op) {
  case TATAMI_REF_OP_GEMM: return exec_gemm(ref, p, len, rp);
  case TATAMI_REF_OP_VEC:
    return has(ref, TATAMI_REF_FEAT_VEC) ? exec_vec(ref, p, len, rp) : TATAMI_REF_BAD_OPCODE;
  case TATAMI_REF_OP_CLEAR_FLAGS:
    return has(ref, TATAMI_REF_FEAT_FLAGS) ? exec_clear_flags(ref, p, len) : TATAMI_REF_BAD_OPCODE;
  case TATAMI_REF_OP_SEED:
    return has(ref, TATAMI_REF_FEAT_FLAGS) ? exec_seed(ref, p, len) : TATAMI_REF_BAD_OPCODE;
  default: return TATAMI_REF_BAD_OPCODE;
  }
}

static uint8_t exec_run(tatami_ref *ref, const uint8_t *p, size_t len, uint8_t *resp,
                        size_t *resp_len) {
  if (len < 8 || len > 8 + 4 * TATAMI_REF_RUN_MAX_PARAMS || (len - 8) % 4 != 0)
    return TATAMI_REF_BAD_LEN;
  uint32_t prog = tatami_ref_get_u32(p), plen = tatami_ref_get_u32(p + 4);
  uint32_t params[TATAMI_REF_RUN_MAX_PARAMS];
  run_params rp = {params, (unsigned)((len - 8) / 4)};
  for (unsigned i = 0; i < rp.n; i++) params[i] = tatami_ref_get_u32(p + 8 + 4 * i);
  if (plen == 0) return TATAMI_REF_BAD_ARG;
  if (!in_sram(ref, prog, plen)) return TATAMI_REF_ADDR_RANGE;

  uint32_t index = 0;
  uint8_t st = TATAMI_REF_OK;
  for (uint32_t off = 0; off < plen; index++) {
    /* The record is read from SRAM when it starts. */
    const uint8_t *h = ref->sram + prog + off;
    uint32_t left = plen - off;
    uint8_t payload[TATAMI_REF_MAX_PAYLOAD];
    size_t rlen = left >= 4 ? (size_t)(h[2] | h[3] << 8) : 0;
    if (left < 4 || rlen > left - 4) st = TATAMI_REF_BAD_LEN;          /* runs past len */
    else if (h[0] != TATAMI_REF_OP_GEMM && h[0] != TATAMI_REF_OP_VEC &&
             h[0] != TATAMI_REF_OP_CLEAR_FLAGS && h[0] != TATAMI_REF_OP_SEED)
      st = TATAMI_REF_BAD_OPCODE;
    else if (h[1] != 0) st = TATAMI_REF_BAD_ARG;                        /* header's 0 byte */
    else if (rlen > TATAMI_REF_MAX_PAYLOAD) st = TATAMI_REF_BAD_LEN;    /* no such command */
    else {
      memcpy(payload, h + 4, rlen);
      st = exec_record(ref, h[0], payload, rlen, &rp);
    }
    if (st != TATAMI_REF_OK) break;
    off += 4 + (uint32_t)rlen;
  }
  tatami_ref_put_u32(resp, index);   /* the failing record, or the count */
  *resp_len = 4;
  return st;
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
    return exec_gemm(ref, payload, len, NULL);
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
  case TATAMI_REF_OP_VEC:
    if (!has(ref, TATAMI_REF_FEAT_VEC)) return TATAMI_REF_BAD_OPCODE;
    return exec_vec(ref, payload, len, NULL);
  case TATAMI_REF_OP_FLAGS:
    if (!has(ref, TATAMI_REF_FEAT_FLAGS)) return TATAMI_REF_BAD_OPCODE;
    return exec_flags(ref, len, resp, resp_len);
  case TATAMI_REF_OP_CLEAR_FLAGS:
    if (!has(ref, TATAMI_REF_FEAT_FLAGS)) return TATAMI_REF_BAD_OPCODE;
    return exec_clear_flags(ref, payload, len);
  case TATAMI_REF_OP_SEED:
    if (!has(ref, TATAMI_REF_FEAT_FLAGS)) return TATAMI_REF_BAD_OPCODE;
    return exec_seed(ref, payload, len);
  case TATAMI_REF_OP_RUN:
    if (!has(ref, TATAMI_REF_FEAT_RUN)) return TATAMI_REF_BAD_OPCODE;
    return exec_run(ref, payload, len, resp, resp_len);
  default:
    return TATAMI_REF_BAD_OPCODE;
  }
}
