/* FT2232H channel-B UART over libusb-1.0: see ft2232h.h.
 *
 * Everything runs on libusb's synchronous API, each transfer with a
 * timeout, in a libusb context of its own (so several handles, or a
 * program that uses libusb itself, do not interfere). A board that goes
 * away (LIBUSB_ERROR_NO_DEVICE, _IO or _PIPE) makes the handle "gone":
 * every later transfer fails at once with TATAMI_EIO, and close still
 * releases everything it holds. */
#include "ft2232h.h"

#include <libusb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tatami.h"

#define FT_IFACE 1            /* interface B: bInterfaceNumber 1 ... */
#define FT_INDEX 2            /* ... and wIndex 2 in vendor requests */
#define FT_EP_OUT 0x04
#define FT_EP_IN 0x83
#define FT_REQ_OUT 0x40       /* vendor, device, host-to-device */
#define FT_SIO_RESET 0x00
#define FT_SIO_SET_FLOW_CTRL 0x02
#define FT_SIO_SET_BAUD_RATE 0x03
#define FT_SIO_SET_DATA 0x04
#define FT_SIO_SET_LATENCY_TIMER 0x09
#define FT_SIO_SET_BITMODE 0x0B
#define FT_RESET_SIO 0
#define FT_PURGE_RX 1
#define FT_PURGE_TX 2
#define FT_DATA_8N1 0x0008
#define FT_CTRL_TIMEOUT_MS 1000u
/* IN transfers ask for one packet at a time. A bulk IN transfer completes
 * only when full or on a short packet, and the chip sends a partly filled
 * packet only when its latency timer expires: with larger transfers the
 * full packets of the first answers would wait for the last, partial one,
 * and the host could not send the next READs meanwhile (about 1 ms of dead
 * link per window of answers; measured on the virtual board, docs/vboard.md:
 * download efficiency 0.76-0.80 with 16 KiB transfers, 0.96 with 512 bytes).
 * At 6 Mbaud a packet fills every ~0.85 ms (~0.4 ms at 12 Mbaud), well above
 * the host's rate of synchronous transfers. Larger transfers stay available
 * (config rx_packets, URI packets=N): the tests use them to strip status
 * bytes at every packet boundary inside one transfer. */
#define FT_RX_PACKETS 1u
#define FT_RX_PACKETS_MAX 64u

struct tatami_ft2232h {
  libusb_context *ctx;
  libusb_device_handle *dev;
  int claimed;
  int detached;             /* we detached ftdi_sio: give it back on close */
  int gone;                 /* the board disappeared */
  uint32_t baud;
  size_t packet;            /* IN max packet size (512 high speed, 64 full speed) */
  uint8_t *rx;              /* one IN transfer, stripped in place */
  size_t rx_cap, rx_pos, rx_len;
  tatami_ft2232h_stats stats;
  char where[160];
  char msg[256];
};

/* ------------------------------------------------------------ pure helpers */

int tatami_ft2232h_baud_divisor(uint32_t baud, uint16_t *value, uint16_t *index,
                                uint32_t *actual) {
  static const uint8_t frac[8] = {0, 3, 2, 4, 1, 5, 6, 7};
  if (baud < TATAMI_FT2232H_MIN_BAUD || baud > TATAMI_FT2232H_MAX_BAUD) return TATAMI_EINVAL;
  /* The chip divides 12 MHz (120 MHz / 10) by divisor3 / 8: rate =
   * 96e6 / divisor3. Divisors below 2 (divisor3 < 16) do not exist except
   * 1 (12 Mbaud) and 1.5 (8 Mbaud). Take the divisor whose rate is nearest
   * (nearest divisor3 is not always nearest rate). */
  uint32_t lo = (uint32_t)(96000000ull / baud);
  uint32_t cand[4] = {8, 12, lo, lo + 1}, d3 = 0;
  double best_err = 1e30;
  for (int i = 0; i < 4; i++) {
    uint32_t c = cand[i];
    if (c < 8 || (c > 8 && c < 12) || (c > 12 && c < 16) || c > 0x1FFFF) continue;
    double r = 96e6 / c, e = r > baud ? r - baud : baud - r;
    if (e < best_err) {
      best_err = e;
      d3 = c;
    }
  }
  if (!d3) return TATAMI_EINVAL;
  uint32_t rate = (uint32_t)((96000000ull + d3 / 2) / d3);
  double err = rate > baud ? (double)(rate - baud) / baud : (double)(baud - rate) / baud;
  if (err > TATAMI_FT2232H_MAX_BAUD_ERROR) return TATAMI_EINVAL;
  uint32_t enc = (d3 >> 3) | ((uint32_t)frac[d3 & 7] << 14);
  if (enc == 1) enc = 0;             /* 12 Mbaud */
  else if (enc == 0x4001) enc = 1;   /* 8 Mbaud */
  enc |= 0x20000;                    /* no divide-by-2.5: the 120 MHz base */
  if (value) *value = (uint16_t)(enc & 0xFFFF);
  if (index) *index = (uint16_t)((enc >> 8) & 0xFF00);
  if (actual) *actual = rate;
  return 0;
}

