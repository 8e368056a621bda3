// tb_sram1p: tatami_sram1p (single-ported scratchpad with clock enable)
// against a byte-array model with tatami_sram semantics, on three instances
// (tb_sram1p.sv): SPRAM cells (IMPL=0, 128 KiB), inferred RAMs (IMPL=1,
// 8 KiB) and IMPL=1 with W=6.
// The client model behaves like the frozen GEMM engine: in a cycle with
// en_o=1 it checks every read port's data (the reads of its previous enabled
// cycle, or the held older data), then issues random requests on all four
// ports (random unaligned addresses over the whole space, around a moving
// hot spot and across the wrap, random byte enables); while en_o=0 it is
// frozen and drives garbage on every request input (the wrapper must have
// latched what it needs), or in some segments holds them as the frozen
// engine does. It checks that en_o drops for exactly k-1 clocks
// after an enabled cycle with k requests and that en_o does not depend
// combinationally on the requests. Sequencer-like phases (at most one
// request per cycle, rc held while idle) check that en_o never drops.
// Exits non-zero on any mismatch.
#include "Vtb_sram1p.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

static int failures = 0;
#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (!(cond)) {                                         \
      if (++failures <= 20) {                              \
        std::printf("FAIL %s:%d: ", __FILE__, __LINE__);   \
        std::printf(__VA_ARGS__);                          \
        std::printf("\n");                                 \
      }                                                    \
    }                                                      \
  } while (0)

static Vtb_sram1p *top;
static uint64_t cycle = 0;

static void tick() {
  top->clk_i = 0; top->eval();
  top->clk_i = 1; top->eval();
  cycle++;
}

enum Mode { INIT, RANDOM, SEQUENCER };

struct Dut {
  const char *name;
  uint32_t bytes;
  int w;
  CData *en_o;
  CData *r_en[3];
  IData *r_addr[3];
  QData *r_data[3];
  CData *w_en;
  IData *w_addr;
  QData *w_data;
  CData *w_be;

  std::vector<uint8_t> mem;   // the model: tatami_sram semantics
  std::mt19937_64 rng;
  bool have[3] = {false, false, false};  // port has shown data since reset
  uint64_t expect[3] = {0, 0, 0};        // what it must show in the next enabled cycle
  int stall_left = 0;                    // en_o=0 clocks still expected
  Mode mode = INIT;
  uint32_t init_next = 0;                // INIT: next write address / W
  uint32_t hot = 0;                      // hot spot for colliding addresses
  unsigned p_req = 50;                   // RANDOM: request probability, %
  bool hold_when_frozen = false;         // frozen client holds its inputs (else garbage)
  uint64_t n_en = 0, n_stall = 0, n_reads = 0, n_writes = 0, n_multi = 0;

  uint64_t mask() const { return w == 8 ? ~0ull : (1ull << (8 * w)) - 1; }
  uint64_t rnd(uint64_t n) { return rng() % n; }

  uint64_t model_read(uint32_t a) const {
    uint64_t v = 0;
    for (int i = 0; i < w; i++) v |= (uint64_t)mem[(a + i) % bytes] << (8 * i);
    return v;
  }
  void model_write(uint32_t a, uint64_t d, unsigned be) {
    for (int i = 0; i < w; i++)
      if (be >> i & 1) mem[(a + i) % bytes] = (uint8_t)(d >> (8 * i));
  }

  uint32_t addr() {
    if (rnd(64) == 0) hot = (uint32_t)rnd(bytes);       // move the hot spot
    if (rnd(256) == 0) hot = bytes - 1 - (uint32_t)rnd(12);  // ... sometimes onto the wrap
    switch (rnd(4)) {
      case 0: return (uint32_t)rnd(bytes);
      case 1: return (bytes - 8 + (uint32_t)rnd(16)) % bytes;   // across the wrap
      default: return (hot + (uint32_t)rnd(20)) % bytes;        // collide with recent writes
    }
  }

