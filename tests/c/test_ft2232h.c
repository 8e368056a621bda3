/* The FT2232H driver's pure parts and the usb: backend's URI handling:
 * - the H-series baud divisor: the worked example of hardware.md, the 12
 *   and 8 Mbaud special cases, and a sweep 1200..12,000,000 baud decoding
 *   every encoding back to its rate (within 3%, fields in range);
 * - stripping the 2 status bytes of every packet: every transfer length
 *   (so data ends at every position of a packet), every split of a frame
 *   between two transfers, short, status-only and 1-byte packets, in place;
 * - usb: URIs: malformed options give TATAMI_EURI with a message; with no
 *   board present, opening fails cleanly with TATAMI_ENODEV and a message;
 * - tatami_info.link_baud on sim: and ref:.
 * End to end over USB is tests/board (the virtual FT2232H). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ft2232h.h"
#include "tatami.h"
#include "tatami_test_util.h"

/* ------------------------------------------------------------ baud divisor */

static uint32_t encoded(uint16_t value, uint16_t index) {
  return (uint32_t)value | (uint32_t)index << 8;
}

/* The divisor (in eighths) the chip uses for an encoding, or 0 if invalid. */
static uint32_t decode_d3(uint32_t enc) {
  static const uint8_t inv[8] = {0, 4, 2, 1, 3, 5, 6, 7};  /* frac code -> eighths */
  if (!(enc & 0x20000)) return 0;  /* we always use the 120 MHz base */
  enc &= 0x1FFFF;
  if (enc == 0) return 8;          /* 12 Mbaud */
  if (enc == 1) return 12;         /* 8 Mbaud */
  uint32_t d3 = (enc & 0x3FFF) * 8 + inv[(enc >> 14) & 7];
  return d3 >= 16 ? d3 : 0;        /* other divisors below 2 do not exist */
}

static double rel_err(double a, double b) { return a > b ? (a - b) / b : (b - a) / b; }

static void test_divisor_worked_example(void **state) {
  (void)state;
  uint16_t v = 0xFFFF, i = 0xFFFF;
  uint32_t actual = 0;
  /* hardware.md: 3,000,000 baud -> divisor3 = 32 -> encoded 0x20004. */
  assert_int_equal(tatami_ft2232h_baud_divisor(3000000, &v, &i, &actual), 0);
  assert_int_equal(encoded(v, i), 0x20004);
  assert_int_equal(v, 0x0004);
  assert_int_equal(i, 0x0200);  /* wIndex = 0x0200 | 2 for interface B */
  assert_int_equal(actual, 3000000);
  /* 115200: divisor3 = round(833.3) = 833 = 104 + 1/8 (frac code 3). */
  assert_int_equal(tatami_ft2232h_baud_divisor(115200, &v, &i, &actual), 0);
  assert_int_equal(encoded(v, i), 0x20000 | 3 << 14 | 104);
  assert_int_equal(actual, 115246);
  /* 1200: divisor 10000, the slowest rate with the 120 MHz base. */
  assert_int_equal(tatami_ft2232h_baud_divisor(1200, &v, &i, &actual), 0);
  assert_int_equal(encoded(v, i), 0x20000 | 10000);
  assert_int_equal(actual, 1200);
  /* 6 Mbaud: divisor 2, the smallest ordinary one. */
  assert_int_equal(tatami_ft2232h_baud_divisor(6000000, &v, &i, &actual), 0);
  assert_int_equal(encoded(v, i), 0x20002);
  assert_int_equal(actual, 6000000);
}

