// tb_fpu_units: tatami_fpu_add and tatami_fpu_mul (each one operation at a
// time, start / wait for valid_o) against the functions the
// rest of the RTL uses (tatami_fp_add_f, tatami_fp_mul_f), on operands drawn
// to hit every case of docs/numerics.md 4: zeros, denormals, Inf, NaN, equal
// and near exponents (cancellation, ties), overflow and underflow ranges,
// BF16-like values (the multiplier's 8-step path) and full FP32 ones.
#include "Vtb_fpu_units.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
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

  // adder: start when idle, wait for valid_o (at most ADD_LAT_MAX clock edges
  // after the start edge, the bound in tatami_fpu_add's header), compare with
  // the function's result for the operands of the start clock. While busy and
  // in the idle gaps (0-3 clocks) the operand inputs carry random values that
  // must not matter, and valid_o must stay low and y_o/flags_o hold.
  const long NADD = 400000;
  const int ADD_LAT_MAX = 14;
  long lat_min = 1000, lat_max = 0, lat_sum = 0;
  for (long i = 0; i < NADD; i++) {
    uint32_t b = operand(0x3F800000u);
    uint32_t a = operand(b);
    uint32_t sub = rng() & 1;
    top->a_i = a; top->b_i = b; top->sub_i = sub; top->add_v_i = 1; top->eval();
    uint64_t exp = top->exp_add_o;
    if (top->add_busy_o && fails++ < 10) printf("FAIL: add busy_o high at a start\n");
    tick();
    top->add_v_i = 0;
    int n = 1;                                          // clock edges since the start
    for (;;) {
      top->a_i = rng(); top->b_i = rng(); top->sub_i = rng() & 1; top->eval();
      if (top->add_v_o || n > ADD_LAT_MAX) break;
      if (!top->add_busy_o && fails++ < 10) printf("FAIL: add busy_o low while waiting\n");
      tick();
      n++;
    }
    if (!top->add_v_o) {
      if (fails++ < 10) printf("FAIL: add(0x%08x, 0x%08x, sub %d): no valid_o within %d clocks\n",
                               a, b, sub, ADD_LAT_MAX);
      while (top->add_busy_o) tick();                   // resynchronise
      continue;
    }
    nadd++;
    lat_min = n < lat_min ? n : lat_min;
    lat_max = n > lat_max ? n : lat_max;
    lat_sum += n;
    uint64_t got = top->add_o;
    if (got != exp && fails++ < 10)
      printf("FAIL: add(0x%08x, 0x%08x, sub %d): %02x/0x%08x, expected %02x/0x%08x\n", a, b, sub,
             (unsigned)(got >> 32), (uint32_t)got, (unsigned)(exp >> 32), (uint32_t)exp);
    if (top->add_busy_o && fails++ < 10) printf("FAIL: add busy_o high with valid_o\n");
    // usually the next start in the valid_o clock itself, sometimes 1-3 idle clocks
    int gap = (rng() % 4 == 0) ? 1 + rng() % 3 : 0;
    for (int k = 0; k < gap; k++) {
      tick();
      top->a_i = rng(); top->b_i = rng(); top->sub_i = rng() & 1; top->eval();
      if ((top->add_v_o || top->add_busy_o || top->add_o != got) && fails++ < 10)
        printf("FAIL: add valid_o %d / busy_o %d / output change while idle\n", top->add_v_o,
               top->add_busy_o);
    }
  }
  top->add_v_i = 0;
  tick();
  if (top->add_v_o && fails++ < 10) printf("FAIL: add valid_o after the last result\n");

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
  printf("tb_fpu_units: add latency (clocks from start to valid_o) min %ld, mean %.2f, max %ld\n",
         lat_min, nadd ? (double)lat_sum / nadd : 0.0, lat_max);
  // the BF16 narrowing of the GEMM unit's write: every upper half (all BF16
  // codes: NaN, Inf, zero, denormal, the largest finite) with low halves at
  // the rounding edges (ties, just below and above) and random ones
  long nnar = 0;
  const uint32_t lows[] = {0x0000u, 0x0001u, 0x7FFFu, 0x8000u, 0x8001u, 0xFFFFu, 0x4000u, 0xC000u};
  for (uint32_t hi = 0; hi < 0x10000u; hi++) {
    for (int j = 0; j < 10; j++) {
      uint32_t lo = j < 8 ? lows[j] : (rng() & 0xFFFFu);
      top->a_i = (hi << 16) | lo;
      top->eval();
      nnar++;
      if (top->nar_o != top->exp_nar_o && fails++ < 10)
        printf("FAIL: narrow_bf16(0x%08x): %02x/0x%04x, expected %02x/0x%04x\n", (hi << 16) | lo,
               (unsigned)(top->nar_o >> 16), (unsigned)(top->nar_o & 0xFFFFu),
               (unsigned)(top->exp_nar_o >> 16), (unsigned)(top->exp_nar_o & 0xFFFFu));
    }
  }
  printf("tb_fpu_units: %ld adds, %ld multiplies, %ld BF16 narrowings, %ld failures\n", nadd, nmul,
         nnar, fails);
  delete top;
  return fails ? 1 : 0;
}
