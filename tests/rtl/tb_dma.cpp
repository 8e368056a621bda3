// tb_dma: the whole tatami_tile through its link ports, as a host would
// drive it: HELLO/INFO, WRITE/READ of random data at random unaligned
// addresses and lengths against a shadow copy of the SRAM, every status of
// the WRITE/READ/GEMM checks (GEMM checks against a C++ copy of the spec's
// rules over random descriptors), BAD_OPCODE, BAD_DEST, BAD_CRC, TOO_LONG,
// TRUNCATED, SEQ/duplicate/replay rules, COUNTERS/CLEAR, link stalls and
// RX FIFO overrun accounting. Exits non-zero on any failure.
#include "Vtb_dma.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <random>
#include <vector>

typedef std::vector<uint8_t> Bytes;
static const uint32_t SRAM = 65536;
static const uint8_t MY = 0x12;
static const int RX_TIMEOUT = 512;
enum { OK = 0, BAD_CRC, TRUNCATED, TOO_LONG, BAD_OPCODE, BAD_DEST, BAD_LEN, ADDR_RANGE,
       BAD_DTYPE, BAD_ARG, OVERLAP, SEQ };
enum { OP_HELLO = 0, OP_INFO, OP_WRITE, OP_READ, OP_GEMM, OP_COUNTERS, OP_CLEAR };
enum { C_CYCLES = 0, C_BUSY, C_MACS, C_SOP, C_SDR, C_STALL_TX, C_OK, C_ERR, C_DUP, C_OVERRUN,
       C_LAST_GEMM, C_GEMM_COUNT };

static int failures = 0;
#define CHECK(cond, ...)                                                 \
  do {                                                                   \
    if (!(cond)) {                                                       \
      failures++;                                                        \
      std::printf("FAIL %s:%d: ", __FILE__, __LINE__);                   \
      std::printf(__VA_ARGS__);                                          \
      std::printf("\n");                                                 \
      if (failures > 30) { std::printf("too many failures\n"); std::exit(1); } \
    }                                                                    \
  } while (0)

static uint32_t crc32(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int b = 0; b < 8; b++) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
  }
  return ~c;
}
static void put32(Bytes &b, uint32_t v) { for (int i = 0; i < 4; i++) b.push_back(v >> (8 * i)); }
static void put16(Bytes &b, uint16_t v) { b.push_back(v); b.push_back(v >> 8); }
static uint64_t get(const Bytes &b, size_t off, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = v << 8 | b[off + i];
  return v;
}

// ---------------------------------------------------------------- harness
static Vtb_dma *top;
static std::mt19937 rng(2024);
static std::deque<uint8_t> to_tile;
static Bytes from_tile;
static uint64_t cycle = 0, stall_tx = 0, overrun = 0;
static int ready_pct = 100;        // probability (%) that the host takes a byte
static bool prev_stalled = false;
static uint8_t prev_data = 0;

static void step() {
  bool v = !to_tile.empty();
  top->rx_valid_i = v;
  top->rx_data_i = v ? to_tile.front() : 0;
  top->tx_ready_i = (int)(rng() % 100) < ready_pct;
  top->clk_i = 0;
  top->eval();
  if (prev_stalled) {
    CHECK(top->tx_valid_o && top->tx_data_o == prev_data,
          "tx byte changed while stalled (cycle %llu)", (unsigned long long)cycle);
  }
  if (top->tx_valid_o && !top->tx_ready_i) stall_tx++;
  if (v && !top->rx_ready_o) overrun++;
  bool took = v && top->rx_ready_o;
  if (top->tx_valid_o && top->tx_ready_i) from_tile.push_back(top->tx_data_o);
  prev_stalled = top->tx_valid_o && !top->tx_ready_i;
  prev_data = top->tx_data_o;
  top->clk_i = 1;
  top->eval();
  if (took) to_tile.pop_front();
  cycle++;
}

static uint64_t counter(int idx) {
  top->dbg_cnt_sel_i = idx;
  top->eval();
  return top->dbg_cnt_o;
}

struct Resp { bool ok = false; uint8_t addr = 0, seq = 0, status = 0xFF; Bytes pl; };

// Parse one response frame from the front of from_tile. The tile never sends
// anything but frames, so the first bytes must be the sync.
static bool parse(Resp &r) {
  if (from_tile.size() < 11) return false;
  CHECK(from_tile[0] == 0xA5 && from_tile[1] == 0x5A, "response does not start with sync");
  size_t len = get(from_tile, 5, 2);
  CHECK(len <= 1028, "response LEN %zu", len);
  if (from_tile.size() < 11 + len) return false;
  uint32_t c = crc32(from_tile.data() + 2, 5 + len);
  CHECK(get(from_tile, 7 + len, 4) == c, "response CRC bad");
  r.ok = true;
  r.addr = from_tile[2];
  r.seq = from_tile[3];
  r.status = from_tile[4];
  r.pl.assign(from_tile.begin() + 7, from_tile.begin() + 7 + len);
  from_tile.erase(from_tile.begin(), from_tile.begin() + 11 + len);
  return true;
}

