/* The host trainers of tatami train.
 *
 * fp32: the baseline. Plain C float arithmetic, the same network, init,
 * minibatches, gradient scaling (dlogits not divided by the batch, lr / batch
 * in the update) and update rule as the tile.
 *
 * emu: the tile's computation emulated with the spec's numerics
 * (host/src/numerics.h, docs/numerics.md), command by command in the order
 * the device trainer records them (train_dev.c), drawing the stochastic
 * rounding numbers from one tile random source in the tile's order. It is how
 * the hyperparameters were chosen without a device, and it must equal a ref:
 * run bit for bit (tests/sh/train.sh). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numerics.h"
#include "train.h"

/* ------------------------------------------------------------ shared helpers */

uint32_t train_f2u(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
float train_u2f(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}

size_t train_dt_size(tatami_dtype dt) {
  switch (dt) {
    case TATAMI_BF16: return 2;
    case TATAMI_FP32: return 4;
    case TATAMI_CF8_143:
    case TATAMI_CF8_152: return 1;
    default: return 0;
  }
}

static tatami_num_layout layout_of(tatami_dtype dt) {
  return dt == TATAMI_CF8_152 ? TATAMI_NUM_CFP8_152 : TATAMI_NUM_CFP8_143;
}

/* FP32 bits -> the code of dt (little-endian bytes at dst), with mode. */
static void put_code(tatami_num_ctx *ctx, uint32_t v, tatami_dtype dt, unsigned bias,
                     tatami_num_round mode, uint8_t *dst) {
  switch (dt) {
    case TATAMI_BF16: {
      uint16_t h = tatami_num_fp32_to_bf16(ctx, v, mode);
      dst[0] = (uint8_t)h;
      dst[1] = (uint8_t)(h >> 8);
      break;
    }
    case TATAMI_FP32:
      for (int k = 0; k < 4; k++) dst[k] = (uint8_t)(v >> (8 * k));
      break;
    default:
      dst[0] = tatami_num_fp32_to_cfp8(ctx, v, layout_of(dt), bias, mode);
      break;
  }
}

static uint32_t get_code(const uint8_t *src, tatami_dtype dt, unsigned bias) {
  switch (dt) {
    case TATAMI_BF16: return tatami_num_bf16_to_fp32((uint16_t)(src[0] | src[1] << 8));
    case TATAMI_FP32:
      return (uint32_t)src[0] | (uint32_t)src[1] << 8 | (uint32_t)src[2] << 16 |
             (uint32_t)src[3] << 24;
    default: return tatami_num_cfp8_to_fp32(src[0], layout_of(dt), bias);
  }
}

void train_quantize(const float *src, size_t n, tatami_dtype dt, unsigned bias, uint8_t *dst) {
  tatami_num_ctx scratch;  /* host-side RNE: draws nothing; its flags are not the tile's */
  tatami_num_init(&scratch, 0);
  size_t s = train_dt_size(dt);
  for (size_t i = 0; i < n; i++) put_code(&scratch, train_f2u(src[i]), dt, bias, TATAMI_NUM_RNE,
                                          dst + i * s);
}

uint32_t train_sr_seed(const train_cfg *c) {
  uint64_t z = c->seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 29)) * 0xBF58476D1CE4E5B9ull;
  uint32_t s = (uint32_t)(z >> 32);
  return s ? s : 1;
}

