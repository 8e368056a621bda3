// tb_fp_vec: the vector unit (tatami_vec, W = 32, with tatami_sram 1 MiB and
// the tile's tatami_rng) against a per-element loop written here from the C
// reference primitives (host/src/numerics.c) exactly as docs/numerics.md
// section 8 and docs/protocol.md "VEC descriptor" state it:
//  * every op (ADD .. SGD) with every dtype combination of its used operands
//    (CFloat8 with random biases), RNE and SR, random shapes, strides and
//    byte addresses (top of the SRAM included), in-place operands (the
//    exact-alias cases check 5 allows), random values with every special
//    class and random scalars;
//  * compared: every byte of the SRAM around the operands (outputs right,
//    inputs and gaps untouched: stray writes), the flags (OR of ev_flags_o
//    over the command vs the reference's sticky flags), the generator state
//    after the command (SR draws: count and order) and the number of draws;
//    the busy/done protocol; at the end the whole SRAM against the mirror;
//  * checks 2..5: random malformed descriptors (mutations of valid ones,
//    several at once to exercise the order) against a check function
//    written here from the protocol text; chk_status_o is combinational;
//  * cycles per element for 64 x 256 tensors (BF16 ADD, SGD, ...).
// Usage: Vtb_fp_vec [scale] (scale multiplies the random test counts; 1).
// TB_ONLY=op restricts the op sweep to one op while debugging.
#include "tb_fp_common.h"
#include "Vtb_fp_vec.h"
#include "tb_fp_sram.h"
#include "verilated.h"
#include <algorithm>
#include <map>
#include <cstring>
#include <string>

static const int W = 32;
static const uint32_t BYTES = 1u << 20;
static Vtb_fp_vec* top;
static std::vector<uint8_t> mem;  // mirror of the SRAM
static Gen g(20260514);
static TbFpSram<Vtb_fp_vec> sram;     // clock and SRAM host port (tb_fp_sram.h)
static uint64_t& cyc = sram.cyc;
static void tick() { sram.tick(); }

enum { DT_BF16 = 1, DT_143 = 2, DT_152 = 3, DT_FP32 = 4 };
enum { ST_OK = 0, ST_ADDR_RANGE = 7, ST_BAD_DTYPE = 8, ST_BAD_ARG = 9, ST_OVERLAP = 10 };
enum { OP_ADD = 1, OP_SUB, OP_MUL, OP_SCALE, OP_BIAS, OP_RELU, OP_RELU_BWD, OP_ROWSUM, OP_CONVERT, OP_SGD };
enum { X = 0, Y = 1, Z = 2, WS = 3 };
static const char* op_name[] = {"?", "ADD", "SUB", "MUL", "SCALE", "BIAS", "RELU", "RELU_BWD", "ROWSUM", "CONVERT", "SGD"};
static const char* dt_name[] = {"?", "bf16", "cf143", "cf152", "fp32"};

// Operand roles per op, from the protocol table (bit k = slot k: X Y Z W).
static const uint8_t kRead[11] = {0, 3, 3, 3, 1, 3, 1, 3, 1, 1, 7};
static const uint8_t kWritten[11] = {0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 14};
static const uint8_t kRowOp[11] = {0, 0, 0, 0, 0, 2, 0, 0, 4, 0, 0};  // 1 x n: BIAS Y, ROWSUM Z
static bool known(int op) { return op >= 1 && op <= 10; }
static unsigned esz(int dt) { return dt == DT_BF16 ? 2 : dt == DT_FP32 ? 4 : 1; }

struct Opnd {
  uint32_t addr = 0, ld = 0;
  uint8_t dt = 0, bias = 0;
  uint16_t res = 0;
};
struct Desc {
  uint8_t op = 0, flags = 0;
  uint16_t res = 0;
  uint32_t m = 0, n = 0, s[3] = {0, 0, 0};
  Opnd o[4];
  void bytes(uint8_t* p) const {
    memset(p, 0, 72);
    p[0] = op; p[1] = flags; p[2] = (uint8_t)res; p[3] = (uint8_t)(res >> 8);
    auto u32 = [&](int at, uint32_t v) { for (int i = 0; i < 4; i++) p[at + i] = (uint8_t)(v >> (8 * i)); };
    u32(4, m); u32(8, n); u32(12, s[0]); u32(16, s[1]); u32(20, s[2]);
    for (int k = 0; k < 4; k++) {
      u32(24 + 12 * k, o[k].addr); u32(28 + 12 * k, o[k].ld);
      p[32 + 12 * k] = o[k].dt; p[33 + 12 * k] = o[k].bias;
      p[34 + 12 * k] = (uint8_t)o[k].res; p[35 + 12 * k] = (uint8_t)(o[k].res >> 8);
    }
  }
};
static uint8_t used(const Desc& d) { return known(d.op) ? kRead[d.op] | kWritten[d.op] : 0; }
static uint32_t rows_of(const Desc& d, int k) { return (kRowOp[d.op] >> k & 1) ? 1 : d.m; }
// Bytes spanned by slot k: s * ((rows - 1) * ld + n), exact.
static uint64_t span(const Desc& d, int k) {
  uint64_t rows = rows_of(d, k);
  return (uint64_t)esz(d.o[k].dt) * ((rows - 1) * d.o[k].ld + d.n);
}
static std::string str(const Desc& d) {
  char s[512];
  int p = snprintf(s, sizeof s, "%s%s %ux%u s=%08x,%08x,%08x", known(d.op) ? op_name[d.op] : "op?",
                   d.flags & 1 ? " SR" : "", d.m, d.n, d.s[0], d.s[1], d.s[2]);
  for (int k = 0; k < 4; k++) {
    if (!(used(d) >> k & 1)) continue;
    p += snprintf(s + p, sizeof s - p, " %c=%s/b%u@0x%x,ld%u", "XYZW"[k],
                  d.o[k].dt <= 4 ? dt_name[d.o[k].dt] : "dt?", d.o[k].bias, d.o[k].addr, d.o[k].ld);
  }
  return s;
}