static Bytes frame(uint8_t addr, uint8_t seq, uint8_t code, const Bytes &pl) {
  Bytes f = {0xA5, 0x5A, addr, seq, code};
  put16(f, pl.size());
  f.insert(f.end(), pl.begin(), pl.end());
  put32(f, crc32(f.data() + 2, f.size() - 2));
  return f;
}

static void wait_idle(const char *what) {
  int n = 0;
  while (!(top->idle_o && to_tile.empty()) && n < 200000) { step(); n++; }
  CHECK(top->idle_o, "tile not idle after %s", what);
  // idle must be stable: nothing more comes out
  for (int i = 0; i < 20; i++) step();
  CHECK(top->idle_o && from_tile.empty(), "tile emitted bytes after idle (%s, %zu bytes)", what,
        from_tile.size());
}

// Send raw bytes, wait for exactly one response.
static Resp xfer(const Bytes &raw, const char *what) {
  to_tile.insert(to_tile.end(), raw.begin(), raw.end());
  Resp r;
  int n = 0;
  while (!parse(r) && n < 4000000) { step(); n++; }
  CHECK(r.ok, "no response to %s", what);
  CHECK(r.addr == MY, "response ADDR %02x (%s)", r.addr, what);
  wait_idle(what);
  return r;
}

static uint8_t seq_next = 0;       // the host's next SEQ (== tile's expected)

static Resp cmd_seq(uint8_t seq, uint8_t code, const Bytes &pl, const char *what) {
  Resp r = xfer(frame(MY, seq, code, pl), what);
  CHECK(r.seq == seq, "response SEQ %u, sent %u (%s)", r.seq, seq, what);
  return r;
}
static Resp cmd(uint8_t code, const Bytes &pl, const char *what) {
  return cmd_seq(seq_next++, code, pl, what);
}
static void expect_status(const Resp &r, uint8_t st, const char *what) {
  CHECK(r.status == st, "%s: status %u, expected %u", what, r.status, st);
}

// ---------------------------------------------------------------- SRAM model
static uint8_t shadow[SRAM];

static Bytes wr_payload(uint32_t addr, const Bytes &data) {
  Bytes p; put32(p, addr); p.insert(p.end(), data.begin(), data.end()); return p;
}
static Bytes rd_payload(uint32_t addr, uint16_t len) {
  Bytes p; put32(p, addr); put16(p, len); return p;
}
static void do_write(uint32_t addr, const Bytes &data) {
  Resp r = cmd(OP_WRITE, wr_payload(addr, data), "WRITE");
  expect_status(r, OK, "WRITE");
  CHECK(r.pl.empty(), "WRITE response has a payload");
  memcpy(shadow + addr, data.data(), data.size());
}
static void check_read(uint32_t addr, uint16_t len) {
  Resp r = cmd(OP_READ, rd_payload(addr, len), "READ");
  expect_status(r, OK, "READ");
  CHECK(r.pl.size() == len, "READ %u bytes at 0x%x returned %zu", len, addr, r.pl.size());
  if (r.pl.size() == len) {
    size_t bad = 0;
    for (size_t i = 0; i < len; i++) bad += r.pl[i] != shadow[addr + i];
    CHECK(bad == 0, "READ %u bytes at 0x%x: %zu bytes differ from the shadow", len, addr, bad);
  }
}
static Bytes rand_bytes(size_t n) {
  Bytes b(n);
  for (auto &x : b) x = rng();
  return b;
}

// ---------------------------------------------------------------- GEMM checks (spec section 2)
struct Desc { uint32_t a, b, c, m, n, k, lda, ldb, ldc; uint8_t flags, dab, dc, rsv; };
static Bytes desc_bytes(const Desc &d) {
  Bytes p;
  for (uint32_t v : {d.a, d.b, d.c, d.m, d.n, d.k, d.lda, d.ldb, d.ldc}) put32(p, v);
  p.push_back(d.flags); p.push_back(d.dab); p.push_back(d.dc); p.push_back(d.rsv);
  return p;
}
static uint8_t gemm_status(const Desc &d) {
  if (d.dab || d.dc) return BAD_DTYPE;
  if (d.flags & 0xF8) return BAD_ARG;
  if (!d.m || !d.n || !d.k) return BAD_ARG;
  if (d.m > 0xFFFFFF || d.n > 0xFFFFFF || d.k > 0xFFFFFF) return BAD_ARG;
  bool ta = d.flags & 1, tb = d.flags & 2;
  uint64_t ar = ta ? d.k : d.m, ac = ta ? d.m : d.k, br = tb ? d.n : d.k, bc = tb ? d.k : d.n;
  if (d.lda < ac || d.ldb < bc || d.ldc < d.n) return BAD_ARG;
  uint64_t al = (ar - 1) * d.lda + ac, bl = (br - 1) * d.ldb + bc;
  uint64_t cl = ((uint64_t)(d.m - 1) * d.ldc + d.n) * 4;
  if (d.a + al > SRAM || d.b + bl > SRAM || d.c + cl > SRAM) return ADDR_RANGE;
  auto isect = [](uint64_t x, uint64_t xl, uint64_t y, uint64_t yl) {
    return x < y + yl && y < x + xl;
  };
  if (isect(d.c, cl, d.a, al) || isect(d.c, cl, d.b, bl)) return OVERLAP;
  return OK;
}
static uint32_t pick(uint32_t small_max) {
  switch (rng() % 8) {
    case 0: return 0;
    case 1: return 0xFFFFFF;
    case 2: return 0x1000000;
    case 3: return rng();
    case 4: return 1;
    default: return 1 + rng() % small_max;
  }
}
// A valid descriptor (A, B, C in separate 16 KiB regions), then often one
// field perturbed towards a limit.
static Desc valid_desc() {
  Desc d;
  d.m = 1 + rng() % 12; d.n = 1 + rng() % 12; d.k = 1 + rng() % 12;
  d.flags = rng() % 8; d.dab = 0; d.dc = 0; d.rsv = rng();
  bool ta = d.flags & 1, tb = d.flags & 2;
  d.lda = (ta ? d.m : d.k) + rng() % 4;
  d.ldb = (tb ? d.k : d.n) + rng() % 4;
  d.ldc = d.n + rng() % 4;
  d.a = rng() % 8192; d.b = 16384 + rng() % 8192; d.c = 32768 + rng() % 8192;
  switch (rng() % 8) {
    case 0: d.c = d.a + rng() % 200; break;                  // maybe overlap A
    case 1: d.c = d.b - 4 * d.n - rng() % 64; break;          // maybe overlap B
    case 2: d.a = SRAM - rng() % 300; break;                  // maybe past the end
    case 3: d.c = SRAM - rng() % 1200; break;
    case 4: d.lda -= rng() % 2; d.ldb -= rng() % 2; break;    // maybe too short
    default: break;
  }
  return d;
}

