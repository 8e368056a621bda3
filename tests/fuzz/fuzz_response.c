/* libFuzzer target: untrusted device bytes into the host.
 *  1. the frame parser, fed the input split at input-chosen points;
 *  2. the transport (link.c) with a fake byte link whose "device" answers
 *     with the input: raw bytes, or response frames built from the input
 *     with a valid CRC (so the fuzzer gets past the CRC and reaches the
 *     SEQ/status/length handling). The transport must end every call with
 *     a result (no hang), never write outside the caller's buffers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"
#include "proto.h"
#include "tatami.h"

typedef struct fake {
  const uint8_t *in;
  size_t n, pos;
  unsigned quiet;     /* timeouts handed out */
  uint8_t last_seq;   /* SEQ of the last command sent, to aim frames at */
  int auto_hello;     /* answer HELLO with a valid INFO record, so inputs
                         reach the command phase without finding a CRC */
  uint8_t pend[64];
  size_t pend_n;
} fake;

static int fake_send(void *ctx, const uint8_t *buf, size_t n) {
  fake *f = ctx;
  if (n >= 4) f->last_seq = buf[3];
  if (f->auto_hello && n >= 5 && buf[4] == TATAMI_OP_HELLO) {
    uint8_t info[TATAMI_INFO_BYTES] = {0x00, 0x01, 0, 0x00, 16, 16, 4, 1};
    tatami_put_u32(info + 8, 1u << 20);
    tatami_put_u16(info + 12, 1024);
    info[14] = 128;
    tatami_put_u32(info + 16, 100000000);
    f->pend_n = tatami_frame_encode(f->pend, sizeof f->pend, 0x00, buf[3], 0, info, sizeof info);
  }
  return 0;
}

static long fake_recv(void *ctx, uint8_t *buf, size_t max) {
  fake *f = ctx;
  if (f->pend_n) {
    size_t k = f->pend_n < max ? f->pend_n : max;
    memcpy(buf, f->pend, k);
    memmove(f->pend, f->pend + k, f->pend_n - k);
    f->pend_n -= k;
    return (long)k;
  }
  if (f->pos >= f->n) {
    f->quiet++;
    return f->quiet > 200 ? TATAMI_EIO : 0;  /* bound the run even if progress continues */
  }
  uint8_t op = f->in[f->pos++];
  if (op & 0x80) {  /* a well-formed frame: seq delta, status, len, payload from input */
    if (f->n - f->pos < 3) return 0;
    uint8_t seq = (uint8_t)(f->last_seq + (int8_t)f->in[f->pos]);
    uint8_t code = f->in[f->pos + 1];
    size_t len = f->in[f->pos + 2] % 128;  /* covers INFO(20), COUNTERS(96), small reads */
    if (op & 0x40) len = f->in[f->pos + 2] < 200 ? 20 : 96;
    f->pos += 3;
    if (len > f->n - f->pos) len = f->n - f->pos;
    uint8_t fr[TATAMI_MAX_FRAME];
    size_t k = tatami_frame_encode(fr, sizeof fr, (op & 0x20) ? 0x11 : 0x00, seq, code,
                                   f->in + f->pos, len);
    f->pos += len;
    if (k > max) k = max;
    memcpy(buf, fr, k);
    return (long)k;
  }
  if (op == 0) return 0;  /* a timeout now */
  size_t k = op;          /* raw bytes */
  if (k > max) k = max;
  if (k > f->n - f->pos) k = f->n - f->pos;
  memcpy(buf, f->in + f->pos, k);
  f->pos += k;
  return (long)k;
}

static void fuzz_parser(const uint8_t *d, size_t n) {
  tatami_parser p;
  tatami_frame fr;
  tatami_parser_init(&p);
  size_t step = n ? (size_t)d[0] % 17 + 1 : 1;
  for (size_t off = 0; off < n;) {
    size_t k = n - off < step ? n - off : step;
    size_t t = tatami_parser_push(&p, d + off, k);
    off += t;
    while (tatami_parser_next(&p, &fr)) {
      if (fr.len > TATAMI_MAX_PAYLOAD) abort();
    }
    if (p.have > TATAMI_MAX_FRAME) abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_parser(data, size);

  fake f = {.in = data, .n = size, .pos = 0, .quiet = 0, .last_seq = 0,
            .auto_hello = size > 0 && (data[0] & 1), .pend_n = 0};
  tatami_byte_link io = {.ctx = &f, .send = fake_send, .recv = fake_recv};
  tatami_link l;
  if (tatami_link_init(&l, &io, 0x00)) return 0;
  l.max_rounds = 4;  /* fewer idle rounds: the fuzzer wants speed */
  uint8_t info[TATAMI_INFO_BYTES];
  if (tatami_link_hello(&l, info) == 0) {
    tatami_info inf;
    memset(&inf, 0, sizeof inf);
    if (tatami_info_unpack(&inf, info) == 0) tatami_link_set_window(&l, inf.credits);
    uint8_t w[4 + 8] = {0};
    uint8_t rd[6] = {0, 0, 0, 0, 16, 0};
    uint8_t out[16], cnt[96];
    int st = 0;
    for (int i = 0; i < 6 && !l.failed; i++)
      tatami_link_submit(&l, TATAMI_OP_WRITE, w, sizeof w, NULL, 0, NULL);
    tatami_link_submit(&l, TATAMI_OP_READ, rd, sizeof rd, out, sizeof out, &st);
    tatami_link_submit(&l, TATAMI_OP_COUNTERS, NULL, 0, cnt, sizeof cnt, &st);
    tatami_link_wait_all(&l);
    tatami_link_take_error(&l);
  }
  tatami_link_free(&l);
  return 0;
}