  void drive_idle() {
    for (int p = 0; p < 3; p++) *r_en[p] = 0;
    *w_en = 0;
  }
  void drive_garbage() {
    for (int p = 0; p < 3; p++) {
      *r_en[p] = rng() & 1;
      *r_addr[p] = (uint32_t)rng();
    }
    *w_en = rng() & 1;
    *w_addr = (uint32_t)rng();
    *w_data = rng();
    *w_be = (CData)rng();
  }

  // One clock of the client, before the edge (outputs are those after the
  // previous edge).
  void step() {
    bool en = *en_o;
    if (stall_left > 0) {
      CHECK(!en, "%s cycle %llu: en_o=1 with %d stall clock(s) still expected", name,
            (unsigned long long)cycle, stall_left);
      stall_left--;
      n_stall++;
      if (!hold_when_frozen) drive_garbage();
      top->eval();
      CHECK(*en_o == en, "%s cycle %llu: en_o follows the requests combinationally", name,
            (unsigned long long)cycle);
      return;
    }
    CHECK(en, "%s cycle %llu: en_o=0 but no stall expected (mode %d)", name,
          (unsigned long long)cycle, (int)mode);
    if (!en) {  // keep going to collect more evidence, frozen
      drive_garbage();
      return;
    }
    n_en++;
    for (int p = 0; p < 3; p++) {
      if (!have[p]) continue;
      uint64_t got = *r_data[p];
      CHECK(got == expect[p], "%s cycle %llu: port %c data %012llx, expected %012llx", name,
            (unsigned long long)cycle, "abc"[p], (unsigned long long)got,
            (unsigned long long)expect[p]);
    }

    bool ren[3] = {false, false, false}, wen = false;
    uint32_t ra[3] = {0, 0, 0}, wa = 0;
    uint64_t wd = 0;
    unsigned be = 0;
    if (mode == INIT) {
      wen = true;
      wa = (init_next * (uint32_t)w) % bytes;
      wd = rng() & mask();
      be = (1u << w) - 1;
      init_next++;
    } else if (mode == SEQUENCER) {
      // at most one request; rc is read now and then and then left idle
      switch (rnd(6)) {
        case 0: ren[0] = true; break;
        case 1: ren[1] = true; break;
        case 2: ren[2] = true; break;
        case 3: wen = true; break;
        default: break;
      }
    } else {
      for (int p = 0; p < 3; p++) ren[p] = rnd(100) < p_req;
      wen = rnd(100) < p_req;
    }
    for (int p = 0; p < 3; p++) {
      if (!ren[p]) continue;
      ra[p] = addr();
      expect[p] = model_read(ra[p]);  // memory before this cycle's write
      have[p] = true;
      n_reads++;
    }
    if (wen && mode != INIT) {
      wa = addr();
      wd = rng() & mask();
      be = (unsigned)rnd(1u << w);
    }
    if (wen) {
      model_write(wa, wd, be);
      n_writes++;
    }
    for (int p = 0; p < 3; p++) {
      *r_en[p] = ren[p];
      *r_addr[p] = ren[p] ? ra[p] : (uint32_t)rng();
    }
    *w_en = wen;
    *w_addr = wen ? wa : (uint32_t)rng();
    *w_data = wen ? wd : rng();
    *w_be = wen ? (CData)be : (CData)rng();
    int k = ren[0] + ren[1] + ren[2] + wen;
    stall_left = k > 0 ? k - 1 : 0;
    if (k > 1) n_multi++;
    if (mode == SEQUENCER) CHECK(stall_left == 0, "%s: sequencer issued two requests", name);
    top->eval();
    CHECK(*en_o == en, "%s cycle %llu: en_o follows the requests combinationally", name,
          (unsigned long long)cycle);
  }
};

#define BIND(d, P)                                                               \
  do {                                                                           \
    d.en_o = &top->P##_en_o;                                                     \
    d.r_en[0] = &top->P##_ra_en_i; d.r_addr[0] = &top->P##_ra_addr_i;            \
    d.r_data[0] = &top->P##_ra_data_o;                                           \
    d.r_en[1] = &top->P##_rb_en_i; d.r_addr[1] = &top->P##_rb_addr_i;            \
    d.r_data[1] = &top->P##_rb_data_o;                                           \
    d.r_en[2] = &top->P##_rc_en_i; d.r_addr[2] = &top->P##_rc_addr_i;            \
    d.r_data[2] = &top->P##_rc_data_o;                                           \
    d.w_en = &top->P##_w_en_i; d.w_addr = &top->P##_w_addr_i;                    \
    d.w_data = &top->P##_w_data_i; d.w_be = &top->P##_w_be_i;                    \
  } while (0)

