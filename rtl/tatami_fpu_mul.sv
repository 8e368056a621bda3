// FP32 multiply of docs/numerics.md 4.2 (the result and flags of
// tatami_fp_mul_f, bit for bit), iterative, for the serial FPU (tatami_fpu):
// the 24 x 24-bit significand product by shift-and-add, one multiplier bit
// per clock, then two clocks of rounding and special cases.
// If one operand's low 16 fraction bits are zero (every widened BF16 or
// CFloat8 value) it is the multiplier and only its 8 top significand bits
// are stepped: the product is then a*b' * 2^16 with b' < 2^8, and after 8
// steps the {H, L} register already holds exactly that.
// valid_i (with a_i, b_i) starts it when idle; valid_o is a one-clock pulse
// 11 clocks later (8 steps) or 27 (24 steps), y_o and flags_o are held from
// then until the next start. tests/rtl/tb_fpu_units compares it with
// tatami_fp_mul_f.
module tatami_fpu_mul (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        valid_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic        busy_o,
  output logic        valid_o,
  output logic [31:0] y_o,
  output logic [4:0]  flags_o
);
  localparam logic [1:0] K_NAN = 2'd0, K_INF = 2'd1, K_ZERO = 2'd2, K_NUM = 2'd3;

  // ---------------------------------------------------------------- load
  logic        sy, a_den, b_den, a_zero, b_zero, a_inf, b_inf, a_nan, b_nan, short_b, short_a;
  logic [1:0]  k0;
  logic [31:0] r0;
  logic [23:0] mcand, mplier;
  logic [4:0]  n0;
  logic signed [10:0] e0;
  always_comb begin
    sy     = a_i[31] ^ b_i[31];
    a_den  = (a_i[30:23] == 8'd0) && (a_i[22:0] != '0);
    b_den  = (b_i[30:23] == 8'd0) && (b_i[22:0] != '0);
    a_zero = (a_i[30:23] == 8'd0);
    b_zero = (b_i[30:23] == 8'd0);
    a_inf  = (a_i[30:23] == 8'hFF) && (a_i[22:0] == '0);
    b_inf  = (b_i[30:23] == 8'hFF) && (b_i[22:0] == '0);
    a_nan  = (a_i[30:23] == 8'hFF) && (a_i[22:0] != '0);
    b_nan  = (b_i[30:23] == 8'hFF) && (b_i[22:0] != '0);
    r0     = '0;
    if (a_nan || b_nan) begin
      k0 = K_NAN; r0 = 32'h7FC00000;
    end else if (a_inf || b_inf) begin
      k0 = K_INF;
      r0 = (a_zero || b_zero) ? 32'h7FC00000 : {sy, 8'hFF, 23'd0};
    end else if (a_zero || b_zero) begin
      k0 = K_ZERO; r0 = {sy, 31'd0};
    end else begin
      k0 = K_NUM;
    end
    short_b = (b_i[15:0] == 16'd0);
    short_a = (a_i[15:0] == 16'd0);
    if (short_b) begin
      mcand = {1'b1, a_i[22:0]}; mplier = {16'd0, 1'b1, b_i[22:16]}; n0 = 5'd8;
    end else if (short_a) begin
      mcand = {1'b1, b_i[22:0]}; mplier = {16'd0, 1'b1, a_i[22:16]}; n0 = 5'd8;
    end else begin
      mcand = {1'b1, a_i[22:0]}; mplier = {1'b1, b_i[22:0]};         n0 = 5'd24;
    end
    e0 = $signed({3'd0, a_i[30:23]}) + $signed({3'd0, b_i[30:23]}) - 11'sd127;
  end

  logic        run_q, fin_q;
  logic [4:0]  n_q;
  logic [23:0] a_q, h_q, l_q;
  logic [1:0]  k_q;
  logic [31:0] r_q;
  logic        sy_q, den_q, i_q;
  logic signed [10:0] e_q;

  // ---------------------------------------------------------------- step
  logic [24:0] sum;
  assign sum = {1'b0, h_q} + (l_q[0] ? {1'b0, a_q} : 25'd0);

  // ---------------------------------------------------------------- round (the function's tail)
  // in two clocks (UP5K timing): fin_q normalises and decides the increment
  // into r_*; fin2_q adds it, checks the exponent range and packs.
  logic [47:0] p48;
  logic [23:0] sig;
  logic        g, st;
  logic signed [10:0] ey0;
  always_comb begin
    p48 = {h_q, l_q};
    if (p48[47]) begin
      sig = p48[47:24]; g = p48[23]; st = (p48[22:0] != '0); ey0 = e_q + 11'sd1;
    end else begin
      sig = p48[46:23]; g = p48[22]; st = (p48[21:0] != '0); ey0 = e_q;
    end
  end
  // The increment's carry out of the 24 bits (sig all ones: rounds up to
  // 2.0) is known here, so the exponent is final before fin2_q: fin2_q only
  // adds the increment to the fraction and packs (30 MHz on the UP5K).
  logic        fin2_q, r_inc_q, r_inx_q;
  logic [23:0] r_sig_q;
  logic signed [10:0] r_ey_q;
  logic        inc, cy;
  always_comb begin
    inc = g & (st | sig[0]);
    cy  = inc & (&sig);
  end
  always_ff @(posedge clk_i) begin
    if (fin_q) begin
      r_sig_q <= sig;
      r_inc_q <= inc;
      r_inx_q <= g | st;
      r_ey_q  <= cy ? ey0 + 11'sd1 : ey0;
    end
  end

  /* verilator lint_off UNUSEDSIGNAL */
  logic [23:0] sig_r;              // the hidden bit (23) unused; 2.0 leaves a zero fraction
  /* verilator lint_on UNUSEDSIGNAL */
  logic signed [10:0] ey;
  logic [31:0] y;
  logic [4:0]  fl;
  always_comb begin
    sig_r = r_sig_q + {23'd0, r_inc_q};
    ey    = r_ey_q;
    fl    = '0;
    fl[1] = den_q;
    if (k_q != K_NUM) begin
      y     = r_q;
      fl[0] = i_q;
    end else if (ey > 11'sd254) begin
      y = {sy_q, 8'hFF, 23'd0}; fl[2] = 1'b1; fl[4] = 1'b1;
    end else if (ey < 11'sd1) begin
      y = {sy_q, 31'd0}; fl[3] = 1'b1; fl[4] = 1'b1;
    end else begin
      y = {sy_q, ey[7:0], sig_r[22:0]}; fl[4] = r_inx_q;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q   <= 1'b0;
      fin_q   <= 1'b0;
      fin2_q  <= 1'b0;
      valid_o <= 1'b0;
      n_q     <= '0;
    end else begin
      valid_o <= fin2_q;
      fin2_q  <= fin_q;
      fin_q   <= 1'b0;
      if (valid_i && !run_q && !fin_q && !fin2_q) begin
        run_q <= 1'b1;
        n_q   <= n0;
      end else if (run_q) begin
        n_q <= n_q - 5'd1;
        if (n_q == 5'd1) begin
          run_q <= 1'b0;
          fin_q <= 1'b1;
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (valid_i && !run_q && !fin_q && !fin2_q) begin
      a_q   <= mcand;
      h_q   <= '0;
      l_q   <= mplier;
      k_q   <= k0;
      r_q   <= r0;
      sy_q  <= sy;
      den_q <= a_den | b_den;
      i_q   <= (k0 == K_NAN) || (r0 == 32'h7FC00000);
      e_q   <= e0;
    end else if (run_q) begin
      h_q <= sum[24:1];
      l_q <= {sum[0], l_q[23:1]};
    end
    if (fin2_q) begin
      y_o     <= y;
      flags_o <= fl;
    end
  end
  assign busy_o = run_q || fin_q || fin2_q;
endmodule
