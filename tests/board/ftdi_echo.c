/* ftdi_echo: a minimal libusb FT2232H client for testing tatami-vboard
 * itself (--model=loopback): opens 0403:6010, channel B, sets the baud
 * rate with the H-series divisor, sends a pattern and reads it back,
 * stripping the 2 status bytes of every 512-byte packet.
 *   ftdi_echo [-b BAUD] [-n BYTES] [-l LATENCY_MS] [-W]
 * (-W: strip the status bytes only at the start of a transfer, a driver bug
 * the emulator's tests must catch)
 * Exit 0 when every byte came back intact, 1 on mismatch, 2 on USB errors.
 *   ftdi_echo -x HEXBYTES [-b BAUD]
 * sends those bytes once and prints (hex) whatever comes back. */
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int ctrl(libusb_device_handle *h, uint8_t req, uint16_t val, uint16_t idx) {
  int r = libusb_control_transfer(h, 0x40, req, val, idx, NULL, 0, 1000);
  if (r < 0) fprintf(stderr, "ftdi_echo: control %02x: %s\n", req, libusb_error_name(r));
  return r;
}

static void divisor(unsigned baud, uint16_t *wv, uint16_t *wi) {
  static const unsigned char frac[8] = {0, 3, 2, 4, 1, 5, 6, 7};
  unsigned d3 = (8u * 120000000u / 10u + baud / 2) / baud;
  unsigned enc = (d3 >> 3) | ((unsigned)frac[d3 & 7] << 14);
  if (enc == 1) enc = 0;
  else if (enc == 0x4001) enc = 1;
  enc |= 0x20000;
  *wv = (uint16_t)enc;
  *wi = (uint16_t)(((enc >> 8) & 0xFF00) | 2);
}

int main(int argc, char **argv) {
  unsigned baud = 12000000, n = 5000, lat = 2;
  const char *hexsend = NULL;
  int opt, wrong = 0;
  while ((opt = getopt(argc, argv, "b:n:l:x:W")) != -1) {
    if (opt == 'x') hexsend = optarg;
    else if (opt == 'W') wrong = 1; /* strip status bytes once per transfer (a driver bug) */
    else if (opt == 'b') baud = (unsigned)strtoul(optarg, NULL, 0);
    else if (opt == 'n') n = (unsigned)strtoul(optarg, NULL, 0);
    else if (opt == 'l') lat = (unsigned)strtoul(optarg, NULL, 0);
    else return 2;
  }
  libusb_context *ctx;
  if (libusb_init(&ctx)) return 2;
  libusb_device_handle *h = libusb_open_device_with_vid_pid(ctx, 0x0403, 0x6010);
  if (!h) { fprintf(stderr, "ftdi_echo: no FT2232H\n"); return 2; }
  libusb_set_auto_detach_kernel_driver(h, 1);
  int r = libusb_claim_interface(h, 1);
  if (r) { fprintf(stderr, "ftdi_echo: claim: %s\n", libusb_error_name(r)); return 2; }
  uint16_t wv, wi;
  divisor(baud, &wv, &wi);
  if (ctrl(h, 0x00, 0, 2) < 0 || ctrl(h, 0x00, 1, 2) < 0 || ctrl(h, 0x00, 2, 2) < 0 ||
      ctrl(h, 0x03, wv, wi) < 0 || ctrl(h, 0x04, 0x0008, 2) < 0 || ctrl(h, 0x02, 0, 2) < 0 ||
      ctrl(h, 0x09, (uint16_t)lat, 2) < 0 || ctrl(h, 0x0B, 0, 2) < 0)
    return 2;
  uint8_t lt = 0;
  r = libusb_control_transfer(h, 0xC0, 0x0A, 0, 2, &lt, 1, 1000);
  if (r != 1 || lt != lat) { fprintf(stderr, "ftdi_echo: latency readback %d/%u\n", r, lt); return 2; }
  uint8_t *tx = malloc(n), *rx = malloc(n + 1), buf[4096];
  if (hexsend) {
    uint8_t raw[2048];
    int rn = 0, done = 0, empty = 0, total = 0;
    for (const char *p = hexsend; p[0] && p[1] && rn < (int)sizeof raw; p += 2) {
      unsigned v;
      if (sscanf(p, "%2x", &v) != 1) break;
      raw[rn++] = (uint8_t)v;
    }
    r = libusb_bulk_transfer(h, 0x04, raw, rn, &done, 2000);
    if (r) { fprintf(stderr, "ftdi_echo: write: %s\n", libusb_error_name(r)); return 2; }
    while (empty < 5) {
      int len = 0, data = 0;
      r = libusb_bulk_transfer(h, 0x83, buf, sizeof buf, &len, 2000);
      if (r && r != LIBUSB_ERROR_TIMEOUT) { fprintf(stderr, "ftdi_echo: read: %s\n", libusb_error_name(r)); return 2; }
      for (int off = 0; off < len; off += 512) {
        int pl = len - off < 512 ? len - off : 512;
        for (int k = 2; k < pl; k++, data++, total++) printf("%02x", buf[off + k]);
      }
      empty = data ? 0 : empty + 1;
    }
    printf("\n");
    return total ? 0 : 1;
  }
  for (unsigned i = 0; i < n; i++) tx[i] = (uint8_t)(i * 7 + (i >> 8));
  unsigned sent = 0, got = 0, empty = 0;
  while (got < n && empty < 200) {
    if (sent < n && sent - got < 2048) { /* no flow control: never more than the FIFO in flight */
      int chunk = (int)(n - sent > 1024 ? 1024 : n - sent), done = 0;
      r = libusb_bulk_transfer(h, 0x04, tx + sent, chunk, &done, 2000);
      if (r) { fprintf(stderr, "ftdi_echo: write: %s\n", libusb_error_name(r)); return 2; }
      sent += (unsigned)done;
    }
    int len = 0;
    r = libusb_bulk_transfer(h, 0x83, buf, sizeof buf, &len, 2000);
    if (r && r != LIBUSB_ERROR_TIMEOUT) { fprintf(stderr, "ftdi_echo: read: %s\n", libusb_error_name(r)); return 2; }
    int data = 0;
    for (int off = 0; off < len; off += 512) {
      int pl = len - off < 512 ? len - off : 512;
      if (wrong) pl = len - off; /* the bug: later status bytes taken as data */
      for (int k = 2; k < pl; k++) {
        if (got < n) rx[got] = buf[off + k];
        got++;
        data++;
      }
      if (wrong) break;
    }
    empty = data ? 0 : empty + 1;
  }
  libusb_release_interface(h, 1);
  libusb_close(h);
  libusb_exit(ctx);
  if (got != n || memcmp(tx, rx, n) != 0) {
    unsigned bad = 0;
    for (unsigned i = 0; i < n && i < got; i++) bad += tx[i] != rx[i];
    printf("ftdi_echo: MISMATCH at %u baud: sent %u, received %u, %u bytes differ\n", baud, n, got, bad);
    return 1;
  }
  printf("ftdi_echo: %u bytes echoed intact at %u baud\n", n, baud);
  return 0;
}
