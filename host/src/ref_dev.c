/* The ref: backend: the reference model behind tatami_backend_ops.
 * Commands are split into protocol payloads (WRITE/READ chunks of at most
 * 1024 bytes, 40-byte GEMM descriptors) and executed by tatami_ref_exec, so
 * the host code above is exercised exactly as with a real tile. Execution
 * is immediate, but device errors of WRITE and GEMM are reported like a
 * queued device does: by the next sync. */
#include "device.h"
#include "proto.h"
#include "ref_model.h"

#include <errno.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct ref_dev {
  tatami_ref *ref;
  int pending;              /* first device error since the last sync */
  char pending_msg[200];
  uint8_t pending_op;       /* its opcode and error payload (RUN: record index) */
  uint8_t pending_resp[4];
  size_t pending_resp_len;
  uint64_t tx_frames;       /* commands executed, as a link would count them */
  uint8_t resp[TATAMI_REF_MAX_PAYLOAD];
} ref_dev;

static int dev_status(uint8_t s) { return -(100 + (int)s); }

static uint8_t exec(ref_dev *r, uint8_t op, const uint8_t *p, size_t len, size_t *resp_len) {
  r->tx_frames++;
  return tatami_ref_exec(r->ref, op, p, len, r->resp, resp_len);
}

/* Record a queued command's failure for sync; only the first one counts. */
static void defer_error(ref_dev *r, uint8_t s, const char *what) {
  if (r->pending) return;
  r->pending = dev_status(s);
  r->pending_op = 0xFF;   /* described by the message alone */
  snprintf(r->pending_msg, sizeof r->pending_msg, "%s: %s", what, tatami_strerror(r->pending));
}

/* The same for a command issued through the generic cmd operation. */
static void defer_cmd_error(ref_dev *r, uint8_t s, uint8_t op, size_t resp_len) {
  if (r->pending) return;
  r->pending = dev_status(s);
  r->pending_op = op;
  r->pending_resp_len = resp_len < 4 ? resp_len : 4;
  memcpy(r->pending_resp, r->resp, r->pending_resp_len);
}

static int ref_write(tatami_device *dev, uint64_t addr, const void *src, size_t n) {
  ref_dev *r = dev->impl;
  uint8_t payload[4 + TATAMI_REF_MAX_DATA];
  const uint8_t *s = src;
  for (size_t off = 0; off < n;) {
    size_t chunk = n - off < TATAMI_REF_MAX_DATA ? n - off : TATAMI_REF_MAX_DATA;
    uint64_t a = addr + off;
    if (a > UINT32_MAX)   /* the host checked the range; keep the u32 field honest */
      return tatami_dev_error(dev, TATAMI_EINVAL, "write: address 0x%" PRIx64
                              " does not fit the protocol", a);
    tatami_ref_put_u32(payload, (uint32_t)a);
    memcpy(payload + 4, s + off, chunk);
    size_t rl;
    uint8_t st = exec(r, TATAMI_REF_OP_WRITE, payload, 4 + chunk, &rl);
    if (st != TATAMI_REF_OK) {
      char what[64];
      snprintf(what, sizeof what, "write of %zu bytes at 0x%" PRIx64, chunk, a);
      defer_error(r, st, what);
    }
    off += chunk;
  }
  return 0;
}

static int ref_read(tatami_device *dev, uint64_t addr, void *dst, size_t n) {
  ref_dev *r = dev->impl;
  uint8_t *d = dst;
  for (size_t off = 0; off < n;) {
    size_t chunk = n - off < TATAMI_REF_MAX_DATA ? n - off : TATAMI_REF_MAX_DATA;
    uint64_t a = addr + off;
    if (a > UINT32_MAX)
      return tatami_dev_error(dev, TATAMI_EINVAL, "read: address 0x%" PRIx64
                              " does not fit the protocol", a);
    uint8_t payload[6];
    tatami_ref_put_u32(payload, (uint32_t)a);
    payload[4] = (uint8_t)chunk;
    payload[5] = (uint8_t)(chunk >> 8);
    size_t rl;
    uint8_t st = exec(r, TATAMI_REF_OP_READ, payload, sizeof payload, &rl);
    if (st != TATAMI_REF_OK)
      return tatami_dev_error(dev, dev_status(st), "read of %zu bytes at 0x%" PRIx64 ": %s",
                              chunk, a, tatami_strerror(dev_status(st)));
    if (rl != chunk)
      return tatami_dev_error(dev, TATAMI_EPROTO, "read: %zu bytes back, %zu asked", rl, chunk);
    memcpy(d + off, r->resp, chunk);
    off += chunk;
  }
  return 0;
}

