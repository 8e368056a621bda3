/* The device trainer of tatami train: the network lives in the tile's SRAM.
 *
 * Resident: W1, W2 (FP32 masters and their bf16/CFloat8 copies), b1, b2 (FP32),
 * the four velocities, the activations and the gradients. Streamed per step:
 * the minibatch (into one of two slots, while the tile runs the forward pass
 * on the other) and dlogits. Two command programs are recorded once:
 *
 *   forward (param 0: the minibatch slot)
 *     Z1 = X W1 (FP32); Z1 += b1; Hq = relu(Z1) (narrow, SR); L = Hq W2q; L += b2
 *   backward + update (param 0: the same slot)
 *     dW2 = Hq^T dL; db2 = rowsum dL; dH = dL W2q^T; dZ = relu'(dH, Z1) (narrow, SR);
 *     dW1 = X^T dZ; db1 = rowsum dZ; SGD on W1, b1, W2, b2 (W copies narrow, SR)
 *
 * and a third, the forward with round-to-nearest ReLU outputs, for evaluation
 * (so that measuring accuracy draws no random numbers and does not change the
 * training). The host reads L, computes softmax, loss and dL, writes dL.
 * train_host.c's emulation runs the same commands in the same order.
 *
 * TRAIN_HAVE_API is 0 while libtatami does not define the 1.1 float API
 * (examples/examples.mk looks at the library): then this trainer reports
 * that and everything else still works. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

#ifndef TRAIN_HAVE_API
#define TRAIN_HAVE_API 1
#endif

#if !TRAIN_HAVE_API

int train_dev_create(const train_cfg *c, const char *uri, trainer **out, char *why,
                     size_t why_len) {
  (void)c;
  (void)uri;
  *out = NULL;
  snprintf(why, why_len,
           "this libtatami does not implement the 1.1 float API yet (tatami_sgd, "
           "tatami_program_run, ...); use --emulate or --baseline");
  return TATAMI_EUNSUPPORTED;
}

#else

typedef struct dev_trainer {
  trainer base;
  train_cfg c;
  tatami_device *dev;
  tatami_tensor w1, v1, w1q, b1, vb1, w2, v2, w2q, b2, vb2;
  tatami_tensor z1, hq, logits, dlq, dw2, db2, dh, dzq, dw1, db1;
  uint64_t slot[2];
  size_t slot_bytes;
  tatami_program *fwd, *fwd_eval, *bwd[2];  /* bwd[1]: after the lr decay */
  uint8_t *buf;   /* staging for uploads and the logits */
  uint64_t up, down;   /* link payload bytes since setup (WRITE data, READ data) */
} dev_trainer;

static int failed(dev_trainer *d, const char *what, int rc) {
  snprintf(d->base.error, sizeof d->base.error, "%s: %s%s%s", what, tatami_strerror(rc),
           *tatami_last_error(d->dev) ? ": " : "", tatami_last_error(d->dev));
  return rc;
}

static int dev_load(trainer *t, unsigned slot, const float *x, unsigned rows) {
  dev_trainer *d = (dev_trainer *)t;
  size_t n = (size_t)rows * d->c.dim, s = train_dt_size(d->c.dt_x);
  memset(d->buf, 0, d->slot_bytes);
  train_quantize(x, n, d->c.dt_x, d->c.bias_x, d->buf);
  int rc = tatami_write(d->dev, d->slot[slot], d->buf, (size_t)d->c.batch * d->c.dim * s);
  d->up += (uint64_t)d->c.batch * d->c.dim * s;
  return rc ? failed(d, "writing a minibatch", rc) : 0;
}

static int dev_forward(trainer *t, unsigned slot, int train) {
  dev_trainer *d = (dev_trainer *)t;
  int rc = tatami_program_run(d->dev, train ? d->fwd : d->fwd_eval, &d->slot[slot], 1);
  return rc ? failed(d, "running the forward program", rc) : 0;
}

static int dev_logits(trainer *t, float *logits) {
  dev_trainer *d = (dev_trainer *)t;
  size_t n = (size_t)d->c.batch * TRAIN_CLASSES;
  int rc = tatami_read(d->dev, d->logits.addr, d->buf, n * 4);
  if (rc) return failed(d, "reading the logits", rc);
  d->down += n * 4;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *p = d->buf + 4 * i;
    logits[i] = train_u2f((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                          (uint32_t)p[3] << 24);
  }
  return 0;
}

