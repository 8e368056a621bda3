// tb_uart: tatami_uart_rx and tatami_uart_tx at CLKS_PER_BIT N = 3, 4, 5, 6, 12.
//
// The RX line is modelled in continuous time at S sub-steps per clock period
// T: the clock edge p samples the line at time p*S (an edge exactly at a
// clock edge is seen as already there). docs/boards.md derives what the
// receiver tolerates: sampling at O = (N-1)/2 clocks after the edge the
// synchronizer saw, every bit edge of a byte may be displaced, relative to
// that byte's start edge, by any d with -(N-1-O)*T <= d < O*T (at N = 3:
// -T <= d < T), whatever the start edge's phase against the clock.
//   1. exhaustive: every phase of the start edge (S of them) x every allowed d
//      (sub-step granularity) with all edges of the byte moved by d;
//   2. just outside that range (one sub-step) some phase must fail: the
//      analysis is tight, and the test would see an RX that samples elsewhere;
//   3. random: long back-to-back streams, every byte at a random phase and
//      every edge displaced independently within the allowed range;
//   3b. a sender with its own clock, 2.5% slow and 2.5% fast;
//   4. framing: stop bit 0 -> frame_err, byte dropped; a held-low line
//      (break) -> one frame error, not a stream of them; glitches shorter
//      than O*T on an idle line -> nothing; a line low through reset -> nothing;
//   5. TX: exact waveform (every bit N cycles, start bit the cycle after the
//      byte is taken, back to back with no gap), ready_o exactly in the last
//      stop-bit cycle or when idle, with random gaps; TX -> RX loopback.
#include "Vtb_uart.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <deque>
#include <random>
#include <utility>
#include <vector>

static const int NCH = 5;
static const int CPB[NCH] = {3, 4, 5, 6, 12};
static const int S = 12;   // line model sub-steps per clock period
static int failures = 0;
#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (!(cond)) {                                         \
      if (++failures < 30) {                               \
        std::printf("FAIL %s:%d: ", __FILE__, __LINE__);   \
        std::printf(__VA_ARGS__);                          \
        std::printf("\n");                                 \
      }                                                    \
    }                                                      \
  } while (0)

static Vtb_uart *top;
static int64_t cyc = 0;   // index of the next clock edge
static std::mt19937 rng(2026);

// ---------------------------------------------------------------- RX line model
struct Line {
  std::vector<std::pair<int64_t, int>> tr;   // (time in sub-steps, new level), sorted
  int at(int64_t t) const {                  // level at time t (idle high before)
    int v = 1;
    for (size_t lo = 0, hi = tr.size(); lo < hi;) {   // last transition with time <= t
      size_t mid = (lo + hi) / 2;
      if (tr[mid].first <= t) { v = tr[mid].second; lo = mid + 1; } else hi = mid;
    }
    return v;
  }
  int64_t end() const { return tr.empty() ? 0 : tr.back().first; }
};

// Levels over [t_j, t_{j+1}) -> transitions (only where the level changes).
static void add_level(Line &l, int64_t t, int v) {
  int cur = l.tr.empty() ? 1 : l.tr.back().second;
  if (!l.tr.empty() && t < l.tr.back().first) { std::printf("tb bug: unordered line\n"); failures++; }
  if (v != cur) l.tr.push_back({t, v});
}

// A byte whose start edge is at `start`, bit boundary j (1..10, 10 = end of
// the stop bit) at start + j*N*S + disp(j); boundary 10 is only used when
// the caller ends the stop bit early (next byte), so it is not added here.
template <class F>
static void add_byte(Line &l, int n, int64_t start, uint8_t b, int stop, F disp) {
  add_level(l, start, 0);
  for (int j = 1; j <= 9; j++) {
    int v = j <= 8 ? (b >> (j - 1)) & 1 : stop;
    add_level(l, start + (int64_t)j * n * S + disp(j), v);
  }
}

// ---------------------------------------------------------------- clocking
struct Chan {
  // RX source: 0 idle high, 1 line model, 2 loopback from this channel's tx_o
  int rx_src = 0;
  Line line;
  std::vector<uint8_t> got;
  int ferr = 0;
  // TX driver
  std::deque<uint8_t> txq;
  int tx_gap_pct = 0;       // chance per cycle of holding valid low
  std::vector<std::pair<int64_t, uint8_t>> accepted;   // (edge index, byte)
  std::vector<int> txwave;  // tx_o during cycle k (after edge k), from record_from
  std::vector<int> readyw;  // ready_o seen before edge k
  int64_t record_from = -1;
  int last_tx = 1;
};
static Chan ch[NCH];

