// tatami_sim: the Verilator model of tatami_tile behind the C interface of
// tatami_sim.h, with a link model (fast valid/ready or UART timing) and
// seeded fault injection in front of it.
#include "tatami_sim.h"

#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <new>
#include <string>

#include "verilated.h"
#include "verilated_fst_c.h"
#include "Vtile_sim.h"
#include "Vtile_tiny.h"
#include "Vtile_icebreaker.h"
#include "Vtile_icebreaker_fp.h"

namespace {

// The ports every profile's model shares; one adapter per Verilator class.
struct ModelIf {
  virtual ~ModelIf() = default;
  virtual void set_inputs(bool clk, bool rst_n, uint8_t rx_data, bool rx_valid, bool tx_ready) = 0;
  virtual void eval() = 0;
  virtual bool rx_ready() const = 0;
  virtual bool tx_valid() const = 0;
  virtual uint8_t tx_data() const = 0;
  virtual bool idle() const = 0;
  virtual bool busy() const = 0;
  virtual uint64_t counter(unsigned idx) = 0;
  virtual void trace(VerilatedFstC *tfp) = 0;
};

template <class V>
struct Model final : ModelIf {
  explicit Model(VerilatedContext *ctx) : m(ctx, "tile") {}
  void set_inputs(bool clk, bool rst_n, uint8_t rx_data, bool rx_valid, bool tx_ready) override {
    m.clk_i = clk;
    m.rst_ni = rst_n;
    m.rx_data_i = rx_data;
    m.rx_valid_i = rx_valid;
    m.tx_ready_i = tx_ready;
  }
  void eval() override { m.eval(); }
  bool rx_ready() const override { return m.rx_ready_o; }
  bool tx_valid() const override { return m.tx_valid_o; }
  uint8_t tx_data() const override { return m.tx_data_o; }
  bool idle() const override { return m.idle_o; }
  bool busy() const override { return m.busy_o; }
  uint64_t counter(unsigned idx) override {
    m.dbg_cnt_sel_i = idx;
    m.eval();  // combinational read-out only; the clock does not move
    return m.dbg_cnt_o;
  }
  void trace(VerilatedFstC *tfp) override { m.trace(tfp, 99); }
  V m;
};

struct Profile {
  const char *name;
  ModelIf *(*make)(VerilatedContext *);
};

template <class V>
ModelIf *make_model(VerilatedContext *ctx) {
  return new Model<V>(ctx);
}

const Profile kProfiles[] = {
    {"sim", make_model<Vtile_sim>},
    {"tiny", make_model<Vtile_tiny>},
    {"icebreaker", make_model<Vtile_icebreaker>},
    {"icebreaker-fp", make_model<Vtile_icebreaker_fp>},
};
const char *const kProfileNames[] = {"sim", "tiny", "icebreaker", "icebreaker-fp", nullptr};

}  // namespace

struct tatami_sim {
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<ModelIf> model;
  std::unique_ptr<VerilatedFstC> tfp;
  uint64_t cycles = 0;

  std::deque<uint8_t> to_tile;  // bytes on their way to the tile
  std::deque<uint8_t> to_host;  // bytes the host has not pulled yet

  // FT2232H model (0 = off): the chip holds bytes from the tile and sends a
  // 512-byte USB packet (2 status + 510 data bytes) once 510 are buffered, or
  // whatever it has (maybe nothing) when its latency timer expires; the timer
  // restarts with every packet. The host is taken to be always polling.
  uint64_t ftdi_latency = 0;    // latency timer, cycles
  uint64_t ftdi_deadline = 0;
  std::deque<uint8_t> chip;     // in the FT2232H, not yet sent to the host

  // Link model: 0 = fast valid/ready; else cycles per UART byte (10 bits).
  uint64_t byte_cycles = 0;
  uint64_t rx_timer = 0;        // UART: cycles until the byte in flight lands
  bool rx_inflight = false;     // UART: a byte is being shifted in
  uint8_t rx_shift = 0;         // UART: the byte being shifted in
  uint8_t rx_byte = 0;          // UART: the byte offered to the tile
  bool rx_present = false;      // a byte is offered to the tile this cycle
  uint64_t tx_timer = 0;        // UART: cycles until the transmitter is free
  bool tx_inflight = false;
  uint8_t tx_byte = 0;

  double fault_rate = 0.0;
  uint64_t rng = 0x9E3779B97F4A7C15ull;
  tatami_sim_link_stats stats{};
};

