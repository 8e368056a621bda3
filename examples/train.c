/* tatami train: the training loop and its command line (see train.h).
 * Softmax, the loss and dlogits are computed on the host from the tile's FP32
 * logits; everything else runs where the trainer puts it. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "train.h"

#define EXIT_USAGE 2
#define EXIT_SKIP 77   /* the device cannot train (automake's "skipped") */

static const char *const usage =
    "usage: tatami [-d URI] train [options]\n"
    "Train a 2-layer MLP (pixels -> hidden ReLU -> 10) on a generated digit data set\n"
    "(10 glyphs, random scale, shear, stroke, shift, contrast, noise), with weights,\n"
    "optimizer state and activations resident in the tile's SRAM: forward and\n"
    "backward+update are two recorded command programs launched once per step with\n"
    "the minibatch buffer as their parameter; softmax and loss run on the host.\n"
    "\n"
    "  --dtype bf16|cfp8   data types on the tile (default bf16); cfp8: CFloat8 1-4-3\n"
    "                      inputs, weights, activations and 1-5-2 gradients\n"
    "  --round rne|sr      rounding of the tile's narrow outputs (default: bf16 rne,\n"
    "                      cfp8 sr, stochastic)\n"
    "  --steps N           training steps (default 300)\n"
    "  --batch B           minibatch size (default 32)\n"
    "  --seed S            init, minibatch order and the tile's random source (default 1)\n"
    "  --baseline          train on the host in plain FP32 instead (same init, batches)\n"
    "  --emulate           emulate the tile on the host with its exact numerics\n"
    "                      (docs/numerics.md): equal to ref: bit for bit\n"
    "  --compare           train the FP32 baseline, bf16 and cfp8-SR and compare them\n"
    "  --json              one JSON object per step, then a final one\n"
    "  --plot FILE.png     plot loss and accuracy with gnuplot (FILE.gp, FILE.dat beside)\n"
    "  --eval-every N      held-out accuracy every N steps (default 50; 0: at the end)\n"
    "  --hidden H, --lr X, --lr-decay X (factor), --decay-step N (default: 2/3 of\n"
    "  the steps), --momentum X, --weight-decay X, --side S (image side),\n"
    "  --train-size N, --test-size N, --data-seed S, --cf8-bias X,W1,W2,H,DL,DZ\n"
    "                      the model, optimizer and data set (defaults in --json's final)\n"
    "  --data-hash         print the data set's FNV-1a 64 hash and exit\n"
    "  --dump-data FILE    write the data set's bytes (what the hash covers) and exit:\n"
    "                      u32 side, train size, test size; FP32 pixels; u8 labels\n"
    "  --show I            print training image I as ASCII and exit\n"
    "Exit status: 0 trained, 1 error, 2 usage, 77 the device lacks the float API.\n";

typedef struct opts {
  const char *uri, *plot, *dump;
  int json, baseline, emulate, compare, data_hash, show, round_set;
  unsigned eval_every, side, n_train, n_test;
  uint64_t data_seed;
  train_cfg cfg;
} opts;

/* ------------------------------------------------------------ configuration */

static void set_dtype(train_cfg *c, int low) {
  c->low = low;
  c->dt_x = c->dt_w = c->dt_h = low ? TATAMI_CF8_143 : TATAMI_BF16;
  c->dt_g = low ? TATAMI_CF8_152 : TATAMI_BF16;
  c->sr = low;
}

static const char *dt_name(tatami_dtype dt) {
  switch (dt) {
    case TATAMI_BF16: return "bf16";
    case TATAMI_CF8_143: return "cf8-143";
    case TATAMI_CF8_152: return "cf8-152";
    case TATAMI_FP32: return "fp32";
    default: return "?";
  }
}

static void usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "tatami train: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'tatami train --help'.\n");
  exit(EXIT_USAGE);
}

static uint64_t num_arg(const char *what, const char *s, uint64_t lo, uint64_t hi) {
  char *end;
  errno = 0;
  if (!s || !*s || *s == '-') usage_error("bad value for %s", what);
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || *end || v < lo || v > hi) usage_error("value out of range for %s", what);
  return v;
}

static float float_arg(const char *what, const char *s) {
  char *end;
  errno = 0;
  float v = s ? strtof(s, &end) : NAN;
  if (!s || errno || *end || !(v >= 0.0f) || v > 1e6f) usage_error("bad value for %s", what);
  return v;
}

