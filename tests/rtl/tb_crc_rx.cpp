// tb_crc_rx: tatami_crc32 against the protocol.md vectors and a software
// CRC over random data; tatami_rx (behind a tatami_fifo) with good frames,
// bad CRC, TOO_LONG, TRUNCATED, garbage / stray A5s between frames and
// A5 5A inside payloads. Exits non-zero on any mismatch.
#include "Vtb_crc_rx.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <deque>
#include <random>
#include <string>
#include <vector>

static const int RX_TIMEOUT = 64;
static int failures = 0;
#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (!(cond)) {                                         \
      failures++;                                          \
      std::printf("FAIL %s:%d: ", __FILE__, __LINE__);     \
      std::printf(__VA_ARGS__);                            \
      std::printf("\n");                                   \
    }                                                      \
  } while (0)

static uint32_t sw_crc(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int b = 0; b < 8; b++) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
  }
  return ~c;
}

static Vtb_crc_rx *top;
static uint64_t cycle = 0;

static void tick() {
  top->clk_i = 0; top->eval();
  top->clk_i = 1; top->eval();
  cycle++;
}

static uint32_t hw_crc(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    top->crc_i = c; top->crc_data_i = p[i]; top->eval();
    c = top->crc_o;
  }
  return ~c;
}

// ---------------------------------------------------------------- wire_q model
struct Byte { uint8_t v; int gap; };   // gap: idle cycles before this byte
static std::deque<Byte> wire_q;
static int gap_left = -1;

struct Frame {
  uint8_t status, addr, seq, code; uint16_t len; std::vector<uint8_t> payload;
};
static std::vector<Frame> got;

// One cycle: drive the wire_q, and handle a finished frame (read payload, ack).
static int handler_phase = 0;   // 0 none, 1 reading payload
static Frame cur;
static unsigned rd_idx = 0;

static void step() {
  // wire_q side
  if (!wire_q.empty() && gap_left < 0) gap_left = wire_q.front().gap;
  bool present = !wire_q.empty() && gap_left == 0;
  top->in_valid_i = present;
  top->in_data_i = present ? wire_q.front().v : 0;
  top->frm_ack_i = 0;
  // frame side: payload read of index rd_idx-1 arrives this cycle
  if (top->frm_valid_o) {
    if (handler_phase == 0) {
      cur = Frame{(uint8_t)top->frm_status_o, (uint8_t)top->frm_addr_o, (uint8_t)top->frm_seq_o,
                  (uint8_t)top->frm_code_o, (uint16_t)top->frm_len_o, {}};
      handler_phase = 1;
      rd_idx = 0;
    }
    unsigned n = cur.status == 0 ? cur.len : 0;
    if (rd_idx > 0) cur.payload.push_back((uint8_t)top->buf_rdata_o);
    if (rd_idx == n) {
      top->frm_ack_i = 1;
      got.push_back(cur);
      handler_phase = 0;
    } else {
      top->buf_raddr_i = rd_idx;
    }
    rd_idx++;
  }
  top->eval();
  bool took = present && top->in_ready_o;
  tick();
  if (took) { wire_q.pop_front(); gap_left = -1; }
  else if (gap_left > 0) gap_left--;
}

static void run_until_drained(int extra) {
  int guard = 0;
  while (!wire_q.empty() && guard++ < 10000000) step();
  for (int i = 0; i < extra; i++) step();
}

static void send(const std::vector<uint8_t> &bytes, int gap0 = 0, int gap = 0) {
  for (size_t i = 0; i < bytes.size(); i++) wire_q.push_back({bytes[i], i == 0 ? gap0 : gap});
}

static std::vector<uint8_t> make_frame(uint8_t addr, uint8_t seq, uint8_t code,
                                       const std::vector<uint8_t> &pl, bool bad_crc = false) {
  std::vector<uint8_t> f = {0xA5, 0x5A, addr, seq, code, (uint8_t)pl.size(),
                            (uint8_t)(pl.size() >> 8)};
  f.insert(f.end(), pl.begin(), pl.end());
  uint32_t c = sw_crc(f.data() + 2, f.size() - 2);
  if (bad_crc) c ^= 0x00010000u;
  for (int i = 0; i < 4; i++) f.push_back((uint8_t)(c >> (8 * i)));
  return f;
}

static std::vector<Frame> expect;

