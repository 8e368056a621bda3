/* The reference model of a tatami tile: the golden model that every other
 * device is checked against. It executes commands at the payload level
 * (docs/protocol.md sections 2 and 3), exactly as the tile does after a frame
 * has passed its CRC, sequence and destination checks. Framing, CRCs,
 * sequence numbers and the link are not modelled; cycle counters stay 0.
 * Internal: not installed. */
#ifndef TATAMI_REF_MODEL_H
#define TATAMI_REF_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "numerics.h"

/* Opcodes and statuses of the protocol, named for the model so that this
 * header does not depend on (or clash with) the transport's definitions. */
enum {
  TATAMI_REF_OP_HELLO = 0x00,
  TATAMI_REF_OP_INFO = 0x01,
  TATAMI_REF_OP_WRITE = 0x02,
  TATAMI_REF_OP_READ = 0x03,
  TATAMI_REF_OP_GEMM = 0x04,
  TATAMI_REF_OP_COUNTERS = 0x05,
  TATAMI_REF_OP_CLEAR = 0x06,
  /* 1.1 */
  TATAMI_REF_OP_VEC = 0x07,
  TATAMI_REF_OP_FLAGS = 0x08,
  TATAMI_REF_OP_CLEAR_FLAGS = 0x09,
  TATAMI_REF_OP_SEED = 0x0A,
  TATAMI_REF_OP_RUN = 0x0B
};

/* INFO features bitmap (docs/protocol.md, INFO record). */
enum {
  TATAMI_REF_FEAT_INT8 = 1u << 0,
  TATAMI_REF_FEAT_BF16 = 1u << 1,
  TATAMI_REF_FEAT_CF8 = 1u << 2,
  TATAMI_REF_FEAT_VEC = 1u << 3,
  TATAMI_REF_FEAT_FLAGS = 1u << 4,
  TATAMI_REF_FEAT_RUN = 1u << 5,
  TATAMI_REF_FEAT_ALL = 0x3Fu
};
#define TATAMI_REF_VERSION_1_0 0x0100u
#define TATAMI_REF_VERSION_1_1 0x0101u

enum {
  TATAMI_REF_OK = 0x00,
  TATAMI_REF_BAD_CRC = 0x01,
  TATAMI_REF_TRUNCATED = 0x02,
  TATAMI_REF_TOO_LONG = 0x03,
  TATAMI_REF_BAD_OPCODE = 0x04,
  TATAMI_REF_BAD_DEST = 0x05,
  TATAMI_REF_BAD_LEN = 0x06,
  TATAMI_REF_ADDR_RANGE = 0x07,
  TATAMI_REF_BAD_DTYPE = 0x08,
  TATAMI_REF_BAD_ARG = 0x09,
  TATAMI_REF_OVERLAP = 0x0A,
  TATAMI_REF_SEQ = 0x0B
};

#define TATAMI_REF_MAX_PAYLOAD 1028u   /* largest payload either way */
#define TATAMI_REF_MAX_DATA 1024u      /* data bytes per WRITE/READ */
#define TATAMI_REF_INFO_BYTES 20u
#define TATAMI_REF_GEMM_DESC_BYTES 40u     /* 1.0 form (and 1.1 without biases) */
#define TATAMI_REF_GEMM_DESC11_BYTES 48u   /* 1.1 form: dtype_b, biases */
#define TATAMI_REF_VEC_DESC_BYTES 72u
#define TATAMI_REF_RUN_MAX_PARAMS 8u
#define TATAMI_REF_NUM_COUNTERS 12u
#define TATAMI_REF_MAX_DIM 0xFFFFFFu   /* m, n, k are at most 2^24 - 1 */

/* Defaults: the geometry of the "sim" profile. */
#define TATAMI_REF_DEFAULT_SRAM (1024u * 1024u)
#define TATAMI_REF_DEFAULT_ROWS 16u
#define TATAMI_REF_DEFAULT_COLS 16u
/* Largest SRAM the model accepts: the INFO record holds a u32, and a bigger
 * host allocation than this is surely a typo. */
#define TATAMI_REF_MAX_SRAM (1u << 30)

/* Counter indices (docs/protocol.md, COUNTERS). */
enum {
  TATAMI_REF_CNT_CYCLES = 0,
  TATAMI_REF_CNT_BUSY_CYCLES,
  TATAMI_REF_CNT_MACS,
  TATAMI_REF_CNT_STALL_OPERAND,
  TATAMI_REF_CNT_STALL_DRAIN,
  TATAMI_REF_CNT_STALL_TX,
  TATAMI_REF_CNT_FRAMES_OK,
  TATAMI_REF_CNT_FRAMES_ERR,
  TATAMI_REF_CNT_FRAMES_DUP,
  TATAMI_REF_CNT_RX_OVERRUN,
  TATAMI_REF_CNT_LAST_GEMM_CYCLES,
  TATAMI_REF_CNT_GEMM_COUNT
};

