/* Reliable delivery over a lossy byte link (docs/protocol.md section 4).
 *
 * Commands live in a ring of slots in SEQ order from the oldest incomplete
 * one (head) to the newest. A slot is retired when it and everything before
 * it completed, so errors of queued commands are reported in SEQ order even
 * if their responses arrive out of order after retransmissions. */
#include "link.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tatami.h"  /* error codes only: link.c links without device.c (fuzzers) */

#define RING (TATAMI_LINK_MAX_WINDOW + 1u)

struct tatami_link_slot {
  uint8_t frame[TATAMI_MAX_FRAME];
  size_t frame_len;
  uint8_t seq, code;
  int done;
  int result;        /* 0 or a negative TATAMI_E* */
  uint8_t *rx;       /* NULL: an OK answer's payload is dropped */
  size_t rx_len;     /* payload length of an OK answer */
  int *status;       /* NULL: queued, error goes to pending_err */
  uint8_t err_resp[4];  /* start of an error answer's payload (RUN: record index) */
  size_t err_resp_len;
};

static int link_fail(tatami_link *l, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int link_fail(tatami_link *l, int err, const char *fmt, ...) {
  if (!l->failed) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->msg, sizeof l->msg, fmt, ap);
    va_end(ap);
    l->failed = err;
  }
  return l->failed;
}

int tatami_link_init(tatami_link *l, const tatami_byte_link *io, uint8_t dest) {
  memset(l, 0, sizeof *l);
  l->slots = calloc(RING, sizeof *l->slots);
  if (!l->slots) return TATAMI_ENOMEM;
  l->io = *io;
  l->dest = dest;
  l->window = 1;
  l->max_rounds = TATAMI_LINK_DEFAULT_ROUNDS;
  tatami_parser_init(&l->parser);
  return 0;
}

void tatami_link_free(tatami_link *l) {
  free(l->slots);
  l->slots = NULL;
}

void tatami_link_set_window(tatami_link *l, unsigned credits) {
  if (credits < 1) credits = 1;
  if (credits > TATAMI_LINK_MAX_WINDOW) credits = TATAMI_LINK_MAX_WINDOW;
  l->window = credits;
}

const char *tatami_link_message(const tatami_link *l) { return l->msg; }

int tatami_link_take_error(tatami_link *l) {
  int e = l->pending_err;
  l->pending_err = 0;
  return e;
}

int tatami_link_take_error_cmd(tatami_link *l, uint8_t *code, uint8_t resp[4], size_t *resp_len) {
  *code = l->pending_code;
  memcpy(resp, l->pending_resp, sizeof l->pending_resp);
  *resp_len = l->pending_resp_len;
  return tatami_link_take_error(l);
}

static tatami_link_slot *slot_at(tatami_link *l, unsigned i) {
  return &l->slots[(l->head + i) % RING];
}

static int send_slot(tatami_link *l, tatami_link_slot *s) {
  int rc = l->io.send(l->io.ctx, s->frame, s->frame_len);
  if (rc < 0) return link_fail(l, rc, "link send failed (error %d)", rc);
  l->stats.tx_frames++;
  return 0;
}

static void retire(tatami_link *l) {
  while (l->count > 0 && slot_at(l, 0)->done) {
    tatami_link_slot *s = slot_at(l, 0);
    if (s->result) {
      int *dst = s->status ? s->status : &l->pending_err;
      if (!s->status && l->pending_err == 0) {
        l->pending_code = s->code;
        memcpy(l->pending_resp, s->err_resp, sizeof l->pending_resp);
        l->pending_resp_len = s->err_resp_len;
      }
      if (*dst == 0) *dst = s->result;
    }
    l->head = (l->head + 1) % RING;
    l->count--;
  }
}


static void handle_frame(tatami_link *l, const tatami_frame *f) {
  if (l->count == 0 || f->addr != l->dest) {
    l->stats.bad_responses++;
    return;
  }
  unsigned off = (uint8_t)(f->seq - slot_at(l, 0)->seq);
  if (off >= l->count) {  /* not an outstanding SEQ: stale or bogus */
    l->stats.bad_responses++;
    return;
  }
  tatami_link_slot *s = slot_at(l, off);
  if (s->done) return;  /* a second answer (to a retransmission): nothing new */
  switch (f->code) {
  case TATAMI_ST_BAD_CRC: case TATAMI_ST_TRUNCATED: case TATAMI_ST_TOO_LONG: case TATAMI_ST_SEQ:
    /* The command did not arrive intact or in order: the timeout will
     * resend it (step 4). SEQ of BAD_CRC/TRUNCATED answers is unreliable. */
    l->stats.nacks++;
    return;
  default:
    break;
  }
  int result;
  if (f->code > TATAMI_ST_SEQ) {
    snprintf(l->msg, sizeof l->msg, "device answered unknown status 0x%02x", f->code);
    l->stats.bad_responses++;
    result = TATAMI_EPROTO;
  } else if (f->code != TATAMI_ST_OK) {
    result = -(100 + (int)f->code);
    s->err_resp_len = f->len < sizeof s->err_resp ? f->len : sizeof s->err_resp;
    memcpy(s->err_resp, f->payload, s->err_resp_len);
  } else if (f->len != s->rx_len) {
    snprintf(l->msg, sizeof l->msg,
             "device answered opcode 0x%02x with %u payload bytes, expected %zu", s->code,
             f->len, s->rx_len);
    l->stats.bad_responses++;
    result = TATAMI_EPROTO;
  } else {
    if (s->rx && s->rx_len) memcpy(s->rx, f->payload, s->rx_len);
    result = 0;
  }
  s->done = 1;
  s->result = result;
  l->progress = 1;
}

