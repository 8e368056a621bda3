// tb_fp_gemm: the floating-point GEMM engine (tatami_gemm FP = 1, R = C = 16,
// W = 32) against a naive loop written here from the C reference primitives
// (host/src/numerics.c) exactly as docs/numerics.md section 5 states it:
// S = -0; S = add(S, mul(a_k, b_k)) for k = 0..K-1; with accumulate
// C = add(C_old, S); converted to dtype_c with RNE. Random GEMMs over every
// dtype combination (BF16, CFloat8 1-4-3 / 1-5-2 with random biases; C FP32,
// BF16, CFloat8), shapes, strides, transposes and accumulate; the sticky
// flags (OR of ev_flags_o over the GEMM) against the reference's flags; the
// SRAM around C must be unchanged. A few int8 GEMMs check that path still
// works through the wide streamers. Then 256^3 BF16 and CFloat8 GEMMs with
// their cycle counts and utilization (deterministic).
extern "C" {
#include "numerics.h"
}
#include "Vtb_fp_gemm.h"
#include "tb_fp_sram.h"
#include "verilated.h"
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

static const int R = 16, C = 16, W = 32;
static const uint32_t BYTES = 1u << 20;
static Vtb_fp_gemm* top;
static std::vector<uint8_t> mem;  // mirror of the SRAM
static std::mt19937_64 rng(20261127);
static TbFpSram<Vtb_fp_gemm> sram;     // clock and SRAM host port (tb_fp_sram.h)
static uint64_t& cyc = sram.cyc;
static void tick() { sram.tick(); }
static void host_write(uint32_t addr, const uint8_t* src, uint32_t len) {
  sram.write(addr, src, len);
  memcpy(&mem[addr], src, len);
}

enum { DT_INT = 0, DT_BF16 = 1, DT_143 = 2, DT_152 = 3, DT_FP32 = 4 };
static const char* dt_name[] = {"int", "bf16", "cf8-143", "cf8-152", "fp32"};
static uint32_t esize(int dt, bool is_c) { return dt == DT_INT ? (is_c ? 4 : 1) : dt == DT_BF16 ? 2 : dt == DT_FP32 ? 4 : 1; }


// Operand values: mostly ordinary numbers, now and then every special class.
static uint16_t rand_bf16() {
  uint32_t s = (uint32_t)(rng() & 1) << 15, r = (uint32_t)(rng() % 100);
  if (r < 2) return (uint16_t)s;                                  // +-0
  if (r < 4) return (uint16_t)(s | (1 + rng() % 127));            // denormal
  if (r < 5) return (uint16_t)(s | 0x7F80);                       // Inf
  if (r < 6) return (uint16_t)(0x7F80 | (1 + rng() % 127) | s);   // NaN
  if (r < 8) return (uint16_t)(s | (uint32_t)(1 + rng() % 6) << 7 | (rng() & 0x7F));    // tiny
  if (r < 10) return (uint16_t)(s | (uint32_t)(248 + rng() % 7) << 7 | (rng() & 0x7F)); // huge
  return (uint16_t)(s | (uint32_t)(120 + rng() % 16) << 7 | (rng() & 0x7F));
}
static uint32_t rand_fp32() {
  uint32_t s = (uint32_t)(rng() & 1) << 31, r = (uint32_t)(rng() % 100);
  if (r < 2) return s;
  if (r < 3) return s | (uint32_t)(1 + rng() % 0x7FFFFF);
  if (r < 4) return s | 0x7F800000u;
  return s | (uint32_t)(118 + rng() % 20) << 23 | (uint32_t)(rng() & 0x7FFFFF);
}
static void rand_elems(uint32_t addr, uint64_t count, int dt, bool is_c) {
  std::vector<uint8_t> v(count * esize(dt, is_c));
  for (uint64_t i = 0; i < count; i++) {
    if (dt == DT_BF16) { uint16_t h = rand_bf16(); memcpy(&v[2 * i], &h, 2); }
    else if (dt == DT_FP32 || (dt == DT_INT && is_c)) { uint32_t x = rand_fp32(); memcpy(&v[4 * i], &x, 4); }
    else v[i] = (uint8_t)rng();
  }
  host_write(addr, v.data(), (uint32_t)v.size());
}
static uint32_t widen(uint32_t addr, int dt, unsigned bias) {
  switch (dt) {
    case DT_BF16: return tatami_num_bf16_to_fp32((uint16_t)(mem[addr] | mem[addr + 1] << 8));
    case DT_143: return tatami_num_cfp8_to_fp32(mem[addr], TATAMI_NUM_CFP8_143, bias);
    case DT_152: return tatami_num_cfp8_to_fp32(mem[addr], TATAMI_NUM_CFP8_152, bias);
    default: { uint32_t x; memcpy(&x, &mem[addr], 4); return x; }
  }
}

