// The tile's random source (docs/numerics.md section 6.3): one xorshift32
// generator, L draws per clock.
//  * state_q: the xorshift32 state x, never 0; reset loads 0x9E3779B9, the
//    same as writing seed 0.
//  * rnd_o lane l (bits 16l+15 .. 16l) = high 16 bits of step^(l+1)(x): the
//    draws n .. n+L-1 if n is the next draw, combinationally from state_q.
//  * On a clock edge: seed_we_i loads seed_i (0 -> 0x9E3779B9), taking
//    priority; otherwise the state advances by take_i = t steps (0..L), i.e.
//    to step^t(x), the state lane t-1 already forms. take_i > L: no advance
//    (not a valid request).
// xorshift32 is linear over GF(2): step^n(x) = A^n x. Lane l's state is the
// constant XOR network A^(l+1): column j of A^n is step^n applied to the unit
// vector e_j, computed at elaboration by xs_pow; bit i of the lane's state is
// the XOR of the state bits j whose column has bit i set. No sequential
// stepping, no adder.
module tatami_rng #(
  parameter int L = 16
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     seed_we_i,
  input  logic [31:0]              seed_i,
  input  logic [$clog2(L+1)-1:0]   take_i,
  output logic [16*L-1:0]          rnd_o,
  output logic [31:0]              state_o
);
  localparam logic [31:0] SEED0 = 32'h9E3779B9;
  localparam int TW = $clog2(L+1);

  // step^n(x0): n xorshift32 steps (elaboration-time only).
  function automatic logic [31:0] xs_pow(input logic [31:0] x0, input int n);
    logic [31:0] x;
    integer i;
    x = x0;
    for (i = 0; i < n; i = i + 1) begin
      x = x ^ (x << 13);
      x = x ^ (x >> 17);
      x = x ^ (x << 5);
    end
    xs_pow = x;
  endfunction

  logic [31:0] state_q, state_d;
  logic [32*L-1:0] lane_state;   // lane l (bits 32l+31..32l): A^(l+1) state_q

  for (genvar l = 0; l < L; l++) begin : g_lane
    logic [32*32-1:0] term;   // term j: column j of A^(l+1) if state_q[j], else 0
    logic [31:0] nx;
    for (genvar j = 0; j < 32; j++) begin : g_col
      localparam logic [31:0] COL = xs_pow(32'h1 << j, l + 1);
      assign term[32*j +: 32] = COL & {32{state_q[j]}};
    end
    always_comb begin
      nx = '0;
      for (int j = 0; j < 32; j++) nx = nx ^ term[32*j +: 32];
    end
    assign lane_state[32*l +: 32] = nx;
    assign rnd_o[16*l +: 16] = nx[31:16];
  end

  always_comb begin
    state_d = state_q;
    if (seed_we_i) begin
      state_d = (seed_i == 32'd0) ? SEED0 : seed_i;
    end else begin
      for (int l = 0; l < L; l++) begin
        if (take_i == TW'(l + 1)) state_d = lane_state[32*l +: 32];
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) state_q <= SEED0;
    else         state_q <= state_d;
  end

  assign state_o = state_q;
endmodule