static Desc rand_desc() {
  if (rng() % 2) return valid_desc();
  Desc d;
  d.m = pick(12); d.n = pick(12); d.k = pick(12);
  d.flags = (rng() % 10 == 0) ? (uint8_t)rng() : (uint8_t)(rng() % 8);
  d.dab = (rng() % 12 == 0) ? 1 + rng() % 255 : 0;
  d.dc = (rng() % 12 == 0) ? 1 + rng() % 255 : 0;
  d.rsv = rng();
  auto ld = [&](uint32_t need) -> uint32_t {
    switch (rng() % 6) {
      case 0: return need ? need - 1 : 0;
      case 1: return rng();
      case 2: return 0xFFFFFFFFu;
      default: return need + rng() % 8;
    }
  };
  bool ta = d.flags & 1, tb = d.flags & 2;
  d.lda = ld(ta ? d.m : d.k); d.ldb = ld(tb ? d.k : d.n); d.ldc = ld(d.n);
  auto addr = [&]() -> uint32_t {
    switch (rng() % 6) {
      case 0: return rng();
      case 1: return SRAM - rng() % 64;
      case 2: return 0xFFFFFFFFu - rng() % 16;
      default: return rng() % SRAM;
    }
  };
  d.a = addr(); d.b = addr(); d.c = addr();
  if (rng() % 4 == 0) d.c = d.a + (int)(rng() % 64) - 32;   // near A: overlaps
  return d;
}

