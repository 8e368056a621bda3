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
// Two more instances run with ARB=0 (SINGLE: SPRAM 128 KiB as on the
// iCEBreaker tile, and IMPL=1 8 KiB). Their client issues at most one
// request per clock (runs of back-to-back accesses and idle runs, reads on a
// random port, writes with random byte enables, unaligned addresses, across
// the wrap), drives garbage on every input it does not use, checks en_o=1 in
// every clock, and checks the shared read data on all three ports from the
// second clock after each read (the request is registered: the banks see it
// one clock late) and in every clock after that until the next access takes
// effect (data after a write is undefined and not checked). A directed script
// (read right after a write of the same bytes, overlapping unaligned
// write/read spans, every byte-enable pattern, read-write-read, reads on
// different ports back to back) runs before the random phase.
// Exits non-zero on any mismatch.
#include "Vtb_sram1p.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <deque>
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

// One clock of an ARB=0 client: idle, a read on port 0..2, or a write.
enum OpKind { OP_IDLE = -1, OP_RA = 0, OP_RB = 1, OP_RC = 2, OP_W = 3 };
struct Op {
  int kind;
  uint32_t a;
  uint64_t d;
  unsigned be;
};

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

  // ARB=0 (SINGLE) client state
  bool single = false;
  bool s_valid = false;                  // the shared read data must show s_expect
  uint64_t s_expect = 0;
  int s_age = 0;                         // clocks since that read (2 = first shown)
  Op s_prev{OP_IDLE, 0, 0, 0};           // issued last clock: reaches the banks at the next edge
  uint64_t s_prev_expect = 0;            // its data (a read), from the model at issue time
  std::deque<Op> script;                 // directed operations, run before the random ones
  int run_left = 0;                      // random: clocks left in the current run
  bool run_access = false;               // ... of back-to-back accesses (else idle)
  uint32_t last_wa = 0;                  // random: reads sometimes overlap the last write
  uint64_t n_idle = 0, n_directed = 0, n_checks = 0, n_hold_checks = 0, n_en_checks = 0,
           n_longest_hold = 0;

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

  // ------------------------------------------------------------ ARB = 0
  // Directed cases around address a (port choice rotates with the case).
  void script_cases(uint32_t a) {
    auto rd = [&](int p, uint32_t x) { script.push_back({p, x % bytes, 0, 0}); };
    auto wr = [&](uint32_t x, unsigned be) {
      script.push_back({OP_W, x % bytes, rng() & mask(), be});
    };
    auto idle = [&](int n) {
      for (int i = 0; i < n; i++) script.push_back({OP_IDLE, 0, 0, 0});
    };
    const unsigned all = (1u << w) - 1;
    // read right after a write of the same bytes, then hold while idle
    wr(a, all); rd((int)(a % 3), a); idle(3);
    // write then read of overlapping unaligned spans (both directions)
    for (int k = -(w - 1); k <= w - 1; k++) {
      uint32_t b = a + bytes + (uint32_t)k;
      wr(a, all); rd((int)((k + w) % 3), b);
      wr(b, (unsigned)rnd(all + 1)); rd((int)((k + w + 1) % 3), a); idle(1);
    }
    // every byte-enable pattern, read back at once and after a gap
    for (unsigned be = 0; be <= all; be++) {
      wr(a, be); rd((int)(be % 3), a);
      wr(a, be ^ all); idle(1); rd((int)((be + 1) % 3), a + bytes - 1); idle(2);
    }
    // read, write, read of the same bytes: old data, then the new
    rd(0, a); wr(a, all); rd(1, a); idle(1);
    // two overlapping writes back to back, then read the union
    wr(a, all); wr(a + 2, all); rd(2, a + bytes - 1); rd(0, a + 3); idle(4);
    // reads on different ports back to back, then idle
    rd(0, a); rd(1, a + 5); rd(2, a + bytes - 3); rd(2, a); rd(1, a + 1); idle(5);
  }
  void make_script() {
    for (uint32_t o = 0; o < 16; o++) script_cases(o);             // every line offset
    for (uint32_t o = 1; o <= 8; o++) script_cases(bytes - o);     // across the wrap
    for (int i = 0; i < 8; i++) script_cases((uint32_t)rnd(bytes));
    n_directed = script.size();
  }

  Op next_op() {
    if (mode == INIT) {
      Op op{OP_W, (init_next * (uint32_t)w) % bytes, rng() & mask(), (1u << w) - 1};
      init_next++;
      return op;
    }
    if (!script.empty()) {
      Op op = script.front();
      script.pop_front();
      return op;
    }
    if (run_left == 0) {
      // SEQUENCER: short accesses, long waits (for the link); RANDOM: the
      // segment's density picks access runs (up to 32 back to back) vs idle runs.
      bool seq = mode == SEQUENCER;
      run_access = rnd(100) < (seq ? 40u : p_req);
      if (run_access) run_left = 1 + (int)rnd(seq ? 3 : (rnd(4) == 0 ? 32 : 6));
      else            run_left = 1 + (int)rnd(seq ? 24 : (rnd(8) == 0 ? 40 : 5));
    }
    run_left--;
    if (!run_access) return {OP_IDLE, 0, 0, 0};
    if (rnd(10) < 6) {
      uint32_t a = rnd(4) == 0 ? (last_wa + bytes - (uint32_t)(w - 1) + (uint32_t)rnd(2 * w - 1)) % bytes
                               : addr();
      return {(int)rnd(3), a, 0, 0};
    }
    last_wa = addr();
    return {OP_W, last_wa, rng() & mask(), (unsigned)rnd(1u << w)};
  }

  void step_single() {
    CHECK(*en_o == 1, "%s cycle %llu: en_o=0 (ARB=0)", name, (unsigned long long)cycle);
    n_en_checks++;
    if (s_valid) {
      for (int p = 0; p < 3; p++) {
        uint64_t got = *r_data[p];
        CHECK(got == s_expect, "%s cycle %llu: port %c data %012llx, expected %012llx "
              "(%d clock(s) after the read)", name, (unsigned long long)cycle, "abc"[p],
              (unsigned long long)got, (unsigned long long)s_expect, s_age);
      }
      if (s_age == 2) n_checks++;
      else n_hold_checks++;
      if ((uint64_t)s_age > n_longest_hold) n_longest_hold = (uint64_t)s_age;
    }
    // The last clock's request reaches the banks at this edge: a read's data
    // shows from the next clock, a write makes the outputs undefined.
    s_age++;
    if (s_prev.kind == OP_W) {
      s_valid = false;
    } else if (s_prev.kind >= 0) {
      s_valid = true;
      s_expect = s_prev_expect;
      s_age = 2;
    }
    Op op = next_op();
    s_prev = op;
    drive_garbage();  // every input that is not part of the request is garbage
    for (int p = 0; p < 3; p++) *r_en[p] = 0;
    *w_en = 0;
    if (op.kind == OP_W) {
      *w_en = 1;
      *w_addr = op.a;
      *w_data = op.d;
      *w_be = (CData)op.be;
      model_write(op.a, op.d, op.be);
      n_writes++;
    } else if (op.kind >= 0) {
      *r_en[op.kind] = 1;
      *r_addr[op.kind] = op.a;
      s_prev_expect = model_read(op.a);
      n_reads++;
    } else {
      n_idle++;
    }
    top->eval();
    CHECK(*en_o == 1, "%s cycle %llu: en_o=0 after the request (ARB=0)", name,
          (unsigned long long)cycle);
  }

  // One clock of the client, before the edge (outputs are those after the
  // previous edge).
  void step() {
    if (single) {
      step_single();
      return;
    }
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

  Dut duts[5];
  duts[0].name = "IMPL0/131072/W4"; duts[0].bytes = 131072; duts[0].w = 4; BIND(duts[0], d0);
  duts[1].name = "IMPL1/8192/W4";   duts[1].bytes = 8192;   duts[1].w = 4; BIND(duts[1], d1);
  duts[2].name = "IMPL1/4096/W6";   duts[2].bytes = 4096;   duts[2].w = 6; BIND(duts[2], d2);
  duts[3].name = "IMPL0/131072/W4/ARB0"; duts[3].bytes = 131072; duts[3].w = 4; BIND(duts[3], d3);
  duts[4].name = "IMPL1/8192/W4/ARB0";   duts[4].bytes = 8192;   duts[4].w = 4; BIND(duts[4], d4);
  duts[3].single = duts[4].single = true;
  for (int i = 0; i < 5; i++) {
    duts[i].mem.assign(duts[i].bytes, 0);
    duts[i].rng.seed(seed * 1000003u + (uint64_t)i);
    duts[i].drive_idle();
    if (duts[i].single) duts[i].make_script();  // runs after INIT
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
  for (auto &d : duts)
    if (d.single) d.script.assign(8, Op{OP_IDLE, 0, 0, 0});  // check the last read, then hold
  for (int c = 0; c < 8; c++) {
    for (auto &d : duts) {
      if (d.single) {
        d.step();
        continue;
      }
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

  for (auto &d : duts) {
    if (d.single) {
      std::printf("%-20s reads %llu, writes %llu, idle %llu (directed ops %llu); checks on all 3 "
                  "ports: data after read %llu, held while idle %llu (up to %llu clocks); "
                  "en_o=1 %llu clocks\n",
                  d.name, (unsigned long long)d.n_reads, (unsigned long long)d.n_writes,
                  (unsigned long long)d.n_idle, (unsigned long long)d.n_directed,
                  (unsigned long long)d.n_checks, (unsigned long long)d.n_hold_checks,
                  (unsigned long long)d.n_longest_hold, (unsigned long long)d.n_en_checks);
      continue;
    }
    std::printf("%-20s enabled %llu, stall %llu, multi-request cycles %llu, reads %llu, writes %llu\n",
                d.name, (unsigned long long)d.n_en, (unsigned long long)d.n_stall,
                (unsigned long long)d.n_multi, (unsigned long long)d.n_reads,
                (unsigned long long)d.n_writes);
  }
  top->final();
  delete top;
  if (failures) {
    std::printf("tb_sram1p: %d failure(s)\n", failures);
    return 1;
  }
  std::printf("tb_sram1p: PASS (%llu cycles)\n", (unsigned long long)cycle);
  return 0;
}
