/* The boards that can sit behind the emulated FT2232H (tatami-vboard):
 * the Verilator model of icebreaker_top (RTL or gate-level netlist, one per
 * binary) and a wire loopback for testing the emulator itself. */
#ifndef TATAMI_VBOARD_BOARD_H
#define TATAMI_VBOARD_BOARD_H

#include "ft2232h.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The Verilator model linked into this binary (NULL name if none). */
extern const char *const vb_model_name;
void *vb_model_create(void);
int vb_model_tick(void *m, int rx_pin, int btn_n);
unsigned vb_model_leds(void *m);
void vb_model_destroy(void *m);

/* RX pin looped back to TX after delay cycles. */
int vb_loopback_board(unsigned delay, ft_board *out);

#ifdef __cplusplus
}
#endif
#endif