// ------------------------------------------------------------ reference checks 2..5
// Written from docs/protocol.md; `why` names the first failing condition (coverage).
static int ref_check(const Desc& d, std::string* why = nullptr) {
  auto fail = [&](int st, const char* w) { if (why) *why = w; return st; };
  uint8_t u = used(d), rd = known(d.op) ? kRead[d.op] : 0, wr = known(d.op) ? kWritten[d.op] : 0;
  // 2.
  for (int k = 0; k < 4; k++)
    if ((u >> k & 1) && (d.o[k].dt < 1 || d.o[k].dt > 4)) return fail(ST_BAD_DTYPE, "dtype");
  if (d.op == OP_SGD && (d.o[Y].dt != DT_FP32 || d.o[Z].dt != DT_FP32)) return fail(ST_BAD_DTYPE, "sgd-yz");
  // 3.
  if (!known(d.op)) return fail(ST_BAD_ARG, "op");
  if (d.flags & 0xFE) return fail(ST_BAD_ARG, "flags");
  if (d.res) return fail(ST_BAD_ARG, "reserved");
  if (d.m == 0 || d.m > 0xFFFFFFu) return fail(ST_BAD_ARG, "m");
  if (d.n == 0 || d.n > 0xFFFFFFu) return fail(ST_BAD_ARG, "n");
  for (int k = 0; k < 4; k++) {
    if (!(u >> k & 1)) continue;
    if (d.o[k].res) return fail(ST_BAD_ARG, "opnd-reserved");
    if (d.o[k].bias > 63) return fail(ST_BAD_ARG, "bias");
    if (!(kRowOp[d.op] >> k & 1) && d.o[k].ld < d.n) return fail(ST_BAD_ARG, "ld");
  }
  // 4.
  for (int k = 0; k < 4; k++)
    if ((u >> k & 1) && (uint64_t)d.o[k].addr + span(d, k) > BYTES) return fail(ST_ADDR_RANGE, "range");
  // 5. (the in-place exception stated as the protocol's parenthesis: same
  // address, stride (if it matters: more than one row) and dtype, same rows)
  for (int a = 0; a < 4; a++) {
    for (int b = a + 1; b < 4; b++) {
      if (!(u >> a & 1) || !(u >> b & 1) || !((wr >> a | wr >> b) & 1)) continue;
      uint64_t a0 = d.o[a].addr, a1 = a0 + span(d, a), b0 = d.o[b].addr, b1 = b0 + span(d, b);
      if (!(a0 < b1 && b0 < a1)) continue;
      bool same = a0 == b0 && rows_of(d, a) == rows_of(d, b) && d.o[a].dt == d.o[b].dt &&
                  (rows_of(d, a) == 1 || d.o[a].ld == d.o[b].ld);
      bool rw = ((rd >> a & 1) && (wr >> b & 1)) || ((wr >> a & 1) && (rd >> b & 1));
      if (!(same && rw)) return fail(ST_OVERLAP, same ? "overlap-exact-ww" : "overlap");
    }
  }
  return fail(ST_OK, "ok");
}

