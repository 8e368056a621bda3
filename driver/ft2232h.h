/* A userspace driver for the UART channel (interface B) of an FTDI FT2232H,
 * on libusb-1.0 (no libftdi). The iCEBreaker and the iCE40-HX8K breakout
 * both wire the FPGA's UART to channel B of an FT2232H (0403:6010).
 *
 * Facts used (../shared/notes/hardware.md): vendor control requests with
 * wIndex = interface (A = 1, B = 2); the H-series baud divisor on a 120 MHz
 * base; bulk OUT 0x04 / IN 0x83 for channel B; every max-packet-size chunk
 * of an IN transfer starts with 2 status bytes (modem status, line status).
 *
 * Errors are negative TATAMI_E* codes (tatami.h); each handle keeps a
 * message about its last failure. Not thread-safe per handle. */
#ifndef TATAMI_FT2232H_H
#define TATAMI_FT2232H_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TATAMI_FT2232H_VID 0x0403u
#define TATAMI_FT2232H_PID 0x6010u
/* Both boards' default bitstreams run 6 Mbaud (iCEBreaker 30 MHz / 5, HX8K
 * 36 MHz / 6); a bitstream built with BAUD=12000000 needs baud=12000000. */
#define TATAMI_FT2232H_DEFAULT_BAUD 6000000u
#define TATAMI_FT2232H_MIN_BAUD 1200u
#define TATAMI_FT2232H_MAX_BAUD 12000000u
/* Default latency timer: the chip holds a partly filled IN packet this long
 * before sending it. The protocol is request/response with small answers
 * (an 11-byte WRITE acknowledgement), so this is added to nearly every
 * round trip: 1 ms, the smallest value the chip accepts (its own default,
 * 16 ms, would cap synchronous commands at ~60/s). Streams of 1 KiB READ
 * answers fill whole 512-byte packets and do not wait for the timer. */
#define TATAMI_FT2232H_DEFAULT_LATENCY_MS 1u
/* Baud error the driver accepts: UART receivers tolerate a few percent
 * (FTDI's own guidance is 3%). */
#define TATAMI_FT2232H_MAX_BAUD_ERROR 0.03

/* Line status bits (the second status byte of every IN packet). */
#define TATAMI_FT2232H_LS_OVERRUN 0x02u
#define TATAMI_FT2232H_LS_PARITY 0x04u
#define TATAMI_FT2232H_LS_FRAMING 0x08u
#define TATAMI_FT2232H_LS_BREAK 0x10u

/* Which board to open. Zero fields mean "any". */
typedef struct tatami_ft2232h_match {
  uint16_t vid, pid;     /* 0: 0x0403 / 0x6010 */
  const char *serial;    /* iSerialNumber, exact; NULL or "": any */
  uint8_t bus;           /* libusb_get_bus_number; 0: any */
  /* "2": the port on the parent hub (libusb_get_port_number);
   * "1.4": the whole path of ports from the root (libusb_get_port_numbers).
   * NULL or "": any. */
  const char *port;
} tatami_ft2232h_match;

typedef struct tatami_ft2232h_config {
  uint32_t baud;         /* 0: TATAMI_FT2232H_DEFAULT_BAUD */
  unsigned latency_ms;   /* 1..255; 0: TATAMI_FT2232H_DEFAULT_LATENCY_MS */
  unsigned rx_packets;   /* max-size packets per IN transfer, 1..64; 0: 1 (see ft2232h.c) */
} tatami_ft2232h_config;

typedef struct tatami_ft2232h tatami_ft2232h;

/* Find exactly one board matching m (NULL: any FT2232H), detach the kernel
 * driver (ftdi_sio) from interface B if it is bound, claim the interface,
 * reset it, purge both FIFOs, and set baud, 8N1, no flow control, the
 * latency timer and bitmode 0 (UART). On failure *out is NULL, msg (if not
 * NULL) explains and the code is:
 *   TATAMI_ENODEV  no board matches, or several do (all are listed in msg)
 *   TATAMI_EINVAL  baud or latency out of range (baud: no divisor within 3%)
 *   TATAMI_EIO     the board could not be opened, claimed or configured
 *                  (permission denied: see the udev rule, driver/60-tatami.rules)
 *   TATAMI_ENOMEM */
