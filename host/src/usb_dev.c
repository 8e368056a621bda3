/* The usb: backend: a board (iCEBreaker, iCE40-HX8K breakout) whose FPGA
 * UART sits on channel B of an FT2232H, reached through the userspace
 * driver (driver/ft2232h.h). The protocol work is the shared wire
 * operations (wire_dev.c), exactly as for sim:; this file is the byte link
 * and the URI options.
 *
 *   usb:                       the only FT2232H board connected
 *   usb:serial=FT4ABCDE        by USB serial number
 *   usb:bus=1,port=2           by bus and port (port=1.4: a path through hubs)
 *   options: vid=0x0403,pid=0x6010  baud=6000000  timeout=MS  latency=MS  packets=N
 *
 * "Nothing more will come" (the byte link's 0) is wall-clock quiet: no data
 * byte for timeout ms. The transport then retransmits, and gives up with
 * TATAMI_ETIMEOUT after its rounds. A bitstream built for another baud rate
 * therefore fails cleanly (garbled bytes never pass the CRC), with a message
 * that names the baud rate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "ft2232h.h"
#include "wire_dev.h"

/* Quiet time before a retransmission. Longer than any answer a board owes
 * (a 1 KiB READ answer takes 1.7 ms at 6 Mbaud, 8.6 ms at 1.2 Mbaud; the
 * largest GEMM that fits 128 KiB of SPRAM runs ~10 ms at 30 MHz), short
 * enough that a lost frame costs little. */
#define USB_DEFAULT_TIMEOUT_MS 250u
/* HELLO at open gives up after this many quiet periods (2 s by default):
 * no answer at all usually means a wrong baud rate or no bitstream. */
#define USB_HELLO_ROUNDS 8u

typedef struct usb_dev {
  tatami_wire wire;    /* first: the shared wire operations find it (wire_dev.h) */
  tatami_ft2232h *ft;
  unsigned timeout_ms;
} usb_dev;

/* ------------------------------------------------------------ byte link */
static int usb_send(void *ctx, const uint8_t *buf, size_t n) {
  usb_dev *d = ctx;
  return tatami_ft2232h_write(d->ft, buf, n);
}

static long usb_recv(void *ctx, uint8_t *buf, size_t max) {
  usb_dev *d = ctx;
  return tatami_ft2232h_read(d->ft, buf, max, d->timeout_ms);
}

/* Why the link failed, from the board's side. */
static void usb_detail(tatami_wire *w, int rc, char *buf, size_t len) {
  usb_dev *d = (usb_dev *)w;
  if (rc == TATAMI_ETIMEOUT) {
    tatami_ft2232h_stats st;
    tatami_ft2232h_get_stats(d->ft, &st);
    char errs[64] = "";
    if (st.framing_errors || st.overruns)
      snprintf(errs, sizeof errs, ", UART errors in %llu transfers",
               (unsigned long long)(st.framing_errors + st.overruns));
    snprintf(buf, len, "no valid answer from board %s at %u baud (%llu bytes in%s): is the FPGA "
             "programmed, and built for %u baud?", tatami_ft2232h_describe(d->ft),
             tatami_ft2232h_baud(d->ft), (unsigned long long)st.rx_bytes, errs,
             tatami_ft2232h_baud(d->ft));
  } else {
    snprintf(buf, len, "%s", tatami_ft2232h_message(d->ft));
  }
}

/* ------------------------------------------------------------ ops */
static void usb_free(usb_dev *d) {
  if (!d) return;
  tatami_wire_free(&d->wire);
  tatami_ft2232h_close(d->ft);
  free(d);
}

static void usb_close(tatami_device *dev) {
  usb_free(dev->impl);
  dev->impl = NULL;
}

static const tatami_backend_ops usb_ops = {
    .name = "usb",
    .write = tatami_wire_write,
    .read = tatami_wire_read,
    .gemm = tatami_wire_gemm,
    .cmd = tatami_wire_cmd,
    .get_counters = tatami_wire_get_counters,
    .clear_counters = tatami_wire_clear_counters,
    .sync = tatami_wire_sync,
    .close = usb_close,
};

/* ------------------------------------------------------------ options */
typedef struct usb_opts {
  char serial[128];
  char port[32];
  unsigned long long bus, vid, pid, baud, timeout, latency, packets;
} usb_opts;

/* "2" or "1.4.3": port numbers 1..255, at most 7 levels. */
static int valid_port(const char *s) {
  int digits = 0, levels = 1;
  unsigned v = 0;
  for (const char *p = s;; p++) {
    if (*p >= '0' && *p <= '9') {
      v = v * 10 + (unsigned)(*p - '0');
      if (++digits > 3 || v > 255) return 0;
    } else if (*p == '.' || *p == '\0') {
      if (!digits || v == 0) return 0;
      if (*p == '\0') return levels <= 7;
      levels++;
      digits = 0;
      v = 0;
    } else {
      return 0;
    }
  }
}

