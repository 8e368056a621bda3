// tb_fp_conv: tatami_fp_widen and tatami_fp_narrow against the C reference
// host/src/numerics.c, every output bit and flag. Stops at the first
// mismatch, printing its inputs.
//  * widen: all 65,536 BF16 codes; all 256 CFloat8 codes x 64 biases x both
//    layouts; FP32 passthrough and dtypes 0, 5..7 (output 0) on random codes.
//  * narrow, edge cases: for BF16 and for both CFloat8 layouts x all 64
//    biases, every exponent field 0..255 with fractions that put a tie, one
//    below and one above it, an odd or even kept LSB at every bit position
//    (so at every rounding position, denormal results included), all-ones and
//    zero; random signs; each in RNE and in SR with a random r and with the
//    two r at the carry boundary (F + r = 2^16 and 2^16 - 1). NaN, Inf,
//    zeros and denormals are exponent fields 255 and 0.
//  * narrow, random: a few million inputs weighted to the exponents around
//    each target's range (saturation, denormal and underflow boundaries),
//    random dtype, bias, mode and r.
//  * dtypes 0, 4..7: code 0, no flags.
// In SR mode the reference draws its r itself: its generator is set so
// that its next draw is the r the RTL gets, and must have stepped once after.
#include "Vtb_fp_conv.h"
#include "verilated.h"
#include "tb_fp_common.h"

static Vtb_fp_conv* top;
static tatami_num_ctx ctx;
static long flag_seen[5];

static void widen_fail(uint32_t code, int dtype, int bias, uint32_t exp) {
  printf("FAIL: widen code=0x%08x dtype=%d bias=%d: rtl 0x%08x, reference 0x%08x\n", code, dtype,
         bias, top->w_fp32_o, exp);
  exit(1);
}

static void check_widen(uint32_t code, int dtype, int bias) {
  top->w_code_i = code;
  top->w_dtype_i = dtype;
  top->w_bias_i = bias;
  top->eval();
  uint32_t e;
  switch (dtype) {
    case 1: e = tatami_num_bf16_to_fp32((uint16_t)code); break;
    case 2: e = tatami_num_cfp8_to_fp32((uint8_t)code, TATAMI_NUM_CFP8_143, (unsigned)bias); break;
    case 3: e = tatami_num_cfp8_to_fp32((uint8_t)code, TATAMI_NUM_CFP8_152, (unsigned)bias); break;
    case 4: e = code; break;
    default: e = 0; break;
  }
  if (top->w_fp32_o != e) widen_fail(code, dtype, bias, e);
}

// The F of section 6.2 for a CFloat8 target (x normal, e <= emax).
static uint32_t cf_F(uint32_t x, int m_bits, int bias) {
  int e = (int)((x >> 23) & 0xFF) - 127 + bias;
  int sh = 23 - m_bits + (e < 1 ? 1 - e : 0);
  if (sh >= 40) return 0;
  uint64_t S = (x & 0x7FFFFFu) | 0x800000u;
  uint64_t D = S & ((1ull << sh) - 1);
  return (uint32_t)(D >> (sh - 16));
}

static void check_narrow(uint32_t x, int dtype, int bias, int sr, uint16_t r) {
  top->n_x_i = x;
  top->n_dtype_i = dtype;
  top->n_bias_i = bias;
  top->n_sr_i = sr;
  top->n_rnd_i = r;
  top->eval();
  ctx.flags = 0;
  uint16_t low = (uint16_t)(x * 2654435761u >> 7);
  if (sr) ref_set_next_draw(&ctx, r, low);
  uint32_t rng_before = ctx.rng;
  tatami_num_round mode = sr ? TATAMI_NUM_SR : TATAMI_NUM_RNE;
  uint16_t e;
  switch (dtype) {
    case 1: e = tatami_num_fp32_to_bf16(&ctx, x, mode); break;
    case 2: e = tatami_num_fp32_to_cfp8(&ctx, x, TATAMI_NUM_CFP8_143, (unsigned)bias, mode); break;
    case 3: e = tatami_num_fp32_to_cfp8(&ctx, x, TATAMI_NUM_CFP8_152, (unsigned)bias, mode); break;
    default: e = 0; ctx.flags = 0; break;
  }
  if (dtype >= 1 && dtype <= 3 &&
      ctx.rng != (sr ? tatami_num_xorshift32(rng_before) : rng_before)) {
    printf("FAIL: the reference did not take exactly %d draw(s)\n", sr);
    exit(1);
  }
  if (top->n_code_o != e || top->n_flags_o != ctx.flags) {
    printf("FAIL: narrow x=0x%08x dtype=%d bias=%d %s r=0x%04x: rtl code=0x%04x flags=0x%02x, "
           "reference code=0x%04x flags=0x%02x\n",
           x, dtype, bias, sr ? "SR" : "RNE", r, top->n_code_o, top->n_flags_o, e, ctx.flags);
    exit(1);
  }
  for (int i = 0; i < 5; i++) flag_seen[i] += (ctx.flags >> i) & 1;
}