int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  top = new Vtb_sram1p;
  uint64_t seed = 1;
  long random_cycles = 2000000;
  for (int i = 1; i < argc; i++) {
    if (sscanf(argv[i], "--seed=%llu", (unsigned long long *)&seed) == 1) continue;
    if (sscanf(argv[i], "--cycles=%ld", &random_cycles) == 1) continue;
  }

  Dut duts[3];
  duts[0].name = "IMPL0/131072/W4"; duts[0].bytes = 131072; duts[0].w = 4; BIND(duts[0], d0);
  duts[1].name = "IMPL1/8192/W4";   duts[1].bytes = 8192;   duts[1].w = 4; BIND(duts[1], d1);
  duts[2].name = "IMPL1/4096/W6";   duts[2].bytes = 4096;   duts[2].w = 6; BIND(duts[2], d2);
  for (int i = 0; i < 3; i++) {
    duts[i].mem.assign(duts[i].bytes, 0);
    duts[i].rng.seed(seed * 1000003u + (uint64_t)i);
    duts[i].drive_idle();
  }

  top->rst_ni = 0;
  top->clk_i = 0;
  top->eval();
  tick(); tick();
  top->rst_ni = 1;
  top->eval();
  for (auto &d : duts) CHECK(*d.en_o == 1, "%s: en_o low after reset", d.name);

  // INIT: fill each memory with one full write per cycle (sequencer-like:
  // en_o must stay 1); a DUT that is done idles until all are.
  for (;;) {
    bool any = false;
    for (auto &d : duts) {
      if (d.init_next < (d.bytes + (uint32_t)d.w - 1) / (uint32_t)d.w) {
        d.step();
        any = true;
      } else {
        if (d.mode == INIT) d.mode = SEQUENCER;
        d.step();
      }
    }
    tick();
    if (!any) break;
  }

  // Alternate RANDOM segments (request density 10..100%) with SEQUENCER ones.
  long done = 0;
  std::mt19937_64 seg(seed);
  while (done < random_cycles) {
    Mode m = seg() % 3 == 0 ? SEQUENCER : RANDOM;
    long len = 200 + (long)(seg() % 3000);
    unsigned p = (unsigned)(10 + seg() % 91);
    bool hold = seg() % 2 == 0;
    for (auto &d : duts) {
      d.mode = m;
      d.p_req = p;
      d.hold_when_frozen = hold;
    }
    for (long c = 0; c < len; c++) {
      for (auto &d : duts) d.step();
      tick();
    }
    done += len;
  }
  // drain: let the last batch finish and check it
  for (auto &d : duts) d.mode = SEQUENCER;
  for (int c = 0; c < 8; c++) {
    for (auto &d : duts) {
      if (d.stall_left == 0 && *d.en_o) {  // final check without new requests
        for (int p = 0; p < 3; p++)
          if (d.have[p]) CHECK(*d.r_data[p] == d.expect[p], "%s: final port %c", d.name, "abc"[p]);
        d.drive_idle();
      } else {
        d.step();
      }
    }
    tick();
  }

  for (auto &d : duts)
    std::printf("%-16s enabled %llu, stall %llu, multi-request cycles %llu, reads %llu, writes %llu\n",
                d.name, (unsigned long long)d.n_en, (unsigned long long)d.n_stall,
                (unsigned long long)d.n_multi, (unsigned long long)d.n_reads,
                (unsigned long long)d.n_writes);
  top->final();
  delete top;
  if (failures) {
    std::printf("tb_sram1p: %d failure(s)\n", failures);
    return 1;
  }
  std::printf("tb_sram1p: PASS (%llu cycles)\n", (unsigned long long)cycle);
  return 0;
}
