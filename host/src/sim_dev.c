/* The sim: backend: the wire protocol and the reliable transport (link.c)
 * over the in-process Verilator tile (sim/tatami_sim.h).
 *
 * The byte link: send = tatami_sim_push; receive = run the simulator in
 * chunks and pull. "Nothing more will come" is decided deterministically
 * from the simulation, not the wall clock: the tile has been idle (no link
 * bytes queued, no partial frame, nothing executing) for SIM_QUIET_CYCLES
 * with no response byte. A hard cap on simulated cycles per wait keeps a
 * tile that never goes idle from hanging the host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "link.h"
#include "proto.h"
#include "sim_dev.h"
#include "tatami_sim.h"

#define SIM_RUN_CYCLES 256u                  /* simulate this many cycles per step */
#define SIM_QUIET_CYCLES 256u                /* idle this long = link timeout */
/* No response byte for this long = give up (TATAMI_ETIMEOUT). The longest
 * legitimate wait is the largest GEMM that fits the SRAM: ~3e5 cycles on
 * the sim profile at full array use, so this leaves a wide margin for a
 * slow engine while bounding a stuck tile (the model runs ~1e5 cycles/s). */
#define SIM_MAX_WAIT_CYCLES 20000000ull

typedef struct sim_dev {
  tatami_sim *sim;
  tatami_link link;
  int link_ready;
  size_t chunk;        /* data bytes per WRITE/READ frame */
} sim_dev;

/* ------------------------------------------------------------ byte link */
static int sim_send(void *ctx, const uint8_t *buf, size_t n) {
  sim_dev *d = ctx;
  return tatami_sim_push(d->sim, buf, n) == 0 ? 0 : TATAMI_ENOMEM;
}

static long sim_recv(void *ctx, uint8_t *buf, size_t max) {
  sim_dev *d = ctx;
  uint64_t quiet = 0, spent = 0;
  for (;;) {
    size_t n = tatami_sim_pull(d->sim, buf, max);
    if (n) return (long)n;
    if (quiet >= SIM_QUIET_CYCLES) return 0;
    if (spent >= SIM_MAX_WAIT_CYCLES) return TATAMI_ETIMEOUT;
    tatami_sim_run(d->sim, SIM_RUN_CYCLES);
    spent += SIM_RUN_CYCLES;
    quiet = tatami_sim_idle(d->sim) ? quiet + SIM_RUN_CYCLES : 0;
  }
}

/* ------------------------------------------------------------ helpers */
static sim_dev *impl(tatami_device *dev) { return dev->impl; }

/* Report a link failure or a device status with a message. */
static int report(tatami_device *dev, int rc, const char *what) {
  sim_dev *d = impl(dev);
  if (rc == 0) return 0;
  if (d->link.failed && rc == d->link.failed)
    return tatami_dev_error(dev, rc, "sim: %s: %s: %s", what, tatami_strerror(rc),
                            tatami_link_message(&d->link));
  if (rc == TATAMI_EPROTO)
    return tatami_dev_error(dev, rc, "sim: %s: %s", what, tatami_link_message(&d->link));
  return tatami_dev_error(dev, rc, "sim: %s: device answered %s", what, tatami_strerror(rc));
}

/* Addresses on the wire are u32; anything beyond cannot even be sent. */
static int check_range(tatami_device *dev, uint64_t addr, size_t n) {
  if (addr > UINT32_MAX || n > (uint64_t)UINT32_MAX + 1 - addr)
    return tatami_dev_error(dev, TATAMI_EDEV_ADDR_RANGE,
                            "sim: range 0x%llx + %zu is outside the 32-bit address space",
                            (unsigned long long)addr, n);
  return 0;
}

