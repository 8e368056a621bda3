// The Verilator model of icebreaker_top behind vboard_board.h's C interface.
// Built twice: VB_TOP=Vvb_rtl (RTL sources) and VB_TOP=Vvb_gate (the yosys
// netlist with the iCE40 cell models). In both, the PLL model passes CLK
// through, so one CLK cycle here is one tile cycle.
#include <cstdint>
#include <cstdlib>

#include "verilated.h"

#define VB_STR2(x) #x
#define VB_STR(x) VB_STR2(x)
#include VB_STR(VB_TOP.h)

#include "vboard_board.h"

namespace {
struct Model {
  VerilatedContext ctx;
  VB_TOP *top;
};
}  // namespace

extern "C" {

const char *const vb_model_name = VB_STR(VB_TOP);

void *vb_model_create(void) {
  Model *m = new Model;
  m->ctx.randReset(0);
  m->top = new VB_TOP(&m->ctx);
  m->top->CLK = 0;
  m->top->BTN_N = 1;
  m->top->RX = 1;
  m->top->eval();
  return m;
}

int vb_model_tick(void *p, int rx_pin, int btn_n) {
  Model *m = static_cast<Model *>(p);
  VB_TOP *t = m->top;
  t->RX = rx_pin ? 1 : 0;
  t->BTN_N = btn_n ? 1 : 0;
  t->CLK = 1;
  t->eval();
  t->CLK = 0;
  t->eval();
  return t->TX;
}

unsigned vb_model_leds(void *p) {
  VB_TOP *t = static_cast<Model *>(p)->top;
  return (unsigned)(t->LEDR_N ? 0 : 1) | (unsigned)(t->LEDG_N ? 0 : 2) |
         (unsigned)(t->LED_RED_N ? 0 : 4) | (unsigned)(t->LED_GRN_N ? 0 : 8) |
         (unsigned)(t->LED_BLU_N ? 0 : 16);
}

void vb_model_destroy(void *p) {
  Model *m = static_cast<Model *>(p);
  m->top->final();
  delete m->top;
  delete m;
}
}
