/* The data set of tatami train: 10 digit glyphs (5 x 7 cells, drawn here)
 * rendered as strokes between neighbouring cells, with a random scale,
 * aspect, shear, stroke width, position, contrast and additive noise.
 * Everything comes from one splitmix64 stream per sample, so the set is a
 * function of (side, sizes, seed) only; the arithmetic is float with +, -,
 * *, / and sqrtf, all correctly rounded in IEEE single precision. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

static const char *const glyphs[TRAIN_CLASSES][7] = {
    {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."},
    {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."},
    {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"},
    {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."},
    {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."},
    {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."},
    {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."},
    {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."},
    {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."},
    {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."},
};

/* A glyph as line segments between the centres of 8-neighbouring on-cells
 * (a lone cell is a zero-length segment, a dot). */
typedef struct seg { float x0, y0, x1, y1; } seg;
typedef struct glyph_segs { unsigned n; seg s[64]; } glyph_segs;

static int on(int g, int x, int y) {
  return x >= 0 && x < 5 && y >= 0 && y < 7 && glyphs[g][y][x] == '#';
}

static void build_segs(int g, glyph_segs *gs) {
  /* right, down, down-right, down-left: each neighbouring pair once */
  static const int d[4][2] = {{1, 0}, {0, 1}, {1, 1}, {-1, 1}};
  gs->n = 0;
  for (int y = 0; y < 7; y++) {
    for (int x = 0; x < 5; x++) {
      if (!on(g, x, y)) continue;
      int linked = 0;
      for (int k = 0; k < 4; k++) {
        int nx = x + d[k][0], ny = y + d[k][1];
        if (!on(g, nx, ny)) continue;
        /* a diagonal is drawn only where no orthogonal path joins the two
         * cells (else corners would be filled in) */
        if (d[k][0] && d[k][1] && (on(g, nx, y) || on(g, x, ny))) continue;
        gs->s[gs->n++] = (seg){x + 0.5f, y + 0.5f, nx + 0.5f, ny + 0.5f};
        linked = 1;
      }
      if (!linked && !on(g, x - 1, y) && !on(g, x, y - 1) && !on(g, x - 1, y - 1) &&
          !on(g, x + 1, y - 1))
        gs->s[gs->n++] = (seg){x + 0.5f, y + 0.5f, x + 0.5f, y + 0.5f};
    }
  }
}

/* squared distance from (px, py) to a segment */
static float seg_dist2(const seg *s, float px, float py) {
  float dx = s->x1 - s->x0, dy = s->y1 - s->y0;
  float wx = px - s->x0, wy = py - s->y0;
  float l2 = dx * dx + dy * dy, t = 0.0f;
  if (l2 > 0.0f) {
    t = (wx * dx + wy * dy) / l2;
    t = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
  }
  float ex = wx - t * dx, ey = wy - t * dy;
  return ex * ex + ey * ey;
}