void train_init_params(const train_cfg *c, float *w1, float *b1, float *w2, float *b2) {
  uint64_t s = c->seed ^ 0x5DEECE66Dull;
  /* uniform(-a, a) with variance 2 / fan_in (He): a = sqrt(6 / fan_in) */
  float a1 = sqrtf(6.0f / (float)c->dim), a2 = sqrtf(6.0f / (float)c->hidden);
  for (size_t i = 0; i < (size_t)c->dim * c->hidden; i++) {
    s += 0x9E3779B97F4A7C15ull;
    uint64_t z = (s ^ (s >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    w1[i] = a1 * ((float)(z >> 40) * (2.0f / 16777216.0f) - 1.0f);
  }
  for (size_t i = 0; i < (size_t)c->hidden * TRAIN_CLASSES; i++) {
    s += 0x9E3779B97F4A7C15ull;
    uint64_t z = (s ^ (s >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    w2[i] = a2 * ((float)(z >> 40) * (2.0f / 16777216.0f) - 1.0f);
  }
  memset(b1, 0, c->hidden * sizeof(float));
  memset(b2, 0, TRAIN_CLASSES * sizeof(float));
}

/* ------------------------------------------------------------ fp32 baseline */

typedef struct fp32_trainer {
  trainer base;
  train_cfg c;
  float *w1, *b1, *w2, *b2, *v1, *vb1, *v2, *vb2;
  float *x[2], *z1, *h, *logits, *dh, *dw1, *db1, *dw2, *db2;
} fp32_trainer;

static int fp32_load(trainer *t, unsigned slot, const float *x, unsigned rows) {
  fp32_trainer *f = (fp32_trainer *)t;
  size_t n = (size_t)rows * f->c.dim;
  memcpy(f->x[slot], x, n * sizeof(float));
  memset(f->x[slot] + n, 0, ((size_t)f->c.batch * f->c.dim - n) * sizeof(float));
  return 0;
}

static int fp32_forward(trainer *t, unsigned slot, int train) {
  fp32_trainer *f = (fp32_trainer *)t;
  (void)train;
  unsigned B = f->c.batch, D = f->c.dim, H = f->c.hidden, C = TRAIN_CLASSES;
  const float *x = f->x[slot];
  for (unsigned i = 0; i < B; i++) {
    for (unsigned j = 0; j < H; j++) {
      float s = 0.0f;
      for (unsigned k = 0; k < D; k++) s += x[i * D + k] * f->w1[k * H + j];
      s += f->b1[j];
      f->z1[i * H + j] = s;
      f->h[i * H + j] = s > 0.0f ? s : 0.0f;
    }
    for (unsigned j = 0; j < C; j++) {
      float s = 0.0f;
      for (unsigned k = 0; k < H; k++) s += f->h[i * H + k] * f->w2[k * C + j];
      f->logits[i * C + j] = s + f->b2[j];
    }
  }
  return 0;
}

static int fp32_logits(trainer *t, float *logits) {
  fp32_trainer *f = (fp32_trainer *)t;
  memcpy(logits, f->logits, (size_t)f->c.batch * TRAIN_CLASSES * sizeof(float));
  return 0;
}

static void fp32_sgd(float *w, float *v, const float *g, size_t n, float lr, float mu, float wd) {
  for (size_t i = 0; i < n; i++) {
    float gi = g[i] + wd * w[i];
    v[i] = mu * v[i] + gi;
    w[i] = w[i] - lr * v[i];
  }
}

static int fp32_backward(trainer *t, unsigned slot, const float *dl, int phase) {
  fp32_trainer *f = (fp32_trainer *)t;
  unsigned B = f->c.batch, D = f->c.dim, H = f->c.hidden, C = TRAIN_CLASSES;
  const float *x = f->x[slot];
  for (unsigned i = 0; i < H; i++)
    for (unsigned j = 0; j < C; j++) {
      float s = 0.0f;
      for (unsigned b = 0; b < B; b++) s += f->h[b * H + i] * dl[b * C + j];
      f->dw2[i * C + j] = s;
    }
  for (unsigned j = 0; j < C; j++) {
    float s = 0.0f;
    for (unsigned b = 0; b < B; b++) s += dl[b * C + j];
    f->db2[j] = s;
  }
  for (unsigned b = 0; b < B; b++)
    for (unsigned j = 0; j < H; j++) {
      float s = 0.0f;
      for (unsigned k = 0; k < C; k++) s += dl[b * C + k] * f->w2[j * C + k];
      f->dh[b * H + j] = f->z1[b * H + j] > 0.0f ? s : 0.0f;
    }
  for (unsigned i = 0; i < D; i++)
    for (unsigned j = 0; j < H; j++) {
      float s = 0.0f;
      for (unsigned b = 0; b < B; b++) s += x[b * D + i] * f->dh[b * H + j];
      f->dw1[i * H + j] = s;
    }
  for (unsigned j = 0; j < H; j++) {
    float s = 0.0f;
    for (unsigned b = 0; b < B; b++) s += f->dh[b * H + j];
    f->db1[j] = s;
  }
  float lr = train_update_lr(&f->c, phase);
  fp32_sgd(f->w1, f->v1, f->dw1, (size_t)D * H, lr, f->c.momentum, f->c.weight_decay);
  fp32_sgd(f->b1, f->vb1, f->db1, H, lr, f->c.momentum, 0.0f);
  fp32_sgd(f->w2, f->v2, f->dw2, (size_t)H * C, lr, f->c.momentum, f->c.weight_decay);
  fp32_sgd(f->b2, f->vb2, f->db2, C, lr, f->c.momentum, 0.0f);
  return 0;
}

static int fp32_flags(trainer *t, unsigned *flags) {
  (void)t;
  *flags = 0;
  return -1;
}

static void fp32_destroy(trainer *t) {
  fp32_trainer *f = (fp32_trainer *)t;
  float *all[] = {f->w1, f->b1, f->w2, f->b2, f->v1, f->vb1, f->v2, f->vb2, f->x[0], f->x[1],
                  f->z1, f->h, f->logits, f->dh, f->dw1, f->db1, f->dw2, f->db2};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]);
  free(f);
}

int train_host_fp32_create(const train_cfg *c, trainer **out) {
  fp32_trainer *f = calloc(1, sizeof *f);
  if (!f) return TATAMI_ENOMEM;
  f->c = *c;
  size_t B = c->batch, D = c->dim, H = c->hidden, C = TRAIN_CLASSES;
  float **bufs[] = {&f->w1, &f->v1, &f->dw1, &f->b1, &f->vb1, &f->db1, &f->w2, &f->v2, &f->dw2,
                    &f->b2, &f->vb2, &f->db2, &f->x[0], &f->x[1], &f->z1, &f->h, &f->dh,
                    &f->logits};
  size_t sizes[] = {D * H, D * H, D * H, H, H, H, H * C, H * C, H * C, C, C, C, B * D, B * D,
                    B * H, B * H, B * H, B * C};
  int bad = 0;
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    bad |= !(*bufs[i] = calloc(sizes[i], sizeof(float)));
  f->base = (trainer){.name = "fp32-host", .load_batch = fp32_load,
                      .launch_forward = fp32_forward, .read_logits = fp32_logits,
                      .backward = fp32_backward, .flags = fp32_flags, .destroy = fp32_destroy};
  if (bad) {
    fp32_destroy(&f->base);
    return TATAMI_ENOMEM;
  }
  train_init_params(c, f->w1, f->b1, f->w2, f->b2);
  *out = &f->base;
  return 0;
}

/* ------------------------------------------------------------ the tile, emulated */

/* A tensor of the emulated tile: its FP32 view (what a reader widens a stored
 * element to), with the data type and bias it is stored in. */
typedef struct etensor {
  uint32_t *v;
  size_t n;
  tatami_dtype dt;
  unsigned bias;
} etensor;

typedef struct emu_trainer {
  trainer base;
  train_cfg c;
  tatami_num_ctx tile;   /* the tile's flags and random source */
  etensor w1, v1, w1q, b1, vb1, w2, v2, w2q, b2, vb2;
  etensor x[2], z1, hq, logits, dlq, dw2, db2, dh, dzq, dw1, db1;
} emu_trainer;

/* docs/numerics.md section 8: x' (an operand used without arithmetic) */
static uint32_t rd(tatami_num_ctx *ctx, uint32_t x) {
  if ((x & 0x7F800000u) == 0 && (x & 0x7FFFFFu)) {
    ctx->flags |= TATAMI_NUM_FLAG_DENORMAL;
    return x & 0x80000000u;
  }
  if ((x & 0x7F800000u) == 0x7F800000u && (x & 0x7FFFFFu)) {
    ctx->flags |= TATAMI_NUM_FLAG_INVALID;
    return TATAMI_NUM_FP32_QNAN;
  }
  return x;
}

/* The output conversion into z's type (one draw with SR for a narrow z), and
 * back to what a later reader of z sees. */
static uint32_t cvt(tatami_num_ctx *ctx, uint32_t v, const etensor *z, tatami_num_round mode) {
  if (z->dt == TATAMI_FP32) return v;
  uint8_t code[4];
  put_code(ctx, v, z->dt, z->bias, mode, code);
  return get_code(code, z->dt, z->bias);
}

/* C (m x n, FP32) = op(A) op(B): section 5, each element from -0 in order of k. */
static void e_gemm(emu_trainer *e, const etensor *a, int ta, const etensor *b, int tb,
                   etensor *c, unsigned m, unsigned n, unsigned k) {
  unsigned lda = ta ? m : k, ldb = tb ? k : n;
  for (unsigned i = 0; i < m; i++)
    for (unsigned j = 0; j < n; j++) {
      const uint32_t *pa = ta ? a->v + i : a->v + (size_t)i * lda;
      const uint32_t *pb = tb ? b->v + (size_t)j * ldb : b->v + j;
      uint32_t s = tatami_num_dot(&e->tile, pa, ta ? lda : 1, pb, tb ? 1 : ldb, k);
      c->v[(size_t)i * n + j] = cvt(&e->tile, s, c, TATAMI_NUM_RNE);
    }
}

static tatami_num_round mode_of(const emu_trainer *e) {
  return e->c.sr ? TATAMI_NUM_SR : TATAMI_NUM_RNE;
}

static int emu_forward(trainer *t, unsigned slot, int train) {
  emu_trainer *e = (emu_trainer *)t;
  tatami_num_ctx *ctx = &e->tile;
  unsigned B = e->c.batch, D = e->c.dim, H = e->c.hidden, C = TRAIN_CLASSES;
  /* evaluation rounds to nearest (train_dev.c records it so) */
  tatami_num_round mode = train ? mode_of(e) : TATAMI_NUM_RNE;
  e_gemm(e, &e->x[slot], 0, &e->w1q, 0, &e->z1, B, H, D);
  for (size_t i = 0; i < (size_t)B * H; i++)   /* BIAS in place */
    e->z1.v[i] = tatami_num_fp32_add(ctx, e->z1.v[i], e->b1.v[i % H]);
  for (size_t i = 0; i < (size_t)B * H; i++) { /* RELU */
    uint32_t x = rd(ctx, e->z1.v[i]);
    int keep = (x & 0x7FFFFFFFu) > 0x7F800000u || !(x >> 31);
    e->hq.v[i] = cvt(ctx, keep ? x : 0, &e->hq, mode);
  }
  e_gemm(e, &e->hq, 0, &e->w2q, 0, &e->logits, B, C, H);
  for (size_t i = 0; i < (size_t)B * C; i++)
    e->logits.v[i] = tatami_num_fp32_add(ctx, e->logits.v[i], e->b2.v[i % C]);
  return 0;
}

static int emu_logits(trainer *t, float *logits) {
  emu_trainer *e = (emu_trainer *)t;
  for (size_t i = 0; i < (size_t)e->c.batch * TRAIN_CLASSES; i++)
    logits[i] = train_u2f(e->logits.v[i]);
  return 0;
}

static void e_rowsum(emu_trainer *e, const etensor *x, etensor *z, unsigned m, unsigned n) {
  for (unsigned j = 0; j < n; j++) {
    uint32_t s = 0x80000000u;
    for (unsigned i = 0; i < m; i++) s = tatami_num_fp32_add(&e->tile, s, x->v[(size_t)i * n + j]);
    z->v[j] = cvt(&e->tile, s, z, mode_of(e));
  }
}

/* docs/protocol.md SGD: g = x + wd z; v = mu y + g; z' = z - lr v; W = cvt(z') */
static void e_sgd(emu_trainer *e, const etensor *g, etensor *v, etensor *w, etensor *wq,
                  uint32_t lr, uint32_t mu, uint32_t wd) {
  tatami_num_ctx *ctx = &e->tile;
  for (size_t i = 0; i < w->n; i++) {
    uint32_t gi = tatami_num_fp32_add(ctx, g->v[i], tatami_num_fp32_mul(ctx, wd, w->v[i]));
    uint32_t vi = tatami_num_fp32_add(ctx, tatami_num_fp32_mul(ctx, mu, v->v[i]), gi);
    uint32_t zi = tatami_num_fp32_sub(ctx, w->v[i], tatami_num_fp32_mul(ctx, lr, vi));
    v->v[i] = vi;
    w->v[i] = zi;
    if (wq) wq->v[i] = cvt(ctx, zi, wq, mode_of(e));
  }
}

static int emu_backward(trainer *t, unsigned slot, const float *dl, int phase) {
  emu_trainer *e = (emu_trainer *)t;
  tatami_num_ctx *ctx = &e->tile;
  unsigned B = e->c.batch, D = e->c.dim, H = e->c.hidden, C = TRAIN_CLASSES;
  /* the host writes dlogits in the gradient type (RNE) */
  uint8_t *buf = malloc((size_t)B * C * 4);
  if (!buf) return TATAMI_ENOMEM;
  size_t s = train_dt_size(e->dlq.dt);
  train_quantize(dl, (size_t)B * C, e->dlq.dt, e->dlq.bias, buf);
  for (size_t i = 0; i < (size_t)B * C; i++) e->dlq.v[i] = get_code(buf + i * s, e->dlq.dt, e->dlq.bias);
  free(buf);
  e_gemm(e, &e->hq, 1, &e->dlq, 0, &e->dw2, H, C, B);       /* dW2 = H^T dL */
  e_rowsum(e, &e->dlq, &e->db2, B, C);                       /* db2 */
  e_gemm(e, &e->dlq, 0, &e->w2q, 1, &e->dh, B, H, C);       /* dH = dL W2^T */
  for (size_t i = 0; i < (size_t)B * H; i++) {               /* RELU_BWD, saved Z1 */
    uint32_t x = rd(ctx, e->dh.v[i]), y = rd(ctx, e->z1.v[i]);
    int pos = !(y >> 31) && (y & 0x7FFFFFFFu) != 0 && (y & 0x7FFFFFFFu) <= 0x7F800000u;
    e->dzq.v[i] = cvt(ctx, pos ? x : 0, &e->dzq, mode_of(e));
  }
  e_gemm(e, &e->x[slot], 1, &e->dzq, 0, &e->dw1, D, H, B);  /* dW1 = X^T dZ */
  e_rowsum(e, &e->dzq, &e->db1, B, H);                       /* db1 */
  uint32_t lr = train_f2u(train_update_lr(&e->c, phase)), mu = train_f2u(e->c.momentum);
  uint32_t wd = train_f2u(e->c.weight_decay);
  e_sgd(e, &e->dw1, &e->v1, &e->w1, &e->w1q, lr, mu, wd);
  e_sgd(e, &e->db1, &e->vb1, &e->b1, NULL, lr, mu, 0);
  e_sgd(e, &e->dw2, &e->v2, &e->w2, &e->w2q, lr, mu, wd);
  e_sgd(e, &e->db2, &e->vb2, &e->b2, NULL, lr, mu, 0);
  return 0;
}

static int emu_load(trainer *t, unsigned slot, const float *x, unsigned rows) {
  emu_trainer *e = (emu_trainer *)t;
  etensor *xs = &e->x[slot];
  size_t n = (size_t)rows * e->c.dim, s = train_dt_size(xs->dt);
  uint8_t *buf = calloc(xs->n, s);
  if (!buf) return TATAMI_ENOMEM;
  train_quantize(x, n, xs->dt, xs->bias, buf);
  for (size_t i = 0; i < xs->n; i++) xs->v[i] = get_code(buf + i * s, xs->dt, xs->bias);
  free(buf);
  return 0;
}

static int emu_flags(trainer *t, unsigned *flags) {
  *flags = ((emu_trainer *)t)->tile.flags;
  return 0;
}

static void emu_destroy(trainer *t) {
  emu_trainer *e = (emu_trainer *)t;
  etensor *all[] = {&e->w1, &e->v1, &e->w1q, &e->b1, &e->vb1, &e->w2, &e->v2, &e->w2q,
                    &e->b2, &e->vb2, &e->x[0], &e->x[1], &e->z1, &e->hq, &e->logits, &e->dlq,
                    &e->dw2, &e->db2, &e->dh, &e->dzq, &e->dw1, &e->db1};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]->v);
  free(e);
}

