// tb_gemm: tatami_sram + tatami_gemm (R=C=W=16, 1 MiB) against a naive int64
// GEMM (truncated to int32). Random GEMMs over shapes, strides, alignments,
// transposes and accumulate; the readback covers C with a margin (and now and
// then the whole SRAM) so stray writes are caught. Then the benchmark shapes
// with their cycle counts. tb_gemm_small.cpp reuses this file for R=4 C=3 W=4.
#ifndef TB_TOP
#define TB_TOP Vtb_gemm
#include "Vtb_gemm.h"
static const int R = 16, C = 16, W = 16;
static const uint32_t BYTES = 1u << 20;
static const bool BIG = true;
#endif
#ifndef FREEZE_PCT
#define FREEZE_PCT 0  // percentage of cycles in which the memory freezes the engine (en_i=0)
#endif
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

static TB_TOP* top;
static uint64_t cyc;
static std::vector<uint8_t> mem;  // mirror of the SRAM
static std::mt19937_64 rng(20261126);
static int fails;
static std::mt19937 en_rng(777);

template <typename T> static void put_bytes(T& p, const uint8_t* b) {
  uint64_t v = 0;
  for (int i = 0; i < W; i++) v |= (uint64_t)b[i] << (8 * i);
  p = (T)v;
}
template <std::size_t N> static void put_bytes(VlWide<N>& p, const uint8_t* b) {
  for (std::size_t w = 0; w < N; w++)
    p[w] = b[4 * w] | b[4 * w + 1] << 8 | b[4 * w + 2] << 16 | (uint32_t)b[4 * w + 3] << 24;
}
template <typename T> static void get_bytes(const T& p, uint8_t* b) {
  for (int i = 0; i < W; i++) b[i] = (uint8_t)((uint64_t)p >> (8 * i));
}
template <std::size_t N> static void get_bytes(const VlWide<N>& p, uint8_t* b) {
  for (std::size_t w = 0; w < N; w++)
    for (int i = 0; i < 4; i++) b[4 * w + i] = (uint8_t)(p[w] >> (8 * i));
}

// en_i for the next cycle: random freezes (FREEZE_PCT), with runs of
// frozen cycles now and then (a memory serving several requests).
static void next_en() {
  if (FREEZE_PCT == 0) { top->en_i = 1; return; }
  static int run = 0;
  if (run > 0) { run--; top->en_i = 0; return; }
  bool frz = (int)(en_rng() % 100) < FREEZE_PCT;
  if (frz && en_rng() % 8 == 0) run = en_rng() % 4;
  top->en_i = !frz;
}
static void tick() {
  top->clk_i = 1; top->eval();
  top->clk_i = 0;
  next_en();
  top->eval();
  cyc++;
}

// Host writes through the W-byte write port (engine idle).
static void host_write(uint32_t addr, const uint8_t* src, uint32_t len) {
  uint8_t buf[64];
  for (uint32_t off = 0; off < len; off += W) {
    uint32_t n = std::min<uint32_t>(W, len - off);
    memset(buf, 0, sizeof buf);
    memcpy(buf, src + off, n);
    top->host_w_en_i = 1;
    top->host_w_addr_i = (addr + off) % BYTES;
    put_bytes(top->host_w_data_i, buf);
    top->host_w_be_i = (uint32_t)((1ull << n) - 1);
    tick();
    for (uint32_t i = 0; i < n; i++) mem[(addr + off + i) % BYTES] = src[off + i];
  }
  top->host_w_en_i = 0;
}
static void host_read(uint32_t addr, uint8_t* dst, uint32_t len) {
  uint8_t buf[64];
  for (uint32_t off = 0; off < len; off += W) {
    top->host_r_en_i = 1;
    top->host_r_addr_i = (addr + off) % BYTES;
    tick();
    get_bytes(top->host_r_data_o, buf);
    memcpy(dst + off, buf, std::min<uint32_t>(W, len - off));
  }
  top->host_r_en_i = 0;
}
static void fill_random(uint32_t addr, uint32_t len) {
  std::vector<uint8_t> v(len);
  for (auto& x : v) x = (uint8_t)rng();
  host_write(addr, v.data(), len);
}
// Compare SRAM [addr, addr+len) with the mirror.
static bool check_span(uint32_t addr, uint32_t len, const char* what) {
  std::vector<uint8_t> got(len + W);
  host_read(addr, got.data(), len);
  for (uint32_t i = 0; i < len; i++) {
    uint32_t a = (addr + i) % BYTES;
    if (got[i] != mem[a]) {
      printf("FAIL: %s: byte at 0x%x is 0x%02x, expected 0x%02x\n", what, a, got[i], mem[a]);
      return false;
    }
  }
  return true;
}