/* ------------------------------------------------------------ ops */
static int sim_write(tatami_device *dev, uint64_t addr, const void *src, size_t n) {
  sim_dev *d = impl(dev);
  const uint8_t *p = src;
  uint8_t payload[4 + TATAMI_MAX_DATA];
  int rc = check_range(dev, addr, n);
  if (rc) return rc;
  for (size_t off = 0; off < n;) {
    size_t k = n - off < d->chunk ? n - off : d->chunk;
    tatami_put_u32(payload, (uint32_t)(addr + off));
    memcpy(payload + 4, p + off, k);
    /* Queued: the status comes back through sync. */
    rc = tatami_link_submit(&d->link, TATAMI_OP_WRITE, payload, 4 + k, NULL, 0, NULL);
    if (rc) return report(dev, rc, "write");
    off += k;
  }
  return 0;
}

static int sim_read(tatami_device *dev, uint64_t addr, void *dst, size_t n) {
  sim_dev *d = impl(dev);
  uint8_t *p = dst;
  uint8_t payload[6];
  int st = 0;
  int rc = check_range(dev, addr, n);
  if (rc) return rc;
  for (size_t off = 0; off < n;) {
    size_t k = n - off < d->chunk ? n - off : d->chunk;
    tatami_put_u32(payload, (uint32_t)(addr + off));
    tatami_put_u16(payload + 4, (uint16_t)k);
    rc = tatami_link_submit(&d->link, TATAMI_OP_READ, payload, sizeof payload, p + off, k, &st);
    if (rc) return report(dev, rc, "read");
    off += k;
  }
  rc = tatami_link_wait_all(&d->link);
  if (rc) return report(dev, rc, "read");
  /* An earlier queued command's error is reported first (it came first). */
  int pending = tatami_link_take_error(&d->link);
  if (pending) return report(dev, pending, "queued command before read");
  return report(dev, st, "read");
}

static int sim_gemm(tatami_device *dev, const tatami_gemm_desc *desc) {
  sim_dev *d = impl(dev);
  uint8_t payload[TATAMI_GEMM_DESC_BYTES];
  tatami_gemm_desc_pack(payload, desc);
  int rc = tatami_link_submit(&d->link, TATAMI_OP_GEMM, payload, sizeof payload, NULL, 0, NULL);
  return report(dev, rc, "gemm");
}

static int sim_sync(tatami_device *dev) {
  sim_dev *d = impl(dev);
  int rc = tatami_link_wait_all(&d->link);
  if (rc) return report(dev, rc, "sync");
  return report(dev, tatami_link_take_error(&d->link), "queued command");
}

/* A synchronous command without payload. */
static int simple_cmd(tatami_device *dev, uint8_t code, void *rx, size_t rx_len,
                      const char *what) {
  sim_dev *d = impl(dev);
  int st = 0;
  int rc = tatami_link_submit(&d->link, code, NULL, 0, rx, rx_len, &st);
  if (!rc) rc = tatami_link_wait_all(&d->link);
  return report(dev, rc ? rc : st, what);
}

static int sim_get_counters(tatami_device *dev, tatami_counters *c) {
  sim_dev *d = impl(dev);
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
  c->tx_frames = d->link.stats.tx_frames;
  c->retransmits = d->link.stats.retransmits;
  c->timeouts = d->link.stats.timeouts;
  c->bad_responses = d->link.stats.bad_responses;
  return 0;
}

static int sim_clear_counters(tatami_device *dev) {
  return simple_cmd(dev, TATAMI_OP_CLEAR, NULL, 0, "clear counters");
}

static void sim_free(sim_dev *d) {
  if (!d) return;
  if (d->link_ready) tatami_link_free(&d->link);
  if (d->sim) {
    tatami_sim_trace_stop(d->sim);
    tatami_sim_destroy(d->sim);
  }
  free(d);
}

static void sim_close(tatami_device *dev) {
  sim_free(impl(dev));
  dev->impl = NULL;
}

static const tatami_backend_ops sim_ops = {
    .name = "sim",
    .write = sim_write,
    .read = sim_read,
    .gemm = sim_gemm,
    .get_counters = sim_get_counters,
    .clear_counters = sim_clear_counters,
    .sync = sim_sync,
    .close = sim_close,
};

