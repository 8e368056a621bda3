// tb_fp_arith: tatami_fp_add (add and sub), tatami_fp_mul (MB=24 on any
// FP32, MB=8 on BF16 values) and an MB=8 multiplier feeding an adder (the
// accumulation step S = add(S, mul(a, b)) of docs/numerics.md section 5),
// against the C reference host/src/numerics.c: every result bit and every
// flag of every operation. Stops at the first mismatch, printing its inputs.
//  * add/sub: all pairs of kSpecials (both ops), then random pairs: any
//    classes, aligned at every exponent distance, near-cancelling (b = -a give
//    or take a few ulps, exponents equal or one apart), tiny sums.
//  * mul MB=24: all special pairs, then random pairs: any classes, and
//    exponents whose sum lands at the overflow and underflow boundaries.
//  * mul MB=8 (and MB=24 alongside) on BF16 values: all special pairs
//    truncated to BF16, then random BF16 pairs, boundaries included.
//  * accumulation: random chains (length 1..300) of BF16 products added to
//    S = -0, every step's S and flags compared.
#include "Vtb_fp_arith.h"
#include "verilated.h"
#include "tb_fp_common.h"

static Vtb_fp_arith* top;
static tatami_num_ctx ctx;
// Per group: how many results set each flag (I D O U X), and how many were
// rounded up to the smallest normal 2^-126 from below or tiny after rounding.
static long fl[5];
static long at_min_normal_inexact;
static void count(uint32_t y, uint32_t flags) {
  for (int i = 0; i < 5; i++) fl[i] += (flags >> i) & 1;
  if ((y & 0x7FFFFFFFu) == 0x00800000u && (flags & TATAMI_NUM_FLAG_INEXACT))
    at_min_normal_inexact++;
}
static void print_flags() {
  printf("  flags seen: I %ld, D %ld, O %ld, U %ld, X %ld; inexact results at 2^-126: %ld\n",
         fl[0], fl[1], fl[2], fl[3], fl[4], at_min_normal_inexact);
  for (long& f : fl) f = 0;
  at_min_normal_inexact = 0;
}

static void fail_hdr(const char* what) { printf("FAIL: %s\n", what); }

static void check_add(uint32_t a, uint32_t b, int sub) {
  top->add_a_i = a;
  top->add_b_i = b;
  top->add_sub_i = sub;
  top->eval();
  ctx.flags = 0;
  uint32_t ey = sub ? tatami_num_fp32_sub(&ctx, a, b) : tatami_num_fp32_add(&ctx, a, b);
  if (top->add_y_o != ey || top->add_flags_o != ctx.flags) {
    fail_hdr(sub ? "sub" : "add");
    printf("  a=0x%08x b=0x%08x: rtl y=0x%08x flags=0x%02x, reference y=0x%08x flags=0x%02x\n",
           a, b, top->add_y_o, top->add_flags_o, ey, ctx.flags);
    exit(1);
  }
  count(ey, ctx.flags);
}

// MB=24 always; MB=8 too when both operands are BF16 values.
static void check_mul(uint32_t a, uint32_t b) {
  top->mul_a_i = a;
  top->mul_b_i = b;
  top->eval();
  ctx.flags = 0;
  uint32_t ey = tatami_num_fp32_mul(&ctx, a, b);
  if (top->mul24_y_o != ey || top->mul24_flags_o != ctx.flags) {
    fail_hdr("mul MB=24");
    printf("  a=0x%08x b=0x%08x: rtl y=0x%08x flags=0x%02x, reference y=0x%08x flags=0x%02x\n",
           a, b, top->mul24_y_o, top->mul24_flags_o, ey, ctx.flags);
    exit(1);
  }
  if ((a & 0xFFFFu) == 0 && (b & 0xFFFFu) == 0 &&
      (top->mul8_y_o != ey || top->mul8_flags_o != ctx.flags)) {
    fail_hdr("mul MB=8");
    printf("  a=0x%08x b=0x%08x: rtl y=0x%08x flags=0x%02x, reference y=0x%08x flags=0x%02x\n",
           a, b, top->mul8_y_o, top->mul8_flags_o, ey, ctx.flags);
    exit(1);
  }
  count(ey, ctx.flags);
}