static void parse(int argc, char **argv, opts *o) {
  memset(o, 0, sizeof *o);
  o->uri = "sim:";
  o->eval_every = 50;
  o->side = 16;
  o->n_train = 10000;
  o->n_test = 1000;
  o->data_seed = 1;
  o->show = -1;
  train_cfg *c = &o->cfg;
  c->hidden = 64;
  c->batch = 32;
  c->steps = 300;
  c->lr = 0.1f;
  c->lr_decay = 0.1f;
  int decay_set = 0;
  c->momentum = 0.9f;
  c->weight_decay = 1e-4f;
  c->seed = 1;
  /* CFloat8 biases (docs/numerics.md section 3): a bias only moves a layout's
   * range (the relative precision of the normal range is the same), so each is
   * chosen to keep the tensor's largest values below the top (flag O, found by
   * --emulate) and its typical ones above the denormals: X in [0, 1] (1-4-3/14:
   * up to 3.75), weights ~0.01..1 (15: up to 1.875; W2 grows: 14), hidden
   * activations up to ~10 (12: 15), dlogits in [-1, 1] (1-5-2/31: 1.75), dZ up
   * to a few units (29: 7). */
  c->bias_x = 14;
  c->bias_w1 = 15;
  c->bias_w2 = 14;
  c->bias_h = 12;
  c->bias_dl = 31;
  c->bias_dz = 29;
  set_dtype(c, 0);
  int low = 0, sr = -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
#define VAL() (i + 1 < argc ? argv[++i] : (usage_error("option %s needs a value", a), ""))
    if (!strcmp(a, "-d") || !strcmp(a, "--device")) o->uri = VAL();
    else if (!strcmp(a, "--json")) o->json = 1;
    else if (!strcmp(a, "--baseline")) o->baseline = 1;
    else if (!strcmp(a, "--emulate")) o->emulate = 1;
    else if (!strcmp(a, "--compare")) o->compare = 1;
    else if (!strcmp(a, "--data-hash")) o->data_hash = 1;
    else if (!strcmp(a, "--plot")) o->plot = VAL();
    else if (!strcmp(a, "--dump-data")) o->dump = VAL();
    else if (!strcmp(a, "--show")) o->show = (int)num_arg(a, VAL(), 0, 1u << 30);
    else if (!strcmp(a, "--dtype")) {
      const char *v = VAL();
      if (!strcmp(v, "bf16")) low = 0;
      else if (!strcmp(v, "cfp8") || !strcmp(v, "cf8")) low = 1;
      else usage_error("--dtype is bf16 or cfp8, not '%s'", v);
    } else if (!strcmp(a, "--round")) {
      const char *v = VAL();
      if (!strcmp(v, "rne")) sr = 0;
      else if (!strcmp(v, "sr")) sr = 1;
      else usage_error("--round is rne or sr, not '%s'", v);
    } else if (!strcmp(a, "--steps")) c->steps = (unsigned)num_arg(a, VAL(), 1, 1000000);
    else if (!strcmp(a, "--batch")) c->batch = (unsigned)num_arg(a, VAL(), 1, 4096);
    else if (!strcmp(a, "--seed")) c->seed = num_arg(a, VAL(), 0, UINT64_MAX);
    else if (!strcmp(a, "--hidden")) c->hidden = (unsigned)num_arg(a, VAL(), 1, 4096);
    else if (!strcmp(a, "--side")) o->side = (unsigned)num_arg(a, VAL(), 8, 64);
    else if (!strcmp(a, "--train-size")) o->n_train = (unsigned)num_arg(a, VAL(), 1, 1u << 22);
    else if (!strcmp(a, "--test-size")) o->n_test = (unsigned)num_arg(a, VAL(), 1, 1u << 22);
    else if (!strcmp(a, "--data-seed")) o->data_seed = num_arg(a, VAL(), 0, UINT64_MAX);
    else if (!strcmp(a, "--eval-every")) o->eval_every = (unsigned)num_arg(a, VAL(), 0, 1000000);
    else if (!strcmp(a, "--lr")) c->lr = float_arg(a, VAL());
    else if (!strcmp(a, "--lr-decay")) c->lr_decay = float_arg(a, VAL());
    else if (!strcmp(a, "--decay-step")) c->decay_step = (unsigned)num_arg(a, VAL(), 0, 1000000), decay_set = 1;
    else if (!strcmp(a, "--momentum")) c->momentum = float_arg(a, VAL());
    else if (!strcmp(a, "--weight-decay")) c->weight_decay = float_arg(a, VAL());
    else if (!strcmp(a, "--cf8-bias")) {
      const char *v = VAL();
      unsigned b[6];
      if (sscanf(v, "%u,%u,%u,%u,%u,%u", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6 ||
          b[0] > 63 || b[1] > 63 || b[2] > 63 || b[3] > 63 || b[4] > 63 || b[5] > 63)
        usage_error("--cf8-bias wants six biases 0..63: X,W1,W2,H,DL,DZ, not '%s'", v);
      c->bias_x = b[0], c->bias_w1 = b[1], c->bias_w2 = b[2];
      c->bias_h = b[3], c->bias_dl = b[4], c->bias_dz = b[5];
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(usage, stdout);
      exit(0);
    } else usage_error("unknown option '%s'", a);
#undef VAL
  }
  if (o->baseline + o->emulate + o->compare > 1 && !(o->compare && o->emulate && !o->baseline))
    usage_error("%s--baseline, --emulate and --compare do not combine (but --compare --emulate)",
                "");
  /* step decay: lr * lr_decay for the last third of the run */
  if (!decay_set) c->decay_step = c->steps - c->steps / 3;
  if (c->lr_decay == 1.0f || c->decay_step >= c->steps) c->decay_step = 0;
  set_dtype(c, low);
  if (sr >= 0) c->sr = sr, o->round_set = 1;
}