tatami_sim *tatami_sim_dev_handle(tatami_device *dev) {
  return dev && dev->ops == &sim_ops ? impl(dev)->sim : NULL;
}

/* ------------------------------------------------------------ options */
typedef struct sim_opts {
  char profile[32];
  char trace[256];
  unsigned long baud, clock;
  int have_baud, have_clock;
  double faults;
  unsigned long long seed;
  int have_faults;
} sim_opts;

static int parse_ulong(const char *s, unsigned long long max, unsigned long long *out) {
  char *end;
  if (!*s || *s == '-' || *s == '+') return -1;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || *end || v > max) return -1;
  *out = v;
  return 0;
}

static int bad_uri(const char *fmt, const char *a, const char *b) {
  tatami_set_open_error(fmt, a, b);
  return TATAMI_EURI;
}

static int parse_opts(const char *opts, sim_opts *o) {
  memset(o, 0, sizeof *o);
  strcpy(o->profile, "sim");
  o->seed = 1;
  if (!opts || !*opts) return 0;
  char *copy = strdup(opts);
  if (!copy) return TATAMI_ENOMEM;
  int rc = 0;
  char *save = NULL;
  /* Empty items ("a=1,,b=2", trailing comma) are malformed: strtok_r would
   * hide them, so check first. */
  size_t len = strlen(copy);
  if (copy[0] == ',' || copy[len - 1] == ',' || strstr(copy, ",,")) {
    rc = bad_uri("sim: empty option in \"%s\"%s", opts, "");
    goto out;
  }
  for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(item, '=');
    if (!eq || eq == item) {
      rc = bad_uri("sim: option \"%s\" is not key=value%s", item, "");
      goto out;
    }
    *eq = '\0';
    const char *key = item, *val = eq + 1;
    unsigned long long u;
    if (!strcmp(key, "profile")) {
      if (!*val || strlen(val) >= sizeof o->profile) {
        rc = bad_uri("sim: bad profile \"%s\"%s", val, "");
        goto out;
      }
      strcpy(o->profile, val);
    } else if (!strcmp(key, "trace")) {
      if (!*val || strlen(val) >= sizeof o->trace) {
        rc = bad_uri("sim: bad trace file name \"%s\"%s", val, "");
        goto out;
      }
      strcpy(o->trace, val);
    } else if (!strcmp(key, "baud")) {
      if (parse_ulong(val, UINT32_MAX, &u)) {
        rc = bad_uri("sim: bad baud \"%s\"%s", val, " (want an integer rate, 0 = no UART)");
        goto out;
      }
      o->baud = (unsigned long)u;
      o->have_baud = 1;
    } else if (!strcmp(key, "clock")) {
      if (parse_ulong(val, UINT32_MAX, &u) || u == 0) {
        rc = bad_uri("sim: bad clock \"%s\"%s", val, " (want Hz, > 0)");
        goto out;
      }
      o->clock = (unsigned long)u;
      o->have_clock = 1;
    } else if (!strcmp(key, "faults")) {
      char *end;
      errno = 0;
      double r = strtod(val, &end);
      if (!*val || errno || *end || !(r >= 0.0 && r < 1.0)) {
        rc = bad_uri("sim: bad faults \"%s\"%s", val, " (want a rate in [0, 1))");
        goto out;
      }
      o->faults = r;
      o->have_faults = 1;
    } else if (!strcmp(key, "seed")) {
      if (parse_ulong(val, UINT64_MAX, &u)) {
        rc = bad_uri("sim: bad seed \"%s\"%s", val, "");
        goto out;
      }
      o->seed = u;
    } else {
      rc = bad_uri("sim: unknown option \"%s\"%s", key,
                   " (known: profile, trace, baud, clock, faults, seed)");
      goto out;
    }
  }
out:
  free(copy);
  return rc;
}

/* Data bytes per WRITE/READ frame. With injected faults, a 1 KiB frame
 * would almost never arrive intact (0.99^1039 ~ 3e-5 at rate 0.01), so
 * frames shrink to about 0.7/rate bytes (a power of two, >= 16). */