static uint32_t rand_bf16(Gen& g) { return rand_fp32(g) & 0xFFFF0000u; }

// b for an add with a: independent, aligned at a random distance, or
// near-cancelling.
static uint32_t add_partner(Gen& g, uint32_t a) {
  uint32_t ea = (a >> 23) & 0xFF;
  switch (g.below(8)) {
    case 0: case 1: case 2: return rand_fp32(g);
    case 3: {   // exponent distance 0..40 below or above, any sign
      int e = (int)ea + (g.chance(1, 2) ? -1 : 1) * g.range(0, 40);
      if (e < 1 || e > 254) e = (int)ea;
      return (g.u32() & 0x80000000u) | (uint32_t)e << 23 | rand_frac(g);
    }
    case 4: case 5: {   // -a give or take a few ulps (exact or near cancellation)
      int32_t d = g.range(-4, 4);
      return (a ^ 0x80000000u) + (uint32_t)d;
    }
    case 6: {   // exponent one apart, opposite sign, random fraction
      int e = (int)ea + (g.chance(1, 2) ? -1 : 1);
      if (e < 1 || e > 254) e = (int)ea;
      return (~a & 0x80000000u) | (uint32_t)e << 23 | rand_frac(g);
    }
    default: {   // same exponent, opposite sign
      return (~a & 0x80000000u) | (a & 0x7F800000u) | rand_frac(g);
    }
  }
}