// ------------------------------------------------------------ reference execution
static tatami_num_layout layout(int dt) { return dt == DT_152 ? TATAMI_NUM_CFP8_152 : TATAMI_NUM_CFP8_143; }
static uint64_t at(const Desc& d, int k, uint32_t i, uint32_t j) {
  return d.o[k].addr + (uint64_t)esz(d.o[k].dt) * ((uint64_t)i * d.o[k].ld + j);
}
static uint32_t load(const std::vector<uint8_t>& M, const Desc& d, int k, uint32_t i, uint32_t j) {
  uint64_t a = at(d, k, i, j);
  switch (d.o[k].dt) {
    case DT_BF16: return tatami_num_bf16_to_fp32((uint16_t)(M[a] | M[a + 1] << 8));
    case DT_FP32: return M[a] | M[a + 1] << 8 | M[a + 2] << 16 | (uint32_t)M[a + 3] << 24;
    default: return tatami_num_cfp8_to_fp32(M[a], layout(d.o[k].dt), d.o[k].bias);
  }
}
// cvt (numerics 8) and the little-endian store
static void store(std::vector<uint8_t>& M, const Desc& d, int k, uint32_t i, uint32_t j, uint32_t v,
                  tatami_num_ctx* ctx) {
  uint64_t a = at(d, k, i, j);
  tatami_num_round mode = (d.flags & 1) ? TATAMI_NUM_SR : TATAMI_NUM_RNE;
  switch (d.o[k].dt) {
    case DT_FP32: for (int b = 0; b < 4; b++) M[a + b] = (uint8_t)(v >> (8 * b)); break;
    case DT_BF16: {
      uint16_t h = tatami_num_fp32_to_bf16(ctx, v, mode);
      M[a] = (uint8_t)h; M[a + 1] = (uint8_t)(h >> 8);
      break;
    }
    default: M[a] = tatami_num_fp32_to_cfp8(ctx, v, layout(d.o[k].dt), d.o[k].bias, mode); break;
  }
}
static bool is_nan(uint32_t v) { return (v & 0x7F800000u) == 0x7F800000u && (v & 0x7FFFFFu); }
// x': a denormal reads as the zero of its sign (D), a NaN as the canonical NaN (I)
static uint32_t rd(tatami_num_ctx* ctx, uint32_t v) {
  if ((v & 0x7F800000u) == 0 && (v & 0x7FFFFFu)) { ctx->flags |= TATAMI_NUM_FLAG_DENORMAL; return v & 0x80000000u; }
  if (is_nan(v)) { ctx->flags |= TATAMI_NUM_FLAG_INVALID; return TATAMI_NUM_FP32_QNAN; }
  return v;
}
// Runs d on M with ctx (flags cleared by the caller, rng = the tile's state).
static void ref_exec(std::vector<uint8_t>& M, const Desc& d, tatami_num_ctx* ctx) {
  if (d.op == OP_ROWSUM) {
    for (uint32_t j = 0; j < d.n; j++) {
      uint32_t s = 0x80000000u;
      for (uint32_t i = 0; i < d.m; i++) s = tatami_num_fp32_add(ctx, s, load(M, d, X, i, j));
      store(M, d, Z, 0, j, s, ctx);
    }
    return;
  }
  for (uint32_t i = 0; i < d.m; i++) {
    for (uint32_t j = 0; j < d.n; j++) {
      uint32_t x = load(M, d, X, i, j), r = 0;
      switch (d.op) {
        case OP_ADD: r = tatami_num_fp32_add(ctx, x, load(M, d, Y, i, j)); break;
        case OP_SUB: r = tatami_num_fp32_sub(ctx, x, load(M, d, Y, i, j)); break;
        case OP_MUL: r = tatami_num_fp32_mul(ctx, x, load(M, d, Y, i, j)); break;
        case OP_SCALE: r = tatami_num_fp32_mul(ctx, x, d.s[0]); break;
        case OP_BIAS: r = tatami_num_fp32_add(ctx, x, load(M, d, Y, 0, j)); break;
        case OP_RELU: {
          uint32_t xr = rd(ctx, x);
          r = (is_nan(xr) || !(xr >> 31)) ? xr : 0;
          break;
        }
        case OP_RELU_BWD: {
          uint32_t xr = rd(ctx, x), yr = rd(ctx, load(M, d, Y, i, j));
          bool pos = !is_nan(yr) && !(yr >> 31) && (yr & 0x7FFFFFFFu);
          r = pos ? xr : 0;
          break;
        }
        case OP_CONVERT: r = rd(ctx, x); break;
        case OP_SGD: {
          uint32_t y = load(M, d, Y, i, j), z = load(M, d, Z, i, j);
          uint32_t gg = tatami_num_fp32_add(ctx, x, tatami_num_fp32_mul(ctx, d.s[2], z));
          uint32_t v = tatami_num_fp32_add(ctx, tatami_num_fp32_mul(ctx, d.s[1], y), gg);
          uint32_t z2 = tatami_num_fp32_sub(ctx, z, tatami_num_fp32_mul(ctx, d.s[0], v));
          store(M, d, Y, i, j, v, ctx);
          store(M, d, Z, i, j, z2, ctx);
          store(M, d, WS, i, j, z2, ctx);
          continue;
        }
      }
      store(M, d, Z, i, j, r, ctx);
    }
  }
}

// ------------------------------------------------------------ simulation
static void set_desc(const Desc& d) {
  uint8_t b[72];
  d.bytes(b);
  for (int w = 0; w < 18; w++)
    top->desc_i[w] = b[4 * w] | b[4 * w + 1] << 8 | b[4 * w + 2] << 16 | (uint32_t)b[4 * w + 3] << 24;
  top->eval();
}

// ------------------------------------------------------------ stimuli
static uint16_t rand_bf16v() {
  uint32_t s = g.u32() & 0x8000u, r = g.below(100);
  if (r < 3) return (uint16_t)s;                                     // +-0
  if (r < 6) return (uint16_t)(s | (1 + g.below(127)));              // denormal
  if (r < 8) return (uint16_t)(s | 0x7F80);                          // Inf
  if (r < 10) return (uint16_t)(s | 0x7F80 | (1 + g.below(127)));    // NaN
  if (r < 13) return (uint16_t)(s | (1 + g.below(6)) << 7 | g.below(128));    // tiny
  if (r < 16) return (uint16_t)(s | (248 + g.below(7)) << 7 | g.below(128));  // huge
  return (uint16_t)(s | (118 + g.below(18)) << 7 | g.below(128));
}
static uint32_t rand_fp32v() {
  if (g.chance(3, 10)) return rand_fp32(g);   // every class, whole range
  return (g.u32() & 0x80000000u) | (112 + g.below(30)) << 23 | rand_frac(g);
}
static uint32_t rand_scalar() {
  uint32_t r = g.below(100);
  if (r < 4) return g.u32() & 0x80000000u;                           // +-0
  if (r < 12) return rand_fp32(g);
  if (r < 20) return 0x3F800000u;                                    // 1
  return (g.chance(1, 8) ? 0x80000000u : 0) | (110 + g.below(20)) << 23 | rand_frac(g);
}
static void rand_elem(std::vector<uint8_t>& M, uint64_t a, int dt) {
  switch (dt) {
    case DT_BF16: { uint16_t h = rand_bf16v(); M[a] = (uint8_t)h; M[a + 1] = (uint8_t)(h >> 8); break; }
    case DT_FP32: { uint32_t x = rand_fp32v(); for (int b = 0; b < 4; b++) M[a + b] = (uint8_t)(x >> (8 * b)); break; }
    default: M[a] = (uint8_t)g.u32(); break;
  }
}
static uint8_t rand_bias(int dt) {
  if (dt != DT_143 && dt != DT_152) return (uint8_t)g.below(64);   // ignored
  if (g.chance(1, 4)) return (uint8_t)g.below(64);
  return (uint8_t)((dt == DT_143 ? 7 : 15) + g.below(5) - 2);
}
static uint32_t rand_dim(bool rows) {
  static const uint32_t edges[] = {1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49};
  if (rows) return g.chance(1, 6) ? 1 : g.chance(1, 8) ? 8 + g.below(17) : 1 + g.below(6);
  uint32_t r = g.below(10);
  if (r < 3) return edges[g.below(sizeof edges / sizeof edges[0])];
  if (r < 4) return 50 + g.below(150);
  return 1 + g.below(70);
}
// Garbage in a slot the op does not use (ignored entirely).
static void garbage(Opnd& o) {
  o.addr = g.u32(); o.ld = g.u32(); o.dt = (uint8_t)g.u32(); o.bias = (uint8_t)g.u32(); o.res = (uint16_t)g.u32();
}