static uint64_t splitmix64(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
/* uniform in [0, 1) with 24 bits */
static float unif(uint64_t *s) { return (float)(splitmix64(s) >> 40) * (1.0f / 16777216.0f); }
static float unif_in(uint64_t *s, float lo, float hi) { return lo + (hi - lo) * unif(s); }

/* One image. The glyph box (5 x 7 cells) is scaled to about 55..75 % of the
 * side in height, sheared, and placed with its centre anywhere that keeps
 * it inside, within a pixel of the middle; stroke half-width 0.25..0.55 cells; noise: the sum of
 * four uniforms (near-Gaussian), sigma ~0.1. */
static void render(const glyph_segs *gs, unsigned side, uint64_t *rng, float *img) {
  float S = (float)side;
  float sy = S * unif_in(rng, 0.55f, 0.75f) / 7.0f;          /* pixels per cell */
  float sx = sy * unif_in(rng, 0.8f, 1.2f);
  float shear = unif_in(rng, -0.25f, 0.25f);
  float half = unif_in(rng, 0.25f, 0.55f);                   /* cells */
  float w = 5.0f * sx, h = 7.0f * sy;
  float slack_x = (S - w) * 0.5f, slack_y = (S - h) * 0.5f;
  if (slack_x < 0.0f) slack_x = 0.0f;
  if (slack_y < 0.0f) slack_y = 0.0f;
  /* shift: up to one pixel each way (less where the glyph fills the side);
   * an MLP has no translation invariance, and +-1.5 px already costs the FP32
   * baseline several points at a few hundred steps */
  float cx = S * 0.5f + unif_in(rng, -1.0f, 1.0f) * (slack_x < 1.0f ? slack_x : 1.0f);
  float cy = S * 0.5f + unif_in(rng, -1.0f, 1.0f) * (slack_y < 1.0f ? slack_y : 1.0f);
  float ink = unif_in(rng, 0.6f, 1.0f), paper = unif_in(rng, 0.0f, 0.2f);
  float aa = 1.0f / sy;                                      /* one pixel, in cells */
  for (unsigned py = 0; py < side; py++) {
    for (unsigned px = 0; px < side; px++) {
      float dyp = (float)py + 0.5f - cy;
      float u = ((float)px + 0.5f - cx - shear * dyp) / sx + 2.5f;
      float v = dyp / sy + 3.5f;
      /* every segment lies in [0.5, 4.5] x [0.5, 6.5]: farther out than the
       * stroke's reach the cover is 0 whatever the segments (a shortcut that
       * changes no result) */
      float reach = half + aa;
      float cover = 0.0f;
      if (u > 0.5f - reach && u < 4.5f + reach && v > 0.5f - reach && v < 6.5f + reach) {
        float best = 1e30f;
        for (unsigned k = 0; k < gs->n; k++) {
          float d2 = seg_dist2(&gs->s[k], u, v);
          if (d2 < best) best = d2;
        }
        cover = (half + 0.5f * aa - sqrtf(best)) / aa;       /* antialiased edge */
        cover = cover < 0.0f ? 0.0f : cover > 1.0f ? 1.0f : cover;
      }
      float noise = (unif(rng) + unif(rng) + unif(rng) + unif(rng) - 2.0f) * 0.17f;
      float val = paper + (ink - paper) * cover + noise;
      img[py * side + px] = val < 0.0f ? 0.0f : val > 1.0f ? 1.0f : val;
    }
  }
}

/* Sample i of a set: its own stream from (seed, i); balanced classes. */
static void make_one(const glyph_segs *gs, unsigned side, uint64_t seed, unsigned i, float *x,
                     uint8_t *y) {
  uint64_t rng = seed ^ (0xD1B54A32D192ED03ull * (i + 1));
  *y = (uint8_t)(i % TRAIN_CLASSES);
  render(&gs[*y], side, &rng, x);
}

int train_data_make(train_data *d, unsigned side, unsigned n_train, unsigned n_test,
                    uint64_t seed) {
  memset(d, 0, sizeof *d);
  if (side < 8 || side > 64 || !n_train || !n_test) return TATAMI_EINVAL;
  glyph_segs *gs = malloc(TRAIN_CLASSES * sizeof *gs);
  d->glyphs = gs;
  d->side = side;
  d->dim = side * side;
  d->n_train = n_train;
  d->n_test = n_test;
  d->x_train = malloc((size_t)n_train * d->dim * sizeof(float));
  d->x_test = malloc((size_t)n_test * d->dim * sizeof(float));
  d->y_train = malloc(n_train);
  d->y_test = malloc(n_test);
  d->rendered = calloc(n_train, 1);
  if (!gs || !d->x_train || !d->x_test || !d->y_train || !d->y_test || !d->rendered) {
    train_data_free(d);
    return TATAMI_ENOMEM;
  }
  for (int g = 0; g < TRAIN_CLASSES; g++) build_segs(g, &gs[g]);
  /* Two independent streams: the held-out set does not change with n_train. */
  uint64_t s = seed;
  d->seed_train = splitmix64(&s);
  uint64_t seed_test = splitmix64(&s);
  for (unsigned i = 0; i < n_train; i++) d->y_train[i] = (uint8_t)(i % TRAIN_CLASSES);
  for (unsigned i = 0; i < n_test; i++)
    make_one(gs, side, seed_test, i, d->x_test + (size_t)i * d->dim, &d->y_test[i]);
  return 0;
}

const float *train_data_image(train_data *d, unsigned i) {
  float *x = d->x_train + (size_t)i * d->dim;
  if (!d->rendered[i]) {
    make_one(d->glyphs, d->side, d->seed_train, i, x, &d->y_train[i]);
    d->rendered[i] = 1;
  }
  return x;
}

void train_data_free(train_data *d) {
  free(d->x_train);
  free(d->x_test);
  free(d->y_train);
  free(d->y_test);
  free(d->rendered);
  free(d->glyphs);
  memset(d, 0, sizeof *d);
}

/* The bytes the hash covers: side, n_train, n_test (u32), every pixel of the
 * training then the held-out set (FP32 bit patterns), then the labels, all
 * little-endian, so that the hash is the same on any host. */
uint8_t *train_data_bytes(train_data *d, size_t *len) {
  for (unsigned i = 0; i < d->n_train; i++) train_data_image(d, i);
  size_t npix = ((size_t)d->n_train + d->n_test) * d->dim;
  *len = 12 + 4 * npix + d->n_train + d->n_test;
  uint8_t *b = malloc(*len), *p = b;
  if (!b) return NULL;
  uint32_t hdr[3] = {d->side, d->n_train, d->n_test};
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 4; k++) *p++ = (uint8_t)(hdr[i] >> (8 * k));
  const float *sets[2] = {d->x_train, d->x_test};
  size_t counts[2] = {(size_t)d->n_train * d->dim, (size_t)d->n_test * d->dim};
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < counts[s]; i++) {
      uint32_t u = train_f2u(sets[s][i]);
      for (int k = 0; k < 4; k++) *p++ = (uint8_t)(u >> (8 * k));
    }
  memcpy(p, d->y_train, d->n_train);
  memcpy(p + d->n_train, d->y_test, d->n_test);
  return b;
}

int train_data_hash(train_data *d, uint64_t *hash) {
  size_t n;
  uint8_t *b = train_data_bytes(d, &n);
  if (!b) return TATAMI_ENOMEM;
  uint64_t h = 0xCBF29CE484222325ull;  /* FNV-1a 64 */
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001B3ull;
  free(b);
  *hash = h;
  return 0;
}

void train_data_show(train_data *d, unsigned i, void *file) {
  FILE *f = file;
  static const char shades[] = " .:-=+*#%@";
  const float *img = train_data_image(d, i);
  fprintf(f, "sample %u, label %u\n", i, d->y_train[i]);
  for (unsigned y = 0; y < d->side; y++) {
    for (unsigned x = 0; x < d->side; x++) {
      int k = (int)(img[y * d->side + x] * 9.0f + 0.5f);
      fputc(shades[k < 0 ? 0 : k > 9 ? 9 : k], f);
      fputc(shades[k < 0 ? 0 : k > 9 ? 9 : k], f);
    }
    fputc('\n', f);
  }
}