typedef struct tatami_ref tatami_ref;

/* A zeroed tile of sram_bytes (1..TATAMI_REF_MAX_SRAM) with an R x C array
 * (1..255 each); profile is the INFO profile byte. NULL on bad arguments or
 * when out of memory. */
tatami_ref *tatami_ref_create(uint32_t sram_bytes, uint32_t rows, uint32_t cols,
                              uint8_t profile);
void tatami_ref_destroy(tatami_ref *ref);

/* What the model implements (default: version 1.1, all features). A model of
 * a 1.0 tile (version TATAMI_REF_VERSION_1_0) has only the int8 GEMM and the
 * 40-byte descriptor whatever the mask. Otherwise a feature missing from the
 * mask is missing from the model too: its opcodes answer BAD_OPCODE, its GEMM
 * data types BAD_DTYPE. Returns 0, or -1 for an unknown version or mask. */
int tatami_ref_configure(tatami_ref *ref, uint16_t version, uint8_t features);

/* Execute one command. payload has len bytes (may be NULL when len is 0).
 * resp must hold TATAMI_REF_MAX_PAYLOAD bytes; *resp_len gets the response
 * payload length (0 for every error but a RUN record's, whose payload is the
 * failing record's index). Returns the protocol status. */
uint8_t tatami_ref_exec(tatami_ref *ref, uint8_t opcode, const uint8_t *payload,
                        size_t len, uint8_t *resp, size_t *resp_len);

/* Direct views for tests and the check: backend. */
uint32_t tatami_ref_sram_bytes(const tatami_ref *ref);
const uint8_t *tatami_ref_sram(const tatami_ref *ref);
uint64_t tatami_ref_counter(const tatami_ref *ref, unsigned index);
/* The sticky flags register and the random source's state (1.1). */
uint8_t tatami_ref_flags(const tatami_ref *ref);
uint32_t tatami_ref_rng_state(const tatami_ref *ref);

/* The vector unit apart from the tile, for the host's emulation of VEC on a
 * device without one (compute.c): the same checks and arithmetic as VEC
 * through tatami_ref_exec, on operands held anywhere. */
typedef struct tatami_ref_vec_operand {
  uint64_t addr, len;      /* resolved byte address, bytes spanned */
  uint32_t ld, rows;       /* rows: m, or 1 for a 1 x n operand */
  uint32_t esize;          /* element bytes of dtype */
  uint8_t dtype, bias;
  uint8_t read, written;   /* what the op does with the slot (both 0: unused) */
} tatami_ref_vec_operand;

typedef struct tatami_ref_vec {
  uint8_t op, sr;          /* sr: stochastic rounding */
  uint32_t m, n, s[3];
  tatami_ref_vec_operand o[4];   /* the slots X, Y, Z, W in descriptor order */
} tatami_ref_vec;

/* Decode a VEC payload and check it as the tile does (docs/protocol.md VEC
 * steps 1-5, in order) for an SRAM of sram_bytes; params: a RUN's launch
 * parameters, NULL outside a program. Returns the status; *v is complete
 * only when it is TATAMI_REF_OK. */
uint8_t tatami_ref_vec_check(const uint8_t *p, size_t len, uint64_t sram_bytes,
                             const uint32_t *params, unsigned nparams, tatami_ref_vec *v);
/* Execute a checked VEC. mem[slot] points at the image of the slot's bytes
 * [addr, addr + len) for every used slot; slots with the same range must
 * share one image (an in-place update reads what it then overwrites). Flags
 * and draws go to nc. */
void tatami_ref_vec_exec(const tatami_ref_vec *v, uint8_t *const mem[4], tatami_num_ctx *nc);

/* Little-endian helpers shared by the model and its users. */
static inline uint32_t tatami_ref_get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void tatami_ref_put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}
static inline uint64_t tatami_ref_get_u64(const uint8_t *p) {
  return (uint64_t)tatami_ref_get_u32(p) | (uint64_t)tatami_ref_get_u32(p + 4) << 32;
}
static inline void tatami_ref_put_u64(uint8_t *p, uint64_t v) {
  tatami_ref_put_u32(p, (uint32_t)v);
  tatami_ref_put_u32(p + 4, (uint32_t)(v >> 32));
}

#endif