struct Gemm {
  uint32_t a, b, c, m, n, k, lda, ldb, ldc;
  bool ta, tb, acc;
};
struct Result {
  uint64_t cycles, busy, macs, stall_op, stall_drain;
  bool ok;
};

static uint64_t a_size(const Gemm& g) {
  uint64_t rows = g.ta ? g.k : g.m, cols = g.ta ? g.m : g.k;
  return (rows - 1) * g.lda + cols;
}
static uint64_t b_size(const Gemm& g) {
  uint64_t rows = g.tb ? g.n : g.k, cols = g.tb ? g.k : g.n;
  return (rows - 1) * g.ldb + cols;
}
static uint64_t c_size(const Gemm& g) { return 4 * ((uint64_t)(g.m - 1) * g.ldc + g.n); }

static std::string desc(const Gemm& g) {
  char s[256];
  snprintf(s, sizeof s, "%ux%ux%u ta=%d tb=%d acc=%d a=0x%x b=0x%x c=0x%x lda=%u ldb=%u ldc=%u",
           g.m, g.n, g.k, g.ta, g.tb, g.acc, g.a, g.b, g.c, g.lda, g.ldb, g.ldc);
  return s;
}

// Load operands (and a random old C), run, check. full_check: whole SRAM.
static Result run(const Gemm& g, bool full_check, bool load = true) {
  Result res{};
  std::string d = desc(g);
  if (load) {
    fill_random(g.a, (uint32_t)a_size(g));
    fill_random(g.b, (uint32_t)b_size(g));
    // old C: random, with some values near the int32 limits so sums wrap
    std::vector<uint8_t> cv(c_size(g));
    for (size_t i = 0; i < cv.size(); i += 4) {
      uint32_t v = (uint32_t)rng();
      if (rng() % 4 == 0) v = 0x7fffff00u + (uint32_t)(rng() % 512);
      memcpy(&cv[i], &v, 4);
    }
    host_write(g.c, cv.data(), (uint32_t)cv.size());
  }
  // expected result in the mirror (int64 sums truncated, + old C wrapping)
  std::vector<uint8_t> exp = mem;
  for (uint32_t i = 0; i < g.m; i++) {
    for (uint32_t j = 0; j < g.n; j++) {
      int64_t s = 0;
      for (uint32_t k = 0; k < g.k; k++) {
        int8_t av = (int8_t)mem[(g.a + (g.ta ? (uint64_t)k * g.lda + i : (uint64_t)i * g.lda + k)) % BYTES];
        int8_t bv = (int8_t)mem[(g.b + (g.tb ? (uint64_t)j * g.ldb + k : (uint64_t)k * g.ldb + j)) % BYTES];
        s += (int64_t)av * bv;
      }
      uint32_t ca = g.c + 4 * (i * g.ldc + j);
      uint32_t v = (uint32_t)s;
      if (g.acc) {
        uint32_t old;
        memcpy(&old, &mem[ca], 4);
        v += old;
      }
      memcpy(&exp[ca], &v, 4);
    }
  }

  top->a_addr_i = g.a; top->b_addr_i = g.b; top->c_addr_i = g.c;
  top->m_i = g.m; top->n_i = g.n; top->k_i = g.k;
  top->lda_i = g.lda; top->ldb_i = g.ldb; top->ldc_i = g.ldc;
  top->trans_a_i = g.ta; top->trans_b_i = g.tb; top->accumulate_i = g.acc;
  top->start_i = 1;
  top->eval();
  if (top->busy_o) { printf("FAIL: busy_o before start\n"); fails++; }
  tick();
  top->start_i = 0;
  top->a_addr_i = 0x5a5a5 % BYTES; top->m_i = 0;  // descriptor only valid with start
  top->eval();
  uint64_t tiles = (uint64_t)((g.m + R - 1) / R) * ((g.n + C - 1) / C);
  uint64_t limit = (tiles * (g.k + 4 * R + 64) * 4 + 1000) * 100 / (100 - FREEZE_PCT) + 100;
  bool ok = true;
  res.cycles = 1;
  for (;;) {
    if (!top->busy_o) { printf("FAIL: busy_o low at cycle %lu of %s\n", res.cycles, d.c_str()); ok = false; break; }
    if (!top->en_i && (top->done_o || top->ev_busy_o || top->ev_macs_o || top->ev_stall_drain_o ||
                       !top->ev_stall_operand_o)) {
      printf("FAIL: events/done in a frozen cycle %lu of %s\n", res.cycles, d.c_str());
      ok = false;
      break;
    }
    res.busy += top->ev_busy_o;
    res.macs += top->ev_macs_o;
    res.stall_op += top->ev_stall_operand_o;
    res.stall_drain += top->ev_stall_drain_o;
    if (top->done_o) break;
    if (res.cycles > limit) { printf("FAIL: timeout after %lu cycles: %s\n", res.cycles, d.c_str()); ok = false; break; }
    tick();
    res.cycles++;
  }
  tick();
  if (top->done_o || top->busy_o || top->ra_en_o || top->rb_en_o) {
    printf("FAIL: done_o/busy_o/reads still active after done: %s\n", d.c_str());
    ok = false;
  }
  uint64_t want_macs = (uint64_t)g.m * g.n * g.k;
  if (res.macs != want_macs || res.busy != tiles * g.k) {
    printf("FAIL: ev_macs sum %lu (want %lu), ev_busy sum %lu (want %lu): %s\n", res.macs,
           want_macs, res.busy, tiles * g.k, d.c_str());
    ok = false;
  }
  mem = exp;
  if (ok) {
    if (full_check) {
      ok = check_span(0, BYTES, d.c_str());
    } else {
      uint32_t lo = (g.c + BYTES - 3 * W) % BYTES;
      ok = check_span(lo, (uint32_t)c_size(g) + 6 * W, d.c_str());
    }
  }
  if (!ok) { printf("  in GEMM %s\n", d.c_str()); fails++; }
  res.ok = ok;
  return res;
}