// Places the used operands: exact aliases where check 5 allows them (with
// probability alias_p, and when the dtypes agree or may be changed),
// partially overlapping read-only operands, the rest disjoint with random
// gaps (0 included: adjacent tensors); in the low 64 KiB or ending at the
// very top of the SRAM. Returns false if the result does not pass the checks.
static const uint32_t ARENA = 1u << 16;
static bool place(Desc& d, int alias_p, bool keep_dtypes) {
  uint8_t u = used(d), rdm = kRead[d.op], wrm = kWritten[d.op];
  int order[4], no = 0;
  for (int k = 0; k < 4; k++) if (u >> k & 1) order[no++] = k;
  for (int i = no - 1; i > 0; i--) std::swap(order[i], order[g.below(i + 1)]);
  uint64_t cursor = 0;
  for (int oi = 0; oi < no; oi++) {
    int k = order[oi];
    int partner = -1;
    bool partial = false;
    if ((int)g.below(100) < alias_p && oi > 0) {
      int p = order[g.below(oi)];
      bool rw = ((rdm >> p & 1) && (wrm >> k & 1)) || ((wrm >> p & 1) && (rdm >> k & 1));
      bool ro = !(wrm >> p & 1) && !(wrm >> k & 1);
      bool fixed_dt = keep_dtypes || (d.op == OP_SGD && (k == Y || k == Z));
      if (ro) {
        partner = p;
        partial = g.chance(1, 2);
      } else if (rw && rows_of(d, p) == rows_of(d, k) && (d.o[p].dt == d.o[k].dt || !fixed_dt)) {
        partner = p;
        d.o[k].dt = d.o[p].dt;
        if (rows_of(d, k) > 1) d.o[k].ld = d.o[p].ld;
      }
    }
    if (partner >= 0) {
      d.o[k].addr = d.o[partner].addr + (partial ? (uint32_t)g.below((uint32_t)span(d, partner)) : 0);
      cursor = std::max<uint64_t>(cursor, d.o[k].addr + span(d, k));
    } else {
      cursor += g.chance(1, 4) ? 0 : g.below(41);
      d.o[k].addr = (uint32_t)cursor;
      cursor += span(d, k);
    }
  }
  if (cursor + 200 > ARENA) return false;
  uint32_t off = g.chance(1, 8) ? BYTES - (uint32_t)cursor - g.below(3) : 64 + g.below(ARENA - 128 - (uint32_t)cursor);
  for (int k = 0; k < 4; k++) if (u >> k & 1) d.o[k].addr += off;
  return ref_check(d) == ST_OK;
}

static Desc make_desc(int op, const int* dts, bool sr) {
  Desc d;
  d.op = (uint8_t)op;
  d.flags = sr ? 1 : 0;
  d.m = rand_dim(true);
  d.n = rand_dim(false);
  if (g.chance(1, 10)) { d.m = 1 + g.below(3); d.n = 100 + g.below(300); }
  for (int i = 0; i < 3; i++) d.s[i] = rand_scalar();
  if (op == OP_SGD && g.chance(3, 4)) {   // a realistic lr, momentum, weight decay
    d.s[0] = 0x3C23D70Au; d.s[1] = 0x3F666666u; d.s[2] = 0x38D1B717u;
  }
  uint8_t u = used(d);
  for (int k = 0; k < 4; k++) {
    if (!(u >> k & 1)) { garbage(d.o[k]); continue; }
    d.o[k].dt = (uint8_t)dts[k];
    d.o[k].bias = rand_bias(dts[k]);
    if (kRowOp[op] >> k & 1) d.o[k].ld = g.chance(1, 2) ? d.n : g.u32();   // not used
    else d.o[k].ld = d.n + (g.chance(1, 3) ? g.below(10) : 0) + (g.chance(1, 20) ? 500 : 0);
  }
  return d;
}

// ------------------------------------------------------------ one command
struct RunRes { uint64_t cycles = 0, takes = 0; uint32_t flags = 0; };
static bool run_rtl(const Desc& d, RunRes& r) {
  set_desc(d);
  if (!top->chk_valid_o || top->chk_status_o != ST_OK) {
    printf("FAIL: %s: chk_status 0x%02x for a valid descriptor\n", str(d).c_str(), top->chk_status_o);
    return false;
  }
  if (top->busy_o) { printf("FAIL: busy before start\n"); return false; }
  top->start_i = 1;
  tick();
  top->start_i = 0;
  uint64_t limit = 1000 + 4ull * d.m * d.n;
  bool wrote_last = false;   // the unit wrote in the previous cycle
  while (true) {
    if (!top->busy_o) { printf("FAIL: %s: busy_o low before done_o\n", str(d).c_str()); return false; }
    r.cycles++;
    r.flags |= top->ev_flags_o;
    r.takes += top->ev_take_o;
    if (top->done_o) {
      if (!wrote_last || top->ev_w_en_o) {
        printf("FAIL: %s: done_o is not the cycle after the last write\n", str(d).c_str());
        return false;
      }
      break;
    }
    wrote_last = top->ev_w_en_o;
    tick();
    if (r.cycles > limit) { printf("FAIL: %s: no done_o after %lu cycles\n", str(d).c_str(), r.cycles); return false; }
  }
  tick();
  if (top->busy_o || top->done_o || top->ev_w_en_o) {
    printf("FAIL: %s: busy_o/done_o/write after done_o\n", str(d).c_str());
    return false;
  }
  return true;
}

