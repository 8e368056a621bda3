/* tatami: command-line tool for tatami devices.
 *   tatami [-d URI] info
 *   tatami [-d URI] selftest [--count N] [--seed S]
 *   tatami [-d URI] gemm M N K [--trans-a] [--trans-b] [--accumulate] [--check] [--seed S]
 *   tatami [-d URI] bench [--json] [--repeat N] [--dtype int8|bf16|cf8]
 *   tatami [-d URI] train [options]   (examples/train.c: tatami_train_main)
 * -d may come before or after the command. Results are checked against the
 * ref: device (the reference model) and against a plain loop written here,
 * so that a bug in the model cannot hide a bug in the device. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tatami.h"

#define EXIT_USAGE 2
#define MAX_DIM 0xFFFFFFu

/* ------------------------------------------------------------ small helpers */

static void die_usage(const char *cmd, const char *fmt, const char *arg) {
  fprintf(stderr, "tatami%s%s: ", cmd ? " " : "", cmd ? cmd : "");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'tatami %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
  exit(EXIT_USAGE);
}

static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out) {
  if (!s || !*s || *s == '-' || *s == '+') return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || *end || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

static uint64_t need_u64(const char *cmd, const char *what, const char *s, uint64_t lo,
                         uint64_t hi) {
  uint64_t v;
  if (parse_u64(s, lo, hi, &v) != 0) {
    char fmt[160];
    snprintf(fmt, sizeof fmt, "%s must be a whole number in %" PRIu64 "..%" PRIu64 ", not '%%s'",
             what, lo, hi);
    die_usage(cmd, fmt, s ? s : "");
  }
  return v;
}

/* The value after option argv[*i]; a missing one is a usage error. */
static const char *value_of(const char *cmd, int argc, char **argv, int *i) {
  if (*i + 1 >= argc) die_usage(cmd, "option %s needs a value", argv[*i]);
  return argv[++*i];
}

/* Report a library failure: what we were doing, the code's meaning and the
 * device's own message. */
static int fail(tatami_device *dev, const char *what, int err) {
  const char *msg = dev ? tatami_last_error(dev) : tatami_open_error();
  fprintf(stderr, "tatami: %s failed: %s%s%s\n", what, tatami_strerror(err),
          msg && *msg ? ": " : "", msg ? msg : "");
  return 1;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* splitmix64: tiny, good enough, and reproducible from a printed seed. */
static uint64_t rng_next(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static uint32_t rng_range(uint64_t *s, uint32_t lo, uint32_t hi) { /* inclusive */
  return lo + (uint32_t)(rng_next(s) % ((uint64_t)hi - lo + 1));
}

/* ------------------------------------------------------------ one checked GEMM */

typedef struct gemm_case {
  uint32_t m, n, k, lda, ldb, ldc;
  unsigned flags;
} gemm_case;

typedef struct gemm_data {  /* host copies, stored shapes with their strides */
  int8_t *a, *b;
  int32_t *c0;              /* C before the GEMM (pads included) */
  size_t a_len, b_len, c_len; /* elements spanned: (rows-1)*ld + cols */
} gemm_data;

static void stored_shape(const gemm_case *g, uint32_t *ar, uint32_t *ac, uint32_t *br,
                         uint32_t *bc) {
  *ar = (g->flags & TATAMI_TRANS_A) ? g->k : g->m;
  *ac = (g->flags & TATAMI_TRANS_A) ? g->m : g->k;
  *br = (g->flags & TATAMI_TRANS_B) ? g->n : g->k;
  *bc = (g->flags & TATAMI_TRANS_B) ? g->k : g->n;
}

static void data_free(gemm_data *d) {
  free(d->a);
  free(d->b);
  free(d->c0);
  memset(d, 0, sizeof *d);
}

/* Random operands; C's initial contents random too so that overwrite,
 * accumulate (with wrap near the int32 limits) and untouched pads all show. */
static int data_make(const gemm_case *g, uint64_t *rng, gemm_data *d) {
  uint32_t ar, ac, br, bc;
  stored_shape(g, &ar, &ac, &br, &bc);
  d->a_len = (size_t)(ar - 1) * g->lda + ac;
  d->b_len = (size_t)(br - 1) * g->ldb + bc;
  d->c_len = (size_t)(g->m - 1) * g->ldc + g->n;
  d->a = malloc(d->a_len);
  d->b = malloc(d->b_len);
  d->c0 = malloc(d->c_len * sizeof(int32_t));
  if (!d->a || !d->b || !d->c0) {
    data_free(d);
    return -1;
  }
  for (size_t i = 0; i < d->a_len; i++) d->a[i] = (int8_t)rng_next(rng);
  for (size_t i = 0; i < d->b_len; i++) d->b[i] = (int8_t)rng_next(rng);
  int extremes = (rng_next(rng) & 3) == 0;
  for (size_t i = 0; i < d->c_len; i++) {
    uint32_t v = (uint32_t)rng_next(rng);
    if (extremes) v = (v & 1) ? 0x7FFFFF00u + (v >> 24) : 0x80000000u + (v >> 24);
    d->c0[i] = (int32_t)v;
  }
  return 0;
}

/* The plain loop: exact int64 sums, wrapped to int32 at the end. */
static void naive_gemm(const gemm_case *g, const gemm_data *d, int32_t *c) {
  int ta = (g->flags & TATAMI_TRANS_A) != 0, tb = (g->flags & TATAMI_TRANS_B) != 0;
  memcpy(c, d->c0, d->c_len * sizeof(int32_t));
  for (uint32_t i = 0; i < g->m; i++) {
    for (uint32_t j = 0; j < g->n; j++) {
      int64_t sum = 0;
      for (uint32_t kk = 0; kk < g->k; kk++) {
        int64_t av = ta ? d->a[(size_t)kk * g->lda + i] : d->a[(size_t)i * g->lda + kk];
        int64_t bv = tb ? d->b[(size_t)j * g->ldb + kk] : d->b[(size_t)kk * g->ldb + j];
        sum += av * bv;
      }
      size_t at = (size_t)i * g->ldc + j;
      if (g->flags & TATAMI_ACCUMULATE) sum += c[at];
      c[at] = (int32_t)(uint32_t)(uint64_t)sum;
    }
  }
}

static void to_le32(const int32_t *v, size_t n, uint8_t *out) {
  for (size_t i = 0; i < n; i++) {
    uint32_t u = (uint32_t)v[i];
    out[4 * i] = (uint8_t)u;
    out[4 * i + 1] = (uint8_t)(u >> 8);
    out[4 * i + 2] = (uint8_t)(u >> 16);
    out[4 * i + 3] = (uint8_t)(u >> 24);
  }
}
static void from_le32(const uint8_t *p, size_t n, int32_t *v) {
  for (size_t i = 0; i < n; i++)
    v[i] = (int32_t)((uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
                     (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24);
}

typedef struct placed {  /* where a case's operands live in SRAM */
  uint64_t a, b, c;
} placed;

/* Upload the operands at p (same addresses on every device), run the GEMM
 * through the tensor API, and read back C's whole span into out. */
static int run_on(tatami_device *dev, const gemm_case *g, const gemm_data *d, const placed *p,
                  int32_t *out, const char **stage) {
  uint32_t ar, ac, br, bc;
  stored_shape(g, &ar, &ac, &br, &bc);
  size_t cbytes = d->c_len * 4;
  uint8_t *buf = malloc(cbytes);
  if (!buf) return TATAMI_ENOMEM;
  tatami_tensor ta, tb, tc;
  int rc;
  to_le32(d->c0, d->c_len, buf);
  if ((*stage = "upload A", rc = tatami_write(dev, p->a, d->a, d->a_len)) ||
      (*stage = "upload B", rc = tatami_write(dev, p->b, d->b, d->b_len)) ||
      (*stage = "upload C", rc = tatami_write(dev, p->c, buf, cbytes)) ||
      (*stage = "view A", rc = tatami_tensor_view(dev, TATAMI_INT8, ar, ac, g->lda, p->a, &ta)) ||
      (*stage = "view B", rc = tatami_tensor_view(dev, TATAMI_INT8, br, bc, g->ldb, p->b, &tb)) ||
      (*stage = "view C",
       rc = tatami_tensor_view(dev, TATAMI_INT32, g->m, g->n, g->ldc, p->c, &tc)) ||
      (*stage = "gemm", rc = tatami_gemm(dev, &ta, &tb, &tc, g->flags)) ||
      (*stage = "sync", rc = tatami_sync(dev)) ||
      (*stage = "read C", rc = tatami_read(dev, p->c, buf, cbytes))) {
    free(buf);
    return rc;
  }
  from_le32(buf, d->c_len, out);
  free(buf);
  return 0;
}

static void describe(const gemm_case *g, char *s, size_t n) {
  snprintf(s, n, "%ux%ux%u%s%s%s lda %u ldb %u ldc %u", g->m, g->n, g->k,
           (g->flags & TATAMI_TRANS_A) ? " trans-a" : "", (g->flags & TATAMI_TRANS_B) ? " trans-b" : "",
           (g->flags & TATAMI_ACCUMULATE) ? " accumulate" : "", g->lda, g->ldb, g->ldc);
}

/* Run g on dev (operands at p) and, if ref is given, on ref; compare dev,
 * ref and the plain loop over C's whole span (pads must be untouched).
 * Returns 0 if all agree, 1 on a mismatch, or a negative error. */
static int checked_gemm(tatami_device *dev, tatami_device *ref, const gemm_case *g,
                        const gemm_data *d, const placed *p) {
  char desc[128];
  describe(g, desc, sizeof desc);
  int32_t *got = malloc(d->c_len * 4), *want = malloc(d->c_len * 4),
          *model = ref ? malloc(d->c_len * 4) : NULL;
  int rc = (!got || !want || (ref && !model)) ? TATAMI_ENOMEM : 0;
  const char *stage = "";
  if (rc == 0 && (rc = run_on(dev, g, d, p, got, &stage)) != 0) {
    fprintf(stderr, "tatami: gemm %s: %s failed: %s: %s\n", desc, stage, tatami_strerror(rc),
            tatami_last_error(dev));
  }
  if (rc == 0 && ref && (rc = run_on(ref, g, d, p, model, &stage)) != 0) {
    fprintf(stderr, "tatami: gemm %s on the reference: %s failed: %s: %s\n", desc, stage,
            tatami_strerror(rc), tatami_last_error(ref));
  }
  if (rc == 0) {
    naive_gemm(g, d, want);
    for (size_t i = 0; i < d->c_len; i++) {
      int bad_model = ref && model[i] != want[i];
      if (got[i] != want[i] || bad_model) {
        size_t r = i / g->ldc, c = i % g->ldc;
        fprintf(stderr, "tatami: MISMATCH gemm %s at C[%zu][%zu]%s: device %" PRId32
                ", plain loop %" PRId32, desc, r, c, c >= g->n ? " (pad)" : "", got[i], want[i]);
        if (ref) fprintf(stderr, ", reference model %" PRId32, model[i]);
        fprintf(stderr, "\n");
        rc = 1;
        break;
      }
    }
  }
  free(got);
  free(want);
  free(model);
  return rc;
}

static int alloc_case(tatami_device *dev, const gemm_data *d, placed *p) {
  int rc;
  p->a = p->b = p->c = UINT64_MAX;
  if ((rc = tatami_malloc(dev, d->a_len, &p->a)) || (rc = tatami_malloc(dev, d->b_len, &p->b)) ||
      (rc = tatami_malloc(dev, d->c_len * 4, &p->c)))
    return rc;
  return 0;
}
static void free_case(tatami_device *dev, placed *p) {
  if (p->a != UINT64_MAX) tatami_free(dev, p->a);
  if (p->b != UINT64_MAX) tatami_free(dev, p->b);
  if (p->c != UINT64_MAX) tatami_free(dev, p->c);
}

/* A reference device with dev's geometry, so that the same addresses work. */
static int open_ref_like(tatami_device *dev, tatami_device **ref) {
  tatami_info in;
  tatami_get_info(dev, &in);
  char uri[96];
  snprintf(uri, sizeof uri, "ref:sram=%" PRIu64 ",rows=%" PRIu32 ",cols=%" PRIu32,
           in.sram_bytes, in.rows, in.cols);
  int rc = tatami_open(uri, ref);
  if (rc) fail(NULL, "opening the reference model", rc);
  return rc;
}

/* ------------------------------------------------------------ commands */

static const char *const usage_main =
    "usage: tatami [-d URI] COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  info       show the device's geometry and capabilities\n"
    "  selftest   random GEMMs checked against the reference model and a plain loop\n"
    "  gemm       one random int8 GEMM M x N x K, with cycle counts\n"
    "  bench      GEMM benchmark (cycles, utilization, simulation speed)\n"
    "  train      train a 2-layer MLP on the tile (bf16 or CFloat8), digits data set\n"
    "\n"
    "options:\n"
    "  -d, --device URI   device to use (default sim:): sim:[opts], ref:, check:URI, usb:\n"
    "  -h, --help         this help; 'tatami COMMAND --help' for a command's options\n";

static const char *const usage_info = "usage: tatami [-d URI] info\n"
                                      "Show the device's geometry and capabilities.\n";
static const char *const usage_selftest =
    "usage: tatami [-d URI] selftest [--count N] [--seed S]\n"
    "Run N (default 200) random GEMMs - edge shapes, all transposes, accumulate,\n"
    "padded strides - each checked against the reference model and a plain loop.\n"
    "Exit status 1 on any failure.\n";
static const char *const usage_gemm =
    "usage: tatami [-d URI] gemm M N K [--trans-a] [--trans-b] [--accumulate] [--check] "
    "[--seed S]\n"
    "Run C = op(A) op(B) (C += with --accumulate) with random int8 operands, A M x K and\n"
    "B K x N as op() sees them, and print the device's cycle counters. --check verifies C\n"
    "against the reference model and a plain loop.\n";
static const char *const usage_bench =
    "usage: tatami [-d URI] bench [--json] [--repeat N] [--link-bytes N] [--dtype T]\n"
    "GEMM benchmark with operands resident in SRAM: 16^3, 64^3, 256^3 and 1024x16x64\n"
    "(--dtype int8, the default; bf16 or cf8: BF16 / CFloat8 1-4-3 operands, FP32 C,\n"
    "the cycle columns only)\n"
    "(M x N x K). Per case: cycles of the GEMM (the tile's last_gemm_cycles), busy cycles,\n"
    "MACs, utilization = macs / (cycles x R x C), simulated cycles per wall-clock second,\n"
    "and the cycles of the whole job (upload A and B, GEMM, read C back).\n"
    "On a device whose link is a UART (usb:, sim:baud=N), also the link efficiency:\n"
    "N bytes (--link-bytes, default 64 KiB or the SRAM if smaller) uploaded with WRITE\n"
    "and downloaded with READ, each timed by the tile's cycle counter at its clock:\n"
    "efficiency = payload bytes/s / (baud / 10). --json prints one JSON object per\n"
    "line. --repeat N (default 3) runs each GEMM N times.\n";

static int open_dev(const char *uri, tatami_device **dev) {
  int rc = tatami_open(uri, dev);
  if (rc) {
    fprintf(stderr, "tatami: cannot open device '%s': %s: %s\n", uri, tatami_strerror(rc),
            tatami_open_error());
    return 1;
  }
  return 0;
}

static int cmd_info(const char *uri, int argc, char **argv) {
  for (int i = 0; i < argc; i++) die_usage("info", "unexpected argument '%s'", argv[i]);
  tatami_device *dev;
  if (open_dev(uri, &dev)) return 1;
  tatami_info in;
  tatami_get_info(dev, &in);
  printf("device:     %s\n", uri);
  printf("backend:    %s\n", in.backend);
  printf("profile:    %s\n", in.profile);
  printf("version:    %u.%u\n", in.version >> 8, in.version & 0xFF);
  printf("array:      %ux%u (R x C)\n", in.rows, in.cols);
  printf("sram:       %" PRIu64 " bytes\n", in.sram_bytes);
  printf("dtypes:     %s\n", (in.dtypes & 1) ? "int8 x int8 -> int32" : "(none)");
  /* the INFO features bitmap by name (tests/sh/train.sh looks for bf16) */
  static const char *const feat[] = {"int8", "bf16", "cfloat8", "vec", "flags", "programs"};
  printf("features:  ");
  for (unsigned b = 0; b < sizeof feat / sizeof feat[0]; b++)
    if (in.dtypes & (1u << b)) printf(" %s", feat[b]);
  printf(" (0x%02x)\n", in.dtypes);
  printf("credits:    %u\n", in.credits);
  printf("max data:   %u bytes per frame\n", in.max_data);
  printf("tile:       (%u,%u)\n", in.tile_x, in.tile_y);
  printf("clock:      %.3f MHz (nominal)\n", (double)in.clock_hz / 1e6);
  if (in.link_baud)
    printf("link:       UART %" PRIu32 " baud, 8N1 (%.0f bytes/s raw)\n", in.link_baud,
           in.link_baud / 10.0);
  else
    printf("link:       not a UART\n");
  tatami_close(dev);
  return 0;
}

/* A dimension that exercises the array's edges: 1, around multiples of R
 * or C, or anything up to 48 (64 now and then). */
static uint32_t pick_dim(uint64_t *rng, uint32_t r, uint32_t c) {
  uint32_t x = rng_range(rng, 0, 9);
  if (x < 4) {
    uint32_t unit = (rng_next(rng) & 1) ? r : c;
    uint32_t cand[] = {1, 2, unit - 1, unit, unit + 1, 2 * unit - 1, 2 * unit + 1, 3};
    uint32_t v = cand[rng_range(rng, 0, 7)];
    return v == 0 ? 1 : v > 64 ? 64 : v;
  }
  return rng_range(rng, 1, x == 9 ? 64 : 48);
}

static int cmd_selftest(const char *uri, int argc, char **argv) {
  uint64_t count = 200, seed = (uint64_t)time(NULL);
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--count"))
      count = need_u64("selftest", "--count", value_of("selftest", argc, argv, &i), 1, 100000000);
    else if (!strcmp(argv[i], "--seed"))
      seed = need_u64("selftest", "--seed", value_of("selftest", argc, argv, &i), 0, UINT64_MAX);
    else
      die_usage("selftest", "unexpected argument '%s'", argv[i]);
  }
  tatami_device *dev, *ref;
  if (open_dev(uri, &dev)) return 1;
  if (open_ref_like(dev, &ref)) {
    tatami_close(dev);
    return 1;
  }
  tatami_info in;
  tatami_get_info(dev, &in);
  printf("selftest on %s (%s, %ux%u, %" PRIu64 " bytes SRAM): %" PRIu64 " GEMMs, seed %" PRIu64
         "\n", uri, in.backend, in.rows, in.cols, in.sram_bytes, count, seed);
  uint64_t rng = seed, passed = 0, failed = 0, macs = 0;
  double t0 = now_seconds();
  for (uint64_t t = 0; t < count; t++) {
    gemm_case g;
    if (t == 0) {
      g = (gemm_case){.m = 1, .n = 1, .k = 1};  /* the smallest GEMM, first */
    } else {
      g.m = pick_dim(&rng, in.rows, in.cols);
      g.n = pick_dim(&rng, in.rows, in.cols);
      g.k = (t % 10 == 1) ? 1 : pick_dim(&rng, in.rows, in.cols);
    }
    /* The first 8 cover every transpose/accumulate combination. */
    g.flags = t < 8 ? (unsigned)t : (unsigned)(rng_next(&rng) & 7);
    uint32_t ar, ac, br, bc;
    stored_shape(&g, &ar, &ac, &br, &bc);
    int pad = (rng_next(&rng) & 1) != 0;  /* half the cases with padded strides */
    g.lda = ac + (pad ? rng_range(&rng, 0, 5) : 0);
    g.ldb = bc + (pad ? rng_range(&rng, 0, 5) : 0);
    g.ldc = g.n + (pad ? rng_range(&rng, 0, 5) : 0);
    (void)ar;
    (void)br;
    gemm_data d;
    if (data_make(&g, &rng, &d)) {
      fprintf(stderr, "tatami: host out of memory\n");
      failed++;
      break;
    }
    placed p;
    int rc = alloc_case(dev, &d, &p);
    if (rc) {
      fail(dev, "allocating operands", rc);
    } else {
      rc = checked_gemm(dev, ref, &g, &d, &p);
    }
    free_case(dev, &p);
    data_free(&d);
    if (rc == 0) {
      passed++;
      macs += (uint64_t)g.m * g.n * g.k;
    } else {
      failed++;
      /* The link failed for good (board gone, or it stopped answering):
       * every further GEMM would fail the same way. */
      if (rc == TATAMI_EIO || rc == TATAMI_ETIMEOUT) {
        fprintf(stderr, "tatami: stopping: the device's link failed\n");
        break;
      }
      if (failed >= 10) {
        fprintf(stderr, "tatami: stopping after %" PRIu64 " failures\n", failed);
        break;
      }
    }
  }
  double secs = now_seconds() - t0;
  printf("selftest: %" PRIu64 " passed, %" PRIu64 " failed (%" PRIu64 " MACs, %.2f s, seed %"
         PRIu64 ")\n", passed, failed, macs, secs, seed);
  tatami_close(ref);
  tatami_close(dev);
  return failed ? 1 : 0;
}

static void print_util(double macs, uint64_t cycles, const tatami_info *in) {
  if (cycles == 0) printf("n/a (the device counts no cycles)");
  else printf("%.2f%%", 100.0 * macs / ((double)cycles * in->rows * in->cols));
}

static int cmd_gemm(const char *uri, int argc, char **argv) {
  uint64_t dims[3];
  int ndims = 0, check = 0;
  unsigned flags = 0;
  uint64_t seed = 1;
  const char *names[3] = {"M", "N", "K"};
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--trans-a")) flags |= TATAMI_TRANS_A;
    else if (!strcmp(argv[i], "--trans-b")) flags |= TATAMI_TRANS_B;
    else if (!strcmp(argv[i], "--accumulate")) flags |= TATAMI_ACCUMULATE;
    else if (!strcmp(argv[i], "--check")) check = 1;
    else if (!strcmp(argv[i], "--seed"))
      seed = need_u64("gemm", "--seed", value_of("gemm", argc, argv, &i), 0, UINT64_MAX);
    else if (argv[i][0] == '-' && argv[i][1] != '\0')
      die_usage("gemm", "unknown option '%s'", argv[i]);
    else if (ndims < 3) {
      dims[ndims] = need_u64("gemm", names[ndims], argv[i], 1, MAX_DIM);
      ndims++;
    } else
      die_usage("gemm", "unexpected argument '%s'", argv[i]);
  }
  if (ndims != 3) die_usage("gemm", "%sneeds three sizes: M N K", "");
  gemm_case g = {.m = (uint32_t)dims[0], .n = (uint32_t)dims[1], .k = (uint32_t)dims[2],
                 .flags = flags};
  uint32_t ar, ac, br, bc;
  stored_shape(&g, &ar, &ac, &br, &bc);
  (void)ar;
  (void)br;
  g.lda = ac;
  g.ldb = bc;
  g.ldc = g.n;

  tatami_device *dev, *ref = NULL;
  if (open_dev(uri, &dev)) return 1;
  tatami_info in;
  tatami_get_info(dev, &in);
  /* Refuse sizes that cannot fit before allocating host buffers for them. */
  uint64_t need = (uint64_t)g.m * g.k + (uint64_t)g.k * g.n + 4 * (uint64_t)g.m * g.n;
  if (need > in.sram_bytes) {
    fprintf(stderr, "tatami: gemm %ux%ux%u needs %" PRIu64 " bytes of SRAM; %s has %" PRIu64
            "\n", g.m, g.n, g.k, need, uri, in.sram_bytes);
    tatami_close(dev);
    return 1;
  }
  if (check && open_ref_like(dev, &ref)) {
    tatami_close(dev);
    return 1;
  }
  uint64_t rng = seed;
  gemm_data d;
  if (data_make(&g, &rng, &d)) {
    fprintf(stderr, "tatami: host out of memory\n");
    tatami_close(ref);
    tatami_close(dev);
    return 1;
  }
  placed p;
  int status = 0, rc = alloc_case(dev, &d, &p);
  tatami_counters cn;
  if (rc) {
    status = fail(dev, "allocating operands", rc);
  } else if ((rc = tatami_clear_counters(dev)) != 0) {
    status = fail(dev, "clearing the counters", rc);
  } else {
    /* Counters are read after the GEMM (and its readback): last_gemm_cycles,
     * macs and busy_cycles count the GEMM alone. */
    if (check) {
      rc = checked_gemm(dev, ref, &g, &d, &p);
    } else {
      const char *stage;
      int32_t *out = malloc(d.c_len * 4);
      rc = out ? run_on(dev, &g, &d, &p, out, &stage) : TATAMI_ENOMEM;
      if (rc) fail(dev, "gemm", rc);
      free(out);
    }
    if (rc) status = 1;
    else if ((rc = tatami_get_counters(dev, &cn)) != 0)
      status = fail(dev, "reading the counters", rc);
  }
  if (status == 0) {
    printf("gemm %ux%ux%u%s%s%s on %s (%ux%u array), seed %" PRIu64 "\n", g.m, g.n, g.k,
           (flags & TATAMI_TRANS_A) ? " trans-a" : "", (flags & TATAMI_TRANS_B) ? " trans-b" : "",
           (flags & TATAMI_ACCUMULATE) ? " accumulate" : "", uri, in.rows, in.cols, seed);
    if (cn.last_gemm_cycles == 0) printf("cycles:       n/a\nbusy cycles:  n/a\n");
    else printf("cycles:       %" PRIu64 "\nbusy cycles:  %" PRIu64 "\n", cn.last_gemm_cycles,
                cn.busy_cycles);
    printf("macs:         %" PRIu64 "\n", cn.macs);
    printf("utilization:  ");
    print_util((double)cn.macs, cn.last_gemm_cycles, &in);
    printf("\n");
    if (check) printf("check:        ok (matches the reference model and a plain loop)\n");
  }
  free_case(dev, &p);
  data_free(&d);
  tatami_close(ref);
  tatami_close(dev);
  return status;
}

/* Minimal JSON string escaping for the device URI. */
static void json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') printf("\\%c", ch);
    else if (ch < 0x20) printf("\\u%04x", ch);
    else putchar(ch);
  }
  putchar('"');
}

/* Link efficiency on a UART link: upload n bytes with WRITE, download them
 * with READ, each timed with the tile's cycle counter (COUNTERS before and
 * after; seconds = cycles / clock_hz, honest on a board and on a simulated
 * one, whose clock is simulated). The data read back must match. */
static int bench_link(tatami_device *dev, const char *uri, const tatami_info *in, uint64_t n,
                      int json) {
  if (n > in->sram_bytes) n = in->sram_bytes;
  uint8_t *up = malloc(n), *down = malloc(n);
  uint64_t addr = UINT64_MAX, rng = 777;
  int rc = 0, status = 0;
  tatami_counters c0, c1, c2;
  if (!up || !down) {
    fprintf(stderr, "tatami: host out of memory\n");
    free(up);
    free(down);
    return 1;
  }
  for (uint64_t i = 0; i < n; i++) up[i] = (uint8_t)rng_next(&rng);
  if ((rc = tatami_malloc(dev, n, &addr)) || (rc = tatami_sync(dev)) ||
      (rc = tatami_get_counters(dev, &c0)) || (rc = tatami_write(dev, addr, up, n)) ||
      (rc = tatami_sync(dev)) || (rc = tatami_get_counters(dev, &c1)) ||
      (rc = tatami_read(dev, addr, down, n)) || (rc = tatami_get_counters(dev, &c2))) {
    status = fail(dev, "bench link transfer", rc);
  } else if (memcmp(up, down, n) != 0) {
    fprintf(stderr, "tatami: bench link: the %" PRIu64 " bytes read back differ from those "
            "written\n", n);
    status = 1;
  } else if (c1.cycles < c0.cycles || c2.cycles < c1.cycles || in->clock_hz == 0) {
    fprintf(stderr, "tatami: bench link: the tile's cycle counter did not advance (or wrapped);"
            " cannot time the transfers\n");
    status = 1;
  } else {
    const char *dir[2] = {"upload", "download"};
    uint64_t cyc[2] = {c1.cycles - c0.cycles, c2.cycles - c1.cycles};
    uint64_t rtx[2] = {c1.retransmits - c0.retransmits, c2.retransmits - c1.retransmits};
    double raw = in->link_baud / 10.0;
    for (int d = 0; d < 2; d++) {
      double secs = (double)cyc[d] / (double)in->clock_hz;
      double bps = secs > 0 ? (double)n / secs : 0;
      double eff = bps / raw;
      if (json) {
        printf("{\"op\":\"link\",\"direction\":\"%s\",\"bytes\":%" PRIu64 ",\"cycles\":%"
               PRIu64 ",\"seconds\":%.9f,\"bytes_per_second\":%.1f,\"efficiency\":%.6f,"
               "\"baud\":%" PRIu32 ",\"clock_hz\":%" PRIu64 ",\"retransmits\":%" PRIu64
               ",\"device\":", dir[d], n, cyc[d], secs, bps, eff, in->link_baud, in->clock_hz,
               rtx[d]);
        json_string(uri);
        printf("}\n");
      } else {
        printf("link %-8s %8" PRIu64 " bytes in %10" PRIu64 " cycles (%.4f s at %.3f MHz): "
               "%.0f bytes/s = %.3f x (baud/10 = %.0f bytes/s)%s\n", dir[d], n, cyc[d], secs,
               (double)in->clock_hz / 1e6, bps, eff, raw,
               rtx[d] ? " [retransmissions]" : "");
      }
    }
    fflush(stdout);
  }
  if (addr != UINT64_MAX) tatami_free(dev, addr);
  free(up);
  free(down);
  return status;
}

/* bench --dtype bf16|cf8: the float GEMM's cycles and utilization (FP32 C;
 * operands random codes, resident in SRAM). */
static int bench_float(const char *uri, tatami_dtype dt, uint64_t repeat, int json) {
  static const uint32_t cases[][3] = {{16, 16, 16}, {64, 64, 64}, {256, 256, 256}, {1024, 16, 64}};
  const char *name = dt == TATAMI_BF16 ? "bf16" : "cf8";
  tatami_device *dev;
  if (open_dev(uri, &dev)) return 1;
  tatami_info in;
  tatami_get_info(dev, &in);
  if (!json)
    printf("bench %s on %s (%s, %ux%u array), %" PRIu64 " repeat(s)\n%-14s %12s %12s %12s %8s\n",
           name, uri, in.backend, in.rows, in.cols, repeat, "M x N x K", "cycles", "busy", "macs",
           "util");
  int status = 0;
  uint64_t rng = 777;
  for (size_t ci = 0; ci < sizeof cases / sizeof cases[0] && status == 0; ci++) {
    uint32_t m = cases[ci][0], n = cases[ci][1], k = cases[ci][2];
    tatami_tensor ta, tb, tc;
    int rc = tatami_tensor_create(dev, dt, m, k, &ta);
    if (!rc) rc = tatami_tensor_create(dev, dt, k, n, &tb);
    if (!rc) rc = tatami_tensor_create(dev, TATAMI_FP32, m, n, &tc);
    if (rc) {
      status = fail(dev, "bench: allocating the operands", rc);
      break;
    }
    ta.bias = tb.bias = 7;
    size_t bytes = (size_t)(m > n ? m : n) * k * tatami_dtype_size(dt);
    uint8_t *buf = malloc(bytes);
    if (!buf) {
      status = 1;
      break;
    }
    for (size_t i = 0; i < bytes; i++) {
      rng = rng * 6364136223846793005ull + 1442695040888963407ull;
      buf[i] = (uint8_t)(rng >> 56);
      /* BF16: keep the exponent ordinary (no NaN/Inf codes) */
      if (dt == TATAMI_BF16 && (i & 1)) buf[i] = (uint8_t)((buf[i] & 0x80) | 0x3C | (buf[i] & 1));
    }
    tatami_counters cn = {0};
    if ((rc = tatami_tensor_upload(&ta, buf)) || (rc = tatami_tensor_upload(&tb, buf)))
      status = fail(dev, "bench: uploading", rc);
    for (uint64_t r = 0; r < repeat && status == 0; r++) {
      if ((rc = tatami_clear_counters(dev)) || (rc = tatami_gemm(dev, &ta, &tb, &tc, 0)) ||
          (rc = tatami_sync(dev)) || (rc = tatami_get_counters(dev, &cn)))
        status = fail(dev, "bench gemm", rc);
    }
    free(buf);
    if (status == 0) {
      double util = cn.last_gemm_cycles
                        ? (double)cn.macs / ((double)cn.last_gemm_cycles * in.rows * in.cols) : 0;
      if (json) {
        printf("{\"op\":\"gemm\",\"dtype\":\"%s\",\"m\":%u,\"n\":%u,\"k\":%u,\"cycles\":%" PRIu64
               ",\"busy_cycles\":%" PRIu64 ",\"macs\":%" PRIu64 ",\"utilization\":", name, m, n, k,
               cn.last_gemm_cycles, cn.busy_cycles, cn.macs);
        if (cn.last_gemm_cycles) printf("%.9f", util);
        else printf("null");
        printf(",\"device\":");
        json_string(uri);
        printf("}\n");
      } else {
        char shape[32], us[16] = "n/a";
        snprintf(shape, sizeof shape, "%ux%ux%u", m, n, k);
        if (cn.last_gemm_cycles) snprintf(us, sizeof us, "%.2f%%", 100 * util);
        printf("%-14s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %8s\n", shape, cn.last_gemm_cycles,
               cn.busy_cycles, cn.macs, us);
      }
      fflush(stdout);
    }
    tatami_tensor_destroy(&ta);
    tatami_tensor_destroy(&tb);
    tatami_tensor_destroy(&tc);
  }
  tatami_close(dev);
  return status;
}

static int cmd_bench(const char *uri, int argc, char **argv) {
  int json = 0;
  tatami_dtype dt = TATAMI_INT8;
  uint64_t repeat = 3, link_bytes = 65536;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--json")) json = 1;
    else if (!strcmp(argv[i], "--repeat"))
      repeat = need_u64("bench", "--repeat", value_of("bench", argc, argv, &i), 1, 1000000);
    else if (!strcmp(argv[i], "--link-bytes"))
      link_bytes = need_u64("bench", "--link-bytes", value_of("bench", argc, argv, &i), 1,
                            1u << 30);
    else if (!strcmp(argv[i], "--dtype")) {
      const char *v = value_of("bench", argc, argv, &i);
      if (!strcmp(v, "int8")) dt = TATAMI_INT8;
      else if (!strcmp(v, "bf16")) dt = TATAMI_BF16;
      else if (!strcmp(v, "cf8")) dt = TATAMI_CF8_143;
      else die_usage("bench", "--dtype: int8, bf16 or cf8, not '%s'", v);
    } else die_usage("bench", "unexpected argument '%s'", argv[i]);
  }
  if (dt != TATAMI_INT8) return bench_float(uri, dt, repeat, json);
  static const uint32_t cases[][3] = {{16, 16, 16}, {64, 64, 64}, {256, 256, 256}, {1024, 16, 64}};
  tatami_device *dev;
  if (open_dev(uri, &dev)) return 1;
  tatami_info in;
  tatami_get_info(dev, &in);
  if (!json)
    printf("bench on %s (%s, %ux%u array), %" PRIu64 " repeat(s)\n%-14s %12s %12s %12s %8s %14s"
           " %12s\n", uri, in.backend, in.rows, in.cols, repeat, "M x N x K", "cycles", "busy",
           "macs", "util", "sim cycles/s", "job cycles");
  int status = 0;
  uint64_t rng = 12345;
  for (size_t ci = 0; ci < sizeof cases / sizeof cases[0] && status == 0; ci++) {
    gemm_case g = {.m = cases[ci][0], .n = cases[ci][1], .k = cases[ci][2]};
    g.lda = g.k;
    g.ldb = g.n;
    g.ldc = g.n;
    gemm_data d;
    placed p;
    if (data_make(&g, &rng, &d)) {
      fprintf(stderr, "tatami: host out of memory\n");
      status = 1;
      break;
    }
    int rc = alloc_case(dev, &d, &p);
    if (rc == TATAMI_EDEVMEM) {
      fprintf(stderr, "bench: %ux%ux%u skipped: its operands do not fit the %" PRIu64
              "-byte SRAM\n", g.m, g.n, g.k, in.sram_bytes);
      free_case(dev, &p);
      data_free(&d);
      continue;
    }
    tatami_tensor ta, tb, tc;
    /* Operands go in once; only the GEMMs are measured. */
    if (rc || (rc = tatami_tensor_view(dev, TATAMI_INT8, g.m, g.k, g.lda, p.a, &ta)) ||
        (rc = tatami_tensor_view(dev, TATAMI_INT8, g.k, g.n, g.ldb, p.b, &tb)) ||
        (rc = tatami_tensor_view(dev, TATAMI_INT32, g.m, g.n, g.ldc, p.c, &tc)) ||
        (rc = tatami_tensor_upload(&ta, d.a)) || (rc = tatami_tensor_upload(&tb, d.b)) ||
        (rc = tatami_sync(dev))) {
      status = fail(dev, "uploading the operands", rc);
    }
    tatami_counters cn = {0};
    uint64_t sim_cycles = 0;
    double wall = 0;
    for (uint64_t r = 0; r < repeat && status == 0; r++) {
      double t0 = now_seconds();
      if ((rc = tatami_clear_counters(dev)) || (rc = tatami_gemm(dev, &ta, &tb, &tc, 0)) ||
          (rc = tatami_sync(dev)) || (rc = tatami_get_counters(dev, &cn))) {
        status = fail(dev, "bench gemm", rc);
        break;
      }
      wall += now_seconds() - t0;
      sim_cycles += cn.cycles;
    }
    /* The whole job, as a program would run it: upload A and B, GEMM,
     * read C back; cycles from CLEAR to the COUNTERS after the readback. */
    uint64_t job_cycles = 0;
    if (status == 0) {
      tatami_counters jc;
      int32_t *cbuf = malloc((size_t)g.m * g.n * sizeof(int32_t));
      if (!cbuf) rc = TATAMI_ENOMEM;
      else if ((rc = tatami_clear_counters(dev)) || (rc = tatami_tensor_upload(&ta, d.a)) ||
               (rc = tatami_tensor_upload(&tb, d.b)) ||
               (rc = tatami_gemm(dev, &ta, &tb, &tc, 0)) ||
               (rc = tatami_tensor_download(&tc, cbuf)) ||
               (rc = tatami_get_counters(dev, &jc))) {
      } else {
        job_cycles = jc.cycles;
      }
      free(cbuf);
      if (rc) status = fail(dev, "bench job (upload, gemm, download)", rc);
    }
    if (status == 0) {
      double util = cn.last_gemm_cycles
                        ? (double)cn.macs / ((double)cn.last_gemm_cycles * in.rows * in.cols) : 0;
      double cps = wall > 0 ? (double)sim_cycles / wall : 0;
      if (json) {
        printf("{\"op\":\"gemm\",\"dtype\":\"int8\",\"m\":%u,\"n\":%u,\"k\":%u,\"cycles\":%" PRIu64
               ",\"busy_cycles\":%" PRIu64 ",\"macs\":%" PRIu64 ",", g.m, g.n, g.k,
               cn.last_gemm_cycles, cn.busy_cycles, cn.macs);
        if (cn.last_gemm_cycles) printf("\"utilization\":%.9f,", util);
        else printf("\"utilization\":null,");
        if (sim_cycles) printf("\"sim_cycles_per_second\":%.1f,", cps);
        else printf("\"sim_cycles_per_second\":null,");
        if (job_cycles)
          printf("\"job_cycles\":%" PRIu64 ",\"job_seconds\":%.9f,", job_cycles,
                 in.clock_hz ? (double)job_cycles / (double)in.clock_hz : 0.0);
        else printf("\"job_cycles\":null,\"job_seconds\":null,");
        printf("\"clock_hz\":%" PRIu64 ",\"link_baud\":%" PRIu32 ",", in.clock_hz, in.link_baud);
        printf("\"repeat\":%" PRIu64 ",\"rows\":%u,\"cols\":%u,\"device\":", repeat, in.rows,
               in.cols);
        json_string(uri);
        printf("}\n");
      } else {
        char shape[32], us[16] = "n/a", cs[24] = "n/a", js[24] = "n/a";
        snprintf(shape, sizeof shape, "%ux%ux%u", g.m, g.n, g.k);
        if (cn.last_gemm_cycles) snprintf(us, sizeof us, "%.2f%%", 100 * util);
        if (sim_cycles) snprintf(cs, sizeof cs, "%.0f", cps);
        if (job_cycles) snprintf(js, sizeof js, "%" PRIu64, job_cycles);
        printf("%-14s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %8s %14s %12s\n", shape,
               cn.last_gemm_cycles, cn.busy_cycles, cn.macs, us, cs, js);
      }
      fflush(stdout);
    }
    free_case(dev, &p);
    data_free(&d);
  }
  if (status == 0 && in.link_baud) status = bench_link(dev, uri, &in, link_bytes, json);
  tatami_close(dev);
  return status;
}