// b for a mul with a: independent, or with the exponent sum at the overflow or
// underflow boundary (ea + eb - 127 near 255 or near 0).
static uint32_t mul_partner(Gen& g, uint32_t a) {
  int ea = (int)((a >> 23) & 0xFF);
  if (ea == 0 || ea == 255 || g.chance(1, 2)) return rand_fp32(g);
  int target = g.chance(1, 2) ? g.range(-2, 2) : g.range(252, 256);
  int eb = target + 127 - ea;
  if (eb < 1 || eb > 254) return rand_fp32(g);
  uint32_t f = g.chance(1, 3) ? (0x7FFFFFu - g.below(3)) : rand_frac(g);
  return (g.u32() & 0x80000000u) | (uint32_t)eb << 23 | f;
}

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  top = new Vtb_fp_arith;
  tatami_num_init(&ctx, 1);
  Gen g(0x7A7A3117u);
  const long N_ADD = 3000000, N_MUL = 3000000, N_MUL8 = 2000000, N_CHAINS = 8000;
  double t0 = now_s();

  // ---- add / sub
  long n = 0;
  for (int i = 0; i < kNumSpecials; i++)
    for (int j = 0; j < kNumSpecials; j++)
      for (int sub = 0; sub < 2; sub++, n++) check_add(kSpecials[i], kSpecials[j], sub);
  long n_sp = n;
  for (long k = 0; k < N_ADD; k++, n++) {
    uint32_t a = rand_fp32(g), b = add_partner(g, a);
    if (g.chance(1, 2)) { uint32_t t = a; a = b; b = t; }
    check_add(a, b, (int)g.below(2));
  }
  printf("add/sub: %ld special pairs + %ld random pairs, all bits and flags match\n", n_sp,
         n - n_sp);
  print_flags();

  // ---- mul, MB=24
  n = 0;
  for (int i = 0; i < kNumSpecials; i++)
    for (int j = 0; j < kNumSpecials; j++, n++) check_mul(kSpecials[i], kSpecials[j]);
  n_sp = n;
  for (long k = 0; k < N_MUL; k++, n++) {
    uint32_t a = rand_fp32(g), b = mul_partner(g, a);
    if (g.chance(1, 2)) { uint32_t t = a; a = b; b = t; }
    check_mul(a, b);
  }
  // the example of section 4.4: 2^-126 - 2^-150 is tiny here and becomes +0
  check_mul(0x3F7FFFFFu, 0x00800000u);
  n++;
  printf("mul MB=24: %ld special pairs + %ld random pairs, all bits and flags match\n", n_sp,
         n - n_sp);
  print_flags();

  // ---- mul, MB=8 (and MB=24) on BF16 values
  n = 0;
  for (int i = 0; i < kNumSpecials; i++)
    for (int j = 0; j < kNumSpecials; j++, n++)
      check_mul(kSpecials[i] & 0xFFFF0000u, kSpecials[j] & 0xFFFF0000u);
  n_sp = n;
  for (long k = 0; k < N_MUL8; k++, n++) {
    uint32_t a = rand_bf16(g), b = mul_partner(g, a) & 0xFFFF0000u;
    if (g.chance(1, 2)) { uint32_t t = a; a = b; b = t; }
    check_mul(a, b);
  }
  printf("mul MB=8 and MB=24 on BF16 values: %ld special pairs + %ld random pairs, all bits and "
         "flags match\n",
         n_sp, n - n_sp);
  print_flags();

  // ---- accumulation chains: S = -0; S = add(S, mul(a_k, b_k)), BF16 a, b
  long steps = 0;
  int maxlen = 0;
  for (long c = 0; c < N_CHAINS; c++) {
    int len = (c < 300) ? (int)c + 1 : g.range(1, 300);
    if (len > maxlen) maxlen = len;
    // per chain: a spread of exponents around a random centre, rare specials
    int centre = g.chance(1, 8) ? g.range(1, 254) : g.range(110, 144);
    int spread = g.chance(1, 2) ? g.range(0, 4) : g.range(0, 30);
    uint32_t special_odds = g.chance(1, 4) ? 50 : 100000;
    uint32_t s = 0x80000000u, flags_acc = 0;
    tatami_num_ctx chain;
    tatami_num_init(&chain, 1);
    uint32_t pa = 0, pb = 0;
    std::vector<uint32_t> va, vb;
    for (int k = 0; k < len; k++, steps++) {
      uint32_t a, b;
      if (k > 0 && g.chance(1, 10)) {   // cancel the previous product exactly
        a = pa ^ 0x80000000u;
        b = pb;
      } else {
        uint32_t v[2];
        for (int q = 0; q < 2; q++) {
          if (g.chance(1, special_odds)) {
            v[q] = rand_bf16(g);
          } else {
            int e = centre + g.range(-spread, spread);
            if (e < 1) e = 1;
            if (e > 254) e = 254;
            v[q] = (g.u32() & 0x80000000u) | (uint32_t)e << 23 | (rand_frac(g) & 0x7F0000u);
          }
        }
        a = v[0];
        b = v[1];
      }
      pa = a;
      pb = b;
      va.push_back(a);
      vb.push_back(b);
      top->mac_s_i = s;
      top->mac_a_i = a;
      top->mac_b_i = b;
      top->eval();
      ctx.flags = 0;
      uint32_t es = tatami_num_fp32_add(&ctx, s, tatami_num_fp32_mul(&ctx, a, b));
      if (top->mac_s_o != es || top->mac_flags_o != ctx.flags) {
        printf("FAIL: accumulation chain %ld step %d: S=0x%08x a=0x%08x b=0x%08x: rtl S'=0x%08x "
               "flags=0x%02x, reference S'=0x%08x flags=0x%02x\n",
               c, k, s, a, b, top->mac_s_o, top->mac_flags_o, es, ctx.flags);
        exit(1);
      }
      count(es, ctx.flags);
      s = top->mac_s_o;
      flags_acc |= top->mac_flags_o;
    }
    // the whole chain once more through the reference's dot product: the
    // final S and the sticky flags of the chain
    uint32_t ed = tatami_num_dot(&chain, va.data(), 1, vb.data(), 1, (size_t)len);
    if (s != ed || flags_acc != chain.flags) {
      printf("FAIL: accumulation chain %ld (length %d): rtl S=0x%08x flags=0x%02x, reference "
             "dot S=0x%08x flags=0x%02x\n", c, len, s, flags_acc, ed, chain.flags);
      exit(1);
    }
  }
  printf("accumulation: %ld chains (lengths 1..%d), %ld multiply-add steps, every S and flags "
         "match\n",
         N_CHAINS, maxlen, steps);
  print_flags();
  printf("tb_fp_arith: %.1f s\nPASS\n", now_s() - t0);
  delete top;
  return 0;
}
