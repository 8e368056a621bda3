// tb_array: tatami_array against a naive C++ matrix product. Random tiles of
// random K are fed back to back with random bubbles; each tile's rows are
// read through the row mux at either the earliest (T+C+r) or the latest
// (T'+r, T' = next tile's last) cycle the contract allows.
#include "Vtb_array.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <vector>

static const int R = 5, C = 3;

struct Tile {
  int k;
  std::vector<int8_t> a, b;  // a[k*R + r], b[k*C + c]
  long t_last = -1;
};

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  Vtb_array* top = new Vtb_array;
  std::mt19937 rng(12345);
  int fails = 0;

  // Plan the tiles and the feed schedule.
  const int NT = 400;
  std::vector<Tile> tiles(NT);
  for (int t = 0; t < NT; t++) {
    int kind = rng() % 4;
    tiles[t].k = kind == 0 ? 1 + rng() % 3 : kind == 1 ? 1 + rng() % 12 : 1 + rng() % 40;
    for (int i = 0; i < tiles[t].k * R; i++) tiles[t].a.push_back((int8_t)(rng() & 0xff));
    for (int i = 0; i < tiles[t].k * C; i++) tiles[t].b.push_back((int8_t)(rng() & 0xff));
    if (t % 7 == 3)  // extremes
      for (auto& v : tiles[t].a) v = (rng() & 1) ? -128 : 127;
  }
  struct Feed { bool valid, last; int tile, k; };
  std::vector<Feed> sched;
  long prev_last = -1000;
  int burst_mode = 0;
  for (int t = 0; t < NT; t++) {
    if (t % 50 == 0) burst_mode = rng() % 2;  // 1: no bubbles at all
    for (int k = 0; k < tiles[t].k; k++) {
      bool last = k == tiles[t].k - 1;
      while ((!burst_mode && rng() % 4 == 0) || (last && (long)sched.size() < prev_last + C))
        sched.push_back({false, false, -1, 0});
      if (last) { tiles[t].t_last = sched.size(); prev_last = sched.size(); }
      sched.push_back({true, last, t, k});
    }
  }
  // Row reads: cycle -> list of (tile, row).
  std::map<long, std::vector<std::pair<int, int>>> reads;
  for (int t = 0; t < NT; t++) {
    for (int r = 0; r < R; r++) {
      long early = tiles[t].t_last + C + r;
      long late = (t + 1 < NT) ? tiles[t + 1].t_last + r : early + 5;
      long when = (t % 2 == 0) ? early : late;
      if (late < early) { printf("schedule bug\n"); return 2; }
      reads[when].push_back({t, r});
    }
  }

  top->rst_ni = 0; top->en_i = 1; top->clk_i = 0; top->in_valid_i = 0; top->last_i = 0;
  top->eval(); top->rst_ni = 1; top->eval();
  // The first enabled cycle after reset carries no operand (it zeroes the
  // PE accumulators, which have no asynchronous reset).
  top->clk_i = 1; top->eval(); top->clk_i = 0; top->eval();
  long total = sched.size() + C + R + 10;
  int row0_seen = 0;
  std::map<long, int> row0_expect;
  for (int t = 0; t < NT; t++) row0_expect[tiles[t].t_last + C] = t;
  for (long cyc = 0; cyc < total; cyc++) {
    // Inputs for this cycle.
    Feed f = cyc < (long)sched.size() ? sched[cyc] : Feed{false, false, -1, 0};
    top->in_valid_i = f.valid;
    top->last_i = f.last;
    uint64_t a = 0, b = 0;
    if (f.valid) {
      for (int r = 0; r < R; r++) a |= (uint64_t)(uint8_t)tiles[f.tile].a[f.k * R + r] << (8 * r);
      for (int c = 0; c < C; c++) b |= (uint64_t)(uint8_t)tiles[f.tile].b[f.k * C + c] << (8 * c);
    } else {
      a = rng(); b = rng();  // garbage on bubbles must not matter
    }
    top->a_i = a; top->b_i = b;
    top->eval();
    // Outputs visible in this cycle.
    bool exp_row0 = row0_expect.count(cyc);
    if (top->row0_done_o != exp_row0) {
      printf("FAIL: row0_done_o=%d at cycle %ld, expected %d\n", top->row0_done_o, cyc, exp_row0);
      fails++;
    }
    row0_seen += top->row0_done_o;
    auto it = reads.find(cyc);
    if (it != reads.end()) {
      for (auto& tr : it->second) {
        top->rd_row_i = tr.second;
        top->eval();
        const Tile& T = tiles[tr.first];
        for (int c = 0; c < C; c++) {
          int64_t s = 0;
          for (int k = 0; k < T.k; k++) s += (int64_t)T.a[k * R + tr.second] * T.b[k * C + c];
          uint32_t exp = (uint32_t)s;
          uint32_t got = top->rd_data_o[c];
          if (got != exp && fails < 20) {
            printf("FAIL: tile %d (K=%d) row %d col %d at cycle %ld: got %d expected %d\n",
                   tr.first, T.k, tr.second, c, cyc, (int)got, (int)exp);
          }
          if (got != exp) fails++;
        }
      }
    }
    top->clk_i = 1; top->eval(); top->clk_i = 0; top->eval();
  }
  if (row0_seen != NT) { printf("FAIL: row0_done_o pulsed %d times for %d tiles\n", row0_seen, NT); fails++; }
  printf("tb_array: %d tiles, %zu cycles, %d failures\n", NT, sched.size(), fails);
  delete top;
  if (fails) { printf("FAIL\n"); return 1; }
  printf("PASS\n");
  return 0;
}
