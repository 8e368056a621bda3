/* The device operations shared by the wire backends (sim:, usb:): each API
 * call becomes protocol commands through the reliable transport. See
 * wire_dev.h. */
#include "wire_dev.h"

#include <stdio.h>
#include <string.h>

#include "proto.h"

static tatami_wire *wire(tatami_device *dev) { return dev->impl; }

int tatami_wire_init(tatami_wire *w, const char *name, const tatami_byte_link *io) {
  w->name = name;
  w->chunk = TATAMI_MAX_DATA;
  int rc = tatami_link_init(&w->link, io, 0x00);  /* a lone tile is (0,0) */
  if (rc == 0) w->link_ready = 1;
  return rc;
}

void tatami_wire_free(tatami_wire *w) {
  if (w->link_ready) tatami_link_free(&w->link);
  w->link_ready = 0;
}

int tatami_wire_hello(tatami_wire *w, unsigned max_rounds, tatami_info *info) {
  uint8_t rec[TATAMI_INFO_BYTES];
  unsigned saved = w->link.max_rounds;
  if (max_rounds) w->link.max_rounds = max_rounds;
  int rc = tatami_link_hello(&w->link, rec);
  w->link.max_rounds = saved;
  if (rc) return rc;
  memset(info, 0, sizeof *info);
  if (tatami_info_unpack(info, rec) != 0) {
    snprintf(w->link.msg, sizeof w->link.msg, "the tile sent a malformed INFO record");
    return TATAMI_EPROTO;
  }
  tatami_link_set_window(&w->link, info->credits);
  if (info->max_data && info->max_data < w->chunk) w->chunk = info->max_data;
  return 0;
}

/* Report a link failure or a device status with a message. */
static int report(tatami_device *dev, int rc, const char *what) {
  tatami_wire *w = wire(dev);
  if (rc == 0) return 0;
  if (w->link.failed && rc == w->link.failed) {
    char more[200] = "";
    if (w->detail) w->detail(w, rc, more, sizeof more);
    /* No tatami_strerror(rc) here: callers print it, and the backend's
     * detail needs the room (messages are 255 characters at most). */
    return tatami_dev_error(dev, rc, "%s: %s: %s%s%s", w->name, what,
                            tatami_link_message(&w->link), more[0] ? ": " : "", more);
  }
  if (rc == TATAMI_EPROTO)
    return tatami_dev_error(dev, rc, "%s: %s: %s", w->name, what, tatami_link_message(&w->link));
  return tatami_dev_error(dev, rc, "%s: %s: device answered %s", w->name, what,
                          tatami_strerror(rc));
}

/* Addresses on the wire are u32; anything beyond cannot even be sent. */
static int check_range(tatami_device *dev, uint64_t addr, size_t n) {
  if (addr > UINT32_MAX || n > (uint64_t)UINT32_MAX + 1 - addr)
    return tatami_dev_error(dev, TATAMI_EDEV_ADDR_RANGE,
                            "%s: range 0x%llx + %zu is outside the 32-bit address space",
                            wire(dev)->name, (unsigned long long)addr, n);
  return 0;
}

int tatami_wire_write(tatami_device *dev, uint64_t addr, const void *src, size_t n) {
  tatami_wire *w = wire(dev);
  const uint8_t *p = src;
  uint8_t payload[4 + TATAMI_MAX_DATA];
  int rc = check_range(dev, addr, n);
  if (rc) return rc;
  for (size_t off = 0; off < n;) {
    size_t k = n - off < w->chunk ? n - off : w->chunk;
    tatami_put_u32(payload, (uint32_t)(addr + off));
    memcpy(payload + 4, p + off, k);
    /* Queued: the status comes back through sync. */
    rc = tatami_link_submit(&w->link, TATAMI_OP_WRITE, payload, 4 + k, NULL, 0, NULL);
    if (rc) return report(dev, rc, "write");
    off += k;
  }
  return 0;
}

int tatami_wire_read(tatami_device *dev, uint64_t addr, void *dst, size_t n) {
  tatami_wire *w = wire(dev);
  uint8_t *p = dst;
  uint8_t payload[6];
  int st = 0;
  int rc = check_range(dev, addr, n);
  if (rc) return rc;
  for (size_t off = 0; off < n;) {
    size_t k = n - off < w->chunk ? n - off : w->chunk;
    tatami_put_u32(payload, (uint32_t)(addr + off));
    tatami_put_u16(payload + 4, (uint16_t)k);
    rc = tatami_link_submit(&w->link, TATAMI_OP_READ, payload, sizeof payload, p + off, k, &st);
    if (rc) return report(dev, rc, "read");
    off += k;
  }
  rc = tatami_link_wait_all(&w->link);
  if (rc) return report(dev, rc, "read");
  /* An earlier queued command's error is reported first (it came first). */
  int pending = tatami_link_take_error(&w->link);
  if (pending) return report(dev, pending, "queued command before read");
  return report(dev, st, "read");
}

