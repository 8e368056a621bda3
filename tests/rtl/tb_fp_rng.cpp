// tb_fp_rng: tatami_rng with L = 1 and L = 16 against the xorshift32
// generator of host/src/numerics.c (tatami_num_seed / tatami_num_rng_draw).
// Each clock, for each instance: rnd_o lane l must be the reference's draw
// n + l (n the next draw), state_o the reference's state; then the instance
// takes a random t = 0..L draws (the reference draws t times) or, now and
// then, a seed write (random seeds, 0 included; take_i random then, it must
// be ignored). Also: the reset state and its first draws, the known answers
// of docs/numerics.md 6.3, a reset in the middle of a sequence, and (L = 16)
// take_i values 17..31 holding the state. Stops at the first mismatch.
#include "Vtb_fp_rng.h"
#include "verilated.h"
#include "tb_fp_common.h"

static Vtb_fp_rng* top;

static void tick() {
  top->clk_i = 1;
  top->eval();
  top->clk_i = 0;
  top->eval();
}

// Compare instance outputs with the reference state.
static void check(int L, uint32_t state, uint32_t rtl_state, const uint32_t* rnd_words,
                  long cycle) {
  if (rtl_state != state) {
    printf("FAIL: L=%d cycle %ld: state_o=0x%08x, reference 0x%08x\n", L, cycle, rtl_state, state);
    exit(1);
  }
  tatami_num_ctx c;
  c.flags = 0;
  c.rng = state;
  for (int l = 0; l < L; l++) {
    uint32_t r = tatami_num_rng_draw(&c);
    uint32_t got = (rnd_words[l / 2] >> (16 * (l % 2))) & 0xFFFFu;
    if (got != r) {
      printf("FAIL: L=%d cycle %ld state 0x%08x: lane %d rnd=0x%04x, reference draw 0x%04x\n", L,
             cycle, state, l, got, r);
      exit(1);
    }
  }
}

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  top = new Vtb_fp_rng;
  Gen g(0x5EED5EEDu);
  double t0 = now_s();
  tatami_num_ctx r1, r16;
  tatami_num_init(&r1, 0);
  tatami_num_init(&r16, 0);

  top->clk_i = 0;
  top->rst_ni = 0;
  top->s1_seed_we_i = 0;
  top->s16_seed_we_i = 0;
  top->s1_take_i = 1;
  top->s16_take_i = 16;
  top->eval();
  top->rst_ni = 1;
  top->eval();

  // known answers through the L = 16 instance: seed, then lanes
  struct Ka { uint32_t seed; uint32_t states[4]; int n; } ka[] = {
      {1u, {0x00042021u, 0x04080601u}, 2},
      {0x12345678u, {0x87985AA5u, 0x155B24A3u, 0x4820F4C4u, 0x81B3AC98u}, 4},
      {0u, {0x510C4619u}, 1}};
  for (const Ka& k : ka) {
    top->s16_seed_we_i = 1;
    top->s16_seed_i = k.seed;
    tick();
    top->s16_seed_we_i = 0;
    top->s16_take_i = 0;
    top->eval();
    for (int i = 0; i < k.n; i++) {
      uint32_t lane = (top->s16_rnd_o[i / 2] >> (16 * (i % 2))) & 0xFFFFu;
      if (lane != k.states[i] >> 16) {
        printf("FAIL: known answer seed 0x%08x draw %d: 0x%04x, expected 0x%04x\n", k.seed, i,
               lane, k.states[i] >> 16);
        exit(1);
      }
    }
    top->s16_take_i = 1;
    tick();
    if (top->s16_state_o != k.states[0]) {
      printf("FAIL: known answer seed 0x%08x: state after one draw 0x%08x, expected 0x%08x\n",
             k.seed, top->s16_state_o, k.states[0]);
      exit(1);
    }
  }
  // back to the reset state for the random sequences
  top->rst_ni = 0;
  top->eval();
  top->rst_ni = 1;
  top->eval();
  if (top->s16_state_o != TATAMI_NUM_RNG_SEED0 || top->s1_state_o != TATAMI_NUM_RNG_SEED0) {
    printf("FAIL: reset state 0x%08x / 0x%08x, expected 0x%08x\n", top->s1_state_o,
           top->s16_state_o, TATAMI_NUM_RNG_SEED0);
    exit(1);
  }

  const long CYCLES = 300000;
  long seeds1 = 0, seeds16 = 0, draws1 = 0, draws16 = 0, holds16 = 0, resets = 0;
  long take_hist[17] = {0};
  for (long cyc = 0; cyc < CYCLES; cyc++) {
    uint32_t w1[1] = {top->s1_rnd_o};
    check(1, r1.rng, top->s1_state_o, w1, cyc);
    check(16, r16.rng, top->s16_state_o, top->s16_rnd_o.data(), cyc);

    if (cyc == CYCLES / 2) {   // asynchronous reset mid-sequence
      top->rst_ni = 0;
      top->eval();
      top->rst_ni = 1;
      top->eval();
      tatami_num_seed(&r1, 0);
      tatami_num_seed(&r16, 0);
      resets++;
      continue;
    }
    // L = 1
    top->s1_seed_we_i = g.chance(1, 50);
    top->s1_seed_i = g.chance(1, 4) ? 0u : g.u32();
    top->s1_take_i = g.below(2);
    if (top->s1_seed_we_i) {
      tatami_num_seed(&r1, top->s1_seed_i);
      seeds1++;
    } else if (top->s1_take_i) {
      tatami_num_rng_draw(&r1);
      draws1++;
    }
    // L = 16
    top->s16_seed_we_i = g.chance(1, 50);
    top->s16_seed_i = g.chance(1, 4) ? 0u : g.u32();
    top->s16_take_i = g.chance(1, 100) ? g.range(17, 31) : g.range(0, 16);
    if (top->s16_seed_we_i) {
      tatami_num_seed(&r16, top->s16_seed_i);
      seeds16++;
    } else if (top->s16_take_i <= 16) {
      take_hist[top->s16_take_i]++;
      for (unsigned t = 0; t < top->s16_take_i; t++) tatami_num_rng_draw(&r16);
      draws16 += top->s16_take_i;
    } else {
      holds16++;
    }
    tick();
  }
  printf("rng L=1: %ld cycles, %ld draws, %ld seed writes, %ld reset: state and lane match "
         "the reference every cycle\n",
         CYCLES, draws1, seeds1, resets);
  printf("rng L=16: %ld cycles, %ld draws, %ld seed writes, %ld reset, %ld take_i > 16 holds; "
         "take 0..16 counts:",
         CYCLES, draws16, seeds16, resets, holds16);
  for (int t = 0; t <= 16; t++) printf(" %ld", take_hist[t]);
  printf("; state and all 16 lanes match every cycle\n");
  printf("tb_fp_rng: %.1f s\nPASS\n", now_s() - t0);
  delete top;
  return 0;
}
