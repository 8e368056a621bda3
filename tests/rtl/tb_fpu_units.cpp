// tb_fpu_units: tatami_fpu_add (one operation per clock, 6 clocks of
// latency) and tatami_fpu_mul (one at a time) against the functions the
// rest of the RTL uses (tatami_fp_add_f, tatami_fp_mul_f), on operands drawn
// to hit every case of docs/numerics.md 4: zeros, denormals, Inf, NaN, equal
// and near exponents (cancellation, ties), overflow and underflow ranges,
// BF16-like values (the multiplier's 8-step path) and full FP32 ones.
#include "Vtb_fpu_units.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <deque>
#include <random>

static std::mt19937 rng(11);

static uint32_t operand(uint32_t other) {
  uint32_t s = (rng() & 1u) << 31;
  uint32_t f = rng() & 0x7FFFFFu;
  if (rng() % 3 == 0) f &= 0x7F0000u;                 // BF16 / CFloat8-like
  if (rng() % 8 == 0) f &= 0x700000u;
  if (rng() % 6 == 0) f &= 0x7F8000u | (rng() % 2 ? 0x4000u : 0u);   /* around the 16 low bits */
  uint32_t e;
  switch (rng() % 12) {
    case 0: return s;                                  // zero
    case 1: return s | (rng() & 0x7FFFFFu) | 1u;       // denormal
    case 2: return s | 0x7F800000u;                    // Inf
    case 3: return s | 0x7F800000u | (rng() & 0x7FFFFFu) | 1u;   // NaN
    case 4: e = (other >> 23) & 0xFF; break;           // the other's exponent
    case 5: e = ((other >> 23) & 0xFF) + (rng() % 5) - 2; e &= 0xFF; if (e == 255) e = 254; break;
    case 6: e = 1 + rng() % 8; break;                  // near underflow
    case 7: e = 247 + rng() % 8; break;                // near overflow
    case 8: return (other & 0x7FFFFFFFu) | s;          // same magnitude (cancellation)
    default: e = 1 + rng() % 254; break;
  }
  if (e == 0) e = 1;
  if (e == 255) e = 254;
  return s | (e << 23) | f;
}

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  Vtb_fpu_units* top = new Vtb_fpu_units;
  long nadd = 0, nmul = 0, fails = 0;
  auto tick = [&]() {
    top->clk_i = 1; top->eval();
    top->clk_i = 0; top->eval();
  };
  top->clk_i = 0; top->rst_ni = 0; top->add_v_i = 0; top->mul_v_i = 0; top->eval();
  tick();
  top->rst_ni = 1; top->eval();

  // adder: a new operation every clock (gaps now and then), results 6 clocks later
  std::deque<std::pair<uint64_t, uint64_t>> q;          // {expected, operands} per clock
  const long NADD = 400000;
  for (long i = 0; i < NADD + 8; i++) {
    bool v = i < NADD && rng() % 8 != 0;
    uint32_t b = operand(0x3F800000u);
    uint32_t a = operand(b);
    top->a_i = a; top->b_i = b; top->sub_i = rng() & 1; top->add_v_i = v; top->eval();
    uint64_t ops = ((uint64_t)a << 32) | b;
    q.push_back({v ? (top->exp_add_o | (1ull << 40)) : 0, ops ^ ((uint64_t)top->sub_i << 63)});
    tick();
    if (q.size() > 6) q.pop_front();
    if (q.size() == 6) {
      auto e = q.front();
      bool ev = (e.first >> 40) & 1;
      if (ev != (bool)top->add_v_o) {
        if (fails++ < 10) printf("FAIL: add valid_o %d, expected %d\n", top->add_v_o, ev);
      } else if (ev) {
        nadd++;
        uint64_t exp = e.first & ((1ull << 37) - 1);
        if (top->add_o != exp && fails++ < 10)
          printf("FAIL: add(0x%08x, 0x%08x, sub %d): %02x/0x%08x, expected %02x/0x%08x\n",
                 (uint32_t)(e.second >> 32) & 0xFFFFFFFFu, (uint32_t)e.second,
                 (int)(e.second >> 63), (unsigned)(top->add_o >> 32), (uint32_t)top->add_o,
                 (unsigned)(exp >> 32), (uint32_t)exp);
      }
    }
  }
  top->add_v_i = 0;

  // multiplier: start, wait for valid_o (11 or 27 clocks), compare
  const long NMUL = 150000;
  for (long i = 0; i < NMUL; i++) {
    uint32_t b = operand(0x3F800000u);
    uint32_t a = operand(b);
    if (rng() % 2) { uint32_t t = a; a = b; b = t; }
    top->a_i = a; top->b_i = b; top->mul_v_i = 1; top->eval();
    uint64_t exp = top->exp_mul_o;
    tick();
    top->mul_v_i = 0; top->a_i = rng(); top->b_i = rng(); top->eval();
    int n = 0;
    while (!top->mul_v_o && n < 40) { tick(); n++; }
    bool shortp = ((a & 0xFFFFu) == 0) || ((b & 0xFFFFu) == 0);
    int want = shortp ? 10 : 26;   // clocks after the start edge
    if (!top->mul_v_o || n != want) {
      if (fails++ < 10) printf("FAIL: mul(0x%08x, 0x%08x): valid after %d clocks, expected %d\n", a, b, n + 1, want + 1);
      continue;
    }
    nmul++;
    if (top->mul_o != exp && fails++ < 10)
      printf("FAIL: mul(0x%08x, 0x%08x): %02x/0x%08x, expected %02x/0x%08x\n", a, b,
             (unsigned)(top->mul_o >> 32), (uint32_t)top->mul_o, (unsigned)(exp >> 32), (uint32_t)exp);
    tick();
  }
  printf("tb_fpu_units: %ld adds, %ld multiplies, %ld failures\n", nadd, nmul, fails);
  delete top;
  return fails ? 1 : 0;
}