// RNE, SR with a random r, SR with the two r at the carry boundary.
static long check_narrow_modes(Gen& g, uint32_t x, int dtype, int bias) {
  uint32_t F;
  uint32_t ef = (x >> 23) & 0xFF;
  if (dtype == 1) F = x & 0xFFFFu;
  else if (ef == 0 || ef == 255) F = 0;
  else {
    int mb = dtype == 3 ? 2 : 3, emax = dtype == 3 ? 31 : 15;
    F = ((int)ef - 127 + bias > emax) ? 0 : cf_F(x, mb, bias);
  }
  check_narrow(x, dtype, bias, 0, 0);
  check_narrow(x, dtype, bias, 1, (uint16_t)g.u32());
  check_narrow(x, dtype, bias, 1, (uint16_t)(0x10000u - F));   // F + r = 2^16 (or r = 0)
  check_narrow(x, dtype, bias, 1, (uint16_t)(0xFFFFu - F));    // F + r = 2^16 - 1
  return 4;
}

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  top = new Vtb_fp_conv;
  tatami_num_init(&ctx, 1);
  Gen g(0xC0FFEE12u);
  double t0 = now_s();

  // ---- widen
  long nb = 0, nc = 0, np = 0;
  for (uint32_t h = 0; h < 0x10000u; h++, nb++) check_widen(h | (g.u32() << 16), 1, (int)g.below(64));
  for (int dt = 2; dt <= 3; dt++)
    for (int b = 0; b < 64; b++)
      for (uint32_t c = 0; c < 256; c++, nc++) check_widen(c | (g.u32() << 8), dt, b);
  for (long k = 0; k < 100000; k++, np++) {
    uint32_t v = g.chance(1, 2) ? rand_fp32(g) : g.u32();
    check_widen(v, 4, (int)g.below(64));
    static const int others[4] = {0, 5, 6, 7};
    check_widen(v, others[g.below(4)], (int)g.below(64));
  }
  printf("widen: %ld BF16 codes, %ld CFloat8 codes (256 x 64 biases x 2 layouts), %ld FP32 "
         "passthrough + %ld dtype 0/5..7 samples, all bits match\n",
         nb, nc, np, np);

  // ---- narrow: edge cases
  std::vector<uint32_t> fr_full, fr_small;
  fr_full.push_back(0);
  fr_full.push_back(0x7FFFFFu);
  for (int p = 0; p < 23; p++) {
    uint32_t b = 1u << p;
    fr_full.push_back(b);                                  // tie below bit p+1, kept even
    if (p < 22) fr_full.push_back(b | (b << 1));           // tie, kept odd
    if (p < 22) fr_full.push_back(b | (b << 1) | 1u);      // above a tie, kept odd (p > 0)
    if (p > 0) fr_full.push_back(b | 1u);                  // just above a tie
    if (p > 0) fr_full.push_back(b - 1u);                  // just below a tie at p
    if (p > 0) fr_full.push_back((b - 1u) | (b << 1));     // below a tie, kept odd
    fr_full.push_back(((g.u32() & 0x7FFFFFu) & ~((b << 1) - 1u)) | b);   // random kept, tie
  }
  for (int k = 0; k < 4; k++) fr_full.push_back(g.u32() & 0x7FFFFFu);
  fr_small = {0u, 1u, 0x400000u, 0x7FFFFFu, 0x0FFFFFu, g.u32() & 0x7FFFFFu};

  long n_edge = 0;
  // BF16: every exponent field, every fraction of the set, each with a random sign
  for (uint32_t ef = 0; ef < 256; ef++)
    for (uint32_t f : fr_full) {
      uint32_t x = (g.u32() & 0x80000000u) | ef << 23 | f;
      n_edge += check_narrow_modes(g, x, 1, (int)g.below(64));
    }
  // CFloat8: both layouts, all biases, every exponent field; the full fraction set
  // where e = E + b is near the layout's range, a small one elsewhere
  for (int dt = 2; dt <= 3; dt++) {
    int emax = dt == 3 ? 31 : 15;
    for (int b = 0; b < 64; b++)
      for (int ef = 0; ef < 256; ef++) {
        int e = ef - 127 + b;
        const std::vector<uint32_t>& fs = (e >= -26 && e <= emax + 1) ? fr_full : fr_small;
        for (uint32_t f : fs) {
          uint32_t x = (g.u32() & 0x80000000u) | (uint32_t)ef << 23 | f;
          n_edge += check_narrow_modes(g, x, dt, b);
        }
      }
  }
  // the examples of docs/numerics.md sections 6 and 7
  static const uint32_t ex[] = {0x40490FDBu, 0x3F818000u, 0x7F7F8000u, 0x807FFFFFu, 0x3B400000u,
                                0x3A800000u, 0xC3F80000u, 0x7FC00000u, 0x43F40000u, 0x43F80000u,
                                0x3F80C000u, 0x3F840000u, 0x3F8C0000u};
  for (uint32_t x : ex)
    for (int dt = 1; dt <= 3; dt++) n_edge += check_narrow_modes(g, x, dt, dt == 3 ? 15 : 7);
  printf("narrow edge cases: %ld conversions (BF16 + CFloat8 1-4-3/1-5-2 x 64 biases x 256 "
         "exponents x up to %zu fractions; RNE, SR random r, SR r at the carry boundary), all "
         "bits and flags match\n",
         n_edge, fr_full.size());

  // ---- narrow: random
  const long N_RAND = 4000000;
  for (long k = 0; k < N_RAND; k++) {
    int dt = (int)g.range(1, 3), b = (int)g.below(64);
    uint32_t x;
    if (g.chance(1, 8)) {
      x = rand_fp32(g);
    } else {
      int ef;
      if (dt == 1) {
        ef = g.chance(1, 2) ? g.range(240, 255) : g.range(0, 255);
      } else {
        int emax = dt == 3 ? 31 : 15;
        ef = g.range(-28, emax + 2) + 127 - b;
        if (ef < 0 || ef > 255) ef = g.range(0, 255);
      }
      x = (g.u32() & 0x80000000u) | (uint32_t)ef << 23 | rand_frac(g);
    }
    int sr = (int)g.below(2);
    check_narrow(x, dt, b, sr, sr ? (uint16_t)g.u32() : (uint16_t)0);
  }
  // ---- dtypes 0, 4..7: code 0, no flags
  long n_other = 0;
  for (long k = 0; k < 20000; k++, n_other++) {
    static const int others[5] = {0, 4, 5, 6, 7};
    check_narrow(rand_fp32(g), others[g.below(5)], (int)g.below(64), (int)g.below(2),
                 (uint16_t)g.u32());
  }
  printf("narrow random: %ld conversions (dtype, bias, mode, r random; exponents weighted to "
         "each target's range), + %ld with dtype 0/4..7 (code 0, no flags): all match\n",
         N_RAND, n_other);
  printf("narrow flags seen: I %ld, D %ld, O %ld, U %ld, X %ld\n", flag_seen[0], flag_seen[1],
         flag_seen[2], flag_seen[3], flag_seen[4]);
  printf("tb_fp_conv: %.1f s\nPASS\n", now_s() - t0);
  delete top;
  return 0;
}
