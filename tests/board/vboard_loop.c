/* A board whose FPGA TX pin repeats its RX pin a few cycles later: every
 * byte the host sends comes back, bit for bit, at the host's baud rate. */
#include <stdlib.h>

#include "vboard_board.h"

typedef struct loopb {
  unsigned delay, pos;
  unsigned char line[64];
} loopb;

static int loop_tick(void *ctx, int rx, int btn_n) {
  loopb *l = ctx;
  int out = l->line[l->pos];
  l->line[l->pos] = (unsigned char)(btn_n ? rx : 1);
  l->pos = (l->pos + 1) % l->delay;
  return out;
}

static unsigned loop_leds(void *ctx) {
  (void)ctx;
  return 0;
}

static void loop_destroy(void *ctx) { free(ctx); }

int vb_loopback_board(unsigned delay, ft_board *out) {
  loopb *l = calloc(1, sizeof *l);
  if (!l) return -1;
  if (delay < 1) delay = 1;
  if (delay > sizeof l->line) delay = sizeof l->line;
  l->delay = delay;
  for (unsigned i = 0; i < delay; i++) l->line[i] = 1;
  out->ctx = l;
  out->tick = loop_tick;
  out->leds = loop_leds;
  out->destroy = loop_destroy;
  return 0;
}