static void step() {
  top->clk_i = 0;
  top->eval();
  uint32_t rx = 0, txv = 0;
  uint64_t txd = 0;
  for (int i = 0; i < NCH; i++) {
    Chan &c = ch[i];
    int v = c.rx_src == 1 ? c.line.at(cyc * S) : c.rx_src == 2 ? c.last_tx : 1;
    rx |= (uint32_t)v << i;
    if (!c.txq.empty() && (int)(rng() % 100) >= c.tx_gap_pct) {
      txv |= 1u << i;
      txd |= (uint64_t)c.txq.front() << (8 * i);
    }
  }
  top->rx_i = rx; top->tx_valid_i = txv; top->tx_data_i = txd;
  top->eval();
  uint32_t ready = top->tx_ready_o;
  bool take[NCH];
  for (int i = 0; i < NCH; i++) {
    take[i] = ((txv >> i) & 1) && ((ready >> i) & 1);
    if (ch[i].record_from >= 0 && cyc >= ch[i].record_from) ch[i].readyw.push_back((ready >> i) & 1);
  }
  top->clk_i = 1;
  top->eval();
  for (int i = 0; i < NCH; i++) {
    Chan &c = ch[i];
    if (take[i]) { c.accepted.push_back({cyc, c.txq.front()}); c.txq.pop_front(); }
    if ((top->rx_valid_o >> i) & 1) c.got.push_back((uint8_t)(top->rx_data_o >> (8 * i)));
    if ((top->rx_ferr_o >> i) & 1) c.ferr++;
    c.last_tx = (top->tx_o >> i) & 1;
    if (c.record_from >= 0 && cyc >= c.record_from) c.txwave.push_back(c.last_tx);
  }
  cyc++;
}
static void run(int64_t n) { for (int64_t k = 0; k < n; k++) step(); }

static void reset_all() {
  top->rst_ni = 0;
  run(3);
  top->rst_ni = 1;
  for (auto &c : ch) c = Chan();
  run(2);
}

// Runs channel i's line model to its end plus `tail` bit times; returns bytes.
static void play(int i, int tail_bits = 3) {
  Chan &c = ch[i];
  c.rx_src = 1;
  int64_t until = c.line.end() / S + 2 + (int64_t)tail_bits * 10 * CPB[i];
  while (cyc < until) step();
  c.rx_src = 0;
}

// All edges of each byte after the start edge moved by d; start edges at
// phase `phase` (sub-steps after a clock edge). Bytes back to back.
static void send_shifted(int i, const std::vector<uint8_t> &bytes, int phase, int d) {
  Chan &c = ch[i];
  int n = CPB[i];
  c.line = Line();
  c.got.clear(); c.ferr = 0;
  int64_t t0 = (cyc + 4) * S + phase;
  for (size_t k = 0; k < bytes.size(); k++)
    add_byte(c.line, n, t0 + (int64_t)k * 10 * n * S, bytes[k], 1, [&](int) { return d; });
  add_level(c.line, t0 + (int64_t)bytes.size() * 10 * n * S, 1);
}