static void test_divisor_special_cases(void **state) {
  (void)state;
  uint16_t v, i;
  uint32_t actual;
  /* 12 Mbaud: divisor3 8 encodes as 1, sent as 0. */
  assert_int_equal(tatami_ft2232h_baud_divisor(12000000, &v, &i, &actual), 0);
  assert_int_equal(encoded(v, i), 0x20000);
  assert_int_equal(v, 0);
  assert_int_equal(actual, 12000000);
  /* 8 Mbaud: divisor3 12 encodes as 0x4001, sent as 1. */
  assert_int_equal(tatami_ft2232h_baud_divisor(8000000, &v, &i, &actual), 0);
  assert_int_equal(encoded(v, i), 0x20001);
  assert_int_equal(v, 1);
  assert_int_equal(actual, 8000000);
  /* Near them: rounded to the special rate when within 3%. */
  assert_int_equal(tatami_ft2232h_baud_divisor(11700000, &v, &i, &actual), 0);
  assert_int_equal(actual, 12000000);
  assert_int_equal(tatami_ft2232h_baud_divisor(7900000, &v, &i, &actual), 0);
  assert_int_equal(actual, 8000000);
  /* Between them nothing exists: 10 Mbaud is 20% from both. */
  assert_int_equal(tatami_ft2232h_baud_divisor(10000000, &v, &i, &actual), TATAMI_EINVAL);
  assert_int_equal(tatami_ft2232h_baud_divisor(7000000, &v, &i, &actual), TATAMI_EINVAL);
  /* Out of range. */
  assert_int_equal(tatami_ft2232h_baud_divisor(0, &v, &i, &actual), TATAMI_EINVAL);
  assert_int_equal(tatami_ft2232h_baud_divisor(1199, &v, &i, &actual), TATAMI_EINVAL);
  assert_int_equal(tatami_ft2232h_baud_divisor(12000001, &v, &i, &actual), TATAMI_EINVAL);
  assert_int_equal(tatami_ft2232h_baud_divisor(UINT32_MAX, &v, &i, &actual), TATAMI_EINVAL);
  /* NULL outputs are allowed. */
  assert_int_equal(tatami_ft2232h_baud_divisor(3000000, NULL, NULL, NULL), 0);
}

/* Is any divisor the chip has within 3% of baud? */
static int achievable(uint32_t baud) {
  uint32_t base = (uint32_t)(96e6 / baud);
  uint32_t cands[] = {8, 12, base, base + 1};
  for (size_t k = 0; k < 4; k++) {
    uint32_t d3 = cands[k];
    if (d3 < 8 || (d3 > 12 && d3 < 16) || d3 == 9 || d3 == 10 || d3 == 11 || d3 > 0x1FFFF)
      continue;
    if (rel_err(96e6 / d3, baud) <= 0.03) return 1;
  }
  return 0;
}

static void test_divisor_sweep(void **state) {
  (void)state;
  unsigned ok = 0, refused = 0;
  for (double b = 1200; b <= 12000000.5; b *= 1.0007) {
    uint32_t baud = (uint32_t)b;
    uint16_t v = 0, i = 0;
    uint32_t actual = 0;
    int rc = tatami_ft2232h_baud_divisor(baud, &v, &i, &actual);
    if (rc == 0) {
      ok++;
      /* wIndex's low byte is the interface's: the divisor leaves it 0;
       * only bit 16 (top frac bit) and bit 17 (120 MHz base) go there. */
      assert_int_equal(i & 0x00FF, 0);
      assert_int_equal(i & ~0x0300u, 0);
      assert_true(i & 0x0200);
      uint32_t d3 = decode_d3(encoded(v, i));
      assert_true(d3 != 0);
      assert_true(d3 <= 0x1FFFF);
      /* The reported rate is what the encoding gives, within 3% of baud. */
      double exact = 96e6 / d3;
      assert_true(exact - actual <= 0.5 && actual - exact <= 0.5);
      if (rel_err(actual, baud) > 0.03) fail_msg("baud %u -> %u: more than 3%% off", baud, actual);
    } else {
      refused++;
      assert_int_equal(rc, TATAMI_EINVAL);
      /* Refused only where the chip truly has no rate within 3%. */
      if (achievable(baud)) fail_msg("baud %u refused but achievable", baud);
      assert_true(baud > 5500000);
    }
  }
  printf("divisor sweep: %u rates encoded, %u refused (between 6 and 12 Mbaud)\n", ok, refused);
  assert_true(ok > 10000);
}

/* ------------------------------------------------------------ status stripping */

