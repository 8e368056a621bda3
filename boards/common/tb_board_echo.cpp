// tb_board_echo: icebreaker_top built with LOOPBACK=1 (UART echo, no tile), as
// RTL and as the yosys gate-level netlist with cells_sim.v and the PLL model:
// the board's pins (CLK = the tile clock through the PLL model, RX, TX, LEDs)
// at N = TB_CLOCK_HZ / TB_BAUD clocks per bit (boards.mk passes the board's
// clock and baud, which the model was built with). Checks power-on reset, bytes
// echoed back to back, the idle/busy LEDs, and that a framing error lights
// the error LED. Same checks on both models: the synthesized PHY behaves as
// the RTL. Usage: Vicebreaker_top [bytes]
#include "Vicebreaker_top.h"
#include "verilated.h"
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>
#include <vector>

#if !defined(TB_CLOCK_HZ) || !defined(TB_BAUD)
#error "build with -DTB_CLOCK_HZ=... -DTB_BAUD=... (boards.mk: the board's clock and baud)"
#endif
static_assert(TB_CLOCK_HZ % TB_BAUD == 0 && TB_CLOCK_HZ / TB_BAUD >= 3,
              "the board's clock must be a multiple of its baud, >= 3 clocks per bit");
static const int N = TB_CLOCK_HZ / TB_BAUD;   // clocks per bit
static Vicebreaker_top *top;
static long cyc = 0;
static int failures = 0;
#define CHECK(c, ...) do { if (!(c)) { failures++; std::printf("FAIL: " __VA_ARGS__); std::printf("\n"); } } while (0)

// RX driver: a queue of line levels, one per clock.
static std::deque<int> line;
// TX decoder
static int dec_state = 0, dec_cnt = 0, dec_bit = 0, dec_byte = 0;
static std::vector<int> got;
static int tx_ferr = 0;

static void tick() {
  top->RX = line.empty() ? 1 : line.front();
  if (!line.empty()) line.pop_front();
  top->CLK = 0; top->eval();
  top->CLK = 1; top->eval();
  cyc++;
  int tx = top->TX;
  // decode TX: falling edge starts, sample mid-bit (cycle N/2 of N after the start cycle)
  if (dec_state == 0) {
    if (!tx) { dec_state = 1; dec_cnt = N / 2; dec_bit = 0; dec_byte = 0; }
  } else if (--dec_cnt == 0) {
    if (dec_bit == 0) {
      if (tx) dec_state = 0;      // not a start bit
    } else if (dec_bit <= 8) {
      dec_byte |= tx << (dec_bit - 1);
    } else {
      if (tx) got.push_back(dec_byte); else tx_ferr++;
      dec_state = 0;
    }
    dec_bit++; dec_cnt = N;
    if (dec_state == 0) dec_cnt = 0;
  }
}

static void send(int b, int stop = 1) {
  for (int j = 0; j < 10; j++) {
    int v = j == 0 ? 0 : j == 9 ? stop : (b >> (j - 1)) & 1;
    for (int q = 0; q < N; q++) line.push_back(v);
  }
}

int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  int nbytes = argc > 1 ? std::atoi(argv[1]) : 2000;
  top = new Vicebreaker_top;
  top->BTN_N = 1; top->RX = 1; top->CLK = 0; top->eval();
  std::mt19937 rng(7);

  // power-on: the tile reset is held for the power-on count, the echo is idle
  for (int i = 0; i < 400; i++) tick();
  CHECK(top->TX == 1, "TX not idle high after power-on");
  CHECK(!top->LEDG_N && top->LED_BLU_N && top->LEDR_N, "LEDs after power-on: G=%d B=%d R=%d "
        "(want idle on, busy off, error off)", !top->LEDG_N, !top->LED_BLU_N, !top->LEDR_N);

  // a burst of bytes back to back: the echo keeps up (same clock both ways)
  std::vector<int> sent;
  for (int i = 0; i < nbytes; i++) { int b = rng() & 0xFF; sent.push_back(b); send(b); }
  bool busy_seen = false;
  while (!line.empty()) { tick(); busy_seen |= !top->LED_BLU_N; }
  for (int i = 0; i < 20 * N; i++) tick();
  CHECK(busy_seen, "busy LED never on during the burst");
  CHECK(got == sent, "echo: %zu bytes back of %zu sent", got.size(), sent.size());
  CHECK(!top->LEDG_N && top->LED_BLU_N, "not idle after the burst");
  CHECK(top->LEDR_N, "error LED on without a framing error");

  // a framing error: dropped, error LED on (sticky); the next byte still echoes
  got.clear();
  send(0x5A, 0);
  for (int q = 0; q < 4 * N; q++) line.push_back(1);
  send(0xA5);
  while (!line.empty()) tick();
  for (int i = 0; i < 20 * N; i++) tick();
  CHECK(!top->LEDR_N && !top->LED_RED_N, "error LED off after a framing error");
  CHECK(got == std::vector<int>{0xA5}, "after a framing error: %zu bytes echoed", got.size());

  // the button resets (error LED off again)
  top->BTN_N = 0;
  for (int i = 0; i < 10; i++) tick();
  top->BTN_N = 1;
  for (int i = 0; i < 300; i++) tick();
  CHECK(top->LEDR_N, "error LED still on after the button reset");
  CHECK(tx_ferr == 0, "%d framing errors on TX", tx_ferr);

  top->final();
  delete top;
  if (failures) { std::printf("tb_board_echo: %d failure(s)\n", failures); return 1; }
  std::printf("tb_board_echo: PASS (%d bytes echoed at %d clocks/bit, %ld cycles)\n", nbytes, N, cyc);
  return 0;
}
