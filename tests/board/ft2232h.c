/* ft2232h: cycle-level FT2232H model behind the virtual iCEBreaker.
 * See ft2232h.h and docs/vboard.md. */
#include "ft2232h.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The board model's clock in Hz: boards.mk's BOARD_CLOCK_HZ_icebreaker, which
 * tests/board/board.mk passes as -DVB_CLOCK_HZ (the model is built for it). */
#ifndef VB_CLOCK_HZ
#error "build with -DVB_CLOCK_HZ=... (tests/board/board.mk)"
#endif

#define PKT_DATA (FT_MAX_PACKET - 2)   /* data bytes in a full IN packet */
#define SPLIT_PICK 0xFFFFFFFFu        /* split mode: draw the next packet's size */

/* usbdevfs URB flag (linux/usbdevice_fs.h); kept here so this file needs no
 * Linux headers. */
#define URB_SHORT_NOT_OK 0x01

/* Modem status byte B0 (low nibble reads 1 on the FT2232H; CTS#, DSR#, RI#,
 * DCD# are not connected on the iCEBreaker and idle high = inactive). */
#define B0_IDLE 0x01
/* Line status byte B1 bits. */
#define LS_OE 0x02
#define LS_PE 0x04
#define LS_FE 0x08
#define LS_BI 0x10
#define LS_THRE 0x20
#define LS_TEMT 0x40

typedef struct urbq {
  ft_urb *head, *tail;
} urbq;

typedef struct chan {
  int idx;                  /* 0 = A, 1 = B */
  unsigned latency_ms;
  uint16_t line;            /* SET_DATA wValue */
  uint8_t flow;             /* SET_FLOW_CTRL mode (wIndex high byte) */
  uint8_t xon, xoff;
  int xoff_paused;
  uint8_t bitmode, bitmask;
  uint16_t modem_ctrl;
  uint64_t num, den;        /* bit period in cycles = num / den */
  double baud;
  uint8_t tx[FT_FIFO_BYTES];
  unsigned tx_head, tx_count;
  uint8_t rx[FT_FIFO_BYTES];
  unsigned rx_head, rx_count;
  uint8_t line_err;         /* latched OE/PE/FE/BI, reported in the next packet */
  uint64_t lat_deadline;
  urbq in_q, out_q;
  int warned_flow;
} chan;

/* The UART transmitter towards the FPGA's RX pin. */
typedef struct txshift {
  int busy;
  uint16_t bits;            /* frame, LSB first (start bit = bit 0) */
  int nbits;
  uint64_t start;           /* frame start, in 1/den cycle units */
  int repeat;               /* fault: send this byte once more */
  uint8_t byte;
} txshift;

/* The UART receiver on the FPGA's TX pin. */
enum { RX_WAIT_HIGH, RX_HUNT, RX_RECV };
typedef struct rxsamp {
  int state;
  uint64_t start;           /* start-bit edge, in 1/den units */
  int k;                    /* next bit to sample (0 = start bit) */
  uint64_t next_sample;     /* cycle of that sample */
  unsigned data;
  int ones;
} rxsamp;

struct ft2232h {
  ft_options opt;
  ft_board board;
  uint64_t cycle;
  chan ch[2];
  txshift ts;
  rxsamp rs;
  urbq done;
  int stalled;
  int unplug_req;
  int unplugged;
  uint64_t fault_rng, split_rng;
  uint64_t bulk_bytes, bulk_urbs;
  uint64_t split_next;      /* split mode: cycle of a status-only packet */
  unsigned split_want;      /* split mode: data bytes of the next packet */
  ft_stats st;
};

/* ------------------------------------------------------------ helpers */
static uint64_t xorshift(uint64_t *s) {
  uint64_t x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *s = x;
}

static double rnd01(uint64_t *s) { return (double)(xorshift(s) >> 11) / 9007199254740992.0; }