static size_t pick_chunk(double faults, uint32_t max_data) {
  size_t c = TATAMI_MAX_DATA;
  if (faults > 0) {
    double want = 0.7 / faults;
    while (c > 16 && (double)c > want) c /= 2;
  }
  return c < max_data ? c : max_data;
}

/* ------------------------------------------------------------ open */
int tatami_sim_dev_open(tatami_device *dev, const char *opts) {
  sim_opts o;
  int rc = parse_opts(opts, &o);
  if (rc) return rc;

  int known = 0;
  const char *const *names = tatami_sim_profiles();
  char list[256] = "";
  for (size_t i = 0; names && names[i]; i++) {
    if (!strcmp(names[i], o.profile)) known = 1;
    size_t used = strlen(list);
    snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
  }
  if (!known) return bad_uri("sim: unknown profile \"%s\" (built-in profiles: %s)", o.profile, list);

  sim_dev *d = calloc(1, sizeof *d);
  if (!d) return TATAMI_ENOMEM;
  d->sim = tatami_sim_create(o.profile);
  if (!d->sim) {
    sim_free(d);
    tatami_set_open_error("sim: cannot create a \"%s\" tile (out of memory)", o.profile);
    return TATAMI_ENOMEM;
  }
  if (o.trace[0] && tatami_sim_trace_start(d->sim, o.trace) != 0) {
    sim_free(d);
    tatami_set_open_error("sim: cannot write trace file \"%s\"", o.trace);
    return TATAMI_EIO;
  }
  /* Faults on before HELLO, so even opening goes through the lossy link. */
  if (o.have_faults && tatami_sim_set_faults(d->sim, o.faults, o.seed) != 0) {
    sim_free(d);
    tatami_set_open_error("sim: fault rate %g rejected by the simulator", o.faults);
    return TATAMI_EURI;
  }
  if (o.have_clock && tatami_sim_set_link(d->sim, (uint32_t)o.baud, (uint32_t)o.clock) != 0) {
    sim_free(d);
    tatami_set_open_error("sim: link baud=%lu clock=%lu rejected by the simulator", o.baud,
                          o.clock);
    return TATAMI_EURI;
  }

  tatami_byte_link io = {.ctx = d, .send = sim_send, .recv = sim_recv};
  rc = tatami_link_init(&d->link, &io, 0x00);  /* a lone tile is (0,0) */
  if (rc) {
    sim_free(d);
    return rc;
  }
  d->link_ready = 1;

  uint8_t rec[TATAMI_INFO_BYTES];
  rc = tatami_link_hello(&d->link, rec);
  if (rc) {
    tatami_set_open_error("sim: HELLO failed: %s%s%s", tatami_strerror(rc),
                          d->link.msg[0] ? ": " : "", d->link.msg);
    sim_free(d);
    return rc;
  }
  tatami_info info;
  memset(&info, 0, sizeof info);
  if (tatami_info_unpack(&info, rec) != 0) {
    sim_free(d);
    tatami_set_open_error("sim: the tile sent a malformed INFO record");
    return TATAMI_EPROTO;
  }
  snprintf(info.backend, sizeof info.backend, "sim");
  /* The UART clock defaults to the tile's nominal clock, known only now. */
  if (o.have_baud && !o.have_clock &&
      tatami_sim_set_link(d->sim, (uint32_t)o.baud, (uint32_t)info.clock_hz) != 0) {
    sim_free(d);
    tatami_set_open_error("sim: link baud=%lu clock=%llu rejected by the simulator", o.baud,
                          (unsigned long long)info.clock_hz);
    return TATAMI_EURI;
  }
  tatami_link_set_window(&d->link, info.credits);
  d->chunk = pick_chunk(o.faults, info.max_data);

  dev->ops = &sim_ops;
  dev->impl = d;
  dev->info = info;
  return 0;
}
