/* tatami_sim: the Verilator model of the tatami tile behind a plain C
 * interface. One handle is one simulated tile plus the link in front of it.
 * Not thread-safe: use one handle from one thread at a time (different
 * handles may be used from different threads). */
#ifndef TATAMI_SIM_H
#define TATAMI_SIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tatami_sim tatami_sim;

/* Link-fault statistics of the simulated transport. */
typedef struct tatami_sim_link_stats {
  uint64_t to_tile_bytes, to_host_bytes;   /* bytes that entered the link */
  uint64_t dropped, duplicated, corrupted; /* faults injected, both directions */
  uint64_t overrun;                        /* UART mode: bytes the tile could not take */
} tatami_sim_link_stats;

/* Names of the profiles built into this library, NULL-terminated. */
const char *const *tatami_sim_profiles(void);

/* Create a tile of the given profile ("sim"). Returns NULL for an unknown
 * profile or when out of memory. The tile comes out of reset. */
tatami_sim *tatami_sim_create(const char *profile);
void tatami_sim_destroy(tatami_sim *s);

/* Hold reset for a few cycles, then release. Link queues are emptied. */
void tatami_sim_reset(tatami_sim *s);

/* Advance the tile clock by n cycles, moving link bytes as the link model
 * allows. Returns the total cycle count since creation. */
uint64_t tatami_sim_run(tatami_sim *s, uint64_t n);
uint64_t tatami_sim_cycles(const tatami_sim *s);

/* Queue bytes for the tile (host -> tile). Never blocks: the link model
 * delivers them during tatami_sim_run. Returns 0, or -1 if out of memory. */
int tatami_sim_push(tatami_sim *s, const uint8_t *buf, size_t n);
/* Take up to max bytes the tile has sent (tile -> host). Returns the count. */
size_t tatami_sim_pull(tatami_sim *s, uint8_t *buf, size_t max);

/* 1 when the tile has nothing to do: no queued link bytes in either
 * direction, receive FIFO empty, no partial frame, no command executing. */
int tatami_sim_idle(const tatami_sim *s);
/* 1 while the tile executes a command (the board's busy LED). */
int tatami_sim_busy(const tatami_sim *s);

/* Read tile performance counter idx (docs/protocol.md, COUNTERS) directly,
 * without using the link. Returns 0, or -1 for a bad index. */
int tatami_sim_counter(const tatami_sim *s, unsigned idx, uint64_t *value);

/* Link model. baud == 0: bytes move as fast as the link port takes them
 * (valid/ready, one byte per cycle at most). baud > 0: an 8N1 UART at that
 * rate with the tile clocked at clock_hz; one byte takes 10*clock_hz/baud
 * cycles each way, and a byte arriving while the tile's FIFO is full is
 * lost (a UART has no flow control). Returns 0 or -1 for bad arguments. */
int tatami_sim_set_link(tatami_sim *s, uint32_t baud, uint32_t clock_hz);

/* Model the board's FT2232H on the tile -> host side: bytes reach the host in
 * USB packets of 510 data bytes, or, when fewer are buffered, only when the
 * chip's latency timer (cycles > 0; 0 turns the model off) expires; the timer
 * restarts with every packet. The host is taken to poll continuously (as the
 * usb: driver does while it waits). Returns 0, or -1 while bytes are held. */
int tatami_sim_set_ftdi_latency(tatami_sim *s, uint64_t cycles);

/* Fault injection on both directions: each byte is, with probability rate,
 * dropped, duplicated or corrupted (one bit flipped), chosen uniformly.
 * A seeded xorshift generator makes runs repeatable. rate in [0, 1). */
int tatami_sim_set_faults(tatami_sim *s, double rate, uint64_t seed);
void tatami_sim_link_stats_get(const tatami_sim *s, tatami_sim_link_stats *st);

/* FST waveform trace of every signal. Returns 0, or -1 if the file cannot
 * be opened or tracing is already on. */
int tatami_sim_trace_start(tatami_sim *s, const char *fst_path);
void tatami_sim_trace_stop(tatami_sim *s);

#ifdef __cplusplus
}
#endif
#endif
