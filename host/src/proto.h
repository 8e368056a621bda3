/* Internal: the tatami wire protocol (docs/protocol.md sections 1-3):
 * CRC-32, frame encoding, and an incremental frame parser for a byte
 * stream. Pure C, no allocation, no I/O: used by the transport (link.c),
 * the tests and the fuzzers. Not installed. */
#ifndef TATAMI_PROTO_H
#define TATAMI_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define TATAMI_SYNC0 0xA5u
#define TATAMI_SYNC1 0x5Au
#define TATAMI_HDR_BYTES 7u                 /* SYNC0 SYNC1 ADDR SEQ CODE LEN(2) */
#define TATAMI_CRC_BYTES 4u
#define TATAMI_MAX_PAYLOAD 1028u
#define TATAMI_MAX_DATA 1024u               /* data bytes per WRITE/READ */
#define TATAMI_MAX_FRAME (TATAMI_HDR_BYTES + TATAMI_MAX_PAYLOAD + TATAMI_CRC_BYTES)
#define TATAMI_INFO_BYTES 20u
#define TATAMI_GEMM_DESC_BYTES 40u          /* 1.0 form; 1.1 adds the 48-byte one */
#define TATAMI_GEMM_DESC11_BYTES 48u
#define TATAMI_VEC_DESC_BYTES 72u
#define TATAMI_NUM_COUNTERS 12u

/* Opcodes (section 2). */
enum {
  TATAMI_OP_HELLO = 0x00,
  TATAMI_OP_INFO = 0x01,
  TATAMI_OP_WRITE = 0x02,
  TATAMI_OP_READ = 0x03,
  TATAMI_OP_GEMM = 0x04,
  TATAMI_OP_COUNTERS = 0x05,
  TATAMI_OP_CLEAR = 0x06,
  /* 1.1 */
  TATAMI_OP_VEC = 0x07,
  TATAMI_OP_FLAGS = 0x08,
  TATAMI_OP_CLEAR_FLAGS = 0x09,
  TATAMI_OP_SEED = 0x0A,
  TATAMI_OP_RUN = 0x0B
};

/* Status codes (section 3); as library errors they are -(100 + status). */
enum {
  TATAMI_ST_OK = 0x00,
  TATAMI_ST_BAD_CRC = 0x01,
  TATAMI_ST_TRUNCATED = 0x02,
  TATAMI_ST_TOO_LONG = 0x03,
  TATAMI_ST_BAD_OPCODE = 0x04,
  TATAMI_ST_BAD_DEST = 0x05,
  TATAMI_ST_BAD_LEN = 0x06,
  TATAMI_ST_ADDR_RANGE = 0x07,
  TATAMI_ST_BAD_DTYPE = 0x08,
  TATAMI_ST_BAD_ARG = 0x09,
  TATAMI_ST_OVERLAP = 0x0A,
  TATAMI_ST_SEQ = 0x0B
};

/* zlib-style CRC-32/ISO-HDLC: start with crc = 0, feed the result back in
 * to continue over more bytes. tatami_crc32(0, "123456789", 9) == 0xCBF43926. */
uint32_t tatami_crc32(uint32_t crc, const void *buf, size_t n);

/* A decoded frame (command or response). */
typedef struct tatami_frame {
  uint8_t addr, seq, code;
  uint16_t len;
  uint8_t payload[TATAMI_MAX_PAYLOAD];
} tatami_frame;

/* Encode one frame into out (cap bytes). Returns the frame size, or 0 if
 * len > TATAMI_MAX_PAYLOAD, cap is too small, or payload is NULL with len > 0. */
size_t tatami_frame_encode(uint8_t *out, size_t cap, uint8_t addr, uint8_t seq,
                           uint8_t code, const void *payload, size_t len);

/* Little-endian helpers. */
static inline void tatami_put_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static inline void tatami_put_u32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t tatami_get_u16(const uint8_t *p) {
  return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t tatami_get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t tatami_get_u64(const uint8_t *p) {
  return (uint64_t)tatami_get_u32(p) | (uint64_t)tatami_get_u32(p + 4) << 32;
}

/* Incremental parser for a byte stream that may hold garbage, truncated,
 * corrupted or oversized frames. Fixed-size state, no allocation.
 *
 * Resync policy: when a candidate frame fails (LEN > 1028 or bad CRC), only
 * its first sync byte is dropped and the bytes after it are hunted again,
 * so a real frame hidden behind a corrupted header is not lost. */
typedef struct tatami_parser {
  uint8_t buf[TATAMI_MAX_FRAME];
  size_t have;
  /* statistics, since init */
  uint64_t frames_ok;      /* complete frames with a good CRC */
  uint64_t bad_crc;        /* candidate frames with a CRC mismatch */
  uint64_t too_long;       /* candidate frames with LEN > 1028 */
  uint64_t skipped;        /* bytes discarded while hunting for a sync */
} tatami_parser;

void tatami_parser_init(tatami_parser *p);
/* Discard a partial frame (e.g. after a link timeout: nothing more of it
 * will come). Returns the number of bytes dropped; statistics are kept. */
size_t tatami_parser_flush(tatami_parser *p);
/* Take up to n bytes into the parser; returns how many were taken (fewer
 * than n only when a complete frame is waiting: call tatami_parser_next). */
size_t tatami_parser_push(tatami_parser *p, const uint8_t *data, size_t n);
/* Extract the next complete, CRC-checked frame. Returns 1 and fills *f, or
 * 0 if more bytes are needed. */
int tatami_parser_next(tatami_parser *p, tatami_frame *f);

/* Record codecs shared by the backends that speak this protocol. */
struct tatami_gemm_desc;
struct tatami_info;
/* GEMM descriptor -> its wire form; returns the length: 40 bytes (byte 39
 * 0) when dtype_b and the biases are all 0, else 48 (byte 39 dtype_b, or
 * dtype_ab when dtype_b is 0; reserved bytes 0). */
size_t tatami_gemm_desc_pack(uint8_t out[TATAMI_GEMM_DESC11_BYTES], const struct tatami_gemm_desc *d);
/* VEC descriptor -> the 72-byte wire form (reserved fields 0). */
struct tatami_vec_desc;
void tatami_vec_desc_pack(uint8_t out[TATAMI_VEC_DESC_BYTES], const struct tatami_vec_desc *d);
/* 20-byte INFO record -> info (backend name left untouched). Returns 0, or
 * -1 for a record that makes no sense (unknown profile, zero sizes). */
int tatami_info_unpack(struct tatami_info *info, const uint8_t rec[TATAMI_INFO_BYTES]);
/* Profile number -> name ("sim", "icebreaker", "hx8k", "tiny"), NULL if unknown. */
const char *tatami_profile_name(unsigned profile);

#endif