int train_host_emu_create(const train_cfg *c, trainer **out) {
  emu_trainer *e = calloc(1, sizeof *e);
  if (!e) return TATAMI_ENOMEM;
  e->c = *c;
  size_t B = c->batch, D = c->dim, H = c->hidden, C = TRAIN_CLASSES;
  const tatami_dtype F = TATAMI_FP32;
  struct { etensor *t; size_t n; tatami_dtype dt; unsigned bias; } spec[] = {
      {&e->w1, D * H, F, 0},   {&e->v1, D * H, F, 0},   {&e->w1q, D * H, c->dt_w, c->bias_w1},
      {&e->b1, H, F, 0},       {&e->vb1, H, F, 0},      {&e->w2, H * C, F, 0},
      {&e->v2, H * C, F, 0},   {&e->w2q, H * C, c->dt_w, c->bias_w2},
      {&e->b2, C, F, 0},       {&e->vb2, C, F, 0},
      {&e->x[0], B * D, c->dt_x, c->bias_x}, {&e->x[1], B * D, c->dt_x, c->bias_x},
      {&e->z1, B * H, F, 0},   {&e->hq, B * H, c->dt_h, c->bias_h},
      {&e->logits, B * C, F, 0}, {&e->dlq, B * C, c->dt_g, c->bias_dl},
      {&e->dw2, H * C, F, 0},  {&e->db2, C, F, 0},     {&e->dh, B * H, F, 0},
      {&e->dzq, B * H, c->dt_g, c->bias_dz}, {&e->dw1, D * H, F, 0}, {&e->db1, H, F, 0}};
  int bad = 0;
  for (size_t i = 0; i < sizeof spec / sizeof spec[0]; i++) {
    spec[i].t->n = spec[i].n;
    spec[i].t->dt = spec[i].dt;
    spec[i].t->bias = spec[i].bias;
    bad |= !(spec[i].t->v = calloc(spec[i].n, sizeof(uint32_t)));
  }
  e->base = (trainer){.name = "emulated", .load_batch = emu_load, .launch_forward = emu_forward,
                      .read_logits = emu_logits, .backward = emu_backward, .flags = emu_flags,
                      .destroy = emu_destroy};
  if (bad) {
    emu_destroy(&e->base);
    return TATAMI_ENOMEM;
  }
  tatami_num_init(&e->tile, train_sr_seed(c));
  /* FP32 masters from the shared init; the low-precision copies are written
   * by the host with RNE, as train_dev.c uploads them */
  float *w1 = malloc(D * H * sizeof(float)), *b1 = malloc(H * sizeof(float));
  float *w2 = malloc(H * C * sizeof(float)), *b2 = malloc(C * sizeof(float));
  uint8_t *buf = malloc(D * H * 4);
  if (!w1 || !b1 || !w2 || !b2 || !buf) bad = 1;
  if (!bad) {
    train_init_params(c, w1, b1, w2, b2);
    for (size_t i = 0; i < D * H; i++) e->w1.v[i] = train_f2u(w1[i]);
    for (size_t i = 0; i < H; i++) e->b1.v[i] = train_f2u(b1[i]);
    for (size_t i = 0; i < H * C; i++) e->w2.v[i] = train_f2u(w2[i]);
    for (size_t i = 0; i < C; i++) e->b2.v[i] = train_f2u(b2[i]);
    size_t s = train_dt_size(c->dt_w);
    train_quantize(w1, D * H, c->dt_w, c->bias_w1, buf);
    for (size_t i = 0; i < D * H; i++) e->w1q.v[i] = get_code(buf + i * s, c->dt_w, c->bias_w1);
    train_quantize(w2, H * C, c->dt_w, c->bias_w2, buf);
    for (size_t i = 0; i < H * C; i++) e->w2q.v[i] = get_code(buf + i * s, c->dt_w, c->bias_w2);
  }
  free(w1);
  free(b1);
  free(w2);
  free(b2);
  free(buf);
  if (bad) {
    emu_destroy(&e->base);
    return TATAMI_ENOMEM;
  }
  *out = &e->base;
  return 0;
}