static int dev_backward(trainer *t, unsigned slot, const float *dl, int phase) {
  dev_trainer *d = (dev_trainer *)t;
  size_t n = (size_t)d->c.batch * TRAIN_CLASSES;
  train_quantize(dl, n, d->c.dt_g, d->c.bias_dl, d->buf);
  int rc = tatami_write(d->dev, d->dlq.addr, d->buf, n * train_dt_size(d->c.dt_g));
  if (rc) return failed(d, "writing dlogits", rc);
  d->up += n * train_dt_size(d->c.dt_g);
  rc = tatami_program_run(d->dev, d->bwd[phase], &d->slot[slot], 1);
  return rc ? failed(d, "running the backward program", rc) : 0;
}

static int dev_flags(trainer *t, unsigned *flags) {
  dev_trainer *d = (dev_trainer *)t;
  int rc = tatami_get_flags(d->dev, flags);
  return rc ? failed(d, "reading the flags", rc) : 0;
}

static int dev_stats(trainer *t, uint64_t *cycles, uint64_t *clock_hz, uint64_t *up,
                     uint64_t *down, uint64_t *reload_extra) {
  dev_trainer *d = (dev_trainer *)t;
  tatami_counters cn;
  tatami_info in;
  int rc = tatami_get_counters(d->dev, &cn);
  if (!rc) rc = tatami_get_info(d->dev, &in);
  if (rc) return failed(d, "reading the counters", rc);
  *cycles = cn.cycles;
  *clock_hz = in.clock_hz;
  /* with what libtatami moved for VEC ops it emulated (a device without a
   * vector unit): every payload byte the step sends or receives */
  *up = d->up + cn.vec_emu_write_bytes;
  *down = d->down + cn.vec_emu_read_bytes;
  /* weights kept on the host: every step uploads the low-precision weights
   * and biases the tile computes with and downloads their FP32 gradients */
  const tatami_tensor *w[4] = {&d->w1q, &d->w2q, &d->b1, &d->b2};
  uint64_t extra = 0;
  for (int i = 0; i < 4; i++) {
    uint64_t n = (uint64_t)w[i]->rows * w[i]->cols;
    extra += n * tatami_dtype_size(w[i]->dtype) + n * 4;
  }
  *reload_extra = extra;
  return 0;
}

static void dev_destroy(trainer *t) {
  dev_trainer *d = (dev_trainer *)t;
  if (d->dev) {
    tatami_program_free(d->fwd);
    if (d->fwd_eval != d->fwd) tatami_program_free(d->fwd_eval);
    tatami_program_free(d->bwd[0]);
    tatami_program_free(d->bwd[1]);
    tatami_close(d->dev);  /* frees the device memory with it */
  }
  free(d->buf);
  free(d);
}

/* Host floats -> the tensor's type (RNE), written at its address. */
static int put(dev_trainer *d, const tatami_tensor *t, const float *v) {
  size_t n = (size_t)t->rows * t->cols;
  train_quantize(v, n, t->dtype, t->bias, d->buf);
  return tatami_write(d->dev, t->addr, d->buf, n * train_dt_size(t->dtype));
}

static int record(dev_trainer *d, int sr_relu, tatami_program **out) {
  const train_cfg *c = &d->c;
  tatami_tensor x;
  int rc;
  if ((rc = tatami_program_begin(d->dev))) return failed(d, "starting a program", rc);
  if ((rc = tatami_tensor_param(d->dev, c->dt_x, c->batch, c->dim, c->dim, 0, 0, &x)) == 0) {
    x.bias = c->bias_x;
    if (!(rc = tatami_gemm(d->dev, &x, &d->w1q, &d->z1, 0)) &&
        !(rc = tatami_bias_add(d->dev, &d->z1, &d->z1, &d->b1, 0)) &&
        !(rc = tatami_relu(d->dev, &d->hq, &d->z1, sr_relu ? TATAMI_ROUND_SR : 0)) &&
        !(rc = tatami_gemm(d->dev, &d->hq, &d->w2q, &d->logits, 0)))
      rc = tatami_bias_add(d->dev, &d->logits, &d->logits, &d->b2, 0);
  }
  if (rc) {
    failed(d, "recording the forward program", rc);
    tatami_program *junk = NULL;
    tatami_program_end(d->dev, &junk);
    tatami_program_free(junk);
    return rc;
  }
  if ((rc = tatami_program_end(d->dev, out))) return failed(d, "storing the forward program", rc);
  return 0;
}