int tatami_ft2232h_open(const tatami_ft2232h_match *m, const tatami_ft2232h_config *cfg,
                        tatami_ft2232h **out, char *msg, size_t msg_len);

/* Release the interface, give interface B back to the kernel driver if it
 * was detached, close the device and the libusb context. NULL is fine. */
void tatami_ft2232h_close(tatami_ft2232h *h);

/* Send all n bytes (bulk OUT 0x04; the timeout scales with n at the baud
 * rate). 0, or TATAMI_EIO ("board disconnected", or not accepting data). */
int tatami_ft2232h_write(tatami_ft2232h *h, const void *buf, size_t n);

/* Receive up to max bytes (status bytes stripped). Waits at most
 * timeout_ms for the first byte and returns what has arrived: the count
 * (> 0), 0 if no data byte came within timeout_ms, or TATAMI_EIO
 * ("board disconnected"). */
long tatami_ft2232h_read(tatami_ft2232h *h, void *buf, size_t max, unsigned timeout_ms);

/* The baud rate the chip actually runs at (from the divisor). */
uint32_t tatami_ft2232h_baud(const tatami_ft2232h *h);
/* "bus 1 port 2 serial FT123456": which board this is. */
const char *tatami_ft2232h_describe(const tatami_ft2232h *h);
/* The message about the last failure ("" if none). */
const char *tatami_ft2232h_message(const tatami_ft2232h *h);

/* What the status bytes have reported since open. */
typedef struct tatami_ft2232h_stats {
  uint64_t rx_bytes;        /* data bytes received (status bytes excluded) */
  uint64_t rx_packets;      /* IN packets, status-only ones included */
  uint64_t framing_errors;  /* IN transfers with FE, PE or BI in a line status byte
                               (a baud rate mismatch shows up here) */
  uint64_t overruns;        /* IN transfers with OE (the chip's RX buffer overflowed) */
} tatami_ft2232h_stats;
void tatami_ft2232h_get_stats(const tatami_ft2232h *h, tatami_ft2232h_stats *s);

/* ------------------------------------------------------------ pure helpers */

/* The H-series baud divisor (120 MHz base, divide-by-2.5 off: bit 0x20000).
 * value and index are the wValue and the divisor's part of wIndex of the
 * SET_BAUD_RATE request (the caller ORs the interface, 1 or 2, into index).
 * actual: the rate the chip will run at. 0, or TATAMI_EINVAL if baud is
 * outside 1200..12,000,000 or no divisor comes within 3% of it (between 6
 * and 12 Mbaud only 6, 8 and 12 Mbaud exist). Any pointer may be NULL.
 *   3,000,000 -> encoded 0x20004: value 0x0004, index 0x0200, actual 3,000,000 */
int tatami_ft2232h_baud_divisor(uint32_t baud, uint16_t *value, uint16_t *index,
                                uint32_t *actual);

/* Strip the 2 status bytes from every packet_size chunk of one IN transfer
 * of n bytes: src[0..n) is a series of packets, each packet_size bytes but
 * the last, which may be shorter (a 0-, 1- or 2-byte chunk holds no data).
 * Writes the data bytes to dst (dst == src is allowed; dst needs n bytes)
 * and returns their count. line_status (may be NULL) is ORed with the line
 * status byte of every packet that has one; packets (may be NULL) is
 * incremented by the number of packets. packet_size must be > 2 (else 0 is returned). */
size_t tatami_ft2232h_strip_status(uint8_t *dst, const uint8_t *src, size_t n,
                                   size_t packet_size, uint8_t *line_status,
                                   uint64_t *packets);

#ifdef __cplusplus
}
#endif
#endif