static int ref_gemm(tatami_device *dev, const tatami_gemm_desc *g) {
  ref_dev *r = dev->impl;
  uint8_t p[TATAMI_GEMM_DESC11_BYTES];
  size_t len = tatami_gemm_desc_pack(p, g);   /* the same bytes a wire backend sends */
  size_t rl;
  uint8_t st = exec(r, TATAMI_REF_OP_GEMM, p, len, &rl);
  if (st != TATAMI_REF_OK) {
    char what[120];
    snprintf(what, sizeof what, "gemm %" PRIu32 "x%" PRIu32 "x%" PRIu32 " (a 0x%" PRIx32
             ", b 0x%" PRIx32 ", c 0x%" PRIx32 ")", g->m, g->n, g->k, g->a, g->b, g->c);
    defer_error(r, st, what);
  }
  return 0;
}

static int ref_cmd(tatami_device *dev, uint8_t op, const void *payload, size_t len, void *resp,
                   size_t resp_len) {
  ref_dev *r = dev->impl;
  size_t rl;
  uint8_t st = exec(r, op, payload, len, &rl);
  if (!resp) {
    if (st != TATAMI_REF_OK) defer_cmd_error(r, st, op, rl);
    return 0;
  }
  if (st != TATAMI_REF_OK) return tatami_dev_cmd_error(dev, dev_status(st), "ref", op, r->resp, rl);
  if (rl != resp_len)
    return tatami_dev_error(dev, TATAMI_EPROTO, "ref: %s: %zu bytes back, %zu expected",
                            tatami_opcode_name(op), rl, resp_len);
  memcpy(resp, r->resp, rl);
  return 0;
}

static int ref_get_counters(tatami_device *dev, tatami_counters *c) {
  ref_dev *r = dev->impl;
  size_t rl;
  uint8_t st = exec(r, TATAMI_REF_OP_COUNTERS, NULL, 0, &rl);
  if (st != TATAMI_REF_OK)
    return tatami_dev_error(dev, dev_status(st), "counters: %s", tatami_strerror(dev_status(st)));
  if (rl != 8 * TATAMI_REF_NUM_COUNTERS)
    return tatami_dev_error(dev, TATAMI_EPROTO, "counters: %zu bytes back", rl);
  uint64_t v[TATAMI_REF_NUM_COUNTERS];
  for (unsigned i = 0; i < TATAMI_REF_NUM_COUNTERS; i++) v[i] = tatami_ref_get_u64(r->resp + 8 * i);
  *c = (tatami_counters){
      .cycles = v[0], .busy_cycles = v[1], .macs = v[2], .stall_operand = v[3],
      .stall_drain = v[4], .stall_tx = v[5], .frames_ok = v[6], .frames_err = v[7],
      .frames_dup = v[8], .rx_overrun = v[9], .last_gemm_cycles = v[10], .gemm_count = v[11],
      .tx_frames = r->tx_frames};
  return 0;
}

static int ref_clear_counters(tatami_device *dev) {
  ref_dev *r = dev->impl;
  size_t rl;
  uint8_t st = exec(r, TATAMI_REF_OP_CLEAR, NULL, 0, &rl);
  if (st != TATAMI_REF_OK)
    return tatami_dev_error(dev, dev_status(st), "clear: %s", tatami_strerror(dev_status(st)));
  return 0;
}

static int ref_sync(tatami_device *dev) {
  ref_dev *r = dev->impl;
  int rc = r->pending;
  r->pending = 0;
  if (rc && r->pending_op != 0xFF)
    return tatami_dev_cmd_error(dev, rc, "ref: queued command", r->pending_op, r->pending_resp,
                                r->pending_resp_len);
  if (rc) tatami_dev_error(dev, rc, "%s", r->pending_msg);
  return rc;
}

static void ref_close(tatami_device *dev) {
  ref_dev *r = dev->impl;
  if (!r) return;
  tatami_ref_destroy(r->ref);
  free(r);
  dev->impl = NULL;
}

static const tatami_backend_ops ref_ops = {
    .name = "ref",
    .write = ref_write,
    .read = ref_read,
    .gemm = ref_gemm,
    .cmd = ref_cmd,
    .get_counters = ref_get_counters,
    .clear_counters = ref_clear_counters,
    .sync = ref_sync,
    .close = ref_close,
};

/* Parse a decimal or 0x number filling the whole of [s, end). */
static int parse_u64(const char *s, const char *end, uint64_t *v) {
  if (s == end || *s == '-' || *s == '+') return -1;
  char buf[32];
  size_t n = (size_t)(end - s);
  if (n >= sizeof buf) return -1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  char *e;
  errno = 0;
  unsigned long long x = strtoull(buf, &e, 0);
  if (errno || *e != '\0') return -1;
  *v = x;
  return 0;
}