/* examples/train.c (linked in by examples/examples.mk): parses its own options,
 * argv[0] being "train". */
int tatami_train_main(int argc, char **argv);

static int cmd_train(const char *uri, int argc, char **argv) {
  char **args = calloc((size_t)argc + 4, sizeof *args);
  if (!args) return 1;
  args[0] = "train";
  args[1] = "-d";
  args[2] = (char *)uri;
  for (int i = 0; i < argc; i++) args[3 + i] = argv[i];
  int rc = tatami_train_main(argc + 3, args);
  free(args);
  return rc;
}

int main(int argc, char **argv) {
  const char *uri = "sim:";
  const char *cmd = NULL;
  int help = 0;
  /* Global options may come before or after the command; everything else
   * that is not the command goes to it. */
  char **rest = calloc((size_t)argc + 1, sizeof *rest);
  int nrest = 0;
  if (!rest) return 1;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-d") || !strcmp(argv[i], "--device")) {
      if (i + 1 >= argc) die_usage(cmd, "%s needs a device URI", argv[i]);
      uri = argv[++i];
    } else if (!strncmp(argv[i], "--device=", 9)) {
      uri = argv[i] + 9;
    } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      help = 1;
    } else if (!cmd && argv[i][0] != '-') {
      cmd = argv[i];
    } else if (!cmd) {
      die_usage(NULL, "unknown option '%s'", argv[i]);
    } else {
      rest[nrest++] = argv[i];
    }
  }
  int rc;
  static const struct {
    const char *name, *usage;
    int (*fn)(const char *, int, char **);
  } cmds[] = {{"info", usage_info, cmd_info}, {"selftest", usage_selftest, cmd_selftest},
              {"gemm", usage_gemm, cmd_gemm}, {"bench", usage_bench, cmd_bench},
              {"train", NULL, cmd_train}};  /* NULL: the command prints its own help */
  if (!cmd) {
    fputs(usage_main, help ? stdout : stderr);
    free(rest);
    return help ? 0 : EXIT_USAGE;
  }
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    if (strcmp(cmd, cmds[i].name) != 0) continue;
    if (help && !cmds[i].usage) {
      rest[nrest++] = "--help";
    } else if (help) {
      fputs(cmds[i].usage, stdout);
      free(rest);
      return 0;
    }
    rc = cmds[i].fn(uri, nrest, rest);
    free(rest);
    return rc;
  }
  free(rest);
  die_usage(NULL, "unknown command '%s'", cmd);
  return EXIT_USAGE;
}