/* The model: drop the first 2 bytes of every chunk of p bytes. */
static size_t strip_model(uint8_t *dst, const uint8_t *src, size_t n, size_t p, uint8_t *ls) {
  size_t out = 0;
  for (size_t off = 0; off < n; off += p) {
    size_t len = n - off < p ? n - off : p;
    if (len >= 2) *ls |= src[off + 1];
    for (size_t j = 2; j < len; j++) dst[out++] = src[off + j];
  }
  return out;
}

static void test_strip_every_length(void **state) {
  (void)state;
  tt_rng rng = {tt_seed("strip_every_length", 7)};
  static const size_t sizes[] = {512, 64, 8, 3};
  for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
    size_t p = sizes[si];
    size_t maxn = 3 * p + 3;
    uint8_t *src = malloc(maxn), *want = malloc(maxn), *got = malloc(maxn), *inplace = malloc(maxn);
    assert_non_null(src);
    assert_non_null(want);
    assert_non_null(got);
    assert_non_null(inplace);
    /* Every transfer length: the last packet ends at every position,
     * 0 (nothing), 1 (half a status), 2 (status only) and beyond. */
    for (size_t n = 0; n <= maxn; n++) {
      for (size_t j = 0; j < n; j++) src[j] = (uint8_t)tt_rng_next(&rng);
      /* Line status bytes: 0x60 (idle) except now and then a framing error. */
      for (size_t off = 1; off < n; off += p) src[off] = (tt_rng_next(&rng) & 7) ? 0x60 : 0x68;
      uint8_t ls_want = 0, ls_got = 0, ls_in = 0;
      uint64_t packets = 0, packets_in = 0;
      size_t nw = strip_model(want, src, n, p, &ls_want);
      size_t ng = tatami_ft2232h_strip_status(got, src, n, p, &ls_got, &packets);
      memcpy(inplace, src, n);
      size_t ni = tatami_ft2232h_strip_status(inplace, inplace, n, p, &ls_in, &packets_in);
      assert_int_equal(ng, nw);
      assert_int_equal(ni, nw);
      assert_int_equal(ng, n - 2 * (n / p) - (n % p < 2 ? n % p : 2));
      if (nw) {
        assert_memory_equal(got, want, nw);
        assert_memory_equal(inplace, want, nw);
      }
      assert_int_equal(ls_got, ls_want);
      assert_int_equal(ls_in, ls_want);
      assert_int_equal(packets, (n + p - 1) / p);
      assert_int_equal(packets_in, packets);
    }
    /* NULL line status and packet counters are fine. */
    memset(src, 0xAB, maxn);
    assert_int_equal(tatami_ft2232h_strip_status(got, src, 2 * p, p, NULL, NULL), 2 * p - 4);
    free(src);
    free(want);
    free(got);
    free(inplace);
  }
}

/* Packetize data[0..n) as the chip would send one IN transfer: full
 * packets of p bytes (2 status + p-2 data) and a short last one. */
static size_t packetize(uint8_t *out, const uint8_t *data, size_t n, size_t p, uint8_t ls) {
  size_t o = 0, i = 0;
  do {
    size_t k = n - i < p - 2 ? n - i : p - 2;
    out[o++] = 0x31;  /* modem status: CTS, DSR, and the chip's fixed bit */
    out[o++] = ls;
    memcpy(out + o, data + i, k);
    o += k;
    i += k;
  } while (i < n);
  return o;
}

