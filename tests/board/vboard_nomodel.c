/* Stand-in when no Verilator model of the board is built (boards/ missing):
 * only --model=loopback works. */
#include <stddef.h>

#include "vboard_board.h"

const char *const vb_model_name = NULL;
void *vb_model_create(void) { return NULL; }
int vb_model_tick(void *m, int rx_pin, int btn_n) {
  (void)m;
  (void)rx_pin;
  (void)btn_n;
  return 1;
}
unsigned vb_model_leds(void *m) {
  (void)m;
  return 0;
}
void vb_model_destroy(void *m) { (void)m; }