// Which operand element a byte belongs to (for messages).
static std::string where(const Desc& d, uint64_t a) {
  char s[96];
  for (int k = 3; k >= 0; k--) {
    if (!(used(d) >> k & 1) || a < d.o[k].addr || a >= d.o[k].addr + span(d, k)) continue;
    uint64_t e = (a - d.o[k].addr) / esz(d.o[k].dt);
    uint32_t ld = rows_of(d, k) == 1 ? d.n : d.o[k].ld;
    if (e % ld >= d.n) continue;
    snprintf(s, sizeof s, "%c[%lu][%lu]", "XYZW"[k], e / ld, e % ld);
    return s;
  }
  return "outside the tensors";
}

static uint64_t stat_tests, stat_bytes, stat_inplace, stat_top, stat_sr_draws, stat_flag_bits[5];
static bool run_test(Desc& d) {
  uint8_t u = used(d);
  uint64_t lo = BYTES, hi = 0;
  for (int k = 0; k < 4; k++) {
    if (!(u >> k & 1)) continue;
    lo = std::min<uint64_t>(lo, d.o[k].addr);
    hi = std::max<uint64_t>(hi, d.o[k].addr + span(d, k));
  }
  if (hi == BYTES) stat_top++;
  lo = lo >= 64 ? lo - 64 : 0;
  hi = std::min<uint64_t>(BYTES, hi + 64);
  // fresh random bytes in the window, typed values in the read operands
  for (uint64_t a = lo; a < hi; a++) mem[a] = (uint8_t)g.u32();
  for (int k = 0; k < 4; k++) {
    if (!(kRead[d.op] >> k & 1)) continue;
    for (uint32_t i = 0; i < rows_of(d, k); i++)
      for (uint32_t j = 0; j < d.n; j++) rand_elem(mem, at(d, k, i, j), d.o[k].dt);
  }
  sram.write((uint32_t)lo, &mem[lo], (uint32_t)(hi - lo));
  // a new seed now and then (the seed register), else the state carries over
  if (g.chance(1, 4)) {
    top->seed_we_i = 1; top->seed_i = g.chance(1, 8) ? 0 : g.u32(); tick(); top->seed_we_i = 0;
  }
  tatami_num_ctx ctx;
  ctx.flags = 0;
  ctx.rng = top->rng_state_o;
  std::vector<uint8_t> exp = mem;
  ref_exec(exp, d, &ctx);
  uint32_t rng_before = top->rng_state_o;
  RunRes r;
  if (!run_rtl(d, r)) return false;
  std::vector<uint8_t> got(hi - lo + W);
  sram.read((uint32_t)lo, got.data(), (uint32_t)(hi - lo));
  for (uint64_t a = lo; a < hi; a++) {
    if (got[a - lo] != exp[a]) {
      printf("FAIL: %s: byte 0x%lx (%s) is 0x%02x, expected 0x%02x (was 0x%02x)\n", str(d).c_str(), a,
             where(d, a).c_str(), got[a - lo], exp[a], mem[a]);
      return false;
    }
  }
  if (r.flags != ctx.flags) {
    printf("FAIL: %s: flags 0x%02x, expected 0x%02x\n", str(d).c_str(), r.flags, ctx.flags);
    return false;
  }
  uint64_t want_draws = 0;
  int out = d.op == OP_SGD ? WS : Z;
  if ((d.flags & 1) && d.o[out].dt != DT_FP32) want_draws = (uint64_t)rows_of(d, out) * d.n;
  if (top->rng_state_o != ctx.rng || r.takes != want_draws) {
    printf("FAIL: %s: generator state 0x%08x (from 0x%08x, %lu draws), expected 0x%08x (%lu draws)\n",
           str(d).c_str(), top->rng_state_o, rng_before, r.takes, ctx.rng, want_draws);
    return false;
  }
  memcpy(&mem[lo], &exp[lo], hi - lo);
  stat_tests++;
  stat_bytes += hi - lo;
  stat_sr_draws += r.takes;
  for (int b = 0; b < 5; b++) stat_flag_bits[b] += r.flags >> b & 1;
  for (int a = 0; a < 4; a++)
    for (int b = a + 1; b < 4; b++)
      if ((u >> a & 1) && (u >> b & 1) && ((kWritten[d.op] >> a | kWritten[d.op] >> b) & 1) &&
          d.o[a].addr == d.o[b].addr) { stat_inplace++; a = b = 4; }
  return true;
}