static void test_strip_every_split(void **state) {
  (void)state;
  /* A 1039-byte frame (the largest) split between two transfers at every
   * position, at high speed (512) and full speed (64), with a status-only
   * transfer between them as the chip sends while idle. */
  enum { N = 1039 };
  static const size_t sizes[] = {512, 64};
  uint8_t frame[N], t1[2 * N], t2[2 * N], idle[2] = {0x31, 0x60}, out[N];
  for (size_t j = 0; j < N; j++) frame[j] = (uint8_t)(j * 131 + 7);
  for (size_t si = 0; si < 2; si++) {
    size_t p = sizes[si];
    for (size_t k = 0; k <= N; k++) {
      size_t n1 = packetize(t1, frame, k, p, 0x60);
      size_t n2 = packetize(t2, frame + k, N - k, p, 0x60);
      uint8_t ls = 0;
      size_t got = tatami_ft2232h_strip_status(out, t1, n1, p, &ls, NULL);
      assert_int_equal(got, k);
      got += tatami_ft2232h_strip_status(out + got, idle, sizeof idle, p, &ls, NULL);
      assert_int_equal(got, k);
      got += tatami_ft2232h_strip_status(out + got, t2, n2, p, &ls, NULL);
      assert_int_equal(got, N);
      assert_memory_equal(out, frame, N);
      assert_int_equal(ls, 0x60);
    }
  }
}

static void test_strip_status_only(void **state) {
  (void)state;
  /* Several status-only packets in one transfer cannot happen (a short
   * packet ends a transfer), but one must give no data; so must a
   * truncated 1-byte chunk. */
  uint8_t st[2] = {0x31, 0x62}, out[4];
  uint8_t ls = 0;
  uint64_t packets = 0;
  assert_int_equal(tatami_ft2232h_strip_status(out, st, 2, 512, &ls, &packets), 0);
  assert_int_equal(ls, 0x62);  /* overrun bit seen */
  assert_int_equal(packets, 1);
  assert_int_equal(tatami_ft2232h_strip_status(out, st, 1, 512, &ls, &packets), 0);
  assert_int_equal(tatami_ft2232h_strip_status(out, st, 0, 512, &ls, &packets), 0);
  assert_int_equal(packets, 2);
  /* A packet size that leaves no room for data is refused, not looped on. */
  assert_int_equal(tatami_ft2232h_strip_status(out, st, 2, 2, &ls, &packets), 0);
  assert_int_equal(tatami_ft2232h_strip_status(out, st, 2, 0, &ls, &packets), 0);
}

/* ------------------------------------------------------------ usb: URIs */

static void expect_open(const char *uri, int want, const char *in_msg) {
  tatami_device *dev = (tatami_device *)1;
  int rc = tatami_open(uri, &dev);
  if (rc != want)
    fail_msg("%s: got %s, expected %s (%s)", uri, tatami_strerror(rc), tatami_strerror(want),
             tatami_open_error());
  assert_null(dev);
  const char *msg = tatami_open_error();
  assert_true(msg && *msg);
  if (in_msg && !strstr(msg, in_msg)) fail_msg("%s: message '%s' lacks '%s'", uri, msg, in_msg);
  printf("%-40s -> %s: %s\n", uri, tatami_strerror(rc), msg);
}

static void test_usb_bad_uris(void **state) {
  (void)state;
  expect_open("usb:bogus=1", TATAMI_EURI, "unknown option \"bogus\"");
  expect_open("usb:serial", TATAMI_EURI, "key=value");
  expect_open("usb:serial=", TATAMI_EURI, "bad serial");
  expect_open("usb:=x", TATAMI_EURI, "key=value");
  expect_open("usb:,", TATAMI_EURI, "empty option");
  expect_open("usb:bus=1,", TATAMI_EURI, "empty option");
  expect_open("usb:bus=1,,port=2", TATAMI_EURI, "empty option");
  expect_open("usb:bus=0", TATAMI_EURI, "bad bus");
  expect_open("usb:bus=256", TATAMI_EURI, "bad bus");
  expect_open("usb:bus=-1", TATAMI_EURI, "bad bus");
  expect_open("usb:port=0", TATAMI_EURI, "bad port");
  expect_open("usb:port=1..2", TATAMI_EURI, "bad port");
  expect_open("usb:port=1.", TATAMI_EURI, "bad port");
  expect_open("usb:port=x", TATAMI_EURI, "bad port");
  expect_open("usb:vid=0x10000", TATAMI_EURI, "bad USB id");
  expect_open("usb:pid=0", TATAMI_EURI, "bad USB id");
  expect_open("usb:baud=10000000", TATAMI_EURI, "bad baud");
  expect_open("usb:baud=1000", TATAMI_EURI, "bad baud");
  expect_open("usb:baud=3M", TATAMI_EURI, "bad baud");
  expect_open("usb:timeout=0", TATAMI_EURI, "bad timeout");
  expect_open("usb:timeout=ms", TATAMI_EURI, "bad timeout");
  expect_open("usb:latency=256", TATAMI_EURI, "bad latency");
  expect_open("check:usb:bogus=1", TATAMI_EURI, "bogus");
}