namespace {

uint64_t next_rand(tatami_sim *s) {  // xorshift64*
  s->rng ^= s->rng >> 12;
  s->rng ^= s->rng << 25;
  s->rng ^= s->rng >> 27;
  return s->rng * 0x2545F4914F6CDD1Dull;
}

// Put one byte on the wire towards dst, applying the fault model.
void wire_put(tatami_sim *s, std::deque<uint8_t> &dst, uint8_t b) {
  if (s->fault_rate > 0.0) {
    double u = (double)(next_rand(s) >> 11) * (1.0 / 9007199254740992.0);
    if (u < s->fault_rate) {
      switch (next_rand(s) % 3) {
        case 0:
          s->stats.dropped++;
          return;
        case 1:
          s->stats.duplicated++;
          dst.push_back(b);
          break;
        default:
          s->stats.corrupted++;
          b ^= (uint8_t)(1u << (next_rand(s) % 8));
          break;
      }
    }
  }
  dst.push_back(b);
}

void dump(tatami_sim *s) {
  if (s->tfp) s->tfp->dump(s->ctx->time());
  s->ctx->timeInc(1);
}

// One clock cycle with the given reset level.
void step(tatami_sim *s, bool rst_n) {
  ModelIf *m = s->model.get();
  // Decide what the link offers this cycle.
  bool rx_valid = false;
  uint8_t rx_data = 0;
  if (s->byte_cycles == 0) {
    if (!s->to_tile.empty()) {
      rx_valid = true;
      rx_data = s->to_tile.front();
    }
  } else if (s->rx_present) {
    rx_valid = true;
    rx_data = s->rx_byte;
  }
  bool tx_ready = s->byte_cycles == 0 ? true : !s->tx_inflight;

  m->set_inputs(false, rst_n, rx_data, rx_valid, tx_ready);
  m->eval();
  dump(s);
  bool rx_fire = rx_valid && m->rx_ready();
  bool tx_fire = tx_ready && m->tx_valid();
  uint8_t tx_data = m->tx_data();
  m->set_inputs(true, rst_n, rx_data, rx_valid, tx_ready);
  m->eval();
  dump(s);
  s->cycles++;

  // Host -> tile.
  if (s->byte_cycles == 0) {
    if (rx_fire) s->to_tile.pop_front();
  } else {
    if (s->rx_present) {  // a UART byte is offered for exactly one cycle
      if (!rx_fire) s->stats.overrun++;
      s->rx_present = false;
    }
    if (s->rx_inflight && --s->rx_timer == 0) {
      s->rx_inflight = false;
      s->rx_present = true;
      s->rx_byte = s->rx_shift;
    }
    // The next start bit follows the previous stop bit at once: one byte
    // every byte_cycles, like a UART sending back to back.
    if (!s->rx_inflight && !s->to_tile.empty()) {
      s->rx_shift = s->to_tile.front();
      s->to_tile.pop_front();
      s->rx_inflight = true;
      s->rx_timer = s->byte_cycles;
    }
  }
  // Tile -> host (through the FT2232H's buffer when it is modelled).
  std::deque<uint8_t> &dst = s->ftdi_latency ? s->chip : s->to_host;
  if (s->byte_cycles == 0) {
    if (tx_fire) {
      s->stats.to_host_bytes++;
      wire_put(s, dst, tx_data);
    }
  } else {
    if (tx_fire) {
      s->tx_inflight = true;
      s->tx_byte = tx_data;
      s->tx_timer = s->byte_cycles - 1;  // free again byte_cycles after this fire
    } else if (s->tx_inflight && --s->tx_timer == 0) {
      s->tx_inflight = false;
      s->stats.to_host_bytes++;
      wire_put(s, dst, s->tx_byte);
    }
  }
  if (s->ftdi_latency) {
    const size_t kPacketData = 510;
    size_t n = 0;
    if (s->chip.size() >= kPacketData) n = kPacketData;
    else if (s->cycles >= s->ftdi_deadline) n = s->chip.size();  // short or status-only packet
    if (n || s->cycles >= s->ftdi_deadline) {
      s->to_host.insert(s->to_host.end(), s->chip.begin(), s->chip.begin() + (long)n);
      s->chip.erase(s->chip.begin(), s->chip.begin() + (long)n);
      s->ftdi_deadline = s->cycles + s->ftdi_latency;
    }
  }
}

}  // namespace