// ------------------------------------------------------------ checks 2..5
// Directed cases: the spec's wording where it matters, with the status
// written down by hand (they pin ref_check as well as the RTL).
struct Directed { const char* what; int want; Desc d; };
static Desc base_add() {
  Desc d;
  d.op = OP_ADD; d.m = 4; d.n = 10;
  for (int k = 0; k < 4; k++) garbage(d.o[k]);
  for (int k = 0; k < 3; k++) { d.o[k].addr = 0x1000 * (k + 1); d.o[k].ld = 10; d.o[k].dt = DT_BF16; d.o[k].bias = 0; d.o[k].res = 0; }
  return d;
}
static std::vector<Directed> directed() {
  std::vector<Directed> v;
  Desc d = base_add();
  v.push_back({"valid ADD", ST_OK, d});
  d = base_add(); d.op = 0; v.push_back({"op 0 uses no operand: BAD_ARG, not BAD_DTYPE", ST_BAD_ARG, d});
  d = base_add(); d.op = 11; d.o[X].dt = 0; v.push_back({"op 11 with a bad X dtype: BAD_ARG", ST_BAD_ARG, d});
  d = base_add(); d.o[Y].dt = 5; d.flags = 2; d.m = 0; v.push_back({"bad dtype before bad flags/m", ST_BAD_DTYPE, d});
  d = base_add(); d.o[WS].dt = 0; d.o[WS].bias = 200; v.push_back({"W unused by ADD: ignored", ST_OK, d});
  d = base_add(); d.op = OP_SGD; d.o[Y].dt = d.o[Z].dt = DT_FP32; d.o[WS] = d.o[X]; d.o[WS].addr = 0x5000;
  v.push_back({"valid SGD", ST_OK, d});
  Desc sgd = d;
  d = sgd; d.o[Z].dt = DT_BF16; v.push_back({"SGD Z BF16", ST_BAD_DTYPE, d});
  d = sgd; d.o[Z].addr = d.o[Y].addr; v.push_back({"SGD Y == Z exactly (read and written pair)", ST_OK, d});
  d = sgd; d.o[WS].addr = d.o[Z].addr; v.push_back({"SGD W (bf16) on Z (fp32): dtypes differ", ST_OVERLAP, d});
  d = sgd; d.o[WS].addr = d.o[Z].addr; d.o[WS].dt = DT_FP32; v.push_back({"SGD W on Z, both FP32", ST_OK, d});
  d = base_add(); d.m = 0xFFFFFF; d.n = 1; d.o[X].ld = d.o[Y].ld = d.o[Z].ld = 1;
  v.push_back({"m = 2^24 - 1 is allowed (then out of the SRAM)", ST_ADDR_RANGE, d});
  d = base_add(); d.m = 0x1000000; v.push_back({"m = 2^24", ST_BAD_ARG, d});
  d = base_add(); d.n = 0; v.push_back({"n = 0", ST_BAD_ARG, d});
  d = base_add(); d.o[Y].ld = 9; v.push_back({"ld < n", ST_BAD_ARG, d});
  d = base_add(); d.o[Y].bias = 64; v.push_back({"bias 64 (BF16: still checked)", ST_BAD_ARG, d});
  d = base_add(); d.o[Z].res = 1; v.push_back({"operand reserved", ST_BAD_ARG, d});
  d = base_add(); d.res = 0x100; v.push_back({"reserved", ST_BAD_ARG, d});
  d = base_add(); d.op = OP_BIAS; d.o[Y].ld = 0; v.push_back({"BIAS Y (1 x n): ld not used", ST_OK, d});
  d = base_add(); d.op = OP_ROWSUM; d.o[Z].ld = 3; d.o[Z].addr = BYTES - 20;
  v.push_back({"ROWSUM Z 1 x n ending at the top: ld not used", ST_OK, d});
  d.o[Z].addr++; v.push_back({"ROWSUM Z one byte past the top", ST_ADDR_RANGE, d});
  d = base_add(); d.o[Z].addr = BYTES - 2 * (3 * 10 + 10); v.push_back({"Z ending exactly at the top", ST_OK, d});
  d.o[Z].addr++; v.push_back({"Z one byte past the top", ST_ADDR_RANGE, d});
  d = base_add(); d.o[Z].addr = 0x80001000; v.push_back({"address with bit 31 (outside a program)", ST_ADDR_RANGE, d});
  d = base_add(); d.o[X].ld = 0xFFFFFFFF; v.push_back({"huge ld, no wrap", ST_ADDR_RANGE, d});
  d = base_add(); d.o[Z].addr = d.o[X].addr; v.push_back({"ADD in place Z == X", ST_OK, d});
  d.o[Y].addr = d.o[X].addr; v.push_back({"ADD X == Y == Z", ST_OK, d});
  d = base_add(); d.o[Z].addr = d.o[X].addr; d.o[Z].ld = 11; v.push_back({"Z on X with another ld", ST_OVERLAP, d});
  d.m = 1; v.push_back({"... but one row: the same bytes", ST_OK, d});
  d = base_add(); d.o[Z].addr = d.o[X].addr + 2; v.push_back({"Z one element after X", ST_OVERLAP, d});
  d = base_add(); d.o[Z].addr = d.o[X].addr + 2 * 40; v.push_back({"Z right after X", ST_OK, d});
  d.o[Z].addr--; v.push_back({"Z one byte into X", ST_OVERLAP, d});
  d = base_add(); d.o[Y].addr = d.o[X].addr + 3; v.push_back({"X and Y overlap partially: both read", ST_OK, d});
  d = base_add(); d.o[X].dt = DT_143; d.o[Z].dt = DT_152; d.o[Z].addr = d.o[X].addr; d.o[Z].ld = d.o[X].ld;
  v.push_back({"in place with another CFloat8 layout", ST_OVERLAP, d});
  d.o[Z].dt = DT_143; d.o[Z].bias = 9; v.push_back({"in place, same layout, other bias", ST_OK, d});
  d = base_add(); d.op = OP_BIAS; d.o[Y].addr = d.o[Z].addr; v.push_back({"BIAS Y (1 x n) on Z (4 x n)", ST_OVERLAP, d});
  d.m = 1; v.push_back({"BIAS Y on Z, one row", ST_OK, d});
  d = base_add(); d.op = OP_ROWSUM; d.m = 1; d.o[Z].addr = d.o[X].addr; d.o[Z].ld = 0;
  v.push_back({"ROWSUM in place, one row", ST_OK, d});
  d.m = 2; v.push_back({"ROWSUM Z on X, two rows", ST_OVERLAP, d});
  d = base_add(); d.op = OP_SCALE; d.o[Y].addr = d.o[Z].addr; d.o[Y].dt = 0;
  v.push_back({"SCALE ignores Y", ST_OK, d});
  return v;
}