static const char *profile_name(uint8_t p) {
  switch (p) {
  case 0: return "sim";
  case 1: return "icebreaker";
  case 2: return "hx8k";
  case 3: return "tiny";
  default: return "unknown";
  }
}

int tatami_ref_open(tatami_device *dev, const char *opts) {
  uint64_t sram = TATAMI_REF_DEFAULT_SRAM, rows = TATAMI_REF_DEFAULT_ROWS,
           cols = TATAMI_REF_DEFAULT_COLS, features = TATAMI_REF_FEAT_ALL,
           version = TATAMI_REF_VERSION_1_1;
  /* opts: "" or "key=value,..." with keys sram, rows, cols, features, version. */
  const char *p = opts ? opts : "";
  while (*p) {
    const char *end = strchr(p, ',');
    if (!end) end = p + strlen(p);
    const char *eq = memchr(p, '=', (size_t)(end - p));
    if (!eq) {
      tatami_set_open_error("ref: option '%.*s' is not key=value (keys: sram, rows, cols, "
                            "features, version)",
                            (int)(end - p), p);
      return TATAMI_EURI;
    }
    size_t klen = (size_t)(eq - p);
    uint64_t *dst = NULL, lo = 1, hi = 0;
    if (klen == 4 && memcmp(p, "sram", 4) == 0) dst = &sram, hi = TATAMI_REF_MAX_SRAM;
    else if (klen == 4 && memcmp(p, "rows", 4) == 0) dst = &rows, hi = 255;
    else if (klen == 4 && memcmp(p, "cols", 4) == 0) dst = &cols, hi = 255;
    else if (klen == 8 && memcmp(p, "features", 8) == 0) dst = &features, lo = 0,
                                                           hi = TATAMI_REF_FEAT_ALL;
    else if (klen == 7 && memcmp(p, "version", 7) == 0) dst = &version,
                                                          lo = TATAMI_REF_VERSION_1_0,
                                                          hi = TATAMI_REF_VERSION_1_1;
    if (!dst) {
      tatami_set_open_error("ref: unknown option '%.*s' (known: sram, rows, cols, features, "
                            "version)", (int)klen, p);
      return TATAMI_EURI;
    }
    if (parse_u64(eq + 1, end, dst) != 0 || *dst < lo || *dst > hi) {
      tatami_set_open_error("ref: %.*s='%.*s' is not a number in %" PRIu64 "..%" PRIu64,
                            (int)klen, p, (int)(end - eq - 1), eq + 1, lo, hi);
      return TATAMI_EURI;
    }
    p = *end ? end + 1 : end;
  }

  ref_dev *r = calloc(1, sizeof *r);
  if (!r || !(r->ref = tatami_ref_create((uint32_t)sram, (uint32_t)rows, (uint32_t)cols, 0))) {
    free(r);
    tatami_set_open_error("ref: out of memory for a %" PRIu64 "-byte SRAM", sram);
    return TATAMI_ENOMEM;
  }
  /* features: a 1.1 model without some features (e.g. features=0x1f, no RUN,
   * exercises the host's program expansion); version=0x100 models a 1.0
   * tile (check: mirrors such a device with it). */
  if (tatami_ref_configure(r->ref, (uint16_t)version, (uint8_t)features) != 0) {
    tatami_ref_destroy(r->ref);
    free(r);
    tatami_set_open_error("ref: version=0x%" PRIx64 " is not 0x100 or 0x101", version);
    return TATAMI_EURI;
  }
  dev->ops = &ref_ops;
  dev->impl = r;

  /* Fill the info from the model's own INFO record, as a tile's would be. */
  size_t rl;
  uint8_t st = exec(r, TATAMI_REF_OP_HELLO, NULL, 0, &rl);
  if (st != TATAMI_REF_OK || rl != TATAMI_REF_INFO_BYTES) {
    ref_close(dev);
    dev->ops = NULL;
    tatami_set_open_error("ref: the model answered HELLO with status %u", st);
    return TATAMI_EPROTO;
  }
  const uint8_t *rec = r->resp;
  tatami_info *in = &dev->info;
  memset(in, 0, sizeof *in);
  in->version = (uint32_t)rec[0] | (uint32_t)rec[1] << 8;
  snprintf(in->profile, sizeof in->profile, "%s", profile_name(rec[2]));
  snprintf(in->backend, sizeof in->backend, "ref");
  in->tile_x = rec[3] >> 4;
  in->tile_y = rec[3] & 15;
  in->rows = rec[4];
  in->cols = rec[5];
  in->credits = rec[6];
  in->dtypes = rec[7];
  in->sram_bytes = tatami_ref_get_u32(rec + 8);
  in->max_data = (uint32_t)rec[12] | (uint32_t)rec[13] << 8;
  in->clock_hz = tatami_ref_get_u32(rec + 16);
  return 0;
}