size_t tatami_ft2232h_strip_status(uint8_t *dst, const uint8_t *src, size_t n,
                                   size_t packet_size, uint8_t *line_status,
                                   uint64_t *packets) {
  size_t out = 0;
  if (packet_size <= 2) return 0;  /* not an FTDI packet size: nothing to trust */
  for (size_t off = 0; off < n; off += packet_size) {
    size_t len = n - off < packet_size ? n - off : packet_size;
    if (packets) (*packets)++;
    if (len >= 2 && line_status) *line_status |= src[off + 1];
    if (len <= 2) continue;
    /* memmove: with dst == src the data moves down by 2 per packet. */
    memmove(dst + out, src + off + 2, len - 2);
    out += len - 2;
  }
  return out;
}

/* ------------------------------------------------------------ helpers */

static void set_msg(char *msg, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_msg(char *msg, size_t len, const char *fmt, ...) {
  if (!msg || !len) return;
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  snprintf(msg, len, "%s", buf);
}

static int is_gone(int lrc) {
  return lrc == LIBUSB_ERROR_NO_DEVICE || lrc == LIBUSB_ERROR_IO || lrc == LIBUSB_ERROR_PIPE;
}

/* A failed transfer: record why; the board is gone for good if libusb
 * says it is no longer there or the pipe broke. */
static int transfer_error(tatami_ft2232h *h, const char *what, int lrc) {
  if (is_gone(lrc)) {
    h->gone = 1;
    set_msg(h->msg, sizeof h->msg, "board disconnected (%s: %s; %s)", what,
            libusb_error_name(lrc), h->where);
  } else {
    set_msg(h->msg, sizeof h->msg, "%s failed: %s (%s)", what, libusb_error_name(lrc),
            h->where);
  }
  return TATAMI_EIO;
}

static int gone_error(tatami_ft2232h *h) {
  if (!strstr(h->msg, "disconnected"))
    set_msg(h->msg, sizeof h->msg, "board disconnected (%s)", h->where);
  return TATAMI_EIO;
}

static int ctrl(tatami_ft2232h *h, uint8_t req, uint16_t value, uint16_t index,
                const char *what) {
  int lrc = libusb_control_transfer(h->dev, FT_REQ_OUT, req, value, index, NULL, 0,
                                    FT_CTRL_TIMEOUT_MS);
  return lrc < 0 ? transfer_error(h, what, lrc) : 0;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

/* "1.4" for the port path of d ("" if unknown). */
static void port_path(libusb_device *d, char *s, size_t len) {
  uint8_t ports[8];
  int n = libusb_get_port_numbers(d, ports, (int)sizeof ports);
  s[0] = '\0';
  for (int i = 0; i < n; i++) {
    size_t used = strlen(s);
    snprintf(s + used, len - used, "%s%u", i ? "." : "", ports[i]);
  }
}

static int port_matches(libusb_device *d, const char *want) {
  if (!want || !*want) return 1;
  char path[32], one[8];
  if (strchr(want, '.')) {
    port_path(d, path, sizeof path);
    return strcmp(path, want) == 0;
  }
  snprintf(one, sizeof one, "%u", libusb_get_port_number(d));
  return strcmp(one, want) == 0;
}

/* The serial number string, "" if the device has none, or "?" plus why
 * when it cannot be read (usually: no permission to open the device). */
static void read_serial(libusb_device *d, const struct libusb_device_descriptor *dd,
                        char *s, size_t len) {
  libusb_device_handle *h;
  s[0] = '\0';
  if (!dd->iSerialNumber) return;
  int lrc = libusb_open(d, &h);
  if (lrc) {
    snprintf(s, len, "? (cannot open: %s)", libusb_error_name(lrc));
    return;
  }
  unsigned char buf[128];
  lrc = libusb_get_string_descriptor_ascii(h, dd->iSerialNumber, buf, sizeof buf);
  if (lrc < 0) snprintf(s, len, "? (%s)", libusb_error_name(lrc));
  else snprintf(s, len, "%.*s", lrc, (const char *)buf);
  libusb_close(h);
}

/* ------------------------------------------------------------ open/close */

void tatami_ft2232h_close(tatami_ft2232h *h) {
  if (!h) return;
  if (h->dev) {
    if (h->claimed) libusb_release_interface(h->dev, FT_IFACE);
    if (h->detached) libusb_attach_kernel_driver(h->dev, FT_IFACE);
    libusb_close(h->dev);
  }
  if (h->ctx) libusb_exit(h->ctx);
  free(h->rx);
  free(h);
}

/* Choose the one device that matches; ENODEV with the candidates listed
 * otherwise. On success *found holds a reference. */
static int find_board(tatami_ft2232h *h, const tatami_ft2232h_match *m, uint16_t vid,
                      uint16_t pid, libusb_device **found, char *msg, size_t msg_len) {
  libusb_device **list;
  ssize_t n = libusb_get_device_list(h->ctx, &list);
  if (n < 0) {
    set_msg(msg, msg_len, "cannot list USB devices: %s", libusb_error_name((int)n));
    return TATAMI_EIO;
  }
  char cands[768] = "";
  int nvid = 0, nmatch = 0;
  libusb_device *pick = NULL;
  for (ssize_t i = 0; i < n; i++) {
    struct libusb_device_descriptor dd;
    if (libusb_get_device_descriptor(list[i], &dd) || dd.idVendor != vid || dd.idProduct != pid)
      continue;
    nvid++;
    char serial[96], path[32];
    int want_serial = m && m->serial && *m->serial;
    read_serial(list[i], &dd, serial, sizeof serial);
    port_path(list[i], path, sizeof path);
    uint8_t bus = libusb_get_bus_number(list[i]);
    int ok = (!m || !m->bus || m->bus == bus) && port_matches(list[i], m ? m->port : NULL) &&
             (!want_serial || strcmp(serial, m->serial) == 0);
    size_t used = strlen(cands);
    snprintf(cands + used, sizeof cands - used, "%s bus=%u,port=%s serial=%s%s",
             nvid > 1 ? ";" : "", bus, path[0] ? path : "?", serial[0] ? serial : "(none)",
             ok ? " (matches)" : "");
    if (ok) {
      nmatch++;
      pick = list[i];
    }
  }
  int rc = 0;
  if (nmatch == 1) {
    *found = libusb_ref_device(pick);
  } else if (nvid == 0) {
    set_msg(msg, msg_len, "no FT2232H board (USB %04x:%04x) is connected", vid, pid);
    rc = TATAMI_ENODEV;
  } else if (nmatch == 0) {
    set_msg(msg, msg_len, "no USB %04x:%04x board matches; connected:%s", vid, pid, cands);
    rc = TATAMI_ENODEV;
  } else {
    set_msg(msg, msg_len, "%d USB %04x:%04x boards match, choose one with serial= or "
            "bus=,port=:%s", nmatch, vid, pid, cands);
    rc = TATAMI_ENODEV;
  }
  libusb_free_device_list(list, 1);
  return rc;
}

int tatami_ft2232h_open(const tatami_ft2232h_match *m, const tatami_ft2232h_config *cfg,
                        tatami_ft2232h **out, char *msg, size_t msg_len) {
  if (msg && msg_len) msg[0] = '\0';
  if (!out) {
    set_msg(msg, msg_len, "tatami_ft2232h_open: out is NULL");
    return TATAMI_EINVAL;
  }
  *out = NULL;
  uint16_t vid = m && m->vid ? m->vid : TATAMI_FT2232H_VID;
  uint16_t pid = m && m->pid ? m->pid : TATAMI_FT2232H_PID;
  uint32_t baud = cfg && cfg->baud ? cfg->baud : TATAMI_FT2232H_DEFAULT_BAUD;
  unsigned latency = cfg && cfg->latency_ms ? cfg->latency_ms : TATAMI_FT2232H_DEFAULT_LATENCY_MS;
  uint16_t bval, bidx;
  uint32_t actual;
  if (tatami_ft2232h_baud_divisor(baud, &bval, &bidx, &actual)) {
    set_msg(msg, msg_len, "baud %u is not possible: the FT2232H runs 1200..12000000 baud "
            "within 3%% (above 6 Mbaud only 8 and 12 Mbaud)", baud);
    return TATAMI_EINVAL;
  }
  if (cfg && cfg->rx_packets > FT_RX_PACKETS_MAX) {
    set_msg(msg, msg_len, "%u packets per IN transfer out of range 1..%u", cfg->rx_packets,
            FT_RX_PACKETS_MAX);
    return TATAMI_EINVAL;
  }
  if (latency > 255) {
    set_msg(msg, msg_len, "latency timer %u ms out of range 1..255", latency);
    return TATAMI_EINVAL;
  }

  tatami_ft2232h *h = calloc(1, sizeof *h);
  if (!h) return TATAMI_ENOMEM;
  int lrc = libusb_init(&h->ctx);
  if (lrc) {
    h->ctx = NULL;
    tatami_ft2232h_close(h);
    set_msg(msg, msg_len, "no FT2232H board (USB %04x:%04x): USB is not available on this "
            "machine (libusb_init: %s)", vid, pid, libusb_error_name(lrc));
    return TATAMI_ENODEV;
  }
  libusb_device *d = NULL;
  int rc = find_board(h, m, vid, pid, &d, msg, msg_len);
  if (rc) {
    tatami_ft2232h_close(h);
    return rc;
  }
  char path[32], serial[96];
  struct libusb_device_descriptor dd;
  libusb_get_device_descriptor(d, &dd);
  port_path(d, path, sizeof path);
  uint8_t bus = libusb_get_bus_number(d);
  int psize = libusb_get_max_packet_size(d, FT_EP_IN);
  lrc = libusb_open(d, &h->dev);
  if (lrc) {
    h->dev = NULL;
    libusb_unref_device(d);
    tatami_ft2232h_close(h);
    if (lrc == LIBUSB_ERROR_ACCESS)
      set_msg(msg, msg_len, "permission denied opening the board on bus %u port %s: install "
              "driver/60-tatami.rules (see README, \"Using a real board\"), join group "
              "plugdev and replug the board", bus, path);
    else
      set_msg(msg, msg_len, "cannot open the board on bus %u port %s: %s", bus, path,
              libusb_error_name(lrc));
    return TATAMI_EIO;
  }
  read_serial(d, &dd, serial, sizeof serial);
  libusb_unref_device(d);
  snprintf(h->where, sizeof h->where, "bus %u port %s serial %s", bus, path,
           serial[0] ? serial : "(none)");
  h->packet = psize > 2 ? (size_t)psize : 512;
  h->rx_cap = h->packet * (cfg && cfg->rx_packets ? cfg->rx_packets : FT_RX_PACKETS);
  h->rx = malloc(h->rx_cap);
  if (!h->rx) {
    tatami_ft2232h_close(h);
    return TATAMI_ENOMEM;
  }

  /* ftdi_sio binds both channels; take channel B only. */
  lrc = libusb_kernel_driver_active(h->dev, FT_IFACE);
  if (lrc == 1) {
    lrc = libusb_detach_kernel_driver(h->dev, FT_IFACE);
    if (lrc && lrc != LIBUSB_ERROR_NOT_FOUND) {
      set_msg(msg, msg_len, "cannot detach the kernel driver from interface B (%s): %s",
              h->where, libusb_error_name(lrc));
      tatami_ft2232h_close(h);
      return TATAMI_EIO;
    }
    h->detached = lrc == 0;
  }
  lrc = libusb_claim_interface(h->dev, FT_IFACE);
  if (lrc) {
    set_msg(msg, msg_len, "cannot claim interface B (%s): %s%s", h->where,
            libusb_error_name(lrc), lrc == LIBUSB_ERROR_BUSY ? " (another program uses it)" : "");
    tatami_ft2232h_close(h);
    return TATAMI_EIO;
  }
  h->claimed = 1;

  /* Reset, purge, then the line settings. */
  if ((rc = ctrl(h, FT_SIO_RESET, FT_RESET_SIO, FT_INDEX, "reset")) ||
      (rc = ctrl(h, FT_SIO_RESET, FT_PURGE_RX, FT_INDEX, "purge RX")) ||
      (rc = ctrl(h, FT_SIO_RESET, FT_PURGE_TX, FT_INDEX, "purge TX")) ||
      (rc = ctrl(h, FT_SIO_SET_BAUD_RATE, bval, (uint16_t)(bidx | FT_INDEX), "set baud rate")) ||
      (rc = ctrl(h, FT_SIO_SET_DATA, FT_DATA_8N1, FT_INDEX, "set 8N1")) ||
      (rc = ctrl(h, FT_SIO_SET_FLOW_CTRL, 0x0000, FT_INDEX, "disable flow control")) ||
      (rc = ctrl(h, FT_SIO_SET_LATENCY_TIMER, (uint16_t)latency, FT_INDEX, "set latency timer")) ||
      (rc = ctrl(h, FT_SIO_SET_BITMODE, 0x0000, FT_INDEX, "set bitmode 0 (UART)"))) {
    set_msg(msg, msg_len, "%s", h->msg);
    tatami_ft2232h_close(h);
    return rc;
  }
  h->baud = actual;
  h->msg[0] = '\0';
  *out = h;
  return 0;
}

/* ------------------------------------------------------------ transfers */

int tatami_ft2232h_write(tatami_ft2232h *h, const void *buf, size_t n) {
  if (!h || (!buf && n)) return TATAMI_EINVAL;
  if (h->gone) return gone_error(h);
  const uint8_t *p = buf;
  while (n > 0) {
    /* At most 64 KiB per transfer; time to drain it at the baud rate
     * (10 bits a byte, plus the chip's 4 KiB buffer ahead of it) + 1 s. */
    int k = n > 65536 ? 65536 : (int)n;
    unsigned timeout =
        1000u + (unsigned)(((uint64_t)k + 4096u) * 10u * 1000u / h->baud);
    int done = 0;
    int lrc = libusb_bulk_transfer(h->dev, FT_EP_OUT, (unsigned char *)(uintptr_t)p, k, &done,
                                   timeout);
    if (done > 0) {
      p += done;
      n -= (size_t)done;
    }
    if (lrc == LIBUSB_ERROR_TIMEOUT && done > 0) continue;  /* slow, but moving */
    if (lrc == LIBUSB_ERROR_TIMEOUT) {
      set_msg(h->msg, sizeof h->msg, "the board accepts no data (bulk OUT timed out after "
              "%u ms; %s)", timeout, h->where);
      return TATAMI_EIO;
    }
    if (lrc) return transfer_error(h, "bulk OUT", lrc);
  }
  return 0;
}

long tatami_ft2232h_read(tatami_ft2232h *h, void *buf, size_t max, unsigned timeout_ms) {
  if (!h || !buf || !max) return TATAMI_EINVAL;
  if (h->rx_pos == h->rx_len) {
    if (h->gone) return gone_error(h);
    h->rx_pos = h->rx_len = 0;
    double deadline = now_ms() + timeout_ms;
    for (;;) {
      /* The chip answers every IN request within its latency timer, with
       * a status-only packet if it has no data: wait in short slices. */
      double left = deadline - now_ms();
      unsigned slice = left <= 1 ? 1u : left >= 100 ? 100u : (unsigned)left;
      int got = 0;
      int lrc = libusb_bulk_transfer(h->dev, FT_EP_IN, h->rx, (int)h->rx_cap, &got, slice);
      if (lrc && lrc != LIBUSB_ERROR_TIMEOUT) return transfer_error(h, "bulk IN", lrc);
      if (got > 0) {
        uint8_t ls = 0;
        h->rx_len = tatami_ft2232h_strip_status(h->rx, h->rx, (size_t)got, h->packet, &ls,
                                                &h->stats.rx_packets);
        if (ls & (TATAMI_FT2232H_LS_FRAMING | TATAMI_FT2232H_LS_PARITY | TATAMI_FT2232H_LS_BREAK))
          h->stats.framing_errors++;
        if (ls & TATAMI_FT2232H_LS_OVERRUN) h->stats.overruns++;
        h->stats.rx_bytes += h->rx_len;
        if (h->rx_len) break;
      }
      if (now_ms() >= deadline) return 0;
    }
  }
  size_t k = h->rx_len - h->rx_pos < max ? h->rx_len - h->rx_pos : max;
  memcpy(buf, h->rx + h->rx_pos, k);
  h->rx_pos += k;
  return (long)k;
}

uint32_t tatami_ft2232h_baud(const tatami_ft2232h *h) { return h ? h->baud : 0; }
const char *tatami_ft2232h_describe(const tatami_ft2232h *h) { return h ? h->where : ""; }
const char *tatami_ft2232h_message(const tatami_ft2232h *h) { return h ? h->msg : ""; }

void tatami_ft2232h_get_stats(const tatami_ft2232h *h, tatami_ft2232h_stats *s) {
  if (!s) return;
  if (!h) memset(s, 0, sizeof *s);
  else *s = h->stats;
}