struct Gemm {
  uint32_t a, b, c, m, n, k, lda, ldb, ldc;
  bool ta, tb, acc;
  int dta, dtb, dtc;
  unsigned ba, bb, bc;
};
static uint64_t a_elems(const Gemm& g) { return (uint64_t)((g.ta ? g.k : g.m) - 1) * g.lda + (g.ta ? g.m : g.k); }
static uint64_t b_elems(const Gemm& g) { return (uint64_t)((g.tb ? g.n : g.k) - 1) * g.ldb + (g.tb ? g.k : g.n); }
static uint64_t c_elems(const Gemm& g) { return (uint64_t)(g.m - 1) * g.ldc + g.n; }
static std::string desc(const Gemm& g) {
  char s[320];
  snprintf(s, sizeof s, "%ux%ux%u %s(b%u) x %s(b%u) -> %s(b%u) ta=%d tb=%d acc=%d a=0x%x b=0x%x c=0x%x lda=%u ldb=%u ldc=%u",
           g.m, g.n, g.k, dt_name[g.dta], g.ba, dt_name[g.dtb], g.bb, dt_name[g.dtc], g.bc, g.ta, g.tb, g.acc,
           g.a, g.b, g.c, g.lda, g.ldb, g.ldc);
  return s;
}

// Expected C bytes in exp and the expected flags.
static uint32_t expect(const Gemm& g, std::vector<uint8_t>& exp) {
  tatami_num_ctx ctx;
  tatami_num_init(&ctx, 0);
  uint32_t ea = esize(g.dta, false), eb = esize(g.dtb, false), ec = esize(g.dtc, true);
  for (uint32_t i = 0; i < g.m; i++) {
    for (uint32_t j = 0; j < g.n; j++) {
      uint32_t ca = g.c + ec * (i * g.ldc + j);
      if (g.dta == DT_INT) {
        int64_t s = 0;
        for (uint32_t k = 0; k < g.k; k++) {
          int8_t av = (int8_t)mem[g.a + (g.ta ? k * g.lda + i : i * g.lda + k)];
          int8_t bv = (int8_t)mem[g.b + (g.tb ? j * g.ldb + k : k * g.ldb + j)];
          s += (int64_t)av * bv;
        }
        uint32_t v = (uint32_t)s, old;
        memcpy(&old, &mem[ca], 4);
        if (g.acc) v += old;
        memcpy(&exp[ca], &v, 4);
        continue;
      }
      uint32_t s = 0x80000000u;
      for (uint32_t k = 0; k < g.k; k++) {
        uint32_t av = widen(g.a + ea * (g.ta ? k * g.lda + i : i * g.lda + k), g.dta, g.ba);
        uint32_t bv = widen(g.b + eb * (g.tb ? j * g.ldb + k : k * g.ldb + j), g.dtb, g.bb);
        s = tatami_num_fp32_add(&ctx, s, tatami_num_fp32_mul(&ctx, av, bv));
      }
      if (g.acc) s = tatami_num_fp32_add(&ctx, widen(ca, g.dtc, g.bc), s);
      if (g.dtc == DT_FP32) memcpy(&exp[ca], &s, 4);
      else if (g.dtc == DT_BF16) {
        uint16_t h = tatami_num_fp32_to_bf16(&ctx, s, TATAMI_NUM_RNE);
        memcpy(&exp[ca], &h, 2);
      } else {
        exp[ca] = tatami_num_fp32_to_cfp8(&ctx, s, g.dtc == DT_143 ? TATAMI_NUM_CFP8_143 : TATAMI_NUM_CFP8_152,
                                          g.bc, TATAMI_NUM_RNE);
      }
    }
  }
  return tatami_num_flags(&ctx);
}