static uint64_t gcd64(uint64_t a, uint64_t b) {
  while (b) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static void q_push(urbq *q, ft_urb *u) {
  u->next = NULL;
  if (q->tail)
    q->tail->next = u;
  else
    q->head = u;
  q->tail = u;
}

static int q_remove(urbq *q, ft_urb *u) {
  ft_urb **pp = &q->head, *prev = NULL;
  while (*pp && *pp != u) {
    prev = *pp;
    pp = &(*pp)->next;
  }
  if (!*pp) return 0;
  *pp = u->next;
  if (q->tail == u) q->tail = prev;
  u->next = NULL;
  return 1;
}

static void complete(ft2232h *ft, urbq *from, ft_urb *u, int status) {
  if (from) q_remove(from, u);
  u->status = status;
  q_push(&ft->done, u);
  if (u->ep & 0x80) {
    ft->st.urbs_in++;
    if (u->packets > 1) ft->st.urbs_multi_packet++;
    if ((uint64_t)u->packets > ft->st.max_packets_per_urb) ft->st.max_packets_per_urb = (uint64_t)u->packets;
  } else if (u->ep) {
    ft->st.urbs_out++;
  }
}

static uint64_t lat_cycles(const ft2232h *ft, const chan *c) {
  unsigned ms = ft->opt.latency_override_ms > 0 ? (unsigned)ft->opt.latency_override_ms : c->latency_ms;
  if (ms == 0) ms = 1;
  return ms * ft->opt.clock_hz / 1000u;
}

/* Frame layout from the SET_DATA value. */
static void frame_format(const chan *c, int *dbits, int *parity, int *stops) {
  int d = c->line & 0xFF;
  *dbits = (d == 7) ? 7 : 8;
  *parity = (c->line >> 8) & 7;
  if (*parity > 4) *parity = 0;
  *stops = ((c->line >> 11) & 3) ? 2 : 1; /* 1.5 stop bits modelled as 2 */
}

static int parity_bit(unsigned v, int dbits, int parity) {
  int ones = 0;
  for (int i = 0; i < dbits; i++) ones += (v >> i) & 1;
  switch (parity) {
  case 1: return !(ones & 1);  /* odd */
  case 2: return ones & 1;     /* even */
  case 3: return 1;            /* mark */
  default: return 0;           /* space */
  }
}

double ft_decode_baud(uint16_t wvalue, uint16_t windex, uint64_t clock_hz, uint64_t *num,
                      uint64_t *den) {
  static const unsigned eighths[8] = {0, 4, 2, 1, 3, 5, 6, 7};
  uint32_t enc = (uint32_t)wvalue | ((uint32_t)(windex >> 8) << 16);
  uint32_t ip = enc & 0x3FFF;
  unsigned fr = eighths[(enc >> 14) & 7];
  int hi = (enc >> 17) & 1;
  uint64_t div8 = (uint64_t)ip * 8 + fr;
  uint64_t base8 = hi ? 96000000u : 24000000u; /* baud = base8 / div8 */
  if (ip == 0 && fr == 0) div8 = 8;             /* divisor 1 */
  else if (ip == 1 && fr == 0) div8 = 12;       /* divisor 1.5 */
  if (div8 < 8) {
    *num = *den = 0;
    return 0;
  }
  uint64_t n = clock_hz * div8, d = base8, g = gcd64(n, d);
  *num = n / g;
  *den = d / g;
  return (double)base8 / (double)div8;
}

/* ------------------------------------------------------------ setup */
static void chan_defaults(ft2232h *ft, chan *c) {
  c->latency_ms = 16;
  c->line = 0x0008;
  c->flow = 0;
  c->xon = 0x11;
  c->xoff = 0x13;
  c->xoff_paused = 0;
  c->bitmode = 0;
  c->bitmask = 0;
  c->modem_ctrl = 0;
  /* power-up: 9600 baud (FTDI default) */
  uint64_t n, d;
  c->baud = ft_decode_baud(0x4138, 0, ft->opt.clock_hz, &n, &d);
  c->num = n;
  c->den = d;
  c->tx_head = c->tx_count = 0;
  c->rx_head = c->rx_count = 0;
  c->line_err = 0;
  c->lat_deadline = ft->cycle + lat_cycles(ft, c);
}

ft2232h *ft_create(const ft_options *opt, ft_board board) {
  ft2232h *ft = calloc(1, sizeof *ft);
  if (!ft) return NULL;
  ft->opt = *opt;
  if (!ft->opt.clock_hz) ft->opt.clock_hz = VB_CLOCK_HZ;
  ft->board = board;
  ft->fault_rng = opt->fault_seed * 0x9E3779B97F4A7C15ull + 0x1234567ull;
  if (!ft->fault_rng) ft->fault_rng = 1;
  ft->split_rng = opt->split_seed * 0xD1B54A32D192ED03ull + 0x7654321ull;
  if (!ft->split_rng) ft->split_rng = 1;
  for (int i = 0; i < 2; i++) {
    ft->ch[i].idx = i;
    chan_defaults(ft, &ft->ch[i]);
  }
  ft->rs.state = RX_WAIT_HIGH;
  if (ft->opt.stall && ft->opt.stall_after == 0) ft->stalled = 1;
  ft->split_want = SPLIT_PICK;
  return ft;
}

void ft_destroy(ft2232h *ft) {
  if (!ft) return;
  if (ft->board.destroy) ft->board.destroy(ft->board.ctx);
  free(ft);
}

void ft_usb_reset(ft2232h *ft) {
  for (int i = 0; i < 2; i++) chan_defaults(ft, &ft->ch[i]);
  ft->ts.busy = 0;
  ft->ts.repeat = 0;
}

uint64_t ft_cycles(const ft2232h *ft) { return ft->cycle; }

void ft_get_stats(const ft2232h *ft, ft_stats *st) {
  *st = ft->st;
  st->cycles = ft->cycle;
  st->baud_num = (uint32_t)ft->ch[1].num;
  st->baud_den = (uint32_t)ft->ch[1].den;
  st->baud = ft->ch[1].baud;
  st->latency_ms = ft->opt.latency_override_ms > 0 ? (unsigned)ft->opt.latency_override_ms
                                                   : ft->ch[1].latency_ms;
}

int ft_unplug_requested(const ft2232h *ft) { return ft->unplug_req; }

static void count_bulk_bytes(ft2232h *ft, uint64_t n) {
  ft->bulk_bytes += n;
  if (ft->opt.unplug_after_bytes && ft->bulk_bytes >= ft->opt.unplug_after_bytes) ft->unplug_req = 1;
}

/* ------------------------------------------------------------ IN packets */
static void rx_pop(chan *c, uint8_t *dst, unsigned n) {
  for (unsigned i = 0; i < n; i++) {
    dst[i] = c->rx[c->rx_head];
    c->rx_head = (c->rx_head + 1) % FT_FIFO_BYTES;
  }
  c->rx_count -= n;
}

static uint8_t line_status(const ft2232h *ft, const chan *c) {
  uint8_t s = c->line_err;
  if (c->idx == 1) {
    if (c->tx_count == 0) s |= LS_THRE;
    if (c->tx_count == 0 && !ft->ts.busy) s |= LS_TEMT;
  } else {
    s |= LS_THRE | LS_TEMT;
  }
  return s;
}

/* Send one IN packet of n data bytes into the channel's first IN URB. */
static void send_packet(ft2232h *ft, chan *c, unsigned n) {
  ft_urb *u = c->in_q.head;
  int plen = 2 + (int)n;
  int room = u->len - u->actual;
  if (plen > room) {
    /* babble: the packet does not fit the URB (the host's buffer is not a
     * multiple of the max packet size); the data is lost, as on hardware */
    uint8_t junk[PKT_DATA];
    rx_pop(c, junk, n);
    c->lat_deadline = ft->cycle + lat_cycles(ft, c);
    complete(ft, &c->in_q, u, -EOVERFLOW);
    return;
  }
  u->buf[u->actual] = B0_IDLE;
  u->buf[u->actual + 1] = line_status(ft, c);
  c->line_err = 0;
  rx_pop(c, u->buf + u->actual + 2, n);
  u->actual += plen;
  u->packets++;
  if (plen == FT_MAX_PACKET)
    ft->st.pkt_full++;
  else if (n)
    ft->st.pkt_short++;
  else
    ft->st.pkt_status_only++;
  if (c->idx == 1) {
    ft->st.in_bytes += n;
    count_bulk_bytes(ft, n);
  }
  c->lat_deadline = ft->cycle + lat_cycles(ft, c);
  if (plen < FT_MAX_PACKET || u->actual == u->len) {
    int st = 0;
    if (plen < FT_MAX_PACKET && u->actual < u->len && (u->flags & URB_SHORT_NOT_OK)) st = -EREMOTEIO;
    complete(ft, &c->in_q, u, st);
  }
}

/* Release IN packets that are due now (zero simulated time). */
static void in_service(ft2232h *ft, chan *c) {
  while (c->in_q.head) {
    int expired = ft->cycle >= c->lat_deadline;
    unsigned avail = c->rx_count;
    if (ft->opt.split == FT_SPLIT_RANDOM && c->idx == 1) {
      /* Adversarial but possible packetization: each packet's size is drawn
       * at random (full, 1 byte, status only at a random moment, or a
       * random part); the latency timer still works as usual. */
      unsigned n;
      if (ft->split_want == SPLIT_PICK) {
        uint64_t r = xorshift(&ft->split_rng);
        unsigned k = (unsigned)(r % 20);
        if (k < 10) ft->split_want = PKT_DATA;
        else if (k < 13) ft->split_want = 1;
        else if (k < 15) {
          ft->split_want = 0;
          ft->split_next = ft->cycle + 1 + (r >> 8) % 200;
        } else ft->split_want = 2 + (unsigned)((r >> 8) % (PKT_DATA - 2));
      }
      if (ft->split_want == 0 ? ft->cycle >= ft->split_next : avail >= ft->split_want)
        n = ft->split_want;
      else if (expired)
        n = avail < PKT_DATA ? avail : PKT_DATA;
      else
        break;
      ft->split_want = SPLIT_PICK;
      send_packet(ft, c, n);
      continue;
    }
    if (avail >= PKT_DATA) {
      send_packet(ft, c, PKT_DATA);
    } else if (expired) {
      send_packet(ft, c, avail);
    } else {
      break;
    }
  }
}

/* ------------------------------------------------------------ OUT data */
static void out_service(ft2232h *ft, chan *c) {
  while (c->out_q.head) {
    ft_urb *u = c->out_q.head;
    int remaining = u->len - u->actual;
    if (remaining == 0) {
      complete(ft, &c->out_q, u, 0);
      continue;
    }
    int chunk = remaining < FT_MAX_PACKET ? remaining : FT_MAX_PACKET;
    if (c->idx == 0) { /* channel A: nothing behind it, data vanishes */
      u->actual = u->len;
      continue;
    }
    if (FT_FIFO_BYTES - c->tx_count < (unsigned)chunk) break; /* NAK */
    for (int i = 0; i < chunk; i++)
      c->tx[(c->tx_head + c->tx_count + (unsigned)i) % FT_FIFO_BYTES] = u->buf[u->actual + i];
    c->tx_count += (unsigned)chunk;
    u->actual += chunk;
    ft->st.out_bytes += (uint64_t)chunk;
    count_bulk_bytes(ft, (uint64_t)chunk);
  }
}

/* ------------------------------------------------------------ UART wires */
static int can_transmit(ft2232h *ft, chan *c) {
  if (c->bitmode != 0) return 0;       /* pins are not a UART */
  if (c->num == 0) return 0;           /* invalid divisor */
  if (c->line & 0x4000) return 0;      /* break */
  if (c->flow & 0x03) {                /* RTS/CTS or DTR/DSR: CTS#/DSR# idle high */
    if (!c->warned_flow) {
      fprintf(stderr, "tatami-vboard: the host enabled hardware flow control; CTS#/DSR# are "
                      "not connected on the iCEBreaker, so the FT2232H will not transmit\n");
      c->warned_flow = 1;
    }
    return 0;
  }
  if ((c->flow & 0x04) && c->xoff_paused) return 0;
  (void)ft;
  return 1;
}

/* Take the next byte for the wire, applying line faults. Returns -1 if none. */
static int next_tx_byte(ft2232h *ft, chan *c) {
  if (ft->ts.repeat) {
    ft->ts.repeat = 0;
    return ft->ts.byte;
  }
  while (c->tx_count) {
    uint8_t b = c->tx[c->tx_head];
    c->tx_head = (c->tx_head + 1) % FT_FIFO_BYTES;
    c->tx_count--;
    if (ft->opt.fault_rate > 0 && rnd01(&ft->fault_rng) < ft->opt.fault_rate) {
      uint64_t r = xorshift(&ft->fault_rng);
      switch (r % 3) {
      case 0: ft->st.faults_drop++; continue;
      case 1: ft->st.faults_dup++; ft->ts.repeat = 1; break;
      default: ft->st.faults_corrupt++; b ^= (uint8_t)(1u << ((r >> 8) % 8)); break;
      }
    }
    ft->ts.byte = b;
    return b;
  }
  return -1;
}

static void load_frame(ft2232h *ft, chan *c, uint8_t b, uint64_t start) {
  int dbits, parity, stops;
  frame_format(c, &dbits, &parity, &stops);
  uint16_t f = 0; /* start bit 0 */
  int n = 1;
  for (int i = 0; i < dbits; i++, n++) f |= (uint16_t)(((b >> i) & 1u) << n);
  if (parity) f |= (uint16_t)(parity_bit(b, dbits, parity) << n++);
  for (int i = 0; i < stops; i++, n++) f |= (uint16_t)(1u << n);
  ft->ts.bits = f;
  ft->ts.nbits = n;
  ft->ts.start = start;
  ft->ts.busy = 1;
  ft->st.uart_to_fpga++;
  if (ft->opt.stall && ft->st.uart_to_fpga >= ft->opt.stall_after) ft->stalled = 1;
}

/* Level of the FPGA's RX pin during the current cycle. */
static int tx_pin_level(ft2232h *ft, chan *c) {
  txshift *s = &ft->ts;
  uint64_t t = ft->cycle * c->den;
  if (c->line & 0x4000) return 0;
  for (;;) {
    if (!s->busy) {
      if (!can_transmit(ft, c)) return 1;
      int b = next_tx_byte(ft, c);
      if (b < 0) return 1;
      load_frame(ft, c, (uint8_t)b, t);
    }
    uint64_t i = (t - s->start) / c->num;
    if (i < (uint64_t)s->nbits) return (s->bits >> i) & 1;
    /* frame over: the next one starts exactly where it ended */
    uint64_t end = s->start + (uint64_t)s->nbits * c->num;
    s->busy = 0;
    if (!can_transmit(ft, c)) return 1;
    int b = next_tx_byte(ft, c);
    if (b < 0) return 1;
    load_frame(ft, c, (uint8_t)b, end);
  }
}

static void rx_deliver(ft2232h *ft, chan *c, uint8_t b, uint8_t err) {
  int copies = 1;
  ft->st.uart_from_fpga++;
  if (ft->opt.fault_rate > 0 && rnd01(&ft->fault_rng) < ft->opt.fault_rate) {
    uint64_t r = xorshift(&ft->fault_rng);
    switch (r % 3) {
    case 0: ft->st.faults_drop++; return;
    case 1: ft->st.faults_dup++; copies = 2; break;
    default: ft->st.faults_corrupt++; b ^= (uint8_t)(1u << ((r >> 8) % 8)); break;
    }
  }
  c->line_err |= err;
  if (c->flow & 0x04) { /* XON/XOFF: the chip consumes these characters */
    if (b == c->xoff) { c->xoff_paused = 1; return; }
    if (b == c->xon) { c->xoff_paused = 0; return; }
  }
  for (int i = 0; i < copies; i++) {
    if (c->rx_count == FT_FIFO_BYTES) {
      c->line_err |= LS_OE;
      ft->st.overruns++;
      return;
    }
    c->rx[(c->rx_head + c->rx_count) % FT_FIFO_BYTES] = b;
    c->rx_count++;
  }
}

/* The chip's receiver: start-bit edge, then a sample in the middle of every
 * bit at the configured baud. */
static void rx_sample(ft2232h *ft, chan *c, int level) {
  rxsamp *r = &ft->rs;
  if (c->num == 0 || c->bitmode != 0) {
    r->state = RX_WAIT_HIGH;
    return;
  }
  switch (r->state) {
  case RX_WAIT_HIGH:
    if (level) r->state = RX_HUNT;
    return;
  case RX_HUNT:
    if (level) return;
    r->state = RX_RECV;
    r->start = ft->cycle * c->den;
    r->k = 0;
    r->data = 0;
    r->ones = 0;
    break;
  default:
    if (ft->cycle < r->next_sample) return;
    {
      int dbits, parity, stops;
      frame_format(c, &dbits, &parity, &stops);
      int k = r->k;
      if (k == 0) {
        if (level) { /* glitch, not a start bit */
          r->state = RX_HUNT;
          return;
        }
      } else if (k <= dbits) {
        r->data |= (unsigned)level << (k - 1);
        r->ones += level;
      } else if (parity && k == dbits + 1) {
        if (level != parity_bit(r->data, dbits, parity)) c->line_err |= LS_PE;
      } else { /* first stop bit */
        uint8_t err = 0;
        if (!level) {
          err = LS_FE;
          ft->st.framing_errors++;
          if (r->data == 0) err |= LS_BI;
        }
        rx_deliver(ft, c, (uint8_t)r->data, err);
        r->state = level ? RX_HUNT : RX_WAIT_HIGH;
        return;
      }
      r->k++;
    }
    break;
  }
  /* cycle of the middle of bit k: start + (k + 1/2) periods, rounded up */
  uint64_t t2 = 2 * r->start + (uint64_t)(2 * r->k + 1) * c->num;
  r->next_sample = (t2 + 2 * c->den - 1) / (2 * c->den);
}

/* ------------------------------------------------------------ the clock */
static void step(ft2232h *ft) {
  chan *b = &ft->ch[1], *a = &ft->ch[0];
  int rx_level = tx_pin_level(ft, b);
  int btn_n = 1;
  if ((uint64_t)ft->opt.reset_cycles > ft->cycle) btn_n = 0;
  if (ft->stalled && ft->opt.stall == FT_STALL_RESET) btn_n = 0;
  int tx_level = ft->board.tick(ft->board.ctx, rx_level, btn_n);
  if (ft->stalled && ft->opt.stall == FT_STALL_TX_HIGH) tx_level = 1;
  if (ft->stalled && ft->opt.stall == FT_STALL_TX_LOW) tx_level = 0;
  rx_sample(ft, b, tx_level);
  if (b->in_q.head) in_service(ft, b);
  if (a->in_q.head) in_service(ft, a);
  if (b->out_q.head && b->tx_count + FT_MAX_PACKET <= FT_FIFO_BYTES) out_service(ft, b);
  ft->cycle++;
}

int ft_has_pending(const ft2232h *ft) {
  for (int i = 0; i < 2; i++)
    if (ft->ch[i].in_q.head || ft->ch[i].out_q.head) return 1;
  return 0;
}

uint64_t ft_run(ft2232h *ft, uint64_t max_cycles) {
  uint64_t n = 0;
  while (n < max_cycles && !ft->done.head && !ft->unplug_req && !ft->unplugged &&
         ft_has_pending(ft)) {
    step(ft);
    n++;
  }
  return n;
}

void ft_power_up(ft2232h *ft, uint64_t n) {
  for (uint64_t i = 0; i < n; i++) step(ft);
}

/* ------------------------------------------------------------ USB side */
static chan *chan_of_ep(ft2232h *ft, uint8_t ep) {
  switch (ep) {
  case 0x81: case 0x02: return &ft->ch[0];
  case 0x83: case 0x04: return &ft->ch[1];
  default: return NULL;
  }
}

int ft_submit_bulk(ft2232h *ft, ft_urb *u) {
  chan *c = chan_of_ep(ft, u->ep);
  if (!c) return -EINVAL;
  u->actual = 0;
  u->status = -EINPROGRESS;
  u->packets = 0;
  if (c->idx == 1) {
    ft->bulk_urbs++;
    if (ft->opt.unplug_after_urbs && ft->bulk_urbs >= ft->opt.unplug_after_urbs) ft->unplug_req = 1;
  }
  if (u->ep & 0x80) {
    q_push(&c->in_q, u);
    in_service(ft, c);
  } else {
    q_push(&c->out_q, u);
    out_service(ft, c);
  }
  return 0;
}

int ft_discard(ft2232h *ft, ft_urb *u) {
  for (int i = 0; i < 2; i++) {
    chan *c = &ft->ch[i];
    if (q_remove(&c->in_q, u) || q_remove(&c->out_q, u)) {
      complete(ft, NULL, u, -ENOENT);
      return 0;
    }
  }
  return -EINVAL;
}

ft_urb *ft_pop_done(ft2232h *ft) {
  ft_urb *u = ft->done.head;
  if (u) q_remove(&ft->done, u);
  return u;
}

void ft_unplug(ft2232h *ft) {
  ft->unplugged = 1;
  for (int i = 0; i < 2; i++) {
    chan *c = &ft->ch[i];
    while (c->in_q.head) complete(ft, &c->in_q, c->in_q.head, -ESHUTDOWN);
    while (c->out_q.head) complete(ft, &c->out_q, c->out_q.head, -ESHUTDOWN);
  }
}

/* ------------------------------------------------------------ descriptors */
static const uint8_t dev_desc[18] = {
  0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x40, 0x03, 0x04, 0x10, 0x60,
  0x00, 0x07, 0x01, 0x02, 0x00, 0x01};
static const uint8_t cfg_desc[55] = {
  0x09, 0x02, 0x37, 0x00, 0x02, 0x01, 0x00, 0x80, 0x32,
  0x09, 0x04, 0x00, 0x00, 0x02, 0xFF, 0xFF, 0xFF, 0x02,
  0x07, 0x05, 0x81, 0x02, 0x00, 0x02, 0x00,
  0x07, 0x05, 0x02, 0x02, 0x00, 0x02, 0x00,
  0x09, 0x04, 0x01, 0x00, 0x02, 0xFF, 0xFF, 0xFF, 0x02,
  0x07, 0x05, 0x83, 0x02, 0x00, 0x02, 0x00,
  0x07, 0x05, 0x04, 0x02, 0x00, 0x02, 0x00};
static const uint8_t qual_desc[10] = {0x0A, 0x06, 0x00, 0x02, 0x00, 0x00, 0x00, 0x40, 0x01, 0x00};

static char g_serial[64];

size_t ft_descriptors(uint8_t *out, size_t max, const char *serial) {
  if (max < sizeof dev_desc + sizeof cfg_desc) return 0;
  memcpy(out, dev_desc, sizeof dev_desc);
  if (serial && *serial) {
    out[16] = 3;
    snprintf(g_serial, sizeof g_serial, "%s", serial);
  }
  memcpy(out + sizeof dev_desc, cfg_desc, sizeof cfg_desc);
  return sizeof dev_desc + sizeof cfg_desc;
}

static int string_desc(unsigned idx, uint8_t *out, int max) {
  const char *s;
  uint8_t tmp[2 + 2 * 64];
  int n;
  if (idx == 0) {
    tmp[0] = 4; tmp[1] = 3; tmp[2] = 0x09; tmp[3] = 0x04;
    n = 4;
  } else {
    if (idx == 1) s = "FTDI";
    else if (idx == 2) s = "Dual RS232-H";
    else if (idx == 3 && g_serial[0]) s = g_serial;
    else return -1;
    size_t l = strlen(s);
    if (l > 63) l = 63;
    tmp[0] = (uint8_t)(2 + 2 * l);
    tmp[1] = 3;
    for (size_t i = 0; i < l; i++) {
      tmp[2 + 2 * i] = (uint8_t)s[i];
      tmp[3 + 2 * i] = 0;
    }
    n = (int)(2 + 2 * l);
  }
  if (n > max) n = max;
  memcpy(out, tmp, (size_t)n);
  return n;
}

/* ------------------------------------------------------------ control */
static chan *chan_of_index(ft2232h *ft, uint16_t windex) {
  return (windex & 0xFF) == 2 ? &ft->ch[1] : &ft->ch[0];
}

static void purge_rx(chan *c) { c->rx_head = c->rx_count = 0; }
static void purge_tx(ft2232h *ft, chan *c) {
  c->tx_head = c->tx_count = 0;
  if (c->idx == 1) ft->ts.repeat = 0;
}

void ft_submit_control(ft2232h *ft, ft_urb *u) {
  uint8_t *s = u->buf;
  uint8_t rt = s[0], req = s[1];
  uint16_t wv = (uint16_t)(s[2] | s[3] << 8), wi = (uint16_t)(s[4] | s[5] << 8);
  uint16_t wl = (uint16_t)(s[6] | s[7] << 8);
  uint8_t *data = s + 8;
  int maxd = u->len - 8;
  int in = rt & 0x80;
  int n = 0, stall = 0;
  if (maxd < 0) maxd = 0;
  if (wl < maxd) maxd = wl;
  ft->st.ctrl_requests++;
  if ((rt & 0x60) == 0x00) { /* standard */
    switch (req) {
    case 0x06: { /* GET_DESCRIPTOR */
      unsigned type = wv >> 8, idx = wv & 0xFF;
      const uint8_t *d = NULL;
      int dl = 0;
      if (type == 1) { d = dev_desc; dl = sizeof dev_desc; }
      else if (type == 2 && idx == 0) { d = cfg_desc; dl = sizeof cfg_desc; }
      else if (type == 6) { d = qual_desc; dl = sizeof qual_desc; }
      else if (type == 3) {
        n = string_desc(idx, data, maxd);
        if (n < 0) stall = 1;
        break;
      } else { stall = 1; break; }
      n = dl < maxd ? dl : maxd;
      memcpy(data, d, (size_t)n);
      if (type == 1 && n > 16 && g_serial[0]) data[16] = 3;
      break;
    }
    case 0x00: /* GET_STATUS */
      n = maxd < 2 ? maxd : 2;
      memset(data, 0, (size_t)n);
      break;
    case 0x08: /* GET_CONFIGURATION */
      if (maxd >= 1) { data[0] = 1; n = 1; }
      break;
    case 0x0A: /* GET_INTERFACE */
      if (maxd >= 1) { data[0] = 0; n = 1; }
      break;
    case 0x01: case 0x03: case 0x09: case 0x0B: /* CLEAR/SET_FEATURE, SET_CONFIG/INTERFACE */
      break;
    default:
      stall = 1;
    }
  } else if ((rt & 0x60) == 0x40) { /* vendor: the SIO requests */
    chan *c = chan_of_index(ft, wi);
    switch (req) {
    case 0x00: /* reset / purge */
      if (wv == 0) { purge_rx(c); purge_tx(ft, c); }
      else if (wv == 1) purge_rx(c);
      else if (wv == 2) purge_tx(ft, c);
      break;
    case 0x01: c->modem_ctrl = wv; break;
    case 0x02: c->flow = (uint8_t)(wi >> 8); c->xon = (uint8_t)wv; c->xoff = (uint8_t)(wv >> 8);
      c->xoff_paused = 0; break;
    case 0x03: {
      uint64_t num, den;
      c->baud = ft_decode_baud(wv, wi, ft->opt.clock_hz, &num, &den);
      c->num = num;
      c->den = den;
      if (c->idx == 1) {
        ft->ts.busy = 0; /* a frame in flight is cut short */
        ft->rs.state = RX_WAIT_HIGH;
        ft->st.baud_sets++;
      }
      break;
    }
    case 0x04: c->line = wv; break;
    case 0x05: /* modem status */
      if (maxd >= 1) data[n++] = B0_IDLE;
      if (maxd >= 2) data[n++] = line_status(ft, c);
      break;
    case 0x06: case 0x07: break; /* event / error character */
    case 0x09: c->latency_ms = wv & 0xFF;
      c->lat_deadline = ft->cycle + lat_cycles(ft, c);
      break;
    case 0x0A: if (maxd >= 1) { data[0] = (uint8_t)c->latency_ms; n = 1; } break;
    case 0x0B: c->bitmask = (uint8_t)wv; c->bitmode = (uint8_t)(wv >> 8); break;
    case 0x0C: if (maxd >= 1) { data[0] = 0xFF; n = 1; } break; /* read pins */
    case 0x90: /* read EEPROM word: blank */
      n = maxd < 2 ? maxd : 2;
      memset(data, 0xFF, (size_t)n);
      break;
    case 0x91: case 0x92: break; /* EEPROM write/erase: ignored */
    default: stall = 1;
    }
  } else {
    stall = 1;
  }
  if (stall) ft->st.unknown_requests++;
  if (!in) n = (wl <= u->len - 8) ? wl : 0;
  u->actual = stall ? 0 : n;
  complete(ft, NULL, u, stall ? -EPIPE : 0);
}
