/* The sim: backend: the wire protocol and the reliable transport (link.c)
 * over the in-process Verilator tile (sim/tatami_sim.h).
 *
 * The device operations are the shared wire ones (wire_dev.c); this file
 * is the byte link, the options and the simulator's lifetime.
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
#include "wire_dev.h"

#define SIM_RUN_CYCLES 256u                  /* simulate this many cycles per step */
#define SIM_QUIET_CYCLES 256u                /* idle this long = link timeout */
/* No response byte for this long = give up (TATAMI_ETIMEOUT). The longest
 * legitimate wait is the largest GEMM that fits the SRAM: ~3e5 cycles on
 * the sim profile at full array use, so this leaves a wide margin for a
 * slow engine while bounding a stuck tile (the model runs ~1e5 cycles/s).
 * The iCEBreaker FP variant does one MAC at a time (~30 clocks in BF16): its
 * largest GEMM (147^3 in 128 KiB) takes ~1e8 cycles; its small model runs
 * ~2e6 cycles/s. */
#define SIM_MAX_WAIT_CYCLES 20000000ull
#define SIM_MAX_WAIT_CYCLES_SERIAL 400000000ull

typedef struct sim_dev {
  tatami_wire wire;    /* first: the shared wire operations find it (wire_dev.h) */
  tatami_sim *sim;
  uint64_t max_wait;   /* cycles without a response byte before TATAMI_ETIMEOUT */
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
    if (spent >= d->max_wait) return TATAMI_ETIMEOUT;
    tatami_sim_run(d->sim, SIM_RUN_CYCLES);
    spent += SIM_RUN_CYCLES;
    quiet = tatami_sim_idle(d->sim) ? quiet + SIM_RUN_CYCLES : 0;
  }
}

/* ------------------------------------------------------------ ops */
static void sim_free(sim_dev *d) {
  if (!d) return;
  tatami_wire_free(&d->wire);
  if (d->sim) {
    tatami_sim_trace_stop(d->sim);
    tatami_sim_destroy(d->sim);
  }
  free(d);
}

static void sim_close(tatami_device *dev) {
  sim_free(dev->impl);
  dev->impl = NULL;
}

static const tatami_backend_ops sim_ops = {
    .name = "sim",
    .write = tatami_wire_write,
    .read = tatami_wire_read,
    .gemm = tatami_wire_gemm,
    .cmd = tatami_wire_cmd,
    .get_counters = tatami_wire_get_counters,
    .clear_counters = tatami_wire_clear_counters,
    .sync = tatami_wire_sync,
    .close = sim_close,
};

tatami_sim *tatami_sim_dev_handle(tatami_device *dev) {
  return dev && dev->ops == &sim_ops ? ((sim_dev *)dev->impl)->sim : NULL;
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
  unsigned long ftdi_ms;  /* FT2232H latency timer to model, ms (0: none) */
} sim_opts;

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
    rc = tatami_uri_bad("sim: empty option in \"%s\"%s", opts, "");
    goto out;
  }
  for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(item, '=');
    if (!eq || eq == item) {
      rc = tatami_uri_bad("sim: option \"%s\" is not key=value%s", item, "");
      goto out;
    }
    *eq = '\0';
    const char *key = item, *val = eq + 1;
    unsigned long long u;
    if (!strcmp(key, "profile")) {
      if (!*val || strlen(val) >= sizeof o->profile) {
        rc = tatami_uri_bad("sim: bad profile \"%s\"%s", val, "");
        goto out;
      }
      strcpy(o->profile, val);
    } else if (!strcmp(key, "trace")) {
      if (!*val || strlen(val) >= sizeof o->trace) {
        rc = tatami_uri_bad("sim: bad trace file name \"%s\"%s", val, "");
        goto out;
      }
      strcpy(o->trace, val);
    } else if (!strcmp(key, "baud")) {
      if (tatami_uri_num(val, 0, UINT32_MAX, &u)) {
        rc = tatami_uri_bad("sim: bad baud \"%s\"%s", val, " (want an integer rate, 0 = no UART)");
        goto out;
      }
      o->baud = (unsigned long)u;
      o->have_baud = 1;
    } else if (!strcmp(key, "clock")) {
      if (tatami_uri_num(val, 0, UINT32_MAX, &u) || u == 0) {
        rc = tatami_uri_bad("sim: bad clock \"%s\"%s", val, " (want Hz, > 0)");
        goto out;
      }
      o->clock = (unsigned long)u;
      o->have_clock = 1;
    } else if (!strcmp(key, "faults")) {
      char *end;
      errno = 0;
      double r = strtod(val, &end);
      if (!*val || errno || *end || !(r >= 0.0 && r < 1.0)) {
        rc = tatami_uri_bad("sim: bad faults \"%s\"%s", val, " (want a rate in [0, 1))");
        goto out;
      }
      o->faults = r;
      o->have_faults = 1;
    } else if (!strcmp(key, "ftdi")) {
      if (tatami_uri_num(val, 0, 255, &u)) {
        rc = tatami_uri_bad("sim: bad ftdi \"%s\"%s", val, " (want the FT2232H latency timer in ms, 0..255)");
        goto out;
      }
      o->ftdi_ms = (unsigned long)u;
    } else if (!strcmp(key, "seed")) {
      if (tatami_uri_num(val, 0, UINT64_MAX, &u)) {
        rc = tatami_uri_bad("sim: bad seed \"%s\"%s", val, "");
        goto out;
      }
      o->seed = u;
    } else {
      rc = tatami_uri_bad("sim: unknown option \"%s\"%s", key,
                   " (known: profile, trace, baud, clock, faults, seed, ftdi)");
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
  if (!known) return tatami_uri_bad("sim: unknown profile \"%s\" (built-in profiles: %s)", o.profile, list);

  sim_dev *d = calloc(1, sizeof *d);
  if (!d) return TATAMI_ENOMEM;
  d->sim = tatami_sim_create(o.profile);
  d->max_wait = strcmp(o.profile, "icebreaker-fp") ? SIM_MAX_WAIT_CYCLES : SIM_MAX_WAIT_CYCLES_SERIAL;
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
  rc = tatami_wire_init(&d->wire, "sim", &io);
  if (rc) {
    sim_free(d);
    return rc;
  }

  tatami_info info;
  rc = tatami_wire_hello(&d->wire, 0, &info);
  if (rc) {
    tatami_set_open_error("sim: HELLO failed: %s%s%s", tatami_strerror(rc),
                          d->wire.link.msg[0] ? ": " : "", d->wire.link.msg);
    sim_free(d);
    return rc;
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
  if (o.have_baud) info.link_baud = (uint32_t)o.baud;  /* 0: no UART */
  /* clock= sets the simulated tile's clock: cycle counts convert to time
   * (and to link throughput) at this rate, as they would on that board. */
  if (o.have_clock) info.clock_hz = o.clock;
  /* The board's FT2232H: small answers wait for its latency timer. */
  if (o.ftdi_ms && tatami_sim_set_ftdi_latency(d->sim, (uint64_t)o.ftdi_ms * info.clock_hz / 1000u)) {
    sim_free(d);
    tatami_set_open_error("sim: ftdi=%lu rejected by the simulator", o.ftdi_ms);
    return TATAMI_EURI;
  }
  d->wire.chunk = pick_chunk(o.faults, info.max_data);

  dev->ops = &sim_ops;
  dev->impl = d;
  dev->info = info;
  return 0;
}