/* The lr is a field of the SGD commands, so each lr phase has its program. */
static int record_backward(dev_trainer *d, int phase) {
  const train_cfg *c = &d->c;
  unsigned f = train_vec_flags(c);
  float lr = train_update_lr(c, phase);
  tatami_tensor x;
  int rc;
  if ((rc = tatami_program_begin(d->dev))) return failed(d, "starting a program", rc);
  if ((rc = tatami_tensor_param(d->dev, c->dt_x, c->batch, c->dim, c->dim, 0, 0, &x)) == 0) {
    x.bias = c->bias_x;
    if (!(rc = tatami_gemm(d->dev, &d->hq, &d->dlq, &d->dw2, TATAMI_TRANS_A)) &&
        !(rc = tatami_row_sum(d->dev, &d->db2, &d->dlq, 0)) &&
        !(rc = tatami_gemm(d->dev, &d->dlq, &d->w2q, &d->dh, TATAMI_TRANS_B)) &&
        !(rc = tatami_relu_backward(d->dev, &d->dzq, &d->dh, &d->z1, f)) &&
        !(rc = tatami_gemm(d->dev, &x, &d->dzq, &d->dw1, TATAMI_TRANS_A)) &&
        !(rc = tatami_row_sum(d->dev, &d->db1, &d->dzq, 0)) &&
        !(rc = tatami_sgd(d->dev, &d->w1, &d->v1, &d->w1q, &d->dw1, lr, c->momentum,
                          c->weight_decay, f)) &&
        !(rc = tatami_sgd(d->dev, &d->b1, &d->vb1, NULL, &d->db1, lr, c->momentum, 0.0f, f)) &&
        !(rc = tatami_sgd(d->dev, &d->w2, &d->v2, &d->w2q, &d->dw2, lr, c->momentum,
                          c->weight_decay, f)))
      rc = tatami_sgd(d->dev, &d->b2, &d->vb2, NULL, &d->db2, lr, c->momentum, 0.0f, f);
  }
  if (rc) {
    failed(d, "recording the backward program", rc);
    tatami_program *junk = NULL;
    tatami_program_end(d->dev, &junk);
    tatami_program_free(junk);
    return rc;
  }
  if ((rc = tatami_program_end(d->dev, &d->bwd[phase])))
    return failed(d, "storing the backward program", rc);
  return 0;
}