// Random descriptors: a plausible one, then 0..3 mutations.
static Desc rand_any_desc() {
  Desc d;
  d.op = (uint8_t)(1 + g.below(10));
  d.flags = (uint8_t)g.below(2);
  d.m = 1 + g.below(g.chance(1, 4) ? 5000 : 40);
  d.n = 1 + g.below(g.chance(1, 4) ? 5000 : 100);
  for (int i = 0; i < 3; i++) d.s[i] = g.u32();
  for (int k = 0; k < 4; k++) {
    d.o[k].dt = (uint8_t)(1 + g.below(4));
    d.o[k].bias = (uint8_t)g.below(64);
    d.o[k].ld = d.n + (g.chance(1, 2) ? 0 : g.below(100));
    d.o[k].addr = g.chance(1, 2) ? g.below(BYTES) : g.below(0x10000);
  }
  if (d.op == OP_SGD || g.chance(1, 4)) d.o[Y].dt = d.o[Z].dt = DT_FP32;
  if (g.chance(1, 3)) {   // pack them densely: overlaps and near misses
    uint64_t c = g.below(0x1000);
    for (int k = 0; k < 4; k++) { d.o[k].addr = (uint32_t)c; c += span(d, k) + g.below(3) - 1 + (c == 0); }
  }
  return d;
}
static void mutate(Desc& d) {
  int k = (int)g.below(4);
  Opnd& o = d.o[k];
  switch (g.below(20)) {
    case 0: d.op = (uint8_t)(g.chance(1, 2) ? 0 : 11 + g.below(245)); break;
    case 1: o.dt = (uint8_t)(g.chance(1, 2) ? 0 : 5 + g.below(251)); break;
    case 2: d.o[1 + g.below(2)].dt = (uint8_t)(1 + g.below(3)); break;
    case 3: d.flags = (uint8_t)(d.flags | 2u << g.below(7)); break;
    case 4: d.res = (uint16_t)(1 + g.below(0xFFFF)); break;
    case 5: { static const uint32_t v[] = {0, 0xFFFFFF, 0x1000000, 0xFFFFFFFF, 1}; d.m = v[g.below(5)]; break; }
    case 6: { static const uint32_t v[] = {0, 0xFFFFFF, 0x1000000, 0x80000000, 1}; d.n = v[g.below(5)]; break; }
    case 7: o.res = (uint16_t)(1u << g.below(16)); break;
    case 8: o.bias = (uint8_t)(64 + g.below(192)); break;
    case 9: o.ld = d.n ? d.n - 1 - (g.chance(1, 2) ? 0 : g.below(d.n)) : 0; break;
    case 10: case 11: {   // near the top
      int64_t a = (int64_t)BYTES - (int64_t)span(d, k) + (int64_t)g.below(3) - 1;
      o.addr = a < 0 ? 0 : (uint32_t)a;
      break;
    }
    case 12: o.ld = g.chance(1, 2) ? 0xFFFFFFFFu : o.ld + (uint32_t)g.below(1u << 20); break;
    case 13: o.addr |= 0x80000000u; break;
    case 14: case 15: {   // into another operand's range
      int b = (int)g.below(4);
      uint64_t sp = span(d, b);
      o.addr = d.o[b].addr + (uint32_t)(sp > 1 ? g.below((uint32_t)std::min<uint64_t>(sp, 1u << 30)) : 0);
      break;
    }
    case 16: case 17: {   // an exact alias, maybe of another dtype or stride
      int b = (int)g.below(4);
      o = d.o[b];
      if (g.chance(1, 3)) o.dt = (uint8_t)(1 + g.below(4));
      if (g.chance(1, 3)) o.ld += 1;
      if (g.chance(1, 3)) o.bias = (uint8_t)g.below(64);
      break;
    }
    case 18: d.m = 1; break;
    default: o.addr = g.u32(); break;
  }
}
static bool check_tests(int count) {
  int fails = 0;
  std::map<std::string, int> why;
  int st_count[16] = {};
  auto one = [&](const Desc& d, int want, const char* what) {
    set_desc(d);
    int got = top->chk_status_o;
    if (!top->chk_valid_o || got != want) {
      if (fails++ < 10)
        printf("FAIL: check%s%s: %s: chk_status 0x%02x, expected 0x%02x\n", what ? " " : "", what ? what : "",
               str(d).c_str(), got, want);
    }
    st_count[want & 15]++;
  };
  for (const Directed& t : directed()) {
    int r = ref_check(t.d);
    if (r != t.want) { printf("FAIL: tb ref_check: %s: 0x%02x, expected 0x%02x\n", t.what, r, t.want); fails++; }
    one(t.d, t.want, t.what);
  }
  for (int t = 0; t < count; t++) {
    Desc d = rand_any_desc();
    int nm = (int)g.below(4);
    for (int i = 0; i < nm; i++) mutate(d);
    std::string w;
    int want = ref_check(d, &w);
    why[w]++;
    one(d, want, nullptr);
  }
  printf("checks: %zu directed + %d random descriptors: OK %d, BAD_DTYPE %d, BAD_ARG %d, ADDR_RANGE %d, OVERLAP %d; "
         "first failing condition:", directed().size(), count, st_count[0], st_count[8], st_count[9], st_count[7],
         st_count[10]);
  for (auto& p : why) printf(" %s %d", p.first.c_str(), p.second);
  printf("\n");
  return fails == 0;
}