extern "C" {

const char *const *tatami_sim_profiles(void) { return kProfileNames; }

tatami_sim *tatami_sim_create(const char *profile) {
  if (!profile) return nullptr;
  const Profile *p = nullptr;
  for (const Profile &q : kProfiles)
    if (std::strcmp(q.name, profile) == 0) p = &q;
  if (!p) return nullptr;
  tatami_sim *s = new (std::nothrow) tatami_sim;
  if (!s) return nullptr;
  try {
    s->ctx.reset(new VerilatedContext);
    s->ctx->traceEverOn(true);
    s->model.reset(p->make(s->ctx.get()));
  } catch (...) {
    delete s;
    return nullptr;
  }
  tatami_sim_reset(s);
  return s;
}

void tatami_sim_destroy(tatami_sim *s) {
  if (!s) return;
  tatami_sim_trace_stop(s);
  s->model->set_inputs(false, true, 0, false, false);
  delete s;
}

void tatami_sim_reset(tatami_sim *s) {
  s->to_tile.clear();
  s->to_host.clear();
  s->chip.clear();
  s->rx_inflight = s->rx_present = s->tx_inflight = false;
  for (int i = 0; i < 4; i++) step(s, false);
  step(s, true);
}

uint64_t tatami_sim_run(tatami_sim *s, uint64_t n) {
  for (uint64_t i = 0; i < n; i++) step(s, true);
  return s->cycles;
}

uint64_t tatami_sim_cycles(const tatami_sim *s) { return s->cycles; }

int tatami_sim_push(tatami_sim *s, const uint8_t *buf, size_t n) {
  try {
    for (size_t i = 0; i < n; i++) {
      s->stats.to_tile_bytes++;
      wire_put(s, s->to_tile, buf[i]);
    }
  } catch (...) {
    return -1;
  }
  return 0;
}

size_t tatami_sim_pull(tatami_sim *s, uint8_t *buf, size_t max) {
  size_t n = 0;
  while (n < max && !s->to_host.empty()) {
    buf[n++] = s->to_host.front();
    s->to_host.pop_front();
  }
  return n;
}

int tatami_sim_idle(const tatami_sim *s) {
  return s->model->idle() && s->to_tile.empty() && !s->rx_inflight && !s->rx_present &&
         !s->tx_inflight && s->chip.empty();
}

int tatami_sim_busy(const tatami_sim *s) { return s->model->busy(); }

int tatami_sim_counter(const tatami_sim *s, unsigned idx, uint64_t *value) {
  if (idx >= 12 || !value) return -1;
  *value = s->model->counter(idx);
  return 0;
}

int tatami_sim_set_ftdi_latency(tatami_sim *s, uint64_t cycles) {
  if (!s->chip.empty()) return -1;
  s->ftdi_latency = cycles;
  s->ftdi_deadline = s->cycles + cycles;
  return 0;
}

int tatami_sim_set_link(tatami_sim *s, uint32_t baud, uint32_t clock_hz) {
  if (baud == 0) {
    s->byte_cycles = 0;
    return 0;
  }
  if (clock_hz == 0 || baud > clock_hz / 2) return -1;
  // 10 bits per 8N1 byte, rounded to whole cycles as a UART PHY would.
  s->byte_cycles = (10ull * clock_hz + baud / 2) / baud;
  return 0;
}

int tatami_sim_set_faults(tatami_sim *s, double rate, uint64_t seed) {
  if (!(rate >= 0.0 && rate < 1.0)) return -1;
  s->fault_rate = rate;
  s->rng = seed ? seed : 0x9E3779B97F4A7C15ull;
  return 0;
}

void tatami_sim_link_stats_get(const tatami_sim *s, tatami_sim_link_stats *st) {
  if (st) *st = s->stats;
}

int tatami_sim_trace_start(tatami_sim *s, const char *fst_path) {
  if (!fst_path || s->tfp) return -1;
  try {
    std::unique_ptr<VerilatedFstC> t(new VerilatedFstC);
    s->model->trace(t.get());
    t->open(fst_path);
    if (!t->isOpen()) return -1;
    s->tfp = std::move(t);
  } catch (...) {
    return -1;
  }
  return 0;
}

void tatami_sim_trace_stop(tatami_sim *s) {
  if (s->tfp) {
    s->tfp->close();
    s->tfp.reset();
  }
}

}  // extern "C"
