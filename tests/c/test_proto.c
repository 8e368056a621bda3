/* Unit tests of the protocol layer (proto.c) and of the transport (link.c)
 * against a small software tile with a lossy link, so both are tested
 * without the simulator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "link.h"
#include "proto.h"
#include "tatami.h"

/* ------------------------------------------------------------ CRC */
static void t_crc_vectors(void **state) {
  (void)state;
  const uint8_t zeros[5] = {0};
  assert_int_equal(tatami_crc32(0, "123456789", 9), 0xCBF43926u);
  assert_int_equal(tatami_crc32(0, "", 0), 0x00000000u);
  assert_int_equal(tatami_crc32(0, zeros, 1), 0xD202EF8Du);
  assert_int_equal(tatami_crc32(0, zeros, 5), 0xC622F71Du);
  /* zlib-style chaining gives the same result as one pass */
  assert_int_equal(tatami_crc32(tatami_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

static void t_hello_frame(void **state) {
  (void)state;
  static const uint8_t want[] = {0xA5, 0x5A, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1D, 0xF7, 0x22, 0xC6};
  uint8_t out[TATAMI_MAX_FRAME];
  size_t n = tatami_frame_encode(out, sizeof out, 0, 0, TATAMI_OP_HELLO, NULL, 0);
  assert_int_equal(n, sizeof want);
  assert_memory_equal(out, want, sizeof want);
}

static void t_encode_limits(void **state) {
  (void)state;
  static uint8_t payload[TATAMI_MAX_PAYLOAD + 1];
  uint8_t out[TATAMI_MAX_FRAME + 8];
  assert_int_equal(tatami_frame_encode(out, sizeof out, 0, 0, 2, payload, TATAMI_MAX_PAYLOAD),
                   TATAMI_MAX_FRAME);
  assert_int_equal(tatami_frame_encode(out, sizeof out, 0, 0, 2, payload, TATAMI_MAX_PAYLOAD + 1), 0);
  assert_int_equal(tatami_frame_encode(out, 10, 0, 0, 0, NULL, 0), 0);  /* needs 11 */
  assert_int_equal(tatami_frame_encode(out, sizeof out, 0, 0, 2, NULL, 3), 0);
}

/* ------------------------------------------------------------ parser */
typedef struct collected {
  tatami_frame f[16];
  int n;
} collected;

static void feed(tatami_parser *p, const uint8_t *b, size_t n, collected *c) {
  while (n) {
    size_t k = tatami_parser_push(p, b, n);
    b += k;
    n -= k;
    while (c->n < 16 && tatami_parser_next(p, &c->f[c->n])) c->n++;
  }
  while (c->n < 16 && tatami_parser_next(p, &c->f[c->n])) c->n++;
}

static size_t mk(uint8_t *out, uint8_t seq, uint8_t code, size_t len, uint8_t fill) {
  uint8_t pl[TATAMI_MAX_PAYLOAD];
  for (size_t i = 0; i < len; i++) pl[i] = (uint8_t)(fill + i * 7);
  return tatami_frame_encode(out, TATAMI_MAX_FRAME, 0x00, seq, code, pl, len);
}

static void check_frame(const tatami_frame *f, uint8_t seq, uint8_t code, size_t len,
                        uint8_t fill) {
  assert_int_equal(f->seq, seq);
  assert_int_equal(f->code, code);
  assert_int_equal(f->len, len);
  for (size_t i = 0; i < len; i++) assert_int_equal(f->payload[i], (uint8_t)(fill + i * 7));
}

static void t_roundtrip(void **state) {
  (void)state;
  static const size_t lens[] = {0, 1, 4, 5, 6, 20, 40, 96, 1027, 1028};
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    uint8_t fr[TATAMI_MAX_FRAME];
    size_t n = mk(fr, (uint8_t)(i * 37), (uint8_t)i, lens[i], (uint8_t)i);
    assert_int_equal(n, 11 + lens[i]);
    tatami_parser p;
    tatami_parser_init(&p);
    collected c = {.n = 0};
    feed(&p, fr, n, &c);
    assert_int_equal(c.n, 1);
    check_frame(&c.f[0], (uint8_t)(i * 37), (uint8_t)i, lens[i], (uint8_t)i);
    assert_int_equal(p.have, 0);
  }
}

static void t_resync_garbage(void **state) {
  (void)state;
  uint8_t s[4000];
  size_t n = 0;
  /* garbage including lone syncs, a doubled SYNC0 and a sync pair at the
   * end of a header-less run */
  static const uint8_t junk[] = {0x00, 0xA5, 0x00, 0x5A, 0xA5, 0xA5, 0xFF, 0x5A, 0x5A, 0xA5};
  memcpy(s + n, junk, sizeof junk);
  n += sizeof junk;
  n += mk(s + n, 1, 0, 3, 9);
  s[n++] = 0xA5;  /* A5 A5 5A ...: the frame starts at the second A5 */
  n += mk(s + n, 2, 0, 0, 0);
  memcpy(s + n, junk, sizeof junk);
  n += sizeof junk;
  n += mk(s + n, 3, 5, 96, 1);
  tatami_parser p;
  tatami_parser_init(&p);
  collected c = {.n = 0};
  feed(&p, s, n, &c);
  assert_int_equal(c.n, 3);
  check_frame(&c.f[0], 1, 0, 3, 9);
  check_frame(&c.f[1], 2, 0, 0, 0);
  check_frame(&c.f[2], 3, 5, 96, 1);
  assert_true(p.skipped >= 2 * sizeof junk - 2);
}

/* Corrupting any single byte of a frame loses that frame only: the next
 * frame still parses, whatever the corrupted byte made of LEN. */
static void t_bad_crc_every_byte(void **state) {
  (void)state;
  uint8_t good[TATAMI_MAX_FRAME], bad[TATAMI_MAX_FRAME];
  size_t gn = mk(good, 7, 0, 12, 3);
  size_t bn = mk(bad, 6, 0, 10, 4);
  for (size_t pos = 0; pos < bn; pos++) {
    for (int bit = 0; bit < 8; bit++) {
      uint8_t s[2 * TATAMI_MAX_FRAME];
      memcpy(s, bad, bn);
      s[pos] ^= (uint8_t)(1u << bit);
      memcpy(s + bn, good, gn);
      tatami_parser p;
      tatami_parser_init(&p);
      collected c = {.n = 0};
      feed(&p, s, bn + gn, &c);
      /* LEN corrupted upwards: the parser waits for the claimed length and
       * must then rescan the buffered bytes; pad with junk to get there */
      if (c.n == 0) {
        static uint8_t pad[TATAMI_MAX_FRAME];
        feed(&p, pad, sizeof pad, &c);
      }
      assert_int_equal(c.n, 1);
      check_frame(&c.f[0], 7, 0, 12, 3);
      if (pos >= 2) assert_true(p.bad_crc + p.too_long >= 1);
    }
  }
}

static void t_oversize_len(void **state) {
  (void)state;
  uint8_t s[64];
  size_t n = 0;
  uint8_t hdr[] = {0xA5, 0x5A, 0x00, 0x01, 0x00, 0x05, 0x04};  /* LEN = 1029 */
  memcpy(s, hdr, sizeof hdr);
  n = sizeof hdr;
  n += mk(s + n, 2, 0, 4, 1);
  uint8_t hdr2[] = {0xA5, 0x5A, 0x00, 0x01, 0x00, 0xFF, 0xFF};  /* LEN = 65535 */
  memcpy(s + n, hdr2, sizeof hdr2);
  n += sizeof hdr2;
  n += mk(s + n, 3, 0, 0, 0);
  tatami_parser p;
  tatami_parser_init(&p);
  collected c = {.n = 0};
  feed(&p, s, n, &c);
  assert_int_equal(c.n, 2);
  check_frame(&c.f[0], 2, 0, 4, 1);
  check_frame(&c.f[1], 3, 0, 0, 0);
  assert_int_equal(p.too_long, 2);
}

/* A frame whose LEN claims more than follows: the real frame after it is
 * found once the claimed length has arrived and the CRC failed. */
static void t_hidden_frame(void **state) {
  (void)state;
  uint8_t s[3 * TATAMI_MAX_FRAME];
  uint8_t hdr[] = {0xA5, 0x5A, 0x00, 0x01, 0x00, 0x00, 0x02};  /* LEN 512, then nothing */
  size_t n = sizeof hdr;
  memcpy(s, hdr, n);
  n += mk(s + n, 9, 0, 20, 2);
  memset(s + n, 0, 600);
  n += 600;
  tatami_parser p;
  tatami_parser_init(&p);
  collected c = {.n = 0};
  feed(&p, s, n, &c);
  assert_int_equal(c.n, 1);
  check_frame(&c.f[0], 9, 0, 20, 2);
  assert_int_equal(p.bad_crc, 1);
}

static void t_split_every_boundary(void **state) {
  (void)state;
  uint8_t s[3 * TATAMI_MAX_FRAME];
  size_t n = 0;
  n += mk(s + n, 1, 0, 0, 0);
  s[n++] = 0x33;
  n += mk(s + n, 2, 1, 300, 5);
  n += mk(s + n, 3, 2, 1028, 6);
  for (size_t cut = 0; cut <= n; cut++) {
    tatami_parser p;
    tatami_parser_init(&p);
    collected c = {.n = 0};
    feed(&p, s, cut, &c);
    feed(&p, s + cut, n - cut, &c);
    assert_int_equal(c.n, 3);
    check_frame(&c.f[0], 1, 0, 0, 0);
    check_frame(&c.f[1], 2, 1, 300, 5);
    check_frame(&c.f[2], 3, 2, 1028, 6);
  }
  /* and one byte at a time */
  tatami_parser p;
  tatami_parser_init(&p);
  collected c = {.n = 0};
  for (size_t i = 0; i < n; i++) feed(&p, s + i, 1, &c);
  assert_int_equal(c.n, 3);
  check_frame(&c.f[2], 3, 2, 1028, 6);
}

/* Random noise never crashes, and the parser's buffer stays bounded. */
static void t_noise(void **state) {
  (void)state;
  uint64_t x = 88172645463325252ull;
  tatami_parser p;
  tatami_parser_init(&p);
  collected c = {.n = 0};
  for (int i = 0; i < 200000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    uint8_t b = (uint8_t)x;
    if ((x >> 20) % 4 == 0) b = (x >> 30) & 1 ? 0xA5 : 0x5A;
    feed(&p, &b, 1, &c);
    assert_true(p.have <= TATAMI_MAX_FRAME);
    c.n = 0;
  }
}

/* ------------------------------------------------------------ transport */
/* A software tile implementing section 4 (SEQ, replay cache, duplicates)
 * for HELLO/READ/WRITE over 4 KiB, behind a link that drops, duplicates
 * or corrupts bytes at a given rate in both directions. Commands are
 * executed as soon as they arrive; "timeout" = no response bytes left. */
#define MT_SRAM 4096
typedef struct mock_tile {
  uint8_t sram[MT_SRAM];
  uint8_t expected;
  uint8_t cache[256];
  tatami_parser rx;
  uint8_t out[1 << 16];
  size_t out_head, out_len;
  double rate;
  uint64_t rng;
  uint64_t faults, executed_writes;
  int wrong_read_len;   /* misbehave: answer READ with one byte too many */
  int fail_send;        /* link unplugged */
  int silent;           /* never answers */
} mock_tile;

static double mt_rand(mock_tile *t) {
  t->rng ^= t->rng << 13;
  t->rng ^= t->rng >> 7;
  t->rng ^= t->rng << 17;
  return (double)(t->rng >> 11) / 9007199254740992.0;
}

/* Push bytes through the faulty channel into dst(byte) callback. */
static void mt_channel(mock_tile *t, const uint8_t *b, size_t n, void (*put)(mock_tile *, uint8_t)) {
  for (size_t i = 0; i < n; i++) {
    if (t->rate > 0 && mt_rand(t) < t->rate) {
      t->faults++;
      double k = mt_rand(t);
      if (k < 1.0 / 3) continue;  /* drop */
      if (k < 2.0 / 3) {           /* duplicate */
        put(t, b[i]);
        put(t, b[i]);
        continue;
      }
      put(t, (uint8_t)(b[i] ^ (1u << (int)(mt_rand(t) * 8))));  /* corrupt */
      continue;
    }
    put(t, b[i]);
  }
}

static void mt_put_out(mock_tile *t, uint8_t b) {
  if (t->out_len < sizeof t->out) t->out[(t->out_head + t->out_len++) % sizeof t->out] = b;
}

static void mt_respond(mock_tile *t, uint8_t seq, uint8_t st, const uint8_t *pl, size_t len) {
  uint8_t fr[TATAMI_MAX_FRAME];
  size_t n = tatami_frame_encode(fr, sizeof fr, 0x00, seq, st, pl, len);
  mt_channel(t, fr, n, mt_put_out);
}

static void mt_execute(mock_tile *t, const tatami_frame *f) {
  uint8_t info[TATAMI_INFO_BYTES] = {0x00, 0x01, 3, 0x00, 4, 4, 4, 1};
  tatami_put_u32(info + 8, MT_SRAM);
  tatami_put_u16(info + 12, 1024);
  info[14] = 128;
  tatami_put_u32(info + 16, 1000000);
  if (f->code == TATAMI_OP_HELLO) {
    t->expected = (uint8_t)(f->seq + 1);
    mt_respond(t, f->seq, 0, info, sizeof info);
    return;
  }
  uint8_t back = (uint8_t)(t->expected - f->seq);
  int dup = back >= 1 && back <= 128;
  if (!dup && f->seq != t->expected) {
    mt_respond(t, f->seq, TATAMI_ST_SEQ, &t->expected, 1);
    return;
  }
  if (dup && f->code != TATAMI_OP_READ) {
    mt_respond(t, f->seq, t->cache[f->seq], NULL, 0);
    return;
  }
  uint8_t st = 0;
  uint8_t data[TATAMI_MAX_DATA + 1];
  size_t dlen = 0;
  if (f->code == TATAMI_OP_WRITE) {
    uint32_t a = f->len >= 4 ? tatami_get_u32(f->payload) : 0;
    if (f->len < 5) st = TATAMI_ST_BAD_LEN;
    else if ((uint64_t)a + f->len - 4 > MT_SRAM) st = TATAMI_ST_ADDR_RANGE;
    else {
      memcpy(t->sram + a, f->payload + 4, f->len - 4u);
      t->executed_writes++;
    }
  } else if (f->code == TATAMI_OP_READ) {
    uint32_t a = tatami_get_u32(f->payload);
    uint16_t n = tatami_get_u16(f->payload + 4);
    if (f->len != 6) st = TATAMI_ST_BAD_LEN;
    else if (n == 0 || n > 1024) st = TATAMI_ST_BAD_ARG;
    else if ((uint64_t)a + n > MT_SRAM) st = TATAMI_ST_ADDR_RANGE;
    else {
      memcpy(data, t->sram + a, n);
      dlen = n + (t->wrong_read_len ? 1u : 0u);
    }
  } else {
    st = TATAMI_ST_BAD_OPCODE;
  }
  if (!dup) {
    t->cache[f->seq] = st;
    t->expected++;
  }
  mt_respond(t, f->seq, st, data, st ? 0 : dlen);
}

static void mt_put_in(mock_tile *t, uint8_t b) {
  tatami_frame f;
  tatami_parser_push(&t->rx, &b, 1);
  while (tatami_parser_next(&t->rx, &f))
    if (f.addr == 0x00) mt_execute(t, &f);
}

static int mt_send(void *ctx, const uint8_t *buf, size_t n) {
  mock_tile *t = ctx;
  if (t->fail_send) return TATAMI_EIO;
  if (!t->silent) mt_channel(t, buf, n, mt_put_in);
  return 0;
}

static long mt_recv(void *ctx, uint8_t *buf, size_t max) {
  mock_tile *t = ctx;
  size_t n = 0;
  while (n < max && t->out_len) {
    buf[n++] = t->out[t->out_head];
    t->out_head = (t->out_head + 1) % sizeof t->out;
    t->out_len--;
  }
  if (n == 0) tatami_parser_flush(&t->rx);  /* quiet: a partial command is dead */
  return (long)n;
}

static mock_tile *mt_new(double rate, uint64_t seed) {
  mock_tile *t = calloc(1, sizeof *t);
  assert_non_null(t);
  t->rate = rate;
  t->rng = seed * 2654435761u + 1;
  t->expected = 77;  /* whatever a previous session left */
  tatami_parser_init(&t->rx);
  return t;
}

static void open_link(tatami_link *l, mock_tile *t, int want) {
  tatami_byte_link io = {.ctx = t, .send = mt_send, .recv = mt_recv};
  assert_int_equal(tatami_link_init(l, &io, 0x00), 0);
  uint8_t info[TATAMI_INFO_BYTES];
  int rc = tatami_link_hello(l, info);
  assert_int_equal(rc, want);
  if (rc == 0) {
    tatami_info inf;
    memset(&inf, 0, sizeof inf);
    assert_int_equal(tatami_info_unpack(&inf, info), 0);
    assert_string_equal(inf.profile, "tiny");
    assert_int_equal(inf.credits, 4);
    assert_int_equal(inf.sram_bytes, MT_SRAM);
    tatami_link_set_window(l, inf.credits);
  }
}

static int do_write(tatami_link *l, uint32_t a, const uint8_t *src, size_t n) {
  uint8_t pl[4 + TATAMI_MAX_DATA];
  tatami_put_u32(pl, a);
  memcpy(pl + 4, src, n);
  return tatami_link_submit(l, TATAMI_OP_WRITE, pl, 4 + n, NULL, 0, NULL);
}

static int do_read(tatami_link *l, uint32_t a, uint8_t *dst, size_t n) {
  uint8_t pl[6];
  int st = 0;
  tatami_put_u32(pl, a);
  tatami_put_u16(pl + 4, (uint16_t)n);
  int rc = tatami_link_submit(l, TATAMI_OP_READ, pl, 6, dst, n, &st);
  if (!rc) rc = tatami_link_wait_all(l);
  if (!rc) rc = tatami_link_take_error(l);
  return rc ? rc : st;
}

static void run_traffic(double rate, uint64_t seed, int ops, unsigned *retx) {
  mock_tile *t = mt_new(rate, seed);
  tatami_link l;
  open_link(&l, t, 0);
  static uint8_t shadow[MT_SRAM];
  memset(shadow, 0, sizeof shadow);
  uint64_t x = seed + 12345;
  for (int i = 0; i < ops; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    size_t n = 1 + (size_t)(x % 48);
    uint32_t a = (uint32_t)((x >> 8) % (MT_SRAM - n));
    if ((x >> 40) % 3) {
      uint8_t buf[64];
      for (size_t k = 0; k < n; k++) buf[k] = (uint8_t)(x >> (k % 56)) ^ (uint8_t)k;
      assert_int_equal(do_write(&l, a, buf, n), 0);
      memcpy(shadow + a, buf, n);
    } else {
      uint8_t buf[64];
      assert_int_equal(do_read(&l, a, buf, n), 0);
      assert_memory_equal(buf, shadow + a, n);
    }
  }
  assert_int_equal(tatami_link_wait_all(&l), 0);
  assert_int_equal(tatami_link_take_error(&l), 0);
  assert_memory_equal(t->sram, shadow, MT_SRAM);
  *retx = (unsigned)l.stats.retransmits;
  if (rate > 0) {
    assert_true(t->faults > 0);
    assert_true(l.stats.retransmits > 0);
    assert_true(l.stats.timeouts > 0);
  } else {
    assert_int_equal(l.stats.retransmits, 0);
    assert_int_equal(l.stats.bad_responses, 0);
  }
  tatami_link_free(&l);
  free(t);
}

static void t_link_clean(void **state) {
  (void)state;
  unsigned r;
  run_traffic(0.0, 1, 500, &r);
}

static void t_link_faults(void **state) {
  (void)state;
  for (uint64_t seed = 1; seed <= 4; seed++) {
    unsigned r;
    run_traffic(0.02, seed, 1000, &r);
    print_message("seed %llu: %u retransmissions\n", (unsigned long long)seed, r);
  }
}

/* Queued errors are reported once, in SEQ order, by the next wait. */
static void t_link_error_order(void **state) {
  (void)state;
  mock_tile *t = mt_new(0, 1);
  tatami_link l;
  open_link(&l, t, 0);
  uint8_t b[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  assert_int_equal(do_write(&l, 0, b, 8), 0);
  assert_int_equal(do_write(&l, MT_SRAM - 4, b, 8), 0);          /* ADDR_RANGE */
  assert_int_equal(tatami_link_submit(&l, 0x3F, NULL, 0, NULL, 0, NULL), 0);  /* BAD_OPCODE */
  assert_int_equal(tatami_link_wait_all(&l), 0);
  assert_int_equal(tatami_link_take_error(&l), TATAMI_EDEV_ADDR_RANGE);
  assert_int_equal(tatami_link_take_error(&l), 0);
  uint8_t r[8];
  assert_int_equal(do_read(&l, 0, r, 8), 0);
  assert_memory_equal(r, b, 8);
  assert_int_equal(do_read(&l, MT_SRAM - 2, r, 8), TATAMI_EDEV_ADDR_RANGE);
  tatami_link_free(&l);
  free(t);
}

static void t_link_dead(void **state) {
  (void)state;
  mock_tile *t = mt_new(0, 1);
  t->silent = 1;
  tatami_link l;
  open_link(&l, t, TATAMI_ETIMEOUT);
  assert_int_equal(l.stats.timeouts, TATAMI_LINK_DEFAULT_ROUNDS + 1);
  assert_int_equal(l.stats.retransmits, TATAMI_LINK_DEFAULT_ROUNDS);
  assert_true(strlen(tatami_link_message(&l)) > 0);
  /* sticky */
  assert_int_equal(tatami_link_wait_all(&l), TATAMI_ETIMEOUT);
  tatami_link_free(&l);

  t->silent = 0;
  open_link(&l, t, 0);
  t->fail_send = 1;
  uint8_t b[4] = {0};
  assert_int_equal(do_write(&l, 0, b, 4), TATAMI_EIO);
  assert_int_equal(do_read(&l, 0, b, 4), TATAMI_EIO);
  tatami_link_free(&l);
  free(t);
}

static void t_link_protocol_violation(void **state) {
  (void)state;
  mock_tile *t = mt_new(0, 1);
  tatami_link l;
  open_link(&l, t, 0);
  t->wrong_read_len = 1;
  uint8_t r[8];
  assert_int_equal(do_read(&l, 0, r, 8), TATAMI_EPROTO);
  assert_true(l.stats.bad_responses >= 1);
  tatami_link_free(&l);
  free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(t_crc_vectors),        cmocka_unit_test(t_hello_frame),
      cmocka_unit_test(t_encode_limits),      cmocka_unit_test(t_roundtrip),
      cmocka_unit_test(t_resync_garbage),     cmocka_unit_test(t_bad_crc_every_byte),
      cmocka_unit_test(t_oversize_len),       cmocka_unit_test(t_hidden_frame),
      cmocka_unit_test(t_split_every_boundary), cmocka_unit_test(t_noise),
      cmocka_unit_test(t_link_clean),         cmocka_unit_test(t_link_faults),
      cmocka_unit_test(t_link_error_order),   cmocka_unit_test(t_link_dead),
      cmocka_unit_test(t_link_protocol_violation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