// ------------------------------------------------------------ main
static bool perf(const char* what, int op, int dx, int dy, int dz, int dw) {
  Desc d;
  d.op = (uint8_t)op; d.m = 64; d.n = 256;
  d.s[0] = 0x3C23D70Au; d.s[1] = 0x3F666666u; d.s[2] = 0x38D1B717u;
  int dts[4] = {dx, dy, dz, dw};
  uint32_t a = 0x10000;
  for (int k = 0; k < 4; k++) {
    if (!(used(d) >> k & 1)) { garbage(d.o[k]); continue; }
    d.o[k].dt = (uint8_t)dts[k]; d.o[k].bias = dts[k] == DT_152 ? 15 : 7; d.o[k].ld = 256;
    d.o[k].addr = a + 3;
    a += 0x20000;
  }
  uint64_t c0 = stat_tests;
  (void)c0;
  RunRes r;
  // reuse run_test's checking, then report the cycles of one more identical run
  if (!run_test(d)) return false;
  if (!run_rtl(d, r)) return false;
  uint64_t elems = (uint64_t)d.m * d.n;
  printf("perf: 64x256 %-40s %6lu cycles, %.4f cycles/element (%.2f elements/cycle)\n", what, r.cycles,
         (double)r.cycles / elems, (double)elems / r.cycles);
  // the second run changed the SRAM (SGD updates in place...): resync the mirror
  uint64_t lo = 0x10000, hi = a;
  sram.read((uint32_t)lo, &mem[lo], (uint32_t)(hi - lo));
  return true;
}

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  double t0 = now_s();
  int scale = argc > 1 ? std::max(1, atoi(argv[1])) : 1;
  int only = getenv("TB_ONLY") ? atoi(getenv("TB_ONLY")) : 0;
  top = new Vtb_fp_vec;
  sram.top = top;
  mem.assign(BYTES, 0);
  top->rst_ni = 0; top->clk_i = 0; top->eval();
  tick(); tick();
  top->rst_ni = 1; tick();
  for (auto& b : mem) b = (uint8_t)g.u32();
  sram.write(0, mem.data(), BYTES);
  if (top->rng_state_o != TATAMI_NUM_RNG_SEED0) { printf("FAIL: generator state after reset\n"); return 1; }

  if (!check_tests(60000 * scale)) return 1;

  // Every op x every dtype combination of its used operands x RNE/SR.
  int per_op[11] = {};
  for (int op = 1; op <= 10; op++) {
    if (only && op != only) continue;
    uint8_t u = kRead[op] | kWritten[op];
    int free_slots[4], nf = 0;
    for (int k = 0; k < 4; k++) if ((u >> k & 1) && !(op == OP_SGD && (k == Y || k == Z))) free_slots[nf++] = k;
    int combos = 1;
    for (int i = 0; i < nf; i++) combos *= 4;
    for (int c = 0; c < combos; c++) {
      for (int sr = 0; sr < 2; sr++) {
        int dts[4] = {DT_FP32, DT_FP32, DT_FP32, DT_FP32};
        for (int i = 0, cc = c; i < nf; i++, cc /= 4) dts[free_slots[i]] = 1 + cc % 4;
        Desc d;
        int tries = 0;
        do d = make_desc(op, dts, sr); while (!place(d, 30, true) && ++tries < 100);
        if (tries >= 100) { printf("FAIL: cannot place %s\n", str(d).c_str()); return 1; }
        if (!run_test(d)) return 1;
        per_op[op]++;
      }
    }
  }
  // More random commands: any op and dtypes, more aliasing.
  int nrand = only ? 0 : 1500 * scale;
  for (int t = 0; t < nrand; t++) {
    int op = 1 + (int)g.below(10);
    int dts[4];
    for (int k = 0; k < 4; k++) dts[k] = 1 + (int)g.below(4);
    if (op == OP_SGD) dts[Y] = dts[Z] = DT_FP32;
    Desc d;
    int tries = 0;
    do d = make_desc(op, dts, g.chance(1, 2)); while (!place(d, 60, false) && ++tries < 100);
    if (tries >= 100) { printf("FAIL: cannot place %s\n", str(d).c_str()); return 1; }
    if (!run_test(d)) return 1;
    per_op[op]++;
  }
  printf("commands: %lu bit-exact (bytes around the operands, flags, generator state, draw counts), "
         "%lu with in-place operands, %lu ending at the top of the SRAM, %lu SR draws, %.1f MB compared; per op:",
         stat_tests, stat_inplace, stat_top, stat_sr_draws, stat_bytes / 1e6);
  for (int op = 1; op <= 10; op++) printf(" %s %d", op_name[op], per_op[op]);
  printf("\n  commands raising each flag: I %lu, D %lu, O %lu, U %lu, X %lu\n", stat_flag_bits[0], stat_flag_bits[1],
         stat_flag_bits[2], stat_flag_bits[3], stat_flag_bits[4]);

  if (!only) {
    if (!perf("BF16 ADD (X, Y, Z BF16)", OP_ADD, DT_BF16, DT_BF16, DT_BF16, 0)) return 1;
    if (!perf("FP32 ADD", OP_ADD, DT_FP32, DT_FP32, DT_FP32, 0)) return 1;
    if (!perf("CFloat8 1-4-3 RELU", OP_RELU, DT_143, 0, DT_143, 0)) return 1;
    if (!perf("ROWSUM BF16 -> BF16", OP_ROWSUM, DT_BF16, 0, DT_BF16, 0)) return 1;
    if (!perf("SGD (X BF16, Y Z FP32, W BF16)", OP_SGD, DT_BF16, DT_FP32, DT_FP32, DT_BF16)) return 1;
  }

  // the whole SRAM against the mirror: no stray write anywhere
  std::vector<uint8_t> all(BYTES + W);
  sram.read(0, all.data(), BYTES);
  for (uint32_t a = 0; a < BYTES; a++) {
    if (all[a] != mem[a]) { printf("FAIL: SRAM byte 0x%x is 0x%02x, expected 0x%02x\n", a, all[a], mem[a]); return 1; }
  }
  printf("whole SRAM matches the mirror; %lu cycles simulated, %.1f s\n", cyc, now_s() - t0);
  delete top;
  return 0;
}