int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  top = new Vtb_dma;
  top->rst_ni = 0; top->clk_i = 0; top->rx_valid_i = 0; top->tx_ready_i = 1;
  top->dbg_cnt_sel_i = 0;
  for (int i = 0; i < 4; i++) step();
  top->rst_ni = 1;
  stall_tx = overrun = 0;
  wait_idle("reset");

  // ------------------------------------------------ HELLO and INFO
  {
    seq_next = 37;
    Resp r = cmd(OP_HELLO, {}, "HELLO");
    expect_status(r, OK, "HELLO");
    CHECK(r.pl.size() == 20, "HELLO payload %zu", r.pl.size());
    if (r.pl.size() == 20) {
      CHECK(get(r.pl, 0, 2) == 0x0100, "version %llx", (unsigned long long)get(r.pl, 0, 2));
      CHECK(r.pl[2] == 3, "profile %u", r.pl[2]);
      CHECK(r.pl[3] == MY, "addr %02x", r.pl[3]);
      CHECK(r.pl[4] == 4 && r.pl[5] == 4, "R C %u %u", r.pl[4], r.pl[5]);
      CHECK(r.pl[6] == 2, "credits %u", r.pl[6]);
      CHECK(r.pl[7] == 1, "dtypes %u", r.pl[7]);
      CHECK(get(r.pl, 8, 4) == SRAM, "sram %llu", (unsigned long long)get(r.pl, 8, 4));
      CHECK(get(r.pl, 12, 2) == 1024, "max data");
      CHECK(r.pl[14] == 128 && r.pl[15] == 0, "dup window / reserved");
      CHECK(get(r.pl, 16, 4) == 12000000, "clock %llu", (unsigned long long)get(r.pl, 16, 4));
    }
    Resp i = cmd(OP_INFO, {}, "INFO");
    expect_status(i, OK, "INFO");
    CHECK(i.pl == r.pl, "INFO differs from HELLO's record");
    CHECK(!top->error_o, "error_o after OK");
    // a non-idempotent "duplicate" of a SEQ that never ran since reset has no
    // cached status: answered SEQ (expected), not executed
    Resp r2 = cmd_seq(30, OP_WRITE, wr_payload(0, {1, 2, 3}), "never-run dup");
    expect_status(r2, SEQ, "duplicate of a never-executed SEQ");
    CHECK(r2.pl.size() == 1 && r2.pl[0] == seq_next, "SEQ payload for never-run dup");
    Resp r3 = cmd_seq(31, OP_INFO, {}, "never-run dup INFO");
    expect_status(r3, OK, "idempotent duplicate of a never-executed SEQ runs");
  }

  // ------------------------------------------------ fill the SRAM, then random WRITE/READ
  ready_pct = 70;    // host link stalls now and then
  for (uint32_t a = 0; a < SRAM; a += 1024) do_write(a, rand_bytes(1024));
  for (int t = 0; t < 40; t++) {
    uint32_t len = (t < 4) ? (t == 0 ? 1 : t == 1 ? 1024 : 1 + rng() % 8) : 1 + rng() % 1024;
    if (t >= 20 && t < 26) len = 1 + rng() % 5;
    uint32_t addr = rng() % (SRAM - len + 1);
    if (t == 2) addr = SRAM - len;
    do_write(addr, rand_bytes(len));
    // the written bytes, plus their surroundings (must be unchanged)
    check_read(addr, len);
    uint32_t lo = addr >= 16 ? addr - 16 : 0;
    uint32_t hi = std::min<uint32_t>(SRAM, addr + len + 16);
    check_read(lo, std::min<uint32_t>(hi - lo, 1024));
    if (hi - 1024 >= lo && hi >= 1024) check_read(hi - std::min<uint32_t>(hi, 40), std::min<uint32_t>(hi, 40));
    uint32_t rl = 1 + rng() % 1024, ra = rng() % (SRAM - rl + 1);
    check_read(ra, rl);
  }
  ready_pct = 100;
  {
    // full-speed READ: one byte per cycle once streaming
    uint64_t c0 = cycle;
    check_read(5, 1024);
    uint64_t dt = cycle - c0;
    CHECK(dt < 1024 + 200, "READ 1024 took %llu cycles", (unsigned long long)dt);
  }

  // ------------------------------------------------ WRITE/READ/INFO/... checks
  {
    Bytes saved(shadow + SRAM - 64, shadow + SRAM);
    expect_status(cmd(OP_WRITE, {1, 2, 3, 4}, "WRITE len 4"), BAD_LEN, "WRITE LEN 4");
    expect_status(cmd(OP_WRITE, {}, "WRITE len 0"), BAD_LEN, "WRITE LEN 0");
    CHECK(top->error_o, "error_o not set after an error response");
    expect_status(cmd(OP_WRITE, wr_payload(SRAM - 10, rand_bytes(11)), "WRITE past end"),
                  ADDR_RANGE, "WRITE past end");
    expect_status(cmd(OP_WRITE, wr_payload(0xFFFFFFFFu, rand_bytes(1)), "WRITE wrap"),
                  ADDR_RANGE, "WRITE addr wrap");
    expect_status(cmd(OP_WRITE, wr_payload(SRAM, rand_bytes(1)), "WRITE at SRAM"),
                  ADDR_RANGE, "WRITE at SRAM");
    expect_status(cmd(OP_READ, {0, 0, 0, 0, 1}, "READ len5"), BAD_LEN, "READ LEN 5");
    expect_status(cmd(OP_READ, {0, 0, 0, 0, 1, 0, 0}, "READ len7"), BAD_LEN, "READ LEN 7");
    expect_status(cmd(OP_READ, rd_payload(0, 0), "READ 0"), BAD_ARG, "READ len 0");
    expect_status(cmd(OP_READ, rd_payload(0, 1025), "READ 1025"), BAD_ARG, "READ len 1025");
    expect_status(cmd(OP_READ, rd_payload(SRAM + 5, 0), "READ 0 past"), BAD_ARG,
                  "READ len 0 past end (BAD_ARG first)");
    expect_status(cmd(OP_READ, rd_payload(SRAM - 3, 4), "READ past"), ADDR_RANGE, "READ past end");
    expect_status(cmd(OP_READ, rd_payload(0xFFFFFFF0u, 32), "READ wrap"), ADDR_RANGE, "READ wrap");
    check_read(SRAM - 1024, 1024);   // the last KiB, including the end, still readable
    CHECK(memcmp(saved.data(), shadow + SRAM - 64, 64) == 0, "shadow changed (test bug)");
    expect_status(cmd(OP_INFO, {0}, "INFO len1"), BAD_LEN, "INFO LEN 1");
    expect_status(cmd(OP_COUNTERS, {0, 0}, "CNT len2"), BAD_LEN, "COUNTERS LEN 2");
    expect_status(cmd(OP_CLEAR, {0}, "CLEAR len1"), BAD_LEN, "CLEAR LEN 1");
    expect_status(cmd(0x07, {}, "op7"), BAD_OPCODE, "opcode 7");
    expect_status(cmd(0xFF, {1, 2, 3}, "opff"), BAD_OPCODE, "opcode FF");
    Resp r = cmd(OP_INFO, {}, "INFO after errors");   // all of the above consumed their SEQ
    expect_status(r, OK, "INFO after errors");
    CHECK(!top->error_o, "error_o not cleared by OK");
    // HELLO with a payload: BAD_LEN, but still sets expected = SEQ + 1
    seq_next = 200;
    expect_status(cmd(OP_HELLO, {1}, "HELLO len1"), BAD_LEN, "HELLO LEN 1");
    expect_status(cmd(OP_INFO, {}, "INFO after HELLO"), OK, "INFO after HELLO");
  }

  // ------------------------------------------------ BAD_DEST, BAD_CRC (SRAM untouched)
  {
    uint8_t s = seq_next;
    Resp r = xfer(frame(0x00, s, OP_WRITE, wr_payload(100, rand_bytes(10))), "BAD_DEST");
    expect_status(r, BAD_DEST, "other tile");
    CHECK(r.seq == s, "BAD_DEST seq");
    Bytes f = frame(MY, s, OP_WRITE, wr_payload(200, rand_bytes(50)));
    f[20] ^= 0x08;                                  // corrupt a data byte
    r = xfer(f, "BAD_CRC data");
    expect_status(r, BAD_CRC, "corrupted data");
    CHECK(r.seq == s, "BAD_CRC seq echo");
    f = frame(MY, s, OP_WRITE, wr_payload(300, rand_bytes(50)));
    f[f.size() - 1] ^= 0x80;                        // corrupt the CRC
    expect_status(xfer(f, "BAD_CRC crc"), BAD_CRC, "corrupted CRC");
    check_read(100, 400);                            // none of them touched the SRAM
    // the SEQ was not consumed by any of them: it executes now
    CHECK(seq_next == (uint8_t)(s + 1), "test bookkeeping");
  }

  // ------------------------------------------------ duplicates, replay, SEQ
  {
    uint8_t s = seq_next;
    Bytes x = rand_bytes(64), y = rand_bytes(64);
    do_write(1000, x);                               // SEQ s
    Resp r = cmd_seq(s, OP_WRITE, wr_payload(1000, y), "dup WRITE");
    expect_status(r, OK, "duplicate WRITE (cached OK)");
    check_read(1000, 64);                            // still x
    // a failed command is replayed with its failure, even with a good payload now
    uint8_t s2 = seq_next;
    expect_status(cmd(OP_WRITE, {1, 2}, "WRITE bad len"), BAD_LEN, "WRITE LEN 2");
    expect_status(cmd_seq(s2, OP_WRITE, wr_payload(1000, y), "dup bad"), BAD_LEN,
                  "duplicate of BAD_LEN");
    check_read(1000, 64);
    // READ is re-executed: it sees the newer data
    uint8_t s3 = seq_next;
    check_read(2000, 16);
    do_write(2000, rand_bytes(16));
    r = cmd_seq(s3, OP_READ, rd_payload(2000, 16), "dup READ");
    expect_status(r, OK, "duplicate READ");
    CHECK(r.pl == Bytes(shadow + 2000, shadow + 2016), "duplicate READ not re-executed");
    // oldest duplicate in the window: expected - 128
    r = cmd_seq((uint8_t)(seq_next - 128), OP_INFO, {}, "dup INFO -128");
    expect_status(r, OK, "INFO at expected-128 (duplicate)");
    CHECK(r.pl.size() == 20, "duplicate INFO re-executed");
    // ahead of expected: SEQ with the expected value, not executed
    for (int ahead : {1, 5, 127}) {
      r = cmd_seq((uint8_t)(seq_next + ahead), OP_WRITE, wr_payload(1000, y), "ahead");
      expect_status(r, SEQ, "frame ahead");
      CHECK(r.pl.size() == 1 && r.pl[0] == seq_next, "SEQ payload");
    }
    r = cmd_seq((uint8_t)(seq_next - 129), OP_INFO, {}, "ahead -129");
    expect_status(r, SEQ, "expected-129 is ahead");
    check_read(1000, 64);
    // HELLO resynchronises anywhere
    seq_next = 3;
    expect_status(cmd(OP_HELLO, {}, "HELLO resync"), OK, "HELLO 3");
    expect_status(cmd(OP_INFO, {}, "INFO 4"), OK, "INFO 4");
  }

  // ------------------------------------------------ TOO_LONG, TRUNCATED, garbage
  {
    Bytes h = {0xA5, 0x5A, MY, 0x99, OP_WRITE, 0x05, 0x04};   // LEN 1029
    Resp r = xfer(h, "TOO_LONG");
    expect_status(r, TOO_LONG, "LEN 1029");
    CHECK(r.seq == 0x99, "TOO_LONG seq echo");
    Bytes part = frame(MY, 0x55, OP_WRITE, wr_payload(3000, rand_bytes(30)));
    part.resize(20);
    to_tile.insert(to_tile.end(), part.begin(), part.end());
    for (int i = 0; i < RX_TIMEOUT / 2; i++) step();
    CHECK(!top->idle_o, "idle_o while a partial frame is pending");
    r = xfer({}, "TRUNCATED");                       // answered after the timeout                     // answered after the timeout
    expect_status(r, TRUNCATED, "truncated WRITE");
    CHECK(r.seq == 0x55, "TRUNCATED seq echo");
    check_read(3000, 30);
    to_tile.insert(to_tile.end(), {0x00, 0xA5});     // a lone A5 is pending until the timeout
    for (int i = 0; i < RX_TIMEOUT / 2; i++) step();
    CHECK(!top->idle_o, "idle_o right after an A5");
    for (int i = 0; i < RX_TIMEOUT; i++) step();
    CHECK(top->idle_o && from_tile.empty(), "lone A5 not dropped silently");
    to_tile.insert(to_tile.end(), {0x00, 0xA5, 0x13, 0xA5});  // garbage, stray A5s
    expect_status(cmd(OP_INFO, {}, "INFO after garbage"), OK, "INFO after garbage");
  }

  // ------------------------------------------------ COUNTERS and CLEAR
  {
    // bookkeeping from here: CLEAR first, then count exactly
    expect_status(cmd(OP_CLEAR, {}, "CLEAR"), OK, "CLEAR");
    CHECK(counter(C_OK) == 0 && counter(C_ERR) == 0 && counter(C_DUP) == 0 &&
          counter(C_STALL_TX) == 0 && counter(C_GEMM_COUNT) == 0,
          "counters not cleared");
    uint64_t cyc0 = cycle, c0 = counter(C_CYCLES);
    step(); step();
    CHECK(counter(C_CYCLES) == c0 + (cycle - cyc0), "cycles counter does not count cycles");
    stall_tx = 0;
    overrun = 0;
    ready_pct = 50;
    uint8_t s = seq_next;
    do_write(500, rand_bytes(100));                                 // ok 1
    cmd_seq(s, OP_WRITE, wr_payload(500, rand_bytes(5)), "dup");    // ok 2, dup 1
    Bytes f = frame(MY, seq_next, OP_INFO, {});
    f[5] ^= 1;
    xfer(f, "crc err");                                             // err 1
    xfer(frame(0x77, seq_next, OP_INFO, {}), "dest");               // neither
    expect_status(cmd(0x09, {}, "badop"), BAD_OPCODE, "badop");    // ok 3
    Resp r = cmd(OP_COUNTERS, {}, "COUNTERS");                      // ok 4
    expect_status(r, OK, "COUNTERS");
    CHECK(r.pl.size() == 96, "COUNTERS payload %zu", r.pl.size());
    if (r.pl.size() == 96) {
      CHECK(get(r.pl, 8 * C_OK, 8) == 4, "frames_ok %llu", (unsigned long long)get(r.pl, 8 * C_OK, 8));
      CHECK(get(r.pl, 8 * C_ERR, 8) == 1, "frames_err %llu", (unsigned long long)get(r.pl, 8 * C_ERR, 8));
      CHECK(get(r.pl, 8 * C_DUP, 8) == 1, "frames_dup %llu", (unsigned long long)get(r.pl, 8 * C_DUP, 8));
      uint64_t cy = get(r.pl, 0, 8);
      CHECK(cy > 0 && cy < counter(C_CYCLES), "cycles %llu", (unsigned long long)cy);
      CHECK(get(r.pl, 8 * C_STALL_TX, 8) > 0 && get(r.pl, 8 * C_STALL_TX, 8) <= stall_tx,
            "stall_tx in COUNTERS");
    }
    CHECK(counter(C_STALL_TX) == stall_tx, "stall_tx %llu, host saw %llu",
          (unsigned long long)counter(C_STALL_TX), (unsigned long long)stall_tx);
    CHECK(counter(C_OK) == 4, "dbg frames_ok");
    CHECK(counter(12) == 0 && counter(15) == 0, "dbg index out of range not 0");
    // overrun: the host stops reading, the tile blocks, the FIFO fills up
    ready_pct = 0;
    for (int i = 0; i < 4; i++) {
      Bytes fr = frame(MY, seq_next++, OP_WRITE, wr_payload(4096 * i, rand_bytes(1024)));
      to_tile.insert(to_tile.end(), fr.begin(), fr.end());
    }
    for (int i = 0; i < 6000; i++) step();
    CHECK(overrun > 0, "no overrun seen by the host");
    CHECK(counter(C_OVERRUN) == overrun, "rx_overrun %llu, host saw %llu",
          (unsigned long long)counter(C_OVERRUN), (unsigned long long)overrun);
    ready_pct = 100;
    // the host kept presenting the bytes (valid/ready), so nothing was lost
    for (int i = 0; i < 4; i++) {
      Resp w;
      int n = 0;
      while (!parse(w) && n < 100000) { step(); n++; }
      expect_status(w, OK, "WRITE under backpressure");
    }
    wait_idle("overrun");
    // those WRITEs' data was not recorded in the shadow: write known data there
    for (int i = 0; i < 4; i++) do_write(4096 * i, rand_bytes(1024));
    check_read(0, 1024);
    check_read(4096 * 3, 1024);
    expect_status(cmd(OP_CLEAR, {}, "CLEAR 2"), OK, "CLEAR 2");
    r = cmd(OP_COUNTERS, {}, "COUNTERS 2");
    CHECK(r.pl.size() == 96 && get(r.pl, 8 * C_OK, 8) == 1 && get(r.pl, 8 * C_OVERRUN, 8) == 0,
          "counters after CLEAR");
  }

  // ------------------------------------------------ GEMM through the tile
  // (needs the real engine: the placeholder writes no C)
  {
    for (int t = 0; t < 8; t++) {
      Desc d;
      d.m = 1 + rng() % 20; d.n = 1 + rng() % 20; d.k = 1 + rng() % 20;
      if (t == 0) { d.m = 1; d.n = 1; d.k = 1; }
      d.flags = t < 4 ? t : rng() % 8; d.dab = d.dc = 0; d.rsv = rng();
      bool ta = d.flags & 1, tb = d.flags & 2, acc = d.flags & 4;
      uint32_t ar = ta ? d.k : d.m, ac = ta ? d.m : d.k, br = tb ? d.n : d.k, bc = tb ? d.k : d.n;
      d.lda = ac + rng() % 3; d.ldb = bc + rng() % 3; d.ldc = d.n + rng() % 3;
      d.a = 0x8000 + rng() % 64; d.b = 0xA000 + rng() % 64; d.c = 0xC000 + rng() % 64;
      uint32_t al = (ar - 1) * d.lda + ac, bl = (br - 1) * d.ldb + bc;
      uint32_t cl = ((d.m - 1) * d.ldc + d.n) * 4;
      do_write(d.a, rand_bytes(al));
      do_write(d.b, rand_bytes(bl));
      for (uint32_t o = 0; o < cl; o += 1024) do_write(d.c + o, rand_bytes(std::min<uint32_t>(1024, cl - o)));
      CHECK(gemm_status(d) == OK, "test GEMM descriptor invalid");
      uint64_t macs0 = counter(C_MACS), g0 = counter(C_GEMM_COUNT);
      Resp r = cmd(OP_GEMM, desc_bytes(d), "GEMM compute");
      expect_status(r, OK, "GEMM compute");
      CHECK(counter(C_MACS) - macs0 == (uint64_t)d.m * d.n * d.k, "macs +%llu for %ux%ux%u",
            (unsigned long long)(counter(C_MACS) - macs0), d.m, d.n, d.k);
      CHECK(counter(C_GEMM_COUNT) == g0 + 1, "gemm_count");
      CHECK(counter(C_LAST_GEMM) > 1, "last_gemm_cycles");
      for (uint32_t i = 0; i < d.m; i++)
        for (uint32_t j = 0; j < d.n; j++) {
          uint8_t *cp = shadow + d.c + 4 * (i * d.ldc + j);
          uint32_t v = acc ? (uint32_t)get(Bytes(cp, cp + 4), 0, 4) : 0;
          for (uint32_t kk = 0; kk < d.k; kk++) {
            int32_t av = (int8_t)shadow[d.a + (ta ? kk * d.lda + i : i * d.lda + kk)];
            int32_t bv = (int8_t)shadow[d.b + (tb ? j * d.ldb + kk : kk * d.ldb + j)];
            v += (uint32_t)(av * bv);
          }
          for (int q = 0; q < 4; q++) cp[q] = v >> (8 * q);
        }
      for (uint32_t o = 0; o < cl + 64; o += 1024)
        check_read(d.c - 32 + o, std::min<uint32_t>(1024, cl + 64 - o));
      check_read(d.a, std::min<uint32_t>(al, 1024));      // inputs unchanged
    }
    CHECK(counter(C_MACS) > 0 && counter(C_BUSY) > 0, "engine events not counted");
  }

  // ------------------------------------------------ GEMM descriptor checks
  {
    Bytes d39(39, 0);
    expect_status(cmd(OP_GEMM, d39, "GEMM 39"), BAD_LEN, "GEMM LEN 39");
    expect_status(cmd(OP_GEMM, Bytes(41, 0), "GEMM 41"), BAD_LEN, "GEMM LEN 41");
    Desc ok = {0, 1024, 4096, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0xEE};
    CHECK(gemm_status(ok) == OK, "model");
    auto gem = [&](Desc d, uint8_t st, const char *what) {
      CHECK(gemm_status(d) == st, "C++ model disagrees with the test for %s", what);
      expect_status(cmd(OP_GEMM, desc_bytes(d), what), st, what);
    };
    Desc d = ok; d.dab = 1; gem(d, BAD_DTYPE, "dtype_ab");
    d = ok; d.dc = 2; d.m = 0; gem(d, BAD_DTYPE, "dtype_c before BAD_ARG");
    d = ok; d.flags = 8; gem(d, BAD_ARG, "flag bit 3");
    d = ok; d.k = 0; gem(d, BAD_ARG, "k 0");
    d = ok; d.m = 0x1000000; d.lda = 0x1000000; gem(d, BAD_ARG, "m 2^24");
    d = ok; d.lda = 3; gem(d, BAD_ARG, "lda < k");
    d = ok; d.flags = 1; d.m = 5; d.lda = 4; gem(d, BAD_ARG, "lda < m (trans_a)");
    d = ok; d.ldb = 3; gem(d, BAD_ARG, "ldb < n");
    d = ok; d.ldc = 3; gem(d, BAD_ARG, "ldc < n");
    d = ok; d.a = SRAM - 15; gem(d, ADDR_RANGE, "A past end");
    d = ok; d.a = SRAM - 16; gem(d, OK, "A at end");
    d = ok; d.lda = 0xFFFFFFFFu; gem(d, ADDR_RANGE, "huge lda");
    d = ok; d.m = 0xFFFFFF; d.ldc = 0xFFFFFFFFu; gem(d, ADDR_RANGE, "huge C (64-bit)");
    d = ok; d.c = 0xFFFFFFF0u; gem(d, ADDR_RANGE, "C wraps 32 bits");
    d = ok; d.m = 0x800001; gem(d, ADDR_RANGE, "m-1 = 2^23 (top multiplier bit)");
    d = ok; d.flags = 2; d.n = 0x800001; d.ldb = 4; d.ldc = 0x800001; gem(d, ADDR_RANGE, "n-1 = 2^23");
    d = ok; d.c = 15; gem(d, OVERLAP, "C overlaps A");
    d = ok; d.c = 16; d.a = 0; d.b = 1024; gem(d, OK, "C right after A");
    d = ok; d.c = 1024 - 64 + 1; gem(d, OVERLAP, "C tail overlaps B");
    d = ok; d.b = 0; gem(d, OK, "A and B may overlap");
    // exact range arithmetic: one stored row never uses its stride, and
    // the overlap bounds are half-open
    d = ok; d.m = 1; d.lda = 0xFFFFFFFFu; gem(d, OK, "rows 1, huge lda");
    d = ok; d.flags = 1; d.k = 1; d.lda = 0xFFFFFFFFu; gem(d, OK, "rows 1 (trans_a), huge lda");
    d = ok; d.k = 1; d.ldb = 0xFFFFFFFFu; gem(d, OK, "rows 1, huge ldb");
    d = ok; d.m = 1; d.ldc = 0xFFFFFFFFu; gem(d, OK, "rows 1, huge ldc");
    d = ok; d.m = 1; d.lda = 0xFFFFFFFFu; d.a = SRAM - 4; gem(d, OK, "rows 1, huge lda, at end");
    d = ok; d.m = 1; d.lda = 0xFFFFFFFFu; d.a = SRAM - 3; gem(d, ADDR_RANGE, "rows 1, past end");
    d = ok; d.m = 2; d.lda = SRAM; gem(d, ADDR_RANGE, "rows 2, lda = SRAM");
    d = ok; d.m = 2; d.lda = SRAM - 8; gem(d, OVERLAP, "rows 2, lda = SRAM - 8");
    d = ok; d.c = 0; d.a = 64; gem(d, OK, "A right after C");
    d = ok; d.c = 0; d.a = 63; gem(d, OVERLAP, "A overlaps the end of C");
    d = ok; d.c = 1024 + 16; gem(d, OK, "C right after B");
    d = ok; d.c = 15; d.b = SRAM - 15; gem(d, ADDR_RANGE, "B past end before C overlaps A");
    uint64_t g0 = counter(C_GEMM_COUNT);
    int n_ok = 0;
    for (int t = 0; t < 300; t++) {
      Desc r = rand_desc();
      uint8_t st = gemm_status(r);
      Resp rr = cmd(OP_GEMM, desc_bytes(r), "random GEMM");
      n_ok += st == OK;
      CHECK(rr.status == st, "random GEMM %d: status %u expected %u (a=%x b=%x c=%x m=%u n=%u k=%u "
            "lda=%u ldb=%u ldc=%u flags=%x dt=%u/%u)", t, rr.status, st, r.a, r.b, r.c, r.m, r.n,
            r.k, r.lda, r.ldb, r.ldc, r.flags, r.dab, r.dc);
    }
    CHECK(counter(C_GEMM_COUNT) == g0 + n_ok, "gemm_count %llu, expected %llu",
          (unsigned long long)counter(C_GEMM_COUNT), (unsigned long long)(g0 + n_ok));
    CHECK(counter(C_LAST_GEMM) >= 2, "last_gemm_cycles %llu",
          (unsigned long long)counter(C_LAST_GEMM));
    // a duplicate GEMM is not run again
    uint8_t s = seq_next;
    expect_status(cmd(OP_GEMM, desc_bytes(ok), "GEMM"), OK, "GEMM");
    uint64_t g1 = counter(C_GEMM_COUNT);
    expect_status(cmd_seq(s, OP_GEMM, desc_bytes(ok), "dup GEMM"), OK, "dup GEMM");
    CHECK(counter(C_GEMM_COUNT) == g1, "duplicate GEMM executed again");
    std::printf("random GEMM descriptors: %d of 300 valid\n", n_ok);
  }

  top->final();
  delete top;
  if (failures) {
    std::printf("tb_dma: %d failure(s)\n", failures);
    return 1;
  }
  std::printf("tb_dma: PASS (%llu cycles)\n", (unsigned long long)cycle);
  return 0;
}
