/* The tatami wire protocol: CRC-32, frame encoding, incremental parsing.
 * Everything a device sends is untrusted: the parser never reads past its
 * fixed buffer and never allocates. */
#include "proto.h"

#include "tatami.h"

#include <string.h>

/* Reflected CRC-32 (poly 0xEDB88320), a nibble at a time: a 16-entry
 * constant table keeps this thread-safe with no init step, and the
 * frames are short enough that speed does not matter. */
static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
    0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};

uint32_t tatami_crc32(uint32_t crc, const void *buf, size_t n) {
  const uint8_t *p = buf;
  if (!p) return crc;
  crc = ~crc;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    crc = crc_nibble[crc & 0xFu] ^ (crc >> 4);
    crc = crc_nibble[crc & 0xFu] ^ (crc >> 4);
  }
  return ~crc;
}

size_t tatami_frame_encode(uint8_t *out, size_t cap, uint8_t addr, uint8_t seq,
                           uint8_t code, const void *payload, size_t len) {
  if (!out || len > TATAMI_MAX_PAYLOAD || (len > 0 && !payload)) return 0;
  size_t total = TATAMI_HDR_BYTES + len + TATAMI_CRC_BYTES;
  if (cap < total) return 0;
  out[0] = TATAMI_SYNC0;
  out[1] = TATAMI_SYNC1;
  out[2] = addr;
  out[3] = seq;
  out[4] = code;
  tatami_put_u16(out + 5, (uint16_t)len);
  if (len) memcpy(out + TATAMI_HDR_BYTES, payload, len);
  tatami_put_u32(out + TATAMI_HDR_BYTES + len, tatami_crc32(0, out + 2, 5 + len));
  return total;
}

void tatami_parser_init(tatami_parser *p) { memset(p, 0, sizeof *p); }

size_t tatami_parser_flush(tatami_parser *p) {
  size_t n = p->have;
  p->have = 0;
  return n;
}

size_t tatami_parser_push(tatami_parser *p, const uint8_t *data, size_t n) {
  size_t space = sizeof p->buf - p->have;
  if (n > space) n = space;
  if (n) {
    memcpy(p->buf + p->have, data, n);
    p->have += n;
  }
  return n;
}

static void drop(tatami_parser *p, size_t n) {
  memmove(p->buf, p->buf + n, p->have - n);
  p->have -= n;
}

int tatami_parser_next(tatami_parser *p, tatami_frame *f) {
  for (;;) {
    if (p->have == 0) return 0;
    if (p->buf[0] != TATAMI_SYNC0) {
      /* Hunt: skip to the next possible SYNC0. */
      const uint8_t *s = memchr(p->buf, TATAMI_SYNC0, p->have);
      size_t skip = s ? (size_t)(s - p->buf) : p->have;
      p->skipped += skip;
      drop(p, skip);
      continue;
    }
    if (p->have < 2) return 0;
    if (p->buf[1] != TATAMI_SYNC1) {
      p->skipped++;
      drop(p, 1);
      continue;
    }
    if (p->have < TATAMI_HDR_BYTES) return 0;
    size_t len = tatami_get_u16(p->buf + 5);
    if (len > TATAMI_MAX_PAYLOAD) {
      p->too_long++;
      drop(p, 1);  /* rescan from the byte after SYNC0 */
      continue;
    }
    size_t total = TATAMI_HDR_BYTES + len + TATAMI_CRC_BYTES;
    if (p->have < total) return 0;  /* total <= sizeof buf: always reachable */
    uint32_t want = tatami_get_u32(p->buf + TATAMI_HDR_BYTES + len);
    if (tatami_crc32(0, p->buf + 2, 5 + len) != want) {
      p->bad_crc++;
      drop(p, 1);
      continue;
    }
    f->addr = p->buf[2];
    f->seq = p->buf[3];
    f->code = p->buf[4];
    f->len = (uint16_t)len;
    memcpy(f->payload, p->buf + TATAMI_HDR_BYTES, len);
    p->frames_ok++;
    drop(p, total);
    return 1;
  }
}

size_t tatami_gemm_desc_pack(uint8_t out[TATAMI_GEMM_DESC11_BYTES], const tatami_gemm_desc *d) {
  const uint32_t w[9] = {d->a, d->b, d->c, d->m, d->n, d->k, d->lda, d->ldb, d->ldc};
  for (int i = 0; i < 9; i++) tatami_put_u32(out + 4 * i, w[i]);
  out[36] = d->flags;
  out[37] = d->dtype_ab;
  out[38] = d->dtype_c;
  out[39] = 0;
  /* The 1.0 form whenever it says everything: a 1.0 tile understands it. */
  if (d->dtype_b == 0 && d->bias_a == 0 && d->bias_b == 0 && d->bias_c == 0)
    return TATAMI_GEMM_DESC_BYTES;
  out[39] = d->dtype_b ? d->dtype_b : d->dtype_ab;
  out[40] = d->bias_a;
  out[41] = d->bias_b;
  out[42] = d->bias_c;
  memset(out + 43, 0, 5);
  return TATAMI_GEMM_DESC11_BYTES;
}

void tatami_vec_desc_pack(uint8_t out[TATAMI_VEC_DESC_BYTES], const tatami_vec_desc *d) {
  memset(out, 0, TATAMI_VEC_DESC_BYTES);
  out[0] = d->op;
  out[1] = d->flags;
  tatami_put_u32(out + 4, d->m);
  tatami_put_u32(out + 8, d->n);
  for (int i = 0; i < 3; i++) tatami_put_u32(out + 12 + 4 * i, d->s[i]);
  const tatami_vec_operand *o[4] = {&d->x, &d->y, &d->z, &d->w};
  for (int i = 0; i < 4; i++) {
    uint8_t *q = out + 24 + 12 * i;
    tatami_put_u32(q, o[i]->addr);
    tatami_put_u32(q + 4, o[i]->ld);
    q[8] = o[i]->dtype;
    q[9] = o[i]->bias;
  }
}

const char *tatami_profile_name(unsigned profile) {
  static const char *const names[] = {"sim", "icebreaker", "hx8k", "tiny"};
  return profile < sizeof names / sizeof names[0] ? names[profile] : NULL;
}

int tatami_info_unpack(tatami_info *info, const uint8_t rec[TATAMI_INFO_BYTES]) {
  const char *name = tatami_profile_name(rec[2]);
  /* A device is untrusted: reject records that would make later size
   * computations meaningless rather than trusting them. */
  if (!name || rec[4] == 0 || rec[5] == 0 || rec[6] == 0 || tatami_get_u32(rec + 8) == 0 ||
      tatami_get_u16(rec + 12) == 0 || tatami_get_u16(rec + 12) > TATAMI_MAX_DATA)
    return -1;
  info->version = tatami_get_u16(rec);
  memset(info->profile, 0, sizeof info->profile);
  memcpy(info->profile, name, strlen(name));
  info->tile_x = rec[3] >> 4;
  info->tile_y = rec[3] & 0xFu;
  info->rows = rec[4];
  info->cols = rec[5];
  info->credits = rec[6];
  info->dtypes = rec[7];
  info->sram_bytes = tatami_get_u32(rec + 8);
  info->max_data = tatami_get_u16(rec + 12);
  info->clock_hz = tatami_get_u32(rec + 16);
  return 0;
}