/* The link went quiet with commands incomplete: resend all of them in SEQ
 * order (their credits are free again: the device has nothing queued). */
static int handle_timeout(tatami_link *l) {
  l->stats.timeouts++;
  if (tatami_parser_flush(&l->parser)) l->stats.bad_responses++;  /* partial frame: dead */
  if (l->progress) l->rounds = 0;
  l->progress = 0;
  if (++l->rounds > l->max_rounds)
    return link_fail(l, TATAMI_ETIMEOUT,
                     "no valid response after %u retransmission rounds (%u commands pending)",
                     l->max_rounds, l->count);
  for (unsigned i = 0; i < l->count; i++) {
    tatami_link_slot *s = slot_at(l, i);
    if (s->done) continue;
    int rc = send_slot(l, s);
    if (rc) return rc;
    l->stats.retransmits++;
  }
  return 0;
}

/* One receive step: take what arrived, or handle a timeout. */
static int pump(tatami_link *l) {
  uint8_t buf[512];
  long n = l->io.recv(l->io.ctx, buf, sizeof buf);
  if (n < 0) return link_fail(l, (int)n, "link receive failed (error %ld)", n);
  if (n == 0) return handle_timeout(l);
  if ((size_t)n > sizeof buf) return link_fail(l, TATAMI_EIO, "link receive overflow");
  const uint8_t *p = buf;
  size_t left = (size_t)n;
  tatami_parser *ps = &l->parser;
  uint64_t before = ps->bad_crc + ps->too_long;
  while (left) {
    size_t k = tatami_parser_push(ps, p, left);
    p += k;
    left -= k;
    while (tatami_parser_next(ps, &l->rx)) handle_frame(l, &l->rx);
  }
  l->stats.bad_responses += ps->bad_crc + ps->too_long - before;
  retire(l);
  return 0;
}

/* Opcodes whose OK answer carries the payload tatami_link_submit's rx gets;
 * every other one answers OK with none. */
static int expects_payload(uint8_t code) {
  return code == TATAMI_OP_HELLO || code == TATAMI_OP_INFO || code == TATAMI_OP_READ ||
         code == TATAMI_OP_COUNTERS;
}

int tatami_link_submit(tatami_link *l, uint8_t code, const void *payload, size_t len,
                       void *rx, size_t rx_len, int *status) {
  if (rx_len && !rx) return TATAMI_EINVAL;
  return tatami_link_submit_cmd(l, code, payload, len, rx, expects_payload(code) ? rx_len : 0,
                                status);
}

int tatami_link_submit_cmd(tatami_link *l, uint8_t code, const void *payload, size_t len,
                           void *rx, size_t rx_len, int *status) {
  if (l->failed) return l->failed;
  if (len > TATAMI_MAX_PAYLOAD || rx_len > TATAMI_MAX_PAYLOAD) return TATAMI_EINVAL;
  while (l->count >= l->window) {
    int rc = pump(l);
    if (rc) return rc;
  }
  tatami_link_slot *s = slot_at(l, l->count);
  s->frame_len = tatami_frame_encode(s->frame, sizeof s->frame, l->dest, l->next_seq, code,
                                     payload, len);
  if (!s->frame_len) return TATAMI_EINVAL;
  s->seq = l->next_seq++;
  s->code = code;
  s->done = 0;
  s->result = 0;
  s->rx = rx;
  s->rx_len = rx_len;
  s->status = status;
  s->err_resp_len = 0;
  l->count++;
  return send_slot(l, s);
}

int tatami_link_wait_all(tatami_link *l) {
  while (!l->failed && l->count > 0) pump(l);
  return l->failed;
}

int tatami_link_hello(tatami_link *l, uint8_t info[TATAMI_INFO_BYTES]) {
  int st = 0;
  if (l->failed) return l->failed;
  l->window = 1;
  /* HELLO is always executed and sets the tile's expected SEQ to ours + 1,
   * so it is safe to resend until it is answered. */
  int rc = tatami_link_submit(l, TATAMI_OP_HELLO, NULL, 0, info, TATAMI_INFO_BYTES, &st);
  if (!rc) rc = tatami_link_wait_all(l);
  return rc ? rc : st;
}