struct Res { uint64_t cycles, busy, macs; uint32_t flags; };
static Res start_and_wait(const Gemm& g) {
  top->a_addr_i = g.a; top->b_addr_i = g.b; top->c_addr_i = g.c;
  top->m_i = g.m; top->n_i = g.n; top->k_i = g.k;
  top->lda_i = g.lda; top->ldb_i = g.ldb; top->ldc_i = g.ldc;
  top->trans_a_i = g.ta; top->trans_b_i = g.tb; top->accumulate_i = g.acc;
  top->dtype_a_i = g.dta; top->dtype_b_i = g.dtb; top->dtype_c_i = g.dtc;
  top->bias_a_i = g.ba; top->bias_b_i = g.bb; top->bias_c_i = g.bc;
  top->start_i = 1;
  tick();
  top->start_i = 0;
  top->dtype_a_i = 7; top->bias_c_i = 0x2a;  // the descriptor is valid with start only
  Res r{1, 0, 0, 0};
  uint64_t limit = 100000 + 8ull * g.m * g.n * g.k / 16;
  while (!top->done_o) {
    r.busy += top->ev_busy_o;
    r.macs += top->ev_macs_o;
    r.flags |= top->ev_flags_o;
    tick();
    if (++r.cycles > limit) { printf("FAIL: no done after %lu cycles: %s\n", r.cycles, desc(g).c_str()); exit(1); }
  }
  r.flags |= top->ev_flags_o;
  tick();
  return r;
}

static bool run(const Gemm& g, bool load) {
  uint32_t ec = esize(g.dtc, true);
  if (load) {
    rand_elems(g.a, a_elems(g), g.dta, false);
    rand_elems(g.b, b_elems(g), g.dtb, false);
    rand_elems(g.c, c_elems(g), g.dtc, true);
  }
  std::vector<uint8_t> exp = mem;
  uint32_t want_flags = expect(g, exp);
  Res r = start_and_wait(g);
  // C with a margin on both sides: stray writes show up there
  uint32_t lo = g.c >= 64 ? g.c - 64 : 0;
  uint32_t hi = std::min<uint32_t>(BYTES, g.c + (uint32_t)(c_elems(g) * ec) + 64);
  std::vector<uint8_t> got(hi - lo + W);
  sram.read(lo, got.data(), hi - lo);
  for (uint32_t x = lo; x < hi; x++) {
    if (got[x - lo] != exp[x]) {
      uint32_t e = (x - g.c) / ec;
      printf("FAIL: %s: byte 0x%x (C element row %u col %u) is 0x%02x, expected 0x%02x\n", desc(g).c_str(), x,
             e / g.ldc, e % g.ldc, got[x - lo], exp[x]);
      return false;
    }
  }
  memcpy(&mem[lo], &exp[lo], hi - lo);
  if (g.dta != DT_INT && r.flags != want_flags) {
    printf("FAIL: %s: flags 0x%02x, expected 0x%02x\n", desc(g).c_str(), r.flags, want_flags);
    return false;
  }
  if (r.macs != (uint64_t)g.m * g.n * g.k) {
    printf("FAIL: %s: %lu MACs counted\n", desc(g).c_str(), r.macs);
    return false;
  }
  return true;
}