static void test_usb_no_board(void **state) {
  (void)state;
  /* No board has this product id: always TATAMI_ENODEV with a message. */
  expect_open("usb:pid=0xfff0", TATAMI_ENODEV, "no ");
  expect_open("usb:vid=0x1234,pid=0x5678,baud=3000000", TATAMI_ENODEV, "1234:5678");
  /* The default board: this test machine has none (under the virtual
   * board, tests/board, one would be found). */
  tatami_device *dev = NULL;
  int rc = tatami_open("usb:", &dev);
  if (rc == 0) {
    printf("usb: a board is present: %s\n", "skipping the no-board check");
    tatami_close(dev);
  } else {
    expect_open("usb:", TATAMI_ENODEV, "FT2232H");
    expect_open("usb:serial=NO-SUCH-BOARD", TATAMI_ENODEV, NULL);
    expect_open("usb:bus=9,port=1.2.3", TATAMI_ENODEV, NULL);
    expect_open("check:usb:", TATAMI_ENODEV, NULL);
  }
  /* The driver directly: bad arguments, then no board. */
  tatami_ft2232h *h = (tatami_ft2232h *)1;
  char msg[256];
  assert_int_equal(tatami_ft2232h_open(NULL, NULL, NULL, msg, sizeof msg), TATAMI_EINVAL);
  tatami_ft2232h_config bad = {.baud = 9000000};
  assert_int_equal(tatami_ft2232h_open(NULL, &bad, &h, msg, sizeof msg), TATAMI_EINVAL);
  assert_null(h);
  assert_non_null(strstr(msg, "9000000"));
  tatami_ft2232h_config lat = {.latency_ms = 300};
  assert_int_equal(tatami_ft2232h_open(NULL, &lat, &h, msg, sizeof msg), TATAMI_EINVAL);
  tatami_ft2232h_match none = {.pid = 0xfff0};
  assert_int_equal(tatami_ft2232h_open(&none, NULL, &h, msg, sizeof msg), TATAMI_ENODEV);
  assert_null(h);
  assert_true(msg[0] != '\0');
  tatami_ft2232h_close(NULL);
  assert_int_equal(tatami_ft2232h_write(NULL, "x", 1), TATAMI_EINVAL);
  assert_int_equal(tatami_ft2232h_read(NULL, msg, 1, 1), TATAMI_EINVAL);
}

/* ------------------------------------------------------------ link_baud */

static void expect_link_baud(const char *uri, uint32_t want) {
  tatami_device *dev;
  int rc = tatami_open(uri, &dev);
  if (rc) fail_msg("%s: %s: %s", uri, tatami_strerror(rc), tatami_open_error());
  tatami_info in;
  assert_int_equal(tatami_get_info(dev, &in), 0);
  assert_int_equal(in.link_baud, want);
  tatami_close(dev);
}

static void test_link_baud(void **state) {
  (void)state;
  expect_link_baud("ref:", 0);
  expect_link_baud("sim:", 0);
  expect_link_baud("sim:baud=3000000", 3000000);
  expect_link_baud("check:sim:baud=12000000,clock=30000000", 12000000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_divisor_worked_example),
      cmocka_unit_test(test_divisor_special_cases),
      cmocka_unit_test(test_divisor_sweep),
      cmocka_unit_test(test_strip_every_length),
      cmocka_unit_test(test_strip_every_split),
      cmocka_unit_test(test_strip_status_only),
      cmocka_unit_test(test_usb_bad_uris),
      cmocka_unit_test(test_usb_no_board),
      cmocka_unit_test(test_link_baud),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