// Random layout for a shape: regions in random order, random gaps and
// alignment; strides padded with probability pad_p.
static bool layout(Gemm& g, int pad_p) {
  auto pad = [&](uint32_t base) { return base + ((int)(rng() % 100) < pad_p ? (uint32_t)(rng() % 37) : 0); };
  g.lda = pad(g.ta ? g.m : g.k);
  g.ldb = pad(g.tb ? g.k : g.n);
  g.ldc = pad(g.n);
  uint64_t sz[3] = {a_size(g), b_size(g), c_size(g)};
  uint64_t total = sz[0] + sz[1] + sz[2];
  if (total + 3 * 64 + 8 * W > BYTES) return false;
  uint64_t slack = BYTES - total - 8 * W;
  int order[3] = {0, 1, 2};
  std::shuffle(order, order + 3, rng);
  uint64_t gap[3];
  for (int i = 0; i < 3; i++) gap[i] = (i < 2 && rng() % 2) ? rng() % 64 : 0;
  uint64_t span = total + gap[0] + gap[1];
  // a quarter of the layouts end exactly at the top of the SRAM, so reads of
  // masked lanes run off the end and wrap
  uint64_t pos = (rng() % 4 == 0) ? BYTES - span
                                  : 4 * W + rng() % std::min<uint64_t>(slack / 4 + 1, 200000);
  uint32_t addr[3];
  for (int i = 0; i < 3; i++) {
    addr[order[i]] = (uint32_t)pos;
    pos += sz[order[i]] + gap[i];
  }
  if (pos > BYTES) return false;
  g.a = addr[0]; g.b = addr[1]; g.c = addr[2];
  return true;
}

