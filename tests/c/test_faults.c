/* End-to-end reliability on the simulated tile: a lossy link (1% of the
 * bytes dropped, duplicated or corrupted, both directions) must still give
 * exactly the results of a perfect one, by retransmission, and a UART-
 * modelled link must work at its (slow) speed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "proto.h"
#include "sim_dev.h"
#include "tatami.h"
#include "tatami_sim.h"

/* The tile's own fault statistics (white-box on purpose: the test must
 * prove that faults were injected). */
static void sim_link_stats(tatami_device *dev, tatami_sim_link_stats *st) {
  tatami_sim *sim = tatami_sim_dev_handle(dev);
  assert_non_null(sim);
  tatami_sim_link_stats_get(sim, st);
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static tatami_device *open_ok(const char *uri) {
  tatami_device *dev = NULL;
  int rc = tatami_open(uri, &dev);
  if (rc) fail_msg("open %s: %s: %s", uri, tatami_strerror(rc), tatami_open_error());
  return dev;
}

static void ok(tatami_device *dev, int rc, const char *what) {
  if (rc) fail_msg("%s: %s: %s", what, tatami_strerror(rc), tatami_last_error(dev));
}

/* C = op(A) op(B) (+ C), naive loop over the byte images, int32 wrapping. */
static void ref_gemm(const uint8_t *mem, uint8_t *cmem, const tatami_gemm_desc *d) {
  for (uint32_t i = 0; i < d->m; i++)
    for (uint32_t j = 0; j < d->n; j++) {
      uint32_t s = 0;
      for (uint32_t k = 0; k < d->k; k++) {
        int8_t a = (int8_t)mem[d->a + ((d->flags & TATAMI_TRANS_A) ? k * d->lda + i : i * d->lda + k)];
        int8_t b = (int8_t)mem[d->b + ((d->flags & TATAMI_TRANS_B) ? j * d->ldb + k : k * d->ldb + j)];
        s += (uint32_t)(int32_t)(a * b);
      }
      uint8_t *c = cmem + 4 * (i * d->ldc + j);
      if (d->flags & TATAMI_ACCUMULATE)
        s += (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24;
      c[0] = (uint8_t)s;
      c[1] = (uint8_t)(s >> 8);
      c[2] = (uint8_t)(s >> 16);
      c[3] = (uint8_t)(s >> 24);
    }
}

/* Does the GEMM engine compute yet? 1 yes, 0 placeholder (C untouched);
 * anything else fails. Uses SRAM at 'base' (clobbered). */
static int engine_computes(tatami_device *dev, uint32_t base) {
  uint8_t mem[64], c[4 * 9], want[4 * 9];
  for (int i = 0; i < 64; i++) mem[i] = (uint8_t)(i * 29 + 3);
  memset(c, 0x5C, sizeof c);
  memcpy(want, c, sizeof c);
  tatami_gemm_desc d = {.a = base, .b = base + 32, .c = base + 64, .m = 3, .n = 3, .k = 4,
                        .lda = 4, .ldb = 3, .ldc = 3, .flags = 0, .dtype_ab = 0, .dtype_c = 0};
  ok(dev, tatami_write(dev, base, mem, 64), "probe write");
  ok(dev, tatami_write(dev, base + 64, c, sizeof c), "probe write C");
  ok(dev, tatami_gemm_desc_run(dev, &d), "probe gemm");
  ok(dev, tatami_sync(dev), "probe gemm status");
  uint8_t got[sizeof c];
  ok(dev, tatami_read(dev, base + 64, got, sizeof got), "probe read");
  if (!memcmp(got, c, sizeof c)) return 0;
  tatami_gemm_desc l = d;
  l.a = 0;
  l.b = 32;
  l.c = 0;
  ref_gemm(mem, want, &l);
  assert_memory_equal(got, want, sizeof want);
  return 1;
}

#define DATA 16384u             /* data region [0, DATA) */
#define GA (DATA)               /* GEMM operands: A, B (int8, 256 B each), C (int32) */
#define GB (DATA + 256u)
#define GC (DATA + 512u)
#define IMG (DATA + 1024u)

static void run_mix(const char *uri, int commands, int *computes_out, uint64_t *retx_out) {
  tatami_device *dev = open_ok(uri);
  tatami_info info;
  ok(dev, tatami_get_info(dev, &info), "info");
  assert_string_equal(info.backend, "sim");
  int computes = engine_computes(dev, DATA + 4096);
  static uint8_t mem[IMG];  /* host image of SRAM [0, IMG) */
  memset(mem, 0, sizeof mem);
  for (uint32_t a = 0; a < IMG; a += 4) mem[a] = (uint8_t)rnd();
  ok(dev, tatami_write(dev, 0, mem, IMG), "initial image");
  int writes = 0, reads = 0, gemms = 0;
  for (int i = 0; i < commands; i++) {
    uint64_t x = rnd();
    unsigned kind = (unsigned)(x % 10);
    if (kind < 4) {  /* WRITE into the data region or the GEMM operands */
      size_t n = 1 + (size_t)((x >> 8) % 160);
      uint32_t a = (x >> 20) & 1 ? GA + (uint32_t)((x >> 24) % (512 - n))
                                 : (uint32_t)((x >> 24) % (DATA - n));
      uint8_t buf[160];
      for (size_t k = 0; k < n; k++) buf[k] = (uint8_t)rnd();
      ok(dev, tatami_write(dev, a, buf, n), "write");
      memcpy(mem + a, buf, n);
      writes++;
    } else if (kind < 8) {  /* READ anywhere we know */
      size_t n = 1 + (size_t)((x >> 8) % 160);
      uint32_t a = (uint32_t)((x >> 24) % (DATA + 512 - n));
      if (!computes && a + n > GC) a = (uint32_t)(GC - n);  /* C is unknown then */
      uint8_t buf[160];
      ok(dev, tatami_read(dev, a, buf, n), "read");
      if (memcmp(buf, mem + a, n)) fail_msg("command %d: read of %zu bytes at %u differs", i, n, a);
      reads++;
    } else {  /* GEMM: up to 8x8x8 from the operand region, every op variant */
      tatami_gemm_desc d;
      memset(&d, 0, sizeof d);
      d.m = 1 + (uint32_t)((x >> 8) % 8);
      d.n = 1 + (uint32_t)((x >> 12) % 8);
      d.k = 1 + (uint32_t)((x >> 16) % 8);
      d.flags = (uint8_t)((x >> 20) & 7);
      d.lda = (d.flags & TATAMI_TRANS_A) ? d.m : d.k;
      d.ldb = (d.flags & TATAMI_TRANS_B) ? d.k : d.n;
      d.ldc = d.n;
      d.a = GA;
      d.b = GB;
      d.c = GC;
      ok(dev, tatami_gemm_desc_run(dev, &d), "gemm");
      ok(dev, tatami_sync(dev), "gemm status");
      gemms++;
      if (computes) {
        ref_gemm(mem, mem + GC, &d);
        size_t cb = 4 * (size_t)d.m * d.n;
        uint8_t got[4 * 64];
        ok(dev, tatami_read(dev, GC, got, cb), "read C");
        if (memcmp(got, mem + GC, cb)) fail_msg("command %d: GEMM %ux%ux%u flags %u wrong", i, d.m, d.n, d.k, d.flags);
      }
    }
  }
  ok(dev, tatami_sync(dev), "final sync");
  /* everything written is there */
  static uint8_t back[IMG];
  ok(dev, tatami_read(dev, 0, back, computes ? IMG : GC), "final readback");
  assert_memory_equal(back, mem, computes ? IMG : GC);

  tatami_counters c;
  ok(dev, tatami_get_counters(dev, &c), "counters");
  tatami_sim_link_stats st;
  sim_link_stats(dev, &st);
  print_message("%s: %d writes, %d reads, %d gemms%s; tx_frames %llu retransmits %llu "
                "timeouts %llu bad_responses %llu; tile frames_ok %llu frames_err %llu "
                "frames_dup %llu; link dropped %llu duplicated %llu corrupted %llu overrun %llu\n",
                uri, writes, reads, gemms, computes ? " (results checked)" : " (statuses only)",
                (unsigned long long)c.tx_frames, (unsigned long long)c.retransmits,
                (unsigned long long)c.timeouts, (unsigned long long)c.bad_responses,
                (unsigned long long)c.frames_ok, (unsigned long long)c.frames_err,
                (unsigned long long)c.frames_dup, (unsigned long long)st.dropped,
                (unsigned long long)st.duplicated, (unsigned long long)st.corrupted,
                (unsigned long long)st.overrun);
  assert_true(c.tx_frames >= (uint64_t)commands);
  *computes_out = computes;
  *retx_out = c.retransmits;
  /* faults really happened, in every kind, and were really recovered */
  assert_true(st.dropped > 0 && st.duplicated > 0 && st.corrupted > 0);
  assert_true(c.retransmits > 0);
  assert_true(c.timeouts > 0);
  assert_true(c.bad_responses > 0);
  assert_true(c.frames_err > 0);   /* the tile saw damaged commands */
  assert_int_equal(st.overrun, 0); /* credits keep the FIFO from overflowing */
  tatami_close(dev);
}

static void t_faults_1000(void **state) {
  (void)state;
  int computes;
  uint64_t retx;
  run_mix("sim:faults=0.01,seed=12345", 1000, &computes, &retx);
  if (!computes) print_message("note: GEMM engine does not compute yet, GEMM statuses only\n");
}

static void t_faults_other_seed_tiny(void **state) {
  (void)state;
  int computes;
  uint64_t retx;
  run_mix("sim:profile=tiny,faults=0.01,seed=7", 300, &computes, &retx);
}

/* Raw check of the simulator's UART link model, without libtatami's
 * transport: a HELLO must be answered. Tells a link-model problem apart
 * from a transport problem when t_uart fails. */
static void uart_model_answers_hello(void) {
  tatami_sim *s = tatami_sim_create("sim");
  assert_non_null(s);
  assert_int_equal(tatami_sim_set_link(s, 3000000, 30000000), 0);
  uint8_t fr[TATAMI_MAX_FRAME];
  size_t n = tatami_frame_encode(fr, sizeof fr, 0x00, 0, TATAMI_OP_HELLO, NULL, 0);
  assert_int_equal(tatami_sim_push(s, fr, n), 0);
  tatami_sim_run(s, 200000);  /* 11 + 31 bytes at 100 cycles each, and then some */
  tatami_parser p;
  tatami_parser_init(&p);
  uint8_t buf[256];
  size_t k = tatami_sim_pull(s, buf, sizeof buf);
  tatami_parser_push(&p, buf, k);
  tatami_frame f;
  int got = tatami_parser_next(&p, &f);
  uint64_t ok_frames = 0;
  tatami_sim_counter(s, 6, &ok_frames);
  tatami_sim_destroy(s);
  if (!got || f.code != 0 || f.len != TATAMI_INFO_BYTES)
    fail_msg("tatami_sim UART link model: raw HELLO not answered (%zu bytes back, tile "
             "frames_ok %llu): the link model, not the transport, loses bytes",
             k, (unsigned long long)ok_frames);
}

/* UART link: 3 Mbaud at 30 MHz = 100 tile cycles per byte each way. */
static void t_uart(void **state) {
  (void)state;
  uart_model_answers_hello();
  tatami_device *dev = open_ok("sim:baud=3000000,clock=30000000");
  ok(dev, tatami_clear_counters(dev), "clear");
  enum { N = 4096 };
  static uint8_t buf[N], back[N];
  for (int i = 0; i < N; i++) buf[i] = (uint8_t)rnd();
  ok(dev, tatami_write(dev, 1000, buf, N), "write");
  ok(dev, tatami_read(dev, 1000, back, N), "read");
  assert_memory_equal(back, buf, N);
  tatami_counters c;
  ok(dev, tatami_get_counters(dev, &c), "counters");
  tatami_sim_link_stats st;
  sim_link_stats(dev, &st);
  print_message("uart: %llu cycles for 2x%d bytes, retransmits %llu, overrun %llu\n",
                (unsigned long long)c.cycles, N, (unsigned long long)c.retransmits,
                (unsigned long long)st.overrun);
  assert_true(c.cycles >= 2ull * N * 100);  /* the UART model really is in the way */
  assert_int_equal(c.retransmits, 0);
  assert_int_equal(st.overrun, 0);
  assert_int_equal(c.rx_overrun, 0);
  tatami_close(dev);

  /* UART with its clock defaulting to the INFO clock, and faults */
  dev = open_ok("sim:baud=10000000,faults=0.005,seed=3");
  ok(dev, tatami_write(dev, 0, buf, 2048), "write");
  ok(dev, tatami_read(dev, 0, back, 2048), "read");
  assert_memory_equal(back, buf, 2048);
  tatami_close(dev);
}

static void t_uri_errors(void **state) {
  (void)state;
  tatami_device *dev = (tatami_device *)1;
  assert_int_equal(tatami_open("sim:profile=nosuch", &dev), TATAMI_EURI);
  assert_null(dev);
  assert_non_null(strstr(tatami_open_error(), "tiny"));  /* lists the built-in profiles */
  assert_non_null(strstr(tatami_open_error(), "nosuch"));
  static const char *const bad[] = {
      "sim:bogus=1",  "sim:faults=1",  "sim:faults=-0.1", "sim:faults=x", "sim:baud=abc",
      "sim:clock=0",  "sim:seed=",     "sim:profile",     "sim:,",        "sim:seed=1,",
      "sim:baud=-5",  "sim:=3",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = tatami_open(bad[i], &dev);
    if (rc != TATAMI_EURI) fail_msg("%s: got %d, want TATAMI_EURI", bad[i], rc);
    assert_true(strlen(tatami_open_error()) > 0);
  }
  /* trace=: an FST file appears; an unwritable path is a clear error */
  assert_int_equal(tatami_open("sim:profile=tiny,trace=/nonexistent-dir/x.fst", &dev), TATAMI_EIO);
  assert_non_null(strstr(tatami_open_error(), "trace"));
  char path[] = "/tmp/tatami_trace_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  char uri[96];
  snprintf(uri, sizeof uri, "sim:profile=tiny,trace=%s", path);
  dev = open_ok(uri);
  uint8_t b[4] = {1, 2, 3, 4};
  ok(dev, tatami_write(dev, 0, b, 4), "traced write");
  ok(dev, tatami_sync(dev), "traced sync");
  tatami_close(dev);
  struct stat stt;
  assert_int_equal(stat(path, &stt), 0);
  assert_true(stt.st_size > 100);
  unlink(path);

  dev = open_ok("sim:profile=tiny,seed=5");
  tatami_info info;
  ok(dev, tatami_get_info(dev, &info), "info");
  assert_string_equal(info.profile, "tiny");
  assert_string_equal(info.backend, "sim");
  assert_int_equal(info.max_data, 1024);
  tatami_close(dev);
}

/* Queued errors come back from sync (first one only) and leave the device
 * usable. */
static void t_queued_errors(void **state) {
  (void)state;
  tatami_device *dev = open_ok("sim:");
  tatami_gemm_desc d = {.a = 0, .b = 64, .c = 8, .m = 4, .n = 4, .k = 4,
                        .lda = 4, .ldb = 4, .ldc = 4, .flags = 0, .dtype_ab = 0, .dtype_c = 0};
  ok(dev, tatami_gemm_desc_run(dev, &d), "queue overlapping gemm");  /* OVERLAP, queued */
  d.dtype_ab = 3;
  ok(dev, tatami_gemm_desc_run(dev, &d), "queue bad dtype gemm");
  assert_int_equal(tatami_sync(dev), TATAMI_EDEV_OVERLAP);
  assert_true(strlen(tatami_last_error(dev)) > 0);
  assert_int_equal(tatami_sync(dev), 0);
  ok(dev, tatami_gemm_desc_run(dev, &d), "queue bad dtype gemm");
  uint8_t b[4];
  assert_int_equal(tatami_read(dev, 0, b, 4), TATAMI_EDEV_BAD_DTYPE);  /* read reports it */
  ok(dev, tatami_read(dev, 0, b, 4), "read after");
  tatami_close(dev);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(t_uri_errors),   cmocka_unit_test(t_queued_errors),
      cmocka_unit_test(t_faults_1000),  cmocka_unit_test(t_faults_other_seed_tiny),
      cmocka_unit_test(t_uart),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