static int parse_opts(const char *opts, usb_opts *o) {
  memset(o, 0, sizeof *o);
  o->baud = TATAMI_FT2232H_DEFAULT_BAUD;
  o->timeout = USB_DEFAULT_TIMEOUT_MS;
  if (!opts || !*opts) return 0;
  size_t len = strlen(opts);
  if (opts[0] == ',' || opts[len - 1] == ',' || strstr(opts, ",,"))
    return tatami_uri_bad("usb: empty option in \"%s\"%s", opts, "");
  char *copy = strdup(opts);
  if (!copy) return TATAMI_ENOMEM;
  int rc = 0;
  char *save = NULL;
  for (char *item = strtok_r(copy, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(item, '=');
    if (!eq || eq == item) {
      rc = tatami_uri_bad("usb: option \"%s\" is not key=value%s", item,
                   " (e.g. usb:serial=FT4ABCDE or usb:bus=1,port=2)");
      break;
    }
    *eq = '\0';
    const char *key = item, *val = eq + 1;
    if (!strcmp(key, "serial")) {
      if (!*val || strlen(val) >= sizeof o->serial)
        rc = tatami_uri_bad("usb: bad serial \"%s\"%s", val, "");
      else strcpy(o->serial, val);
    } else if (!strcmp(key, "port")) {
      if (strlen(val) >= sizeof o->port || !valid_port(val))
        rc = tatami_uri_bad("usb: bad port \"%s\"%s", val, " (want a port number 1..255, or a path "
                     "such as 1.4)");
      else strcpy(o->port, val);
    } else if (!strcmp(key, "bus")) {
      if (tatami_uri_num(val, 1, 255, &o->bus))
        rc = tatami_uri_bad("usb: bad bus \"%s\"%s", val, " (want 1..255)");
    } else if (!strcmp(key, "vid") || !strcmp(key, "pid")) {
      if (tatami_uri_num(val, 1, 0xFFFF, key[0] == 'v' ? &o->vid : &o->pid))
        rc = tatami_uri_bad("usb: bad USB id \"%s\"%s", val, " (want 0x0001..0xffff, e.g. vid=0x0403)");
    } else if (!strcmp(key, "baud")) {
      if (tatami_uri_num(val, 1, UINT32_MAX, &o->baud) ||
          tatami_ft2232h_baud_divisor((uint32_t)o->baud, NULL, NULL, NULL) != 0)
        rc = tatami_uri_bad("usb: bad baud \"%s\"%s", val, " (the FT2232H runs 1200..12000000 baud "
                     "within 3%; above 6 Mbaud only 8000000 and 12000000)");
    } else if (!strcmp(key, "timeout")) {
      if (tatami_uri_num(val, 1, 600000, &o->timeout))
        rc = tatami_uri_bad("usb: bad timeout \"%s\"%s", val, " (want milliseconds, 1..600000)");
    } else if (!strcmp(key, "packets")) {
      if (tatami_uri_num(val, 1, 64, &o->packets))
        rc = tatami_uri_bad("usb: bad packets \"%s\"%s", val, " (want 512-byte packets per IN transfer, 1..64)");
    } else if (!strcmp(key, "latency")) {
      if (tatami_uri_num(val, 1, 255, &o->latency))
        rc = tatami_uri_bad("usb: bad latency \"%s\"%s", val, " (want milliseconds, 1..255)");
    } else {
      rc = tatami_uri_bad("usb: unknown option \"%s\"%s", key,
                   " (known: serial, bus, port, vid, pid, baud, timeout, latency, packets)");
    }
  }
  free(copy);
  return rc;
}

/* ------------------------------------------------------------ open */
int tatami_usb_open(tatami_device *dev, const char *opts) {
  usb_opts o;
  int rc = parse_opts(opts, &o);
  if (rc) return rc;

  usb_dev *d = calloc(1, sizeof *d);
  if (!d) return TATAMI_ENOMEM;
  d->timeout_ms = (unsigned)o.timeout;
  tatami_ft2232h_match m = {.vid = (uint16_t)o.vid,
                            .pid = (uint16_t)o.pid,
                            .serial = o.serial[0] ? o.serial : NULL,
                            .bus = (uint8_t)o.bus,
                            .port = o.port[0] ? o.port : NULL};
  tatami_ft2232h_config cfg = {.baud = (uint32_t)o.baud, .latency_ms = (unsigned)o.latency,
                               .rx_packets = (unsigned)o.packets};
  char msg[768];
  rc = tatami_ft2232h_open(&m, &cfg, &d->ft, msg, sizeof msg);
  if (rc) {
    tatami_set_open_error("usb: %s", msg);
    usb_free(d);
    return rc;
  }

  tatami_byte_link io = {.ctx = d, .send = usb_send, .recv = usb_recv};
  rc = tatami_wire_init(&d->wire, "usb", &io);
  if (rc) {
    usb_free(d);
    return rc;
  }
  d->wire.detail = usb_detail;

  tatami_info info;
  rc = tatami_wire_hello(&d->wire, USB_HELLO_ROUNDS, &info);
  if (rc) {
    char more[256] = "";
    if (d->wire.link.failed) usb_detail(&d->wire, rc, more, sizeof more);
    tatami_set_open_error("usb: HELLO failed: %s%s%s", d->wire.link.msg, more[0] ? ": " : "",
                          more);
    usb_free(d);
    return rc;
  }
  snprintf(info.backend, sizeof info.backend, "usb");
  info.link_baud = tatami_ft2232h_baud(d->ft);

  dev->ops = &usb_ops;
  dev->impl = d;
  dev->info = info;
  return 0;
}