int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  top = new Vtb_uart;
  top->clk_i = 0; top->rst_ni = 0; top->rx_i = 0x1F; top->tx_valid_i = 0;
  reset_all();

  for (int i = 0; i < NCH; i++) {
    const int n = CPB[i], o = (n - 1) / 2;
    const int lo = -(n - 1 - o) * S, hi = o * S - 1;   // allowed d, sub-steps, inclusive
    CHECK(top->tx_o >> i & 1, "N=%d: tx_o not idle high after reset", n);
    CHECK(top->tx_ready_o >> i & 1, "N=%d: tx not ready after reset", n);

    // 1. exhaustive phase x displacement
    const std::vector<uint8_t> pat = {0x55, 0xAA, 0x00, 0xFF, 0x0F, 0xF0, 0x5A, 0x81};
    long cases = 0;
    for (int ph = 0; ph < S; ph++)
      for (int d = lo; d <= hi; d++) {
        std::vector<uint8_t> bytes = pat;
        bytes.push_back((uint8_t)rng());
        send_shifted(i, bytes, ph, d);
        play(i, 1);
        CHECK(ch[i].got == bytes && ch[i].ferr == 0,
              "N=%d phase %d/%d d=%d/%d: got %zu bytes, %d frame errors", n, ph, S, d, S,
              ch[i].got.size(), ch[i].ferr);
        cases++;
      }
    // 2. one sub-step beyond each bound (O*T and -(N-1-O)*T are themselves the
    //    metastable points: an edge exactly there is sampled as it happens to
    //    fall; the line model sees it as already there), late and early: some
    //    phase fails
    for (int d : {o * S + 1, lo - 1}) {
      int bad_phases = 0;
      for (int ph = 0; ph < S; ph++) {
        send_shifted(i, pat, ph, d);
        play(i, 1);
        if (ch[i].got != pat || ch[i].ferr) bad_phases++;
      }
      CHECK(bad_phases > 0, "N=%d: d=%d/%d (outside the analysed range) never fails", n, d, S);
      std::printf("N=%-2d d=%+d/%d clock (outside the range): fails at %d of %d phases\n", n, d,
                  S, bad_phases, S);
    }
    // 3. random streams: random phase per byte, every edge displaced independently
    {
      Chan &c = ch[i];
      c.line = Line(); c.got.clear(); c.ferr = 0;
      std::vector<uint8_t> bytes(3000);
      for (auto &b : bytes) b = rng();
      int64_t t0 = (cyc + 4) * S;
      for (size_t k = 0; k < bytes.size(); k++) {
        int ph = rng() % S;
        add_byte(c.line, n, t0 + (int64_t)k * 10 * n * S + ph, bytes[k], 1,
                 [&](int) { return lo + (int)(rng() % (hi - lo + 1)); });
      }
      add_level(c.line, t0 + (int64_t)bytes.size() * 10 * n * S, 1);
      play(i);
      CHECK(c.got == bytes && c.ferr == 0, "N=%d random stream: got %zu of %zu bytes, %d ferr",
            n, c.got.size(), bytes.size(), c.ferr);
    }
    // 3b. a sender on another clock: bit period N*T*(1 + r), r = +-2.5%
    //     (docs/boards.md: tolerated up to +O/(9N) slow and (O+1-N)/(10N) fast)
    for (double r : {0.025, -0.025}) {
      Chan &c = ch[i];
      c.line = Line(); c.got.clear(); c.ferr = 0;
      std::vector<uint8_t> bytes(400);
      for (auto &b : bytes) b = rng();
      double bitt = n * S * (1.0 + r), t = (double)((cyc + 4) * S + rng() % S);
      for (uint8_t b : bytes)
        for (int j = 0; j < 10; j++, t += bitt)
          add_level(c.line, (int64_t)t, j == 0 ? 0 : j == 9 ? 1 : (b >> (j - 1)) & 1);
      play(i);
      CHECK(c.got == bytes && c.ferr == 0, "N=%d rate error %+.1f%%: got %zu of %zu, %d ferr",
            n, 100 * r, c.got.size(), bytes.size(), c.ferr);
    }
    // 4. framing errors, break, glitches, low through reset
    {
      Chan &c = ch[i];
      c.line = Line(); c.got.clear(); c.ferr = 0;
      int64_t t0 = (cyc + 4) * S, bit = (int64_t)n * S;
      add_byte(c.line, n, t0, 0x3C, 0, [](int) { return 0; });      // stop bit 0
      add_level(c.line, t0 + 10 * bit, 1);
      add_byte(c.line, n, t0 + 12 * bit, 0xC3, 1, [](int) { return 0; });
      add_level(c.line, t0 + 22 * bit, 1);
      play(i);
      CHECK(c.ferr == 1 && c.got == std::vector<uint8_t>{0xC3},
            "N=%d stop bit 0: %d ferr, %zu bytes", n, c.ferr, c.got.size());

      c.line = Line(); c.got.clear(); c.ferr = 0;
      t0 = (cyc + 4) * S;
      add_level(c.line, t0, 0);                                      // break: 40 bit times low
      add_level(c.line, t0 + 40 * bit, 1);
      add_byte(c.line, n, t0 + 42 * bit, 0x99, 1, [](int) { return 0; });
      add_level(c.line, t0 + 52 * bit, 1);
      play(i);
      CHECK(c.ferr == 1 && c.got == std::vector<uint8_t>{0x99}, "N=%d break: %d ferr, %zu bytes",
            n, c.ferr, c.got.size());

      // glitches shorter than O*T at every phase: ignored
      c.line = Line(); c.got.clear(); c.ferr = 0;
      t0 = (cyc + 4) * S;
      for (int ph = 0; ph < S; ph++) {
        int64_t t = t0 + ph * (20 * bit + 1);
        add_level(c.line, t, 0);
        add_level(c.line, t + o * S - 1, 1);
      }
      play(i);
      CHECK(c.ferr == 0 && c.got.empty(), "N=%d glitches: %d ferr, %zu bytes", n, c.ferr,
            c.got.size());

      // line low through reset and after it: nothing until it has been high
      c.rx_src = 0;
      top->rx_i = 0;
      c.line = Line(); c.got.clear(); c.ferr = 0;
      add_level(c.line, 0, 0);
      c.rx_src = 1;
      top->rst_ni = 0; run(3); top->rst_ni = 1;
      run(30 * n);
      t0 = (cyc + 4) * S;
      add_level(c.line, t0, 1);
      add_byte(c.line, n, t0 + 3 * bit, 0x42, 1, [](int) { return 0; });
      add_level(c.line, t0 + 13 * bit, 1);
      play(i);
      CHECK(c.ferr == 0 && c.got == std::vector<uint8_t>{0x42},
            "N=%d low through reset: %d ferr, %zu bytes", n, c.ferr, c.got.size());
    }
    std::printf("N=%-2d rx: %ld phase x displacement cases (d in [%d, %d]/%d clock), "
                "random stream, framing: done\n", n, cases, lo, hi, S);

    // 5. TX: back to back, then with random gaps; exact waveform and ready_o
    for (int gap : {0, 30, 97}) {
      Chan &c = ch[i];
      run(12 * n);
      c.accepted.clear(); c.txwave.clear(); c.readyw.clear();
      c.record_from = cyc;
      c.tx_gap_pct = gap;
      for (int k = 0; k < 300; k++) c.txq.push_back(rng());
      while (!c.txq.empty()) step();
      run(12 * n);
      c.tx_gap_pct = 0;
      std::vector<int> want(c.txwave.size(), 1), want_ready(c.readyw.size(), 1);
      for (auto &a : c.accepted) {
        int64_t s = a.first - c.record_from;
        for (int j = 0; j < 10; j++) {
          int v = j == 0 ? 0 : j == 9 ? 1 : (a.second >> (j - 1)) & 1;
          for (int q = 0; q < n; q++)
            if (s + j * n + q < (int64_t)want.size()) want[s + j * n + q] = v;
        }
        for (int q = 1; q < 10 * n; q++)
          if (s + q < (int64_t)want_ready.size()) want_ready[s + q] = 0;
      }
      CHECK(c.accepted.size() == 300, "N=%d gap %d: %zu bytes taken", n, gap, c.accepted.size());
      CHECK(c.txwave == want, "N=%d gap %d: tx waveform differs", n, gap);
      CHECK(c.readyw == want_ready, "N=%d gap %d: ready_o timing differs", n, gap);
      if (gap == 0)
        CHECK(c.accepted.back().first - c.accepted.front().first == 299 * 10 * n,
              "N=%d: back-to-back bytes are not 10 bits apart", n);
      c.record_from = -1;
    }
    // loopback tx -> rx
    {
      Chan &c = ch[i];
      c.got.clear(); c.ferr = 0; c.rx_src = 2; c.tx_gap_pct = 20;
      std::vector<uint8_t> bytes(500);
      for (auto &b : bytes) { b = rng(); c.txq.push_back(b); }
      while (!c.txq.empty()) step();
      run(12 * n);
      c.rx_src = 0; c.tx_gap_pct = 0;
      CHECK(c.got == bytes && c.ferr == 0, "N=%d loopback: %zu of %zu bytes, %d ferr", n,
            c.got.size(), bytes.size(), c.ferr);
    }
    std::printf("N=%-2d tx: exact waveform and ready_o (gaps 0, 30, 97%%), loopback: done\n", n);
  }

  top->final();
  delete top;
  if (failures) {
    std::printf("tb_uart: %d failure(s)\n", failures);
    return 1;
  }
  std::printf("tb_uart: PASS (%lld cycles)\n", (long long)cyc);
  return 0;
}
