/* tatami train: a 2-layer MLP (in -> hidden ReLU -> 10 logits) trained on a
 * generated digit data set, on the tile or on the host. Shared declarations of
 * examples/train*.c; `tatami train` (host/tools/tatami.c) calls
 * tatami_train_main.
 *
 *   train_data.c   the data set: 10 digit glyphs rendered with random scale,
 *                  shear, stroke width, shift, contrast and noise
 *   train_host.c   two host trainers: plain FP32 (the baseline) and an
 *                  emulation of the tile's numerics (numerics.h), command by
 *                  command, that a ref: run must equal bit for bit
 *   train_dev.c    the device trainer: everything resident in SRAM, forward and
 *                  backward+update recorded once as command programs
 *   train.c        the loop (minibatches, softmax and loss on the host), the
 *                  CLI, JSON, progress bar and gnuplot plots */
#ifndef TATAMI_TRAIN_H
#define TATAMI_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "tatami.h"

#define TRAIN_CLASSES 10

/* ------------------------------------------------------------ data set */
typedef struct train_data {
  unsigned side;        /* images are side x side, row-major, values in [0, 1] */
  unsigned dim;         /* side * side */
  unsigned n_train, n_test;
  float *x_train, *x_test;  /* n x dim; a training image only once rendered */
  uint8_t *y_train, *y_test;
  /* Training images are rendered when first used (a short run needs few of
   * them): image i depends on the seed and i only. */
  uint8_t *rendered;
  uint64_t seed_train;
  void *glyphs;
} train_data;

/* Deterministic in (side, n_train, n_test, seed) and nothing else: integer
 * PRNG, no libm calls but sqrtf (correctly rounded). */
int train_data_make(train_data *d, unsigned side, unsigned n_train, unsigned n_test,
                    uint64_t seed);
void train_data_free(train_data *d);
/* Training image i (rendered now if it was not yet). */
const float *train_data_image(train_data *d, unsigned i);
/* The data set as bytes (malloc'ed; NULL if out of memory): side, n_train,
 * n_test as u32, the pixels of both sets as FP32, then the labels as u8, all
 * little-endian. --dump-data writes them; the hash is over them. */
uint8_t *train_data_bytes(train_data *d, size_t *len);
/* FNV-1a 64 of train_data_bytes. */
int train_data_hash(train_data *d, uint64_t *hash);
/* A small ASCII rendering of sample i of the training set (for --show). */
void train_data_show(train_data *d, unsigned i, void *file);

/* ------------------------------------------------------------ configuration */
typedef struct train_cfg {
  unsigned dim, hidden, batch, steps;
  float lr, momentum, weight_decay;   /* lr per sample: the tile gets lr / batch */
  float lr_decay;          /* lr * lr_decay from step decay_step on (0: never) */
  unsigned decay_step;
  int low;                 /* 0: bf16 everywhere, 1: CFloat8 */
  int sr;                  /* stochastic rounding of the tile's narrow outputs */
  uint64_t seed;           /* init, minibatch order, the tile's random source */
  /* the data type and CFloat8 bias of each narrow tensor */
  tatami_dtype dt_x, dt_w, dt_h, dt_g;
  unsigned bias_x, bias_w1, bias_w2, bias_h, bias_dl, bias_dz;
} train_cfg;

/* The rounding mode of the VEC outputs as a tatami flag. */
static inline unsigned train_vec_flags(const train_cfg *c) { return c->sr ? TATAMI_ROUND_SR : 0; }
/* The lr the update uses (per summed gradient: lr / batch) in phase 0 (before
 * decay_step) or 1 (after); one float computation for every trainer. */
static inline float train_update_lr(const train_cfg *c, int phase) {
  return (phase ? c->lr * c->lr_decay : c->lr) / (float)c->batch;
}
/* The seed of the tile's random source, from cfg->seed. */
uint32_t train_sr_seed(const train_cfg *c);

/* The initial parameters (FP32), from cfg->seed: W1 dim x hidden, W2 hidden x 10,
 * uniform He-style; biases 0. */
void train_init_params(const train_cfg *c, float *w1, float *b1, float *w2, float *b2);

/* ------------------------------------------------------------ trainers */
/* One implementation of the network. The loop calls, per step t:
 *   launch_forward(slot of batch t, train = 1)  [queued on a device]
 *   load_batch(other slot, batch t+1)           [overlaps the forward]
 *   read_logits()                                [waits]
 *   backward(slot, dlogits, lr phase)            [queued]
 * and for evaluation launch_forward(slot, 0) + read_logits. */
typedef struct trainer trainer;
struct trainer {
  const char *name;
  int (*load_batch)(trainer *t, unsigned slot, const float *x, unsigned rows);
  int (*launch_forward)(trainer *t, unsigned slot, int train);
  int (*read_logits)(trainer *t, float *logits);
  int (*backward)(trainer *t, unsigned slot, const float *dlogits, int phase);
  /* sticky flags of the tile's numerics so far (TATAMI_FLAG_*), or -1 */
  int (*flags)(trainer *t, unsigned *flags);
  /* Device trainers: tile cycles and link payload bytes (host -> tile, tile ->
   * host) since the trainer was set up, the tile's clock, and the bytes one
   * step would add if the host kept the weights (upload the low-precision
   * weights, download FP32 gradients). NULL for host trainers. */
  int (*stats)(trainer *t, uint64_t *cycles, uint64_t *clock_hz, uint64_t *up, uint64_t *down,
               uint64_t *reload_extra);
  void (*destroy)(trainer *t);
  char error[256];
};

int train_host_fp32_create(const train_cfg *c, trainer **out);
int train_host_emu_create(const train_cfg *c, trainer **out);
/* Returns TATAMI_EUNSUPPORTED (with a message in *why) if this build or the
 * device lacks the 1.1 float API. */
int train_dev_create(const train_cfg *c, const char *uri, trainer **out, char *why,
                     size_t why_len);

/* ------------------------------------------------------------ shared numerics */
/* The host's conversions of an input minibatch and of dlogits into their
 * tile data types (RNE), as bytes ready for a WRITE. */
size_t train_dt_size(tatami_dtype dt);
void train_quantize(const float *src, size_t n, tatami_dtype dt, unsigned bias, uint8_t *dst);
uint32_t train_f2u(float f);
float train_u2f(uint32_t u);

int tatami_train_main(int argc, char **argv);

#endif