static int setup(dev_trainer *d, char *why, size_t why_len) {
  const train_cfg *c = &d->c;
  tatami_info in;
  int rc = tatami_get_info(d->dev, &in);
  if (rc) return failed(d, "reading the device's info", rc);
  /* Neither RUN nor VEC is needed: for a device without them (the iCEBreaker
   * FP variant) libtatami expands the programs and emulates VEC on the host,
   * with the same results, moving the VEC operands over the link. */
  unsigned need = TATAMI_FEAT_FLAGS | (c->low ? TATAMI_FEAT_CF8 : TATAMI_FEAT_BF16);
  if (in.version < 0x0101 || (in.dtypes & need) != need) {
    snprintf(why, why_len,
             "the device (%s, protocol %u.%u, features 0x%02x) lacks what training needs "
             "(features 0x%02x: %s GEMM, FLAGS)",
             in.backend, in.version >> 8, in.version & 0xFF, in.dtypes, need,
             c->low ? "CFloat8" : "BF16");
    return TATAMI_EUNSUPPORTED;
  }
  unsigned D = c->dim, H = c->hidden, C = TRAIN_CLASSES, B = c->batch;
  const tatami_dtype F = TATAMI_FP32;
  struct { tatami_tensor *t; tatami_dtype dt; unsigned r, cols, bias; } spec[] = {
      {&d->w1, F, D, H, 0},   {&d->v1, F, D, H, 0},   {&d->w1q, c->dt_w, D, H, c->bias_w1},
      {&d->b1, F, 1, H, 0},   {&d->vb1, F, 1, H, 0},  {&d->w2, F, H, C, 0},
      {&d->v2, F, H, C, 0},   {&d->w2q, c->dt_w, H, C, c->bias_w2},
      {&d->b2, F, 1, C, 0},   {&d->vb2, F, 1, C, 0},
      {&d->z1, F, B, H, 0},   {&d->hq, c->dt_h, B, H, c->bias_h},
      {&d->logits, F, B, C, 0}, {&d->dlq, c->dt_g, B, C, c->bias_dl},
      {&d->dw2, F, H, C, 0},  {&d->db2, F, 1, C, 0},  {&d->dh, F, B, H, 0},
      {&d->dzq, c->dt_g, B, H, c->bias_dz}, {&d->dw1, F, D, H, 0}, {&d->db1, F, 1, H, 0}};
  for (size_t i = 0; i < sizeof spec / sizeof spec[0]; i++) {
    if ((rc = tatami_tensor_create(d->dev, spec[i].dt, spec[i].r, spec[i].cols, spec[i].t)))
      return failed(d, "allocating the network in SRAM", rc);
    spec[i].t->bias = spec[i].bias;
  }
  d->slot_bytes = (size_t)B * D * train_dt_size(c->dt_x);
  for (int s = 0; s < 2; s++)
    if ((rc = tatami_malloc(d->dev, d->slot_bytes, &d->slot[s])))
      return failed(d, "allocating the minibatch buffers", rc);
  size_t big = (size_t)D * H * 4;
  if (big < d->slot_bytes) big = d->slot_bytes;
  if (!(d->buf = malloc(big))) return TATAMI_ENOMEM;

  /* initial state: masters, their RNE copies, zero velocities */
  float *w1 = calloc((size_t)D * H, sizeof(float)), *b1 = calloc(H, sizeof(float));
  float *w2 = calloc((size_t)H * C, sizeof(float)), *b2 = calloc(C, sizeof(float));
  float *zero = calloc((size_t)D * H, sizeof(float));
  rc = TATAMI_ENOMEM;
  if (w1 && b1 && w2 && b2 && zero) {
    train_init_params(c, w1, b1, w2, b2);
    if ((rc = put(d, &d->w1, w1)) || (rc = put(d, &d->w1q, w1)) || (rc = put(d, &d->b1, b1)) ||
        (rc = put(d, &d->w2, w2)) || (rc = put(d, &d->w2q, w2)) || (rc = put(d, &d->b2, b2)) ||
        (rc = put(d, &d->v1, zero)) || (rc = put(d, &d->vb1, zero)) ||
        (rc = put(d, &d->v2, zero)) || (rc = put(d, &d->vb2, zero)))
      failed(d, "uploading the initial weights", rc);
  }
  free(w1);
  free(b1);
  free(w2);
  free(b2);
  free(zero);
  if (rc) return rc;
  if ((rc = tatami_seed(d->dev, train_sr_seed(c))) ||
      (rc = tatami_clear_flags(d->dev, TATAMI_FLAG_ALL)) || (rc = tatami_sync(d->dev)))
    return failed(d, "seeding the random source", rc);
  if ((rc = record(d, c->sr, &d->fwd))) return rc;
  d->fwd_eval = d->fwd;
  if (c->sr && (rc = record(d, 0, &d->fwd_eval))) return rc;
  if ((rc = record_backward(d, 0))) return rc;
  if (c->decay_step && (rc = record_backward(d, 1))) return rc;
  /* the statistics (dev_stats) count from here: the training itself */
  if ((rc = tatami_sync(d->dev)) || (rc = tatami_clear_counters(d->dev)))
    return failed(d, "clearing the counters", rc);
  d->up = d->down = 0;
  return 0;
}

int train_dev_create(const train_cfg *c, const char *uri, trainer **out, char *why,
                     size_t why_len) {
  *out = NULL;
  dev_trainer *d = calloc(1, sizeof *d);
  if (!d) return TATAMI_ENOMEM;
  d->c = *c;
  d->base = (trainer){.name = "device", .load_batch = dev_load, .launch_forward = dev_forward,
                      .read_logits = dev_logits, .backward = dev_backward, .flags = dev_flags,
                      .stats = dev_stats,
                      .destroy = dev_destroy};
  int rc = tatami_open(uri, &d->dev);
  if (rc) {
    snprintf(why, why_len, "cannot open '%s': %s: %s", uri, tatami_strerror(rc),
             tatami_open_error());
    free(d);
    return rc;
  }
  why[0] = 0;
  rc = setup(d, why, why_len);
  if (rc) {
    if (!why[0]) snprintf(why, why_len, "%s", d->base.error);
    dev_destroy(&d->base);
    return rc;
  }
  *out = &d->base;
  return 0;
}

#endif