/* ------------------------------------------------------------ minibatches */

static uint64_t splitmix64(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Epochs of the training set in a fresh random order each, from the seed. */
typedef struct batcher {
  train_data *d;
  unsigned *perm, pos;
  uint64_t rng;
} batcher;

static void shuffle(batcher *b) {
  for (unsigned i = b->d->n_train; i > 1; i--) {
    unsigned j = (unsigned)(splitmix64(&b->rng) % i), t = b->perm[i - 1];
    b->perm[i - 1] = b->perm[j];
    b->perm[j] = t;
  }
  b->pos = 0;
}

static void next_batch(batcher *b, unsigned B, float *x, uint8_t *y) {
  unsigned dim = b->d->dim;
  for (unsigned i = 0; i < B; i++) {
    if (b->pos == b->d->n_train) shuffle(b);
    unsigned k = b->perm[b->pos++];
    memcpy(x + (size_t)i * dim, train_data_image(b->d, k), dim * sizeof(float));
    y[i] = b->d->y_train[k];
  }
}

/* ------------------------------------------------------------ loss on the host */

/* Mean softmax cross-entropy of B rows of logits (double inside, one
 * deterministic function for every trainer); dl = softmax - onehot, not divided
 * by B (the update's lr is). Returns the loss; *correct counts argmax hits. */
static float softmax_xent(const float *logits, const uint8_t *y, unsigned B, float *dl,
                          unsigned *correct) {
  double total = 0.0;
  *correct = 0;
  for (unsigned i = 0; i < B; i++) {
    const float *l = logits + (size_t)i * TRAIN_CLASSES;
    unsigned arg = 0;
    for (unsigned j = 1; j < TRAIN_CLASSES; j++)
      if (l[j] > l[arg]) arg = j;
    *correct += arg == y[i];
    double m = l[arg], s = 0.0, e[TRAIN_CLASSES];
    for (unsigned j = 0; j < TRAIN_CLASSES; j++) s += (e[j] = exp((double)l[j] - m));
    total += log(s) + m - (double)l[y[i]];
    for (unsigned j = 0; j < TRAIN_CLASSES; j++)
      dl[(size_t)i * TRAIN_CLASSES + j] = (float)(e[j] / s - (j == y[i] ? 1.0 : 0.0));
  }
  return (float)(total / B);
}

/* ------------------------------------------------------------ one training run */

typedef struct run_log {
  char name[32];
  unsigned steps, n_eval;
  float *loss;          /* per step */
  float *batch_acc;     /* per step */
  unsigned *eval_step;  /* held-out accuracy after these steps */
  float *eval_acc;
  float final_acc;
  unsigned final_correct, flags_valid, flags;
  uint64_t loss_hash;   /* FNV-1a over the loss bit patterns */
  double seconds;
  /* device trainers: the training steps alone (before the final evaluation) */
  int stats_valid;
  uint64_t cycles, clock_hz, up, down, reload_extra;
} run_log;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Held-out accuracy: the test set in minibatches (the last padded with zeros),
 * double-buffered like training. */
static int evaluate(trainer *t, const opts *o, const train_data *d, float *xb, float *logits,
                    unsigned *correct) {
  unsigned B = o->cfg.batch, dim = d->dim, nb = (d->n_test + B - 1) / B;
  *correct = 0;
  for (unsigned b = 0; b <= nb; b++) {
    int rc;
    if (b > 0 && (rc = t->launch_forward(t, (b - 1) & 1, 0))) return rc;
    if (b < nb) {
      unsigned rows = d->n_test - b * B < B ? d->n_test - b * B : B;
      memset(xb, 0, (size_t)B * dim * sizeof(float));
      memcpy(xb, d->x_test + (size_t)b * B * dim, (size_t)rows * dim * sizeof(float));
      if ((rc = t->load_batch(t, b & 1, xb, B))) return rc;
    }
    if (b > 0) {
      if ((rc = t->read_logits(t, logits))) return rc;
      unsigned first = (b - 1) * B;
      for (unsigned i = 0; i < B && first + i < d->n_test; i++) {
        const float *l = logits + (size_t)i * TRAIN_CLASSES;
        unsigned arg = 0;
        for (unsigned j = 1; j < TRAIN_CLASSES; j++)
          if (l[j] > l[arg]) arg = j;
        *correct += arg == d->y_test[first + i];
      }
    }
  }
  return 0;
}

static void progress(const run_log *r, unsigned step, unsigned total, float loss, float acc,
                     double t0) {
  char bar[31];
  unsigned fill = (unsigned)((uint64_t)step * 30 / total);
  for (unsigned i = 0; i < 30; i++) bar[i] = i < fill ? '#' : '.';
  bar[30] = 0;
  double el = now() - t0;
  fprintf(stderr, "\r%-9s [%s] %u/%u  loss %.4f  held-out %s%.1f%%  %.1f steps/s ", r->name, bar,
          step, total, loss, r->n_eval ? "" : "-", r->n_eval ? acc * 100.0 : 0.0,
          el > 0 ? step / el : 0.0);
  fflush(stderr);
}

static const char *trainer_kind(const opts *o) {
  return o->baseline ? "fp32-host" : o->emulate ? "emulated" : o->uri;
}

static void print_cfg_json(const opts *o, const train_cfg *c) {
  printf("\"device\":\"%s\",\"dtype\":\"%s\",\"rounding\":\"%s\",\"steps\":%u,\"batch\":%u,"
         "\"hidden\":%u,\"inputs\":%u,\"lr\":%.9g,\"lr_decay\":%.9g,\"decay_step\":%u,\"momentum\":%.9g,\"weight_decay\":%.9g,"
         "\"seed\":%" PRIu64 ",\"train_size\":%u,\"test_size\":%u,\"data_seed\":%" PRIu64,
         trainer_kind(o), o->baseline ? "fp32" : c->low ? "cfp8" : "bf16",
         o->baseline ? "-" : c->sr ? "sr" : "rne", c->steps, c->batch, c->hidden, c->dim,
         (double)c->lr, (double)c->lr_decay, c->decay_step, (double)c->momentum, (double)c->weight_decay, c->seed, o->n_train,
         o->n_test, o->data_seed);
  if (c->low && !o->baseline)
    printf(",\"types\":{\"x\":\"%s/%u\",\"w1\":\"%s/%u\",\"w2\":\"%s/%u\",\"h\":\"%s/%u\","
           "\"dl\":\"%s/%u\",\"dz\":\"%s/%u\"}",
           dt_name(c->dt_x), c->bias_x, dt_name(c->dt_w), c->bias_w1, dt_name(c->dt_w),
           c->bias_w2, dt_name(c->dt_h), c->bias_h, dt_name(c->dt_g), c->bias_dl,
           dt_name(c->dt_g), c->bias_dz);
}

/* Train one model; fills r. Returns 0, EXIT_SKIP (no float API) or 1. */
static int train_one(const opts *o, train_data *d, const char *name, run_log *r) {
  const train_cfg *c = &o->cfg;
  unsigned B = c->batch, dim = d->dim, steps = c->steps;
  trainer *t = NULL;
  char why[512] = "";
  int rc;
  memset(r, 0, sizeof *r);
  snprintf(r->name, sizeof r->name, "%s", name);
  if (o->baseline) rc = train_host_fp32_create(c, &t);
  else if (o->emulate) rc = train_host_emu_create(c, &t);
  else rc = train_dev_create(c, o->uri, &t, why, sizeof why);
  if (rc) {
    fprintf(stderr, "tatami train: %s: %s\n", name, why[0] ? why : tatami_strerror(rc));
    if (rc == TATAMI_EUNSUPPORTED) {
      if (o->json) {
        printf("{\"final\":true,\"skipped\":true,\"reason\":\"");
        for (const char *p = why; *p; p++)   /* a JSON string: quotes, controls escaped */
          if (*p == '"' || *p == '\\') printf("\\%c", *p);
          else if ((unsigned char)*p < 0x20) printf("\\u%04x", (unsigned char)*p);
          else putchar(*p);
        printf("\"}\n");
      }
      return EXIT_SKIP;
    }
    return 1;
  }
  unsigned max_eval = (o->eval_every ? steps / o->eval_every : 0) + 1;
  r->loss = calloc(steps, sizeof(float));
  r->batch_acc = calloc(steps, sizeof(float));
  r->eval_step = calloc(max_eval, sizeof(unsigned));
  r->eval_acc = calloc(max_eval, sizeof(float));
  unsigned *perm = malloc(d->n_train * sizeof(unsigned));
  float *xb = malloc((size_t)B * dim * sizeof(float));
  float *logits = malloc((size_t)B * TRAIN_CLASSES * sizeof(float));
  float *dl = malloc((size_t)B * TRAIN_CLASSES * sizeof(float));
  uint8_t *y[2] = {malloc(B), malloc(B)};
  int status = 1;
  if (!r->loss || !r->batch_acc || !r->eval_step || !r->eval_acc || !perm || !xb || !logits ||
      !dl || !y[0] || !y[1]) {
    fprintf(stderr, "tatami train: out of memory\n");
    goto out;
  }
  for (unsigned i = 0; i < d->n_train; i++) perm[i] = i;
  uint64_t bseed = c->seed ^ 0xB47C4A7E5EEDull;
  batcher bt = {d, perm, 0, bseed};
  shuffle(&bt);
  int tty = !o->json && isatty(2);
  double t0 = now();
  uint64_t h = 0xCBF29CE484222325ull;
  float last_acc = 0.0f;
  next_batch(&bt, B, xb, y[0]);
  if ((rc = t->load_batch(t, 0, xb, B))) goto dev_error;
  for (unsigned s = 0; s < steps; s++) {
    unsigned slot = s & 1;
    int eval_now = s + 1 == steps || (o->eval_every && (s + 1) % o->eval_every == 0);
    if ((rc = t->launch_forward(t, slot, 1))) goto dev_error;
    /* the next minibatch goes up while the tile runs this one, unless an
     * evaluation needs both slots first */
    if (s + 1 < steps && !eval_now) {
      next_batch(&bt, B, xb, y[slot ^ 1]);
      if ((rc = t->load_batch(t, slot ^ 1, xb, B))) goto dev_error;
    }
    if ((rc = t->read_logits(t, logits))) goto dev_error;
    unsigned correct;
    float loss = softmax_xent(logits, y[slot], B, dl, &correct);
    if ((rc = t->backward(t, slot, dl, c->decay_step && s >= c->decay_step))) goto dev_error;
    uint32_t bits = train_f2u(loss);
    for (int k = 0; k < 4; k++) h = (h ^ ((bits >> (8 * k)) & 0xFF)) * 0x100000001B3ull;
    r->loss[s] = loss;
    r->batch_acc[s] = (float)correct / (float)B;
    r->steps = s + 1;
    if (eval_now) {
      unsigned ok;
      if (s + 1 == steps && t->stats)
        r->stats_valid = t->stats(t, &r->cycles, &r->clock_hz, &r->up, &r->down,
                                  &r->reload_extra) == 0;
      if ((rc = evaluate(t, o, d, xb, logits, &ok))) goto dev_error;
      last_acc = (float)ok / (float)d->n_test;
      r->eval_step[r->n_eval] = s + 1;
      r->eval_acc[r->n_eval++] = last_acc;
      r->final_correct = ok;
      if (s + 1 < steps) {
        next_batch(&bt, B, xb, y[slot ^ 1]);
        if ((rc = t->load_batch(t, slot ^ 1, xb, B))) goto dev_error;
      }
    }
    if (o->json) {
      printf("{\"step\":%u,%s%s%s\"loss\":%.9g,\"loss_hex\":\"0x%08" PRIx32
             "\",\"batch_accuracy\":%.6g",
             s + 1, o->compare ? "\"run\":\"" : "", o->compare ? r->name : "",
             o->compare ? "\"," : "", (double)loss, bits, (double)r->batch_acc[s]);
      if (eval_now) printf(",\"heldout_accuracy\":%.6g", (double)last_acc);
      printf("}\n");
      fflush(stdout);
    } else if (tty) {
      progress(r, s + 1, steps, loss, last_acc, t0);
    } else if (eval_now) {
      printf("%-9s step %5u  loss %.6f  held-out accuracy %.2f%%\n", r->name, s + 1,
             (double)loss, last_acc * 100.0);
      fflush(stdout);
    }
  }
  if (tty) fputc('\n', stderr);
  r->seconds = now() - t0;
  r->final_acc = last_acc;
  r->loss_hash = h;
  r->flags_valid = t->flags(t, &r->flags) == 0;
  if (o->json) {
    printf("{\"final\":true,%s%s%s\"heldout_accuracy\":%.6g,\"heldout_correct\":%u,"
           "\"final_loss\":%.9g,\"loss_hash\":\"0x%016" PRIx64 "\",\"seconds\":%.3f,",
           o->compare ? "\"run\":\"" : "", o->compare ? r->name : "", o->compare ? "\"," : "",
           (double)r->final_acc, r->final_correct, (double)r->loss[steps - 1], h, r->seconds);
    if (r->flags_valid) printf("\"flags\":\"0x%02x\",", r->flags);
    if (r->stats_valid && r->cycles && r->clock_hz)
      printf("\"tile_cycles\":%" PRIu64 ",\"cycles_per_step\":%.1f,"
             "\"samples_per_simulated_second\":%.1f,\"link_payload_bytes_per_step\":%.1f,"
             "\"reload_design_bytes_per_step\":%.1f,",
             r->cycles, (double)r->cycles / steps,
             (double)steps * B * (double)r->clock_hz / (double)r->cycles,
             (double)(r->up + r->down) / steps,
             (double)(r->up + r->down) / steps + (double)r->reload_extra);
    print_cfg_json(o, c);
    printf("}\n");
  } else {
    printf("%-9s held-out accuracy %.2f%% (%u/%u) after %u steps; final loss %.6f; %.1f s",
           r->name, r->final_acc * 100.0, r->final_correct, d->n_test, steps,
           (double)r->loss[steps - 1], r->seconds);
    if (r->flags_valid) printf("; tile flags 0x%02x", r->flags);
    printf("\n");
    if (r->stats_valid && r->cycles && r->clock_hz)
      printf("%-9s %.0f tile cycles a step = %.0f samples per simulated second at %.0f MHz; "
             "link payload %.0f bytes a step (keeping the weights on the host: %.0f)\n",
             r->name, (double)r->cycles / steps,
             (double)steps * B * (double)r->clock_hz / (double)r->cycles,
             (double)r->clock_hz / 1e6, (double)(r->up + r->down) / steps,
             (double)(r->up + r->down) / steps + (double)r->reload_extra);
  }
  status = 0;
  goto out;
dev_error:
  if (tty) fputc('\n', stderr);
  fprintf(stderr, "tatami train: %s: %s\n", name, t->error[0] ? t->error : tatami_strerror(rc));
out:
  free(perm);
  free(xb);
  free(logits);
  free(dl);
  free(y[0]);
  free(y[1]);
  t->destroy(t);
  return status;
}

static void run_free(run_log *r) {
  free(r->loss);
  free(r->batch_acc);
  free(r->eval_step);
  free(r->eval_acc);
}

/* ------------------------------------------------------------ plots */

/* FILE.png -> FILE.ext */
static char *sibling(const char *png, const char *ext) {
  size_t n = strlen(png);
  if (n > 4 && !strcmp(png + n - 4, ".png")) n -= 4;
  char *s = malloc(n + strlen(ext) + 1);
  if (s) {
    memcpy(s, png, n);
    strcpy(s + n, ext);
  }
  return s;
}

/* Per run two data blocks: step, loss, loss averaged over 20 steps, batch
 * accuracy averaged over 20 steps; then step, held-out accuracy. */
static int write_plot(const char *png, const run_log *runs, int nruns, const char *title) {
  char *dat = sibling(png, ".dat"), *gp = sibling(png, ".gp");
  int status = 1;
  FILE *f = dat ? fopen(dat, "w") : NULL;
  if (!f) {
    fprintf(stderr, "tatami train: cannot write %s\n", dat ? dat : png);
    goto out;
  }
  for (int r = 0; r < nruns; r++) {
    const run_log *L = &runs[r];
    fprintf(f, "# run %s: step loss loss_avg20 batch_acc_avg20\n", L->name);
    double sl = 0, sa = 0;
    for (unsigned s = 0; s < L->steps; s++) {
      sl += L->loss[s];
      sa += L->batch_acc[s];
      if (s >= 20) sl -= L->loss[s - 20], sa -= L->batch_acc[s - 20];
      unsigned n = s + 1 < 20 ? s + 1 : 20;
      fprintf(f, "%u %.9g %.9g %.6g\n", s + 1, (double)L->loss[s], sl / n, sa / n);
    }
    fprintf(f, "\n\n# run %s: step heldout_accuracy\n", L->name);
    for (unsigned e = 0; e < L->n_eval; e++)
      fprintf(f, "%u %.6g\n", L->eval_step[e], (double)L->eval_acc[e]);
    fprintf(f, "\n\n");
  }
  fclose(f);
  if (!(f = fopen(gp, "w"))) {
    fprintf(stderr, "tatami train: cannot write %s\n", gp);
    goto out;
  }
  /* pngcairo where this gnuplot has it (Debian's gnuplot-nox does), else png */
  fprintf(f,
          "if (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) {\n"
          "  set terminal pngcairo size 1000,800 font \",10\"\n"
          "} else {\n"
          "  set terminal png size 1000,800\n"
          "}\n"
          "set output '%s'\n"
          "set multiplot layout 2,1 title \"%s\"\n"
          "set grid\n"
          "set xlabel 'step'\n"
          "set ylabel 'training loss (minibatch)'\n"
          "set logscale y\n"
          "set key top right\n",
          png, title);
  fprintf(f, "plot ");
  for (int r = 0; r < nruns; r++)
    fprintf(f,
            "%s'%s' index %d using 1:2 with lines lc %d lw 0.5 dt 3 notitle, "
            "'' index %d using 1:3 with lines lc %d lw 2 title '%s (20-step mean)'",
            r ? ", \\\n     " : "", dat, 2 * r, r + 1, 2 * r, r + 1, runs[r].name);
  fprintf(f,
          "\nunset logscale y\n"
          "set ylabel 'accuracy'\n"
          "set yrange [0:1]\n"
          "set ytics 0.1\n"
          "set key bottom right\n"
          "plot ");
  for (int r = 0; r < nruns; r++)
    fprintf(f,
            "%s'%s' index %d using 1:2 with linespoints lc %d lw 2 pt 7 title '%s held-out', "
            "'' index %d using 1:4 with lines lc %d dt 2 title '%s minibatch (20-step mean)'",
            r ? ", \\\n     " : "", dat, 2 * r + 1, r + 1, runs[r].name, 2 * r, r + 1,
            runs[r].name);
  fprintf(f, "\nunset multiplot\n");
  fclose(f);
  pid_t pid = fork();
  if (pid == 0) {
    execlp("gnuplot", "gnuplot", gp, (char *)NULL);
    fprintf(stderr, "tatami train: cannot run gnuplot: %s (Debian: apt-get install gnuplot-nox)\n",
            strerror(errno));
    _exit(127);
  }
  int ws = 0;
  if (pid < 0 || waitpid(pid, &ws, 0) < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
    fprintf(stderr, "tatami train: gnuplot %s failed\n", gp);
    goto out;
  }
  if (isatty(2)) fprintf(stderr, "wrote %s (script %s, data %s)\n", png, gp, dat);
  status = 0;
out:
  free(dat);
  free(gp);
  return status;
}

/* ------------------------------------------------------------ main */

int tatami_train_main(int argc, char **argv) {
  opts o;
  parse(argc, argv, &o);
  train_data d;
  int rc = train_data_make(&d, o.side, o.n_train, o.n_test, o.data_seed);
  if (rc) {
    fprintf(stderr, "tatami train: cannot make the data set: %s\n", tatami_strerror(rc));
    return 1;
  }
  if (o.dump) {
    size_t n;
    uint8_t *b = train_data_bytes(&d, &n);
    FILE *f = fopen(o.dump, "wb");
    int ok = b && f && fwrite(b, 1, n, f) == n;
    if (f && fclose(f)) ok = 0;
    free(b);
    train_data_free(&d);
    if (!ok) fprintf(stderr, "tatami train: cannot write %s\n", o.dump);
    return ok ? 0 : 1;
  }
  if (o.data_hash) {
    uint64_t h;
    if (train_data_hash(&d, &h)) {
      fprintf(stderr, "tatami train: out of memory\n");
      train_data_free(&d);
      return 1;
    }
    if (o.json)
      printf("{\"data_hash\":\"0x%016" PRIx64 "\",\"side\":%u,\"train_size\":%u,"
             "\"test_size\":%u,\"data_seed\":%" PRIu64 "}\n",
             h, d.side, d.n_train, d.n_test, o.data_seed);
    else printf("0x%016" PRIx64 "\n", h);
    train_data_free(&d);
    return 0;
  }
  if (o.show >= 0) {
    if ((unsigned)o.show >= d.n_train) usage_error("--show: no such training image%s", "");
    train_data_show(&d, (unsigned)o.show, stdout);
    train_data_free(&d);
    return 0;
  }
  o.cfg.dim = d.dim;
  int status;
  if (!o.compare) {
    run_log r;
    const char *name = o.baseline ? "fp32" : o.cfg.low ? (o.cfg.sr ? "cfp8-sr" : "cfp8")
                                                       : (o.cfg.sr ? "bf16-sr" : "bf16");
    status = train_one(&o, &d, name, &r);
    if (status == 0 && o.plot) {
      char title[160];
      snprintf(title, sizeof title, "tatami train: %s on %s, batch %u, hidden %u", name,
               trainer_kind(&o), o.cfg.batch, o.cfg.hidden);
      status = write_plot(o.plot, &r, 1, title);
    }
    if (status != EXIT_SKIP) run_free(&r);
  } else {
    /* The FP32 host baseline, then bf16 and cfp8-SR on the device (or emulated). */
    run_log runs[3];
    int n = 0, emulate = o.emulate;
    status = 0;
    for (int k = 0; k < 3 && status == 0; k++) {
      opts ok = o;
      ok.compare = 1;
      ok.baseline = k == 0;
      ok.emulate = k > 0 && emulate;
      set_dtype(&ok.cfg, k == 2);
      if (o.round_set) ok.cfg.sr = o.cfg.sr || k == 2;
      status = train_one(&ok, &d, k == 0 ? "fp32" : k == 1 ? "bf16" : "cfp8-sr", &runs[k]);
      if (status == 0) n++;
    }
    if (status == 0 && !o.json) {
      printf("\n%-9s %10s %12s %10s\n", "run", "held-out", "final loss", "seconds");
      for (int k = 0; k < n; k++)
        printf("%-9s %9.2f%% %12.6f %10.1f\n", runs[k].name, runs[k].final_acc * 100.0,
               (double)runs[k].loss[runs[k].steps - 1], runs[k].seconds);
    }
    if (status == 0 && o.plot) {
      char title[160];
      snprintf(title, sizeof title, "tatami train: fp32 host baseline vs bf16 and cfp8-SR on %s",
               emulate ? "the emulated tile" : o.uri);
      status = write_plot(o.plot, runs, n, title);
    }
    for (int k = 0; k < n; k++) run_free(&runs[k]);
  }
  train_data_free(&d);
  return status;
}