static void bench(const char* name, uint32_t m, uint32_t n, uint32_t k, bool ta, bool tb, bool acc) {
  Gemm g{};
  g.m = m; g.n = n; g.k = k; g.ta = ta; g.tb = tb; g.acc = acc;
  g.lda = ta ? m : k; g.ldb = tb ? k : n; g.ldc = n;
  g.a = 0; g.b = (uint32_t)a_size(g); g.c = g.b + (uint32_t)b_size(g);
  Result r = run(g, false);
  uint64_t tiles = (uint64_t)((m + R - 1) / R) * ((n + C - 1) / C);
  printf("BENCH %-14s %5ux%-5ux%-5u ta=%d tb=%d acc=%d: %7lu cycles (ideal %lu, %.2f%% of ideal; "
         "MAC util %.2f%%) stall_operand=%lu stall_drain=%lu %s\n",
         name, m, n, k, ta, tb, acc, r.cycles, tiles * k, 100.0 * tiles * k / r.cycles,
         100.0 * r.macs / ((double)R * C * r.cycles), r.stall_op, r.stall_drain, r.ok ? "ok" : "WRONG");
}

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  top = new TB_TOP;
  mem.assign(BYTES, 0);
  top->rst_ni = 0; top->clk_i = 0; top->start_i = 0; top->en_i = 1;
  top->host_w_en_i = 0; top->host_r_en_i = 0;
  top->eval();
  top->rst_ni = 1; top->eval();
  fill_random(0, BYTES);

  // Directed corner cases.
  int nrun = 0;
  for (int f = 0; f < 8; f++) {
    uint32_t shapes[][3] = {{1, 1, 1}, {1, 1, 5}, {3, 2, 1}, {(uint32_t)R, (uint32_t)C, 1},
                            {(uint32_t)R + 1, (uint32_t)C + 1, 1}, {2 * (uint32_t)R + 3, 1, 2},
                            {1, 2 * (uint32_t)C + 3, (uint32_t)W + 1}, {(uint32_t)R - 1, (uint32_t)C - 1, (uint32_t)W - 1}};
    for (auto& s : shapes) {
      Gemm g{};
      g.m = s[0]; g.n = s[1]; g.k = s[2];
      g.ta = f & 1; g.tb = (f >> 1) & 1; g.acc = (f >> 2) & 1;
      if (!layout(g, 50)) continue;
      run(g, false);
      nrun++;
    }
  }
  // Random GEMMs.
  int nrand = BIG ? 220 : 2500;
  for (int t = 0; t < nrand; t++) {
    Gemm g{};
    int cls = rng() % 4;
    uint32_t mx = cls == 0 ? 3 * R + 2 : 5 * R;
    g.m = 1 + rng() % mx;
    g.n = 1 + rng() % (cls == 0 ? 3 * C + 2 : 5 * C);
    g.k = cls == 1 ? 1 + rng() % 3 : 1 + rng() % (BIG ? 70 : 40);
    g.ta = rng() & 1; g.tb = rng() & 1; g.acc = rng() & 1;
    if (!layout(g, 50)) { t--; continue; }
    run(g, t % 40 == 39);
    nrun++;
    if (fails > 5) break;
  }
  // Back-to-back GEMMs without reloading (state must not leak between runs).
  for (int t = 0; t < 20 && fails == 0; t++) {
    Gemm g{};
    g.m = 1 + rng() % (2 * R); g.n = 1 + rng() % (2 * C); g.k = 1 + rng() % 20;
    g.ta = rng() & 1; g.tb = rng() & 1; g.acc = rng() & 1;
    if (!layout(g, 30)) continue;
    fill_random(g.a, (uint32_t)a_size(g));
    fill_random(g.b, (uint32_t)b_size(g));
    run(g, false, false);
    run(g, false, false);  // same descriptor again: acc doubles, else same C
    nrun += 2;
  }
  printf("tb_gemm: %d GEMMs checked, %d failures\n", nrun, fails);

  if (fails == 0) {
    if (BIG) {
      for (int acc = 0; acc < 2; acc++)
        for (int t = 0; t < 4; t++) bench("256^3", 256, 256, 256, t & 1, t >> 1, acc);
      for (int t = 0; t < 4; t++) bench("16^3", 16, 16, 16, t & 1, t >> 1, false);
      for (int t = 0; t < 4; t++) bench("64^3", 64, 64, 64, t & 1, t >> 1, false);
      for (int t = 0; t < 4; t++) bench("tall-skinny", 1024, 16, 64, t & 1, t >> 1, false);
      bench("64^3", 64, 64, 64, false, false, true);
    } else {
      for (int t = 0; t < 4; t++) bench("32^3", 32, 32, 32, t & 1, t >> 1, t == 3);
      for (int t = 0; t < 2; t++) bench("tall-skinny", 512, 3, 40, t & 1, false, false);
    }
  }
  delete top;
  if (fails) { printf("FAIL (%d)\n", fails); return 1; }
  printf("PASS\n");
  return 0;
}