static void expect_frame(uint8_t st, uint8_t addr, uint8_t seq, uint8_t code, uint16_t len,
                         const std::vector<uint8_t> &pl) {
  expect.push_back(Frame{st, addr, seq, code, len, st == 0 ? pl : std::vector<uint8_t>{}});
}

int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  top = new Vtb_crc_rx;
  std::mt19937 rng(12345);

  // ------------------------------------------------------------ CRC
  {
    const char *s = "123456789";
    CHECK(hw_crc((const uint8_t *)s, 9) == 0xCBF43926u, "crc '123456789' = %08x",
          hw_crc((const uint8_t *)s, 9));
    CHECK(hw_crc(nullptr, 0) == 0x00000000u, "crc empty");
    uint8_t z[5] = {0, 0, 0, 0, 0};
    CHECK(hw_crc(z, 1) == 0xD202EF8Du, "crc 00 = %08x", hw_crc(z, 1));
    CHECK(hw_crc(z, 5) == 0xC622F71Du, "crc 00x5 = %08x", hw_crc(z, 5));
    CHECK(sw_crc((const uint8_t *)s, 9) == 0xCBF43926u, "sw crc self-check");
    for (int t = 0; t < 200; t++) {
      std::vector<uint8_t> d(rng() % 300);
      for (auto &b : d) b = rng();
      uint32_t h = hw_crc(d.data(), d.size()), w = sw_crc(d.data(), d.size());
      CHECK(h == w, "random crc len %zu: hw %08x sw %08x", d.size(), h, w);
    }
  }

  // ------------------------------------------------------------ RX
  top->rst_ni = 0; top->clk_i = 0; top->in_valid_i = 0; top->frm_ack_i = 0;
  tick(); tick();
  top->rst_ni = 1;
  tick();
  CHECK(top->hunting_o && !top->frm_valid_o, "after reset: hunting");

  auto rand_pl = [&](size_t n) {
    std::vector<uint8_t> p(n);
    for (auto &b : p) b = rng();
    return p;
  };
  // garbage that cannot form A5 5A, ending with a stray A5 sometimes
  auto garbage = [&](size_t n) {
    std::vector<uint8_t> g;
    for (size_t i = 0; i < n; i++) {
      uint8_t b = rng();
      if (!g.empty() && g.back() == 0xA5 && b == 0x5A) b = 0x00;
      g.push_back(b);
    }
    if (rng() & 1) g.push_back(0xA5);
    return g;
  };

  // 1. good frames, various lengths, with a payload holding A5 5A
  {
    std::vector<size_t> lens = {0, 1, 2, 7, 100, 1027, 1028};
    uint8_t seq = 10;
    for (size_t n : lens) {
      auto pl = rand_pl(n);
      if (n >= 4) { pl[1] = 0xA5; pl[2] = 0x5A; pl[3] = 0xA5; }
      send(make_frame(0x12, seq, 0x02, pl));
      expect_frame(0, 0x12, seq, 0x02, n, pl);
      seq++;
    }
    // header bytes equal to the sync
    auto pl = rand_pl(5);
    send(make_frame(0xA5, 0x5A, 0xA5, pl));
    expect_frame(0, 0xA5, 0x5A, 0xA5, 5, pl);
  }
  // 2. garbage and stray A5s between frames, bytes with gaps below the timeout
  for (int i = 0; i < 20; i++) {
    send(garbage(rng() % 20));
    auto pl = rand_pl(rng() % 50);
    uint8_t seq = rng(), code = rng();
    send(make_frame(0x00, seq, code, pl), rng() % 10, (i & 1) ? RX_TIMEOUT / 2 : 0);
    expect_frame(0, 0x00, seq, code, pl.size(), pl);
  }
  // 3. bad CRC (in the CRC, and a corrupted payload byte)
  {
    auto pl = rand_pl(30);
    send(make_frame(0x01, 77, 0x03, pl, true));
    expect_frame(1, 0x01, 77, 0x03, 30, pl);
    auto f = make_frame(0x01, 78, 0x03, pl);
    f[10] ^= 0x40;
    send(f);
    expect_frame(1, 0x01, 78, 0x03, 30, pl);
    auto g = rand_pl(3);
    send(make_frame(0x01, 79, 0x04, g));   // recovers right after
    expect_frame(0, 0x01, 79, 0x04, 3, g);
  }
  // 4. TOO_LONG: reported from the header, then the rest is hunted through
  {
    std::vector<uint8_t> h = {0xA5, 0x5A, 0x03, 90, 0x02, 0x05, 0x04};   // LEN 1029
    send(h);
    expect_frame(3, 0x03, 90, 0x02, 1029, {});
    send(std::vector<uint8_t>(40, 0x11));
    std::vector<uint8_t> h2 = {0xA5, 0x5A, 0x03, 91, 0x02, 0xFF, 0xFF};  // LEN 65535
    send(h2);
    expect_frame(3, 0x03, 91, 0x02, 0xFFFF, {});
    // the "payload" of a too-long frame contains a whole valid frame: it is found
    auto pl = rand_pl(9);
    send(make_frame(0x03, 92, 0x01, pl));
    expect_frame(0, 0x03, 92, 0x01, 9, pl);
  }
  run_until_drained(10);

  // 5. TRUNCATED: stop inside header / payload / CRC, then wait > timeout
  {
    send({0xA5, 0x5A, 0x21});                      // only ADDR: SEQ echo 0
    expect_frame(2, 0x21, 0x00, 0x00, 0, {});
    run_until_drained(2 * RX_TIMEOUT);
    CHECK(got.size() == expect.size(), "truncated after ADDR not reported (%zu vs %zu)",
          got.size(), expect.size());
    auto f = make_frame(0x21, 55, 0x02, rand_pl(20));
    send(std::vector<uint8_t>(f.begin(), f.begin() + 15));   // mid-payload
    run_until_drained(2 * RX_TIMEOUT);
    f = make_frame(0x21, 56, 0x02, rand_pl(20));
    send(std::vector<uint8_t>(f.begin(), f.end() - 1));      // mid-CRC
    run_until_drained(2 * RX_TIMEOUT);
    // the report carries ADDR/CODE/LEN as received; check status and SEQ only below
    expect.push_back(Frame{2, 0x21, 55, 0x02, 20, {}});
    expect.push_back(Frame{2, 0x21, 56, 0x02, 20, {}});
    // a byte arriving just before the timeout keeps the frame alive
    auto pl = rand_pl(4);
    send(make_frame(0x21, 57, 0x02, pl), 0, RX_TIMEOUT - 8);
    expect_frame(0, 0x21, 57, 0x02, 4, pl);
    run_until_drained(10);
  }
  // 6. lone A5, then timeout: silently dropped; then a stray A5 and a good frame
  {
    size_t before = got.size();
    send({0xA5});
    run_until_drained(2 * RX_TIMEOUT);
    CHECK(got.size() == before, "lone A5 produced a frame");
    CHECK(top->hunting_o, "not hunting after lone A5 timeout");
    auto pl = rand_pl(6);
    send({0x5A, 0x00});                             // 5A after the timeout is garbage
    send(make_frame(0x44, 3, 0x05, pl));
    expect_frame(0, 0x44, 3, 0x05, 6, pl);
    send(garbage(30));
    run_until_drained(2 * RX_TIMEOUT);
  }
  // 7. many frames back to back while the consumer is slow (FIFO backpressure)
  for (int i = 0; i < 30; i++) {
    auto pl = rand_pl(rng() % 64);
    send(make_frame(0x55, i, 0x03, pl));
    expect_frame(0, 0x55, i, 0x03, pl.size(), pl);
  }
  run_until_drained(2 * RX_TIMEOUT);
  CHECK(top->hunting_o && top->fifo_empty_o && !top->frm_valid_o, "not idle at the end");

  CHECK(got.size() == expect.size(), "frame count: got %zu expected %zu", got.size(),
        expect.size());
  for (size_t i = 0; i < got.size() && i < expect.size(); i++) {
    const Frame &g = got[i], &e = expect[i];
    bool trunc = e.status == 2;
    bool ok = g.status == e.status && g.seq == e.seq &&
              (trunc || (g.addr == e.addr && g.code == e.code && g.len == e.len)) &&
              g.payload == e.payload;
    CHECK(ok, "frame %zu: got st=%u addr=%02x seq=%u code=%02x len=%u pl=%zu; "
              "expected st=%u addr=%02x seq=%u code=%02x len=%u pl=%zu",
          i, g.status, g.addr, g.seq, g.code, g.len, g.payload.size(), e.status, e.addr, e.seq,
          e.code, e.len, e.payload.size());
  }
  top->final();
  delete top;
  if (failures) {
    std::printf("tb_crc_rx: %d failure(s)\n", failures);
    return 1;
  }
  std::printf("tb_crc_rx: PASS (%zu frames, %llu cycles)\n", got.size(),
              (unsigned long long)cycle);
  return 0;
}
