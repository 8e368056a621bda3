/* Internal: the device operations of every backend that speaks the wire
 * protocol (docs/protocol.md) through the reliable transport (link.h):
 * sim: (the in-process Verilator tile) and usb: (a board through the
 * FT2232H driver). A backend supplies the byte link and its own close;
 * everything between the API and the bytes is here, once. Not installed.
 *
 * A wire backend's state (dev->impl) must begin with a tatami_wire:
 *   typedef struct my_dev { tatami_wire wire; ... } my_dev;
 * and its ops table uses the tatami_wire_* functions below. */
#ifndef TATAMI_WIRE_DEV_H
#define TATAMI_WIRE_DEV_H

#include "device.h"
#include "link.h"

typedef struct tatami_wire {
  tatami_link link;
  int link_ready;
  size_t chunk;        /* data bytes per WRITE/READ frame */
  const char *name;    /* "sim", "usb": prefix of error messages */
  /* Optional: more about a link failure rc (TATAMI_EIO, TATAMI_ETIMEOUT)
   * from the backend's side, e.g. "board disconnected"; "" for nothing. */
  void (*detail)(struct tatami_wire *w, int rc, char *buf, size_t len);
} tatami_wire;

/* Set up the transport over io, talking to tile (0,0). 0 or TATAMI_ENOMEM. */
int tatami_wire_init(tatami_wire *w, const char *name, const tatami_byte_link *io);
void tatami_wire_free(tatami_wire *w);

/* HELLO (retried up to max_rounds timeouts; 0: the transport's default),
 * then the INFO record into info (backend "", link_baud 0: the caller
 * fills them), the window set to the tile's credits and chunk to its
 * max_data. Returns 0, a link failure (tatami_link_message(&w->link) says
 * why) or TATAMI_EPROTO for a malformed INFO record. */
int tatami_wire_hello(tatami_wire *w, unsigned max_rounds, tatami_info *info);

/* The backend operations (tatami_backend_ops). */
int tatami_wire_write(tatami_device *dev, uint64_t addr, const void *src, size_t n);
int tatami_wire_read(tatami_device *dev, uint64_t addr, void *dst, size_t n);
int tatami_wire_gemm(tatami_device *dev, const tatami_gemm_desc *d);
int tatami_wire_cmd(tatami_device *dev, uint8_t opcode, const void *payload, size_t len,
                    void *resp, size_t resp_len);
int tatami_wire_get_counters(tatami_device *dev, tatami_counters *c);
int tatami_wire_clear_counters(tatami_device *dev);
int tatami_wire_sync(tatami_device *dev);

#endif
