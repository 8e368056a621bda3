/* ft2232h: a cycle-level model of an FTDI FT2232H as seen from USB, for the
 * virtual iCEBreaker (tatami-vboard). Pure C11, no USB or umockdev code:
 * the umockdev glue (vboard.c) turns usbdevfs URBs into ft_urb and back.
 *
 * Time: one "cycle" is one clock of the board model (the FPGA's tile clock,
 * clock_hz). The model only advances in ft_run(); USB transfers themselves
 * take zero simulated time. See docs/vboard.md.
 *
 * Channel B (interface 1, wIndex 2, EP 0x04 OUT / 0x83 IN) is the UART wired
 * to the FPGA: OUT bytes are shifted into the FPGA's RX pin at the baud rate
 * the host programmed (H-series divisor), the FPGA's TX pin is sampled like
 * the chip's UART receiver does, and IN packets are built like the chip
 * builds them (2 status bytes per max-packet, latency timer). Channel A
 * (MPSSE/flash on a real board) accepts its control requests and bulk OUT
 * data and only ever returns status-only packets. */
#ifndef TATAMI_FT2232H_H
#define TATAMI_FT2232H_H

#include <stddef.h>
#include <stdint.h>

#define FT_MAX_PACKET 512
#define FT_FIFO_BYTES 4096   /* TX and RX buffer per channel */

/* The pin-level board behind channel B. tick() runs one clock cycle with the
 * given input pin levels (applied before the rising edge) and returns the
 * FPGA's TX pin after it. */
typedef struct ft_board {
  void *ctx;
  int (*tick)(void *ctx, int rx_pin, int btn_n);
  unsigned (*leds)(void *ctx);
  void (*destroy)(void *ctx);
} ft_board;

typedef struct ft_urb {
  struct ft_urb *next;
  uint8_t ep;             /* endpoint address (0 = control) */
  uint8_t *buf;           /* the URB's buffer (control: setup packet first) */
  int len;                /* buffer length */
  int actual;             /* bytes transferred (control: data stage only) */
  int status;             /* 0 or -errno once complete */
  unsigned flags;         /* usbdevfs URB flags */
  int packets;            /* IN packets delivered into it */
  void *user;             /* the glue's handle */
} ft_urb;

/* Stall behaviours: the board stops answering. */
enum { FT_STALL_NONE = 0, FT_STALL_RESET, FT_STALL_TX_HIGH, FT_STALL_TX_LOW };
/* Packet-size policies for channel B IN data. */
enum { FT_SPLIT_NONE = 0, FT_SPLIT_RANDOM };

typedef struct ft_options {
  uint64_t clock_hz;          /* board model clock; 0: VB_CLOCK_HZ */
  double fault_rate;          /* per UART byte, both directions: drop/dup/corrupt */
  uint64_t fault_seed;
  int split;                  /* FT_SPLIT_* */
  uint64_t split_seed;
  int latency_override_ms;    /* > 0: ignore the host's latency timer setting */
  int stall;                  /* FT_STALL_* */
  uint64_t stall_after;       /* ... once this many bytes went to the FPGA */
  uint64_t unplug_after_bytes;/* > 0: ask for an unplug after this many bulk bytes */
  uint64_t unplug_after_urbs; /* > 0: ... or after this many bulk URBs submitted */
  int reset_cycles;           /* cycles BTN_N is held low at power-up */
} ft_options;

typedef struct ft_stats {
  uint64_t cycles;
  uint64_t out_bytes, in_bytes;          /* bulk payload, channel B */
  uint64_t uart_to_fpga, uart_from_fpga; /* bytes on the wires */
  uint64_t faults_drop, faults_dup, faults_corrupt;
  uint64_t framing_errors, overruns;
  uint64_t pkt_full, pkt_short, pkt_status_only;
  uint64_t urbs_in, urbs_out, urbs_multi_packet, max_packets_per_urb;
  uint64_t ctrl_requests, unknown_requests;
  uint32_t baud_num, baud_den;           /* last programmed bit period, cycles = num/den */
  unsigned latency_ms;
  uint64_t baud_sets;
  double baud;                           /* last programmed baud rate */
} ft_stats;

typedef struct ft2232h ft2232h;

ft2232h *ft_create(const ft_options *opt, ft_board board);
void ft_destroy(ft2232h *ft);

/* A control transfer (setup packet in urb->buf[0..7], data after it).
 * Completes at once: urb->status/actual are set, the URB is queued as done. */
void ft_submit_control(ft2232h *ft, ft_urb *u);
/* A bulk URB on EP 0x02/0x81/0x04/0x83. Returns 0, or -EINVAL for another
 * endpoint. May complete at once (queued as done). */
int ft_submit_bulk(ft2232h *ft, ft_urb *u);
/* Cancel a pending URB: it completes with -ENOENT. Returns 0, or -EINVAL if
 * it is not pending (already complete). */
int ft_discard(ft2232h *ft, ft_urb *u);
/* Next completed URB in completion order, or NULL. */
ft_urb *ft_pop_done(ft2232h *ft);
/* 1 while some URB is pending (not complete). */
int ft_has_pending(const ft2232h *ft);

/* Run the board until some URB completes, at most max_cycles cycles.
 * Returns the cycles run. Does nothing when no URB is pending. */
uint64_t ft_run(ft2232h *ft, uint64_t max_cycles);
/* Power-up: run the board n cycles with no host activity (before the
 * device is plugged in, so the FPGA is out of reset when the host comes). */
void ft_power_up(ft2232h *ft, uint64_t n);
/* The device was unplugged: every pending URB completes with -ESHUTDOWN. */
void ft_unplug(ft2232h *ft);
/* 1 once the unplug trigger (bytes/URBs) fired. */
int ft_unplug_requested(const ft2232h *ft);
/* USB reset (usbdevfs RESET): FIFOs emptied, settings back to power-up. */
void ft_usb_reset(ft2232h *ft);

uint64_t ft_cycles(const ft2232h *ft);
void ft_get_stats(const ft2232h *ft, ft_stats *st);

/* The device and configuration descriptors as the sysfs "descriptors"
 * attribute holds them (18 + 55 bytes); serial (may be NULL or "") sets
 * iSerialNumber. Returns the length, 0 if max is too small. */
size_t ft_descriptors(uint8_t *out, size_t max, const char *serial);

/* H-series baud decoding (exported for the unit test): from a SET_BAUD
 * request's wValue and wIndex, the bit period in board cycles as num/den.
 * Returns the baud rate in Hz (0 if the encoding is invalid). */
double ft_decode_baud(uint16_t wvalue, uint16_t windex, uint64_t clock_hz,
                      uint64_t *num, uint64_t *den);

#endif