int tatami_wire_gemm(tatami_device *dev, const tatami_gemm_desc *desc) {
  tatami_wire *w = wire(dev);
  uint8_t payload[TATAMI_GEMM_DESC11_BYTES];
  size_t len = tatami_gemm_desc_pack(payload, desc);
  int rc = tatami_link_submit(&w->link, TATAMI_OP_GEMM, payload, len, NULL, 0, NULL);
  return report(dev, rc, "gemm");
}

int tatami_wire_cmd(tatami_device *dev, uint8_t opcode, const void *payload, size_t len,
                    void *resp, size_t resp_len) {
  tatami_wire *w = wire(dev);
  /* A queued RUN answers OK with its record count: expect and drop it. */
  size_t ok_len = resp ? resp_len : opcode == TATAMI_OP_RUN ? 4 : 0;
  if (!resp) {
    int rc = tatami_link_submit_cmd(&w->link, opcode, payload, len, NULL, ok_len, NULL);
    return report(dev, rc, tatami_opcode_name(opcode));
  }
  int st = 0;
  int rc = tatami_link_submit_cmd(&w->link, opcode, payload, len, resp, ok_len, &st);
  if (!rc) rc = tatami_link_wait_all(&w->link);
  if (rc || !st) return report(dev, rc, tatami_opcode_name(opcode));
  if (st == TATAMI_EPROTO) return report(dev, st, tatami_opcode_name(opcode));
  char what[16];
  snprintf(what, sizeof what, "%s", w->name);
  return tatami_dev_cmd_error(dev, st, what, opcode, NULL, 0);
}

int tatami_wire_sync(tatami_device *dev) {
  tatami_wire *w = wire(dev);
  int rc = tatami_link_wait_all(&w->link);
  if (rc) return report(dev, rc, "sync");
  uint8_t code, resp[4];
  size_t resp_len;
  rc = tatami_link_take_error_cmd(&w->link, &code, resp, &resp_len);
  if (rc == 0 || rc == TATAMI_EPROTO) return report(dev, rc, "queued command");
  char what[48];
  snprintf(what, sizeof what, "%s: queued command", w->name);
  return tatami_dev_cmd_error(dev, rc, what, code, resp, resp_len);
}

/* A synchronous command without payload. */
static int simple_cmd(tatami_device *dev, uint8_t code, void *rx, size_t rx_len,
                      const char *what) {
  tatami_wire *w = wire(dev);
  int st = 0;
  int rc = tatami_link_submit(&w->link, code, NULL, 0, rx, rx_len, &st);
  if (!rc) rc = tatami_link_wait_all(&w->link);
  return report(dev, rc ? rc : st, what);
}

int tatami_wire_get_counters(tatami_device *dev, tatami_counters *c) {
  tatami_wire *w = wire(dev);
  uint8_t raw[8 * TATAMI_NUM_COUNTERS];
  int rc = simple_cmd(dev, TATAMI_OP_COUNTERS, raw, sizeof raw, "counters");
  if (rc) return rc;
  uint64_t v[TATAMI_NUM_COUNTERS];
  for (unsigned i = 0; i < TATAMI_NUM_COUNTERS; i++) v[i] = tatami_get_u64(raw + 8 * i);
  c->cycles = v[0];
  c->busy_cycles = v[1];
  c->macs = v[2];
  c->stall_operand = v[3];
  c->stall_drain = v[4];
  c->stall_tx = v[5];
  c->frames_ok = v[6];
  c->frames_err = v[7];
  c->frames_dup = v[8];
  c->rx_overrun = v[9];
  c->last_gemm_cycles = v[10];
  c->gemm_count = v[11];
  c->tx_frames = w->link.stats.tx_frames;
  c->retransmits = w->link.stats.retransmits;
  c->timeouts = w->link.stats.timeouts;
  c->bad_responses = w->link.stats.bad_responses;
  return 0;
}

int tatami_wire_clear_counters(tatami_device *dev) {
  return simple_cmd(dev, TATAMI_OP_CLEAR, NULL, 0, "clear counters");
}
