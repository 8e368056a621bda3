/* Internal: the reliable transport of docs/protocol.md section 4, over an
 * abstract byte link. Every backend that speaks the wire protocol (sim:,
 * and later usb:) provides a tatami_byte_link and uses this. Pure C, no
 * dependency on the device object. Not installed. */
#ifndef TATAMI_LINK_H
#define TATAMI_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* A byte link: the only thing a transport needs from a backend. */
typedef struct tatami_byte_link {
  void *ctx;
  /* Queue/send all n bytes. Returns 0, or a negative TATAMI_E* if the link
   * itself failed (device gone). */
  int (*send)(void *ctx, const uint8_t *buf, size_t n);
  /* Receive up to max (> 0) bytes. Returns the count (> 0); 0 means
   * "timeout": nothing more will arrive for what has been sent so far
   * (the sim: the tile went idle; a board: no byte for the timeout); or a
   * negative TATAMI_E* if the link failed. Must not block forever. */
  long (*recv)(void *ctx, uint8_t *buf, size_t max);
} tatami_byte_link;

/* Host-side link statistics (tatami_counters host fields). */
typedef struct tatami_link_stats {
  uint64_t tx_frames;      /* frames sent, retransmissions included */
  uint64_t retransmits;    /* frames sent again after a timeout */
  uint64_t timeouts;       /* times the link went quiet with commands incomplete */
  uint64_t bad_responses;  /* discarded input: bad CRC, LEN > 1028, partial frames,
                              unknown SEQ/source, protocol violations */
  uint64_t nacks;          /* valid BAD_CRC/TRUNCATED/TOO_LONG/SEQ answers */
} tatami_link_stats;

#define TATAMI_LINK_MAX_WINDOW 127u  /* half the SEQ space: the tile's duplicate window */
#define TATAMI_LINK_DEFAULT_ROUNDS 32u

typedef struct tatami_link_slot tatami_link_slot;

typedef struct tatami_link {
  tatami_byte_link io;
  uint8_t dest;              /* ADDR of the tile */
  uint8_t next_seq;
  unsigned window;           /* max commands between oldest incomplete and newest */
  unsigned max_rounds;       /* timeouts in a row without progress before ETIMEOUT */
  unsigned rounds;           /* current run of timeouts without progress */
  int progress;              /* a command completed since the last timeout */
  tatami_link_slot *slots;   /* ring of TATAMI_LINK_MAX_WINDOW + 1 */
  unsigned head, count;
  int pending_err;           /* first device error of a queued command, in SEQ order */
  uint8_t pending_code;      /* its opcode */
  uint8_t pending_resp[4];   /* and the start of its error response payload */
  size_t pending_resp_len;   /* (a RUN record's failure carries the record's index) */
  int failed;                /* sticky: the link failed (EIO, ETIMEOUT, ...) */
  tatami_parser parser;
  tatami_frame rx;           /* scratch */
  tatami_link_stats stats;
  char msg[160];             /* why the link failed / last protocol problem */
} tatami_link;

/* Set up over io, talking to tile address dest. Returns 0 or TATAMI_ENOMEM. */
int tatami_link_init(tatami_link *l, const tatami_byte_link *io, uint8_t dest);
void tatami_link_free(tatami_link *l);

/* HELLO, retried until answered; info gets the 20-byte INFO record. Resets
 * the window to 1; call tatami_link_set_window with the credits after. */
int tatami_link_hello(tatami_link *l, uint8_t info[TATAMI_INFO_BYTES]);
/* Window = min(credits, 127), at least 1. */
void tatami_link_set_window(tatami_link *l, unsigned credits);

/* Issue one command (waits for room in the window, then sends it).
 * Response payload of an OK answer goes to rx, which must be exactly
 * rx_len bytes long (anything else is a protocol error, TATAMI_EPROTO).
 * status: NULL for a queued command (its error goes to the pending error,
 * see tatami_link_take_error); otherwise the first error among commands
 * sharing *status is stored there when they complete. rx and status must
 * stay valid until tatami_link_wait_all returns.
 * Returns 0, or a link failure (TATAMI_EIO, TATAMI_ETIMEOUT, ...). */
int tatami_link_submit(tatami_link *l, uint8_t code, const void *payload, size_t len,
                       void *rx, size_t rx_len, int *status);
/* As tatami_link_submit, for any opcode: an OK answer's payload must be
 * exactly rx_len bytes long; rx may be NULL to drop it (a queued RUN's count). */
int tatami_link_submit_cmd(tatami_link *l, uint8_t code, const void *payload, size_t len,
                           void *rx, size_t rx_len, int *status);
/* Wait until every issued command completed. 0 or a link failure. */
int tatami_link_wait_all(tatami_link *l);
/* The first device error among queued commands (0 if none), and clear it. */
int tatami_link_take_error(tatami_link *l);
/* The same, with that command's opcode and its error response payload (up
 * to 4 bytes; *resp_len the count). */
int tatami_link_take_error_cmd(tatami_link *l, uint8_t *code, uint8_t resp[4], size_t *resp_len);
/* Why the link failed ("" if it did not). */
const char *tatami_link_message(const tatami_link *l);

#endif