// TB_ONLY="dta,dtb,dtc,ta,tb,acc" (numbers, -1 = random) narrows the random
// GEMMs down while debugging.
static int only[6] = {-1, -1, -1, -1, -1, -1};
static Gemm random_gemm(uint32_t maxd) {
  Gemm g{};
  if (rng() % 16 == 0) { g.dta = g.dtb = g.dtc = DT_INT; }
  else {
    g.dta = 1 + (int)(rng() % 3);
    g.dtb = rng() % 2 ? g.dta : 1 + (int)(rng() % 3);
    g.dtc = 1 + (int)(rng() % 4);
  }
  if (only[0] >= 0) g.dta = only[0];
  if (only[1] >= 0) g.dtb = only[1];
  if (only[2] >= 0) g.dtc = only[2];
  auto bias = [](int dt) -> unsigned {
    if (dt != DT_143 && dt != DT_152) return (unsigned)(rng() % 64);  // ignored
    if (rng() % 4 == 0) return (unsigned)(rng() % 64);
    return dt == DT_143 ? 7 + (unsigned)(rng() % 5) - 2 : 15 + (unsigned)(rng() % 5) - 2;
  };
  g.ba = bias(g.dta); g.bb = bias(g.dtb); g.bc = bias(g.dtc);
  auto dim = [&]() { return rng() % 4 == 0 ? 1 + (uint32_t)(rng() % 4) : 1 + (uint32_t)(rng() % maxd); };
  g.m = dim(); g.n = dim(); g.k = dim();
  if (rng() % 8 == 0) g.k = 1;
  g.ta = rng() & 1; g.tb = rng() & 1; g.acc = rng() & 1;
  if (only[3] >= 0) g.ta = only[3];
  if (only[4] >= 0) g.tb = only[4];
  if (only[5] >= 0) g.acc = only[5];
  g.lda = (g.ta ? g.m : g.k) + (rng() % 3 == 0 ? (uint32_t)(rng() % 9) : 0);
  g.ldb = (g.tb ? g.k : g.n) + (rng() % 3 == 0 ? (uint32_t)(rng() % 9) : 0);
  g.ldc = g.n + (rng() % 3 == 0 ? (uint32_t)(rng() % 9) : 0);
  // disjoint regions, random byte alignment
  g.a = 64 + (uint32_t)(rng() % 4096);
  g.b = 0x40000 + (uint32_t)(rng() % 4096);
  g.c = 0x80000 + (uint32_t)(rng() % 4096);
  return g;
}

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  top = new Vtb_fp_gemm;
  sram.top = top;
  mem.assign(BYTES, 0);
  top->rst_ni = 0; top->clk_i = 0; top->eval();
  tick(); tick();
  top->rst_ni = 1; tick();
  // zero the SRAM so the mirror is exact
  { std::vector<uint8_t> z(BYTES, 0); host_write(0, z.data(), BYTES); }

  int count = argc > 1 ? atoi(argv[1]) : 400, fails = 0;
  if (const char* o = getenv("TB_ONLY"))
    sscanf(o, "%d,%d,%d,%d,%d,%d", &only[0], &only[1], &only[2], &only[3], &only[4], &only[5]);
  unsigned combos[5][5][5] = {};
  for (int t = 0; t < count && !fails; t++) {
    Gemm g = random_gemm(t % 10 == 0 ? 70 : 36);
    if (!run(g, true)) fails++;
    combos[g.dta][g.dtb][g.dtc]++;
  }
  int covered = 0;
  for (int a = 1; a < 4; a++) for (int b = 1; b < 4; b++) for (int c = 1; c < 5; c++) covered += combos[a][b][c] > 0;
  printf("random: %d GEMMs, %d of 36 float dtype combinations, %u int8, %s\n", count, covered, combos[0][0][0],
         fails ? "FAILED" : "all bit-exact (C bytes, flags, MACs)");
  if (fails) return 1;

  // 256^3: cycles and utilization (MACs / (cycles * R * C))
  for (int dt : {DT_BF16, DT_143}) {
    for (int dtc : {DT_FP32, DT_BF16}) {
      Gemm g{};
      g.m = g.n = g.k = 256; g.lda = g.ldb = g.ldc = 256;
      g.dta = g.dtb = dt; g.dtc = dtc; g.ba = g.bb = g.bc = 7;
      g.a = 0; g.b = 0x20000; g.c = 0x40000;
      rand_elems(g.a, a_elems(g), g.dta, false);
      rand_elems(g.b, b_elems(g), g.dtb, false);
      std::vector<uint8_t> exp = mem;
      expect(g, exp);
      Res r = start_and_wait(g);
      std::vector<uint8_t> got(c_elems(g) * esize(dtc, true) + W);
      sram.read(g.c, got.data(), (uint32_t)(c_elems(g) * esize(dtc, true)));
      bool ok = memcmp(got.data(), &exp[g.c], c_elems(g) * esize(dtc, true)) == 0;
      printf("256x256x256 %s -> %s: %lu cycles, utilization %.4f, %s\n", dt_name[dt], dt_name[dtc], r.cycles,
             (double)r.macs / ((double)r.cycles * R * C), ok ? "bit-exact" : "MISMATCH");
      if (!ok) return 1;
      memcpy(&mem[g.c], &exp[g.c], c_elems(g) * esize(dtc, true));
    }
  }
  delete top;
  return 0;
}
