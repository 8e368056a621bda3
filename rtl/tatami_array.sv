// R x C output-stationary systolic array of tatami_pe.
// Each cycle it may take one R-lane vector of op(A)[i0..i0+R-1][k] and one
// C-lane vector of op(B)[k][j0..j0+C-1] (in_valid_i); the skew is done here:
// row r of a is delayed r cycles and column c of b c cycles, so a[r][k] and
// b[k][c] meet in PE(r,c) at T+r+c. `last_i` marks the K-th vector of a tile.
// The finished row r of a tile (last issued at T) is readable through the
// row mux (rd_row_i -> rd_data_o, combinational) from cycle T+r+C until the
// next tile's last reaches the row, i.e. up to cycle T'+r. row0_done_o is
// high in cycle T+C, when row 0 becomes readable.
// Products: one tatami_mul8x2 per pair of horizontally adjacent PEs (one
// SB_MAC16 each with DSP=1, which needs an even C). en_i=0 freezes every
// register (the engine's clock enable).
// FP = 1: lanes are 16 bits (int8 in the low byte, or BF16 with fp_i) and
// the PEs are loops over PE registers (g_fp_grid); each lane also carries an "inside M / N" bit
// (a_in_i, b_in_i) and flags_o ORs the PEs' floating-point flags of the
// cycle. With FP = 0 those ports are unused and the array is as before.
module tatami_array #(
  parameter int R = 16,
  parameter int C = 16,
  parameter bit DSP = 1'b0,    // products from iCE40 SB_MAC16s (C even, TATAMI_ICE40)
  parameter bit FP  = 1'b0,    // BF16 x BF16 -> FP32 capable PEs
  localparam int RW = (R > 1) ? $clog2(R) : 1,
  localparam int AB = FP ? 16 : 8,    // bits of a lane
  localparam int SW = AB + 3          // skew stage of a: {a_in, last, valid, a}
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           en_i,      // clock enable: 0 freezes every register

  input  logic           in_valid_i,
  input  logic           last_i,
  input  logic [AB*R-1:0] a_i,      // lane r = op(A)[i0+r][k]
  input  logic [AB*C-1:0] b_i,      // lane c = op(B)[k][j0+c]
  input  logic           fp_i,      // FP = 1: BF16 mode for this GEMM
  input  logic [R-1:0]   a_in_i,    // FP = 1: lane r is inside M
  input  logic [C-1:0]   b_in_i,    // FP = 1: lane c is inside N
  output logic [4:0]     flags_o,   // FP = 1: flags of this cycle's valid lanes

  input  logic [RW-1:0]  rd_row_i,
  output logic [32*C-1:0] rd_data_o, // lane c = result of PE(rd_row_i, c)
  output logic           row0_done_o
);
  // Interconnect: a/valid/last between columns, b/valid between rows.
  logic [AB-1:0] a_w   [R][C+1];
  logic        ain_w   [R][C+1];
  logic        av_w    [R][C+1];
  logic        last_w  [R][C+1];
  logic [AB-1:0] b_w   [R+1][C];
  logic        bin_w   [R+1][C];
  logic [31:0] res_w   [R][C];

  if (DSP && (C % 2 != 0)) begin : g_bad_c
    tatami_array_DSP_needs_an_even_C u_error ();   // no such module: stops elaboration
  end

  // ---------------------------------------------------------------- skew
  for (genvar r = 0; r < R; r++) begin : g_skew_a
    if (r == 0) begin : g_direct
      assign a_w[0][0]    = a_i[AB-1:0];
      assign ain_w[0][0]  = FP && a_in_i[0];
      assign av_w[0][0]   = in_valid_i;
      assign last_w[0][0] = last_i;
    end else begin : g_delay
      // r-deep shift register of {a_in, last, valid, a} (a_in only with FP)
      logic [SW*r-1:0] sh_q;
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) sh_q <= '0;
        else if (en_i) sh_q <= (SW*r)'({sh_q, FP && a_in_i[r], last_i, in_valid_i,
                                        a_i[AB*r +: AB]});
      end
      assign {ain_w[r][0], last_w[r][0], av_w[r][0], a_w[r][0]} = sh_q[SW*(r-1) +: SW];
    end
  end

  for (genvar c = 0; c < C; c++) begin : g_skew_b
    if (c == 0) begin : g_direct
      assign b_w[0][0]   = b_i[AB-1:0];
      assign bin_w[0][0] = FP && b_in_i[0];
    end else begin : g_delay
      // c-deep shift register of {b_in, b} (b's valid is a's: both reach
      // PE(r,c) r + c cycles after entering; b_in only with FP)
      logic [(AB+1)*c-1:0] sh_q;
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) sh_q <= '0;
        else if (en_i) sh_q <= ((AB+1)*c)'({sh_q, FP && b_in_i[c], b_i[AB*c +: AB]});
      end
      assign {bin_w[0][c], b_w[0][c]} = sh_q[(AB+1)*(c-1) +: AB+1];
    end
  end

  // The PE accumulators have no asynchronous reset (see tatami_pe): they
  // are zeroed in the first enabled cycle after reset, which carries no
  // operand (the engine's first operand comes >= 2 cycles after a start).
  logic init_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)   init_q <= 1'b1;
    else if (en_i) init_q <= 1'b0;
  end

  if (!FP) begin : g_int_grid
    // ---------------------------------------------------------------- products
    logic [15:0] prod_w [R][C];
    for (genvar r = 0; r < R; r++) begin : g_mrow
      for (genvar c = 0; c < C; c = c + 2) begin : g_mpair
        if (c + 1 < C) begin : g_pair
          tatami_mul8x2 #(.DSP(DSP)) u_mul (
            .clk_i, .en_i,
            .a0_i (a_w[r][c][7:0]),   .b0_i (b_w[r][c][7:0]),
            .a1_i (a_w[r][c+1][7:0]), .b1_i (b_w[r][c+1][7:0]),
            .p0_o (prod_w[r][c]), .p1_o (prod_w[r][c+1])
          );
        end else begin : g_single   // odd C (DSP=0 only): last column alone
          logic [15:0] unused_p1;
          tatami_mul8x2 #(.DSP(1'b0)) u_mul (
            .clk_i, .en_i,
            .a0_i (a_w[r][c][7:0]), .b0_i (b_w[r][c][7:0]),
            .a1_i (8'h00),          .b1_i (8'h00),
            .p0_o (prod_w[r][c]), .p1_o (unused_p1)
          );
        end
      end
    end

    // ---------------------------------------------------------------- PEs
    for (genvar r = 0; r < R; r++) begin : g_row
      for (genvar c = 0; c < C; c++) begin : g_col
        assign ain_w[r][c+1] = 1'b0;
        assign bin_w[r+1][c] = 1'b0;
        tatami_pe u_pe (
          .clk_i,
          .rst_ni,
          .en_i,
          .clr_i     (init_q),
          .a_i       (a_w[r][c]),
          .a_valid_i (av_w[r][c]),
          .last_i    (last_w[r][c]),
          .b_i       (b_w[r][c]),
          .prod_i    (prod_w[r][c]),
          .a_o       (a_w[r][c+1]),
          .a_valid_o (av_w[r][c+1]),
          .last_o    (last_w[r][c+1]),
          .b_o       (b_w[r+1][c]),
          .res_o     (res_w[r][c])
        );
      end
    end
    assign flags_o = 5'd0;
  end else begin : g_fp_grid
    // Floating-point capable PEs, written as loops over the PE registers
    // rather than R x C module instances: the simulation model then holds
    // one copy of the FP functions, not one per PE (build time and speed).
    // PE(r,c) per enabled clock, docs/numerics.md 5:
    //  * int8: S = (fresh ? 0 : S) + a[7:0] * b[7:0] (signed, 16-bit product).
    //  * BF16 (fp_i): S = add(S, mul(a, b)), rounded after every operation,
    //    one multiply-add per clock; a tile's first vector loads S = mul(a, b)
    //    (fresh_q: add(-0, p) = p for every product, so neither the restart
    //    value nor the previous GEMM's mode matters).
    //  * the result register takes S with the tile's last vector; fresh_q
    //    follows `last` of each valid operand, init_q sets it.
    //  * flags: the multiply's and the add's, for a valid operand whose a and
    //    b lanes are both inside M x N (padding lanes carry zeros, and 0 x Inf
    //    there must not raise I). CFloat8 arrives widened to BF16.
    // The FP functions run only for a valid operand of a floating-point
    // GEMM: the simulation model spends no time on idle PEs.
`include "tatami_fp_funcs.svh"
    logic [4:0] pe_flags [R][C];
    for (genvar r = 0; r < R; r++) begin : g_row
      for (genvar c = 0; c < C; c++) begin : g_col
        logic [AB-1:0] a_q, b_q;
        logic          ain_q, av_q, last_q, bin_q, fresh_q;
        logic [31:0]   acc_q, res_q, sum;

        always_comb begin
          logic [36:0] mres, ares;
          logic [15:0] prod;
          mres = '0;
          ares = '0;
          prod = '0;
          sum  = '0;
          pe_flags[r][c] = '0;
          if (av_w[r][c]) begin
            if (fp_i) begin
              mres = tatami_fp_mul_f({a_w[r][c], 16'h0000}, {b_w[r][c], 16'h0000});
              if (!fresh_q) ares = tatami_fp_add_f(acc_q, mres[31:0], 1'b0);
              sum = fresh_q ? mres[31:0] : ares[31:0];
              if (ain_w[r][c] && bin_w[r][c]) pe_flags[r][c] = mres[36:32] | ares[36:32];
            end else begin
              prod = 16'($signed(a_w[r][c][7:0]) * $signed(b_w[r][c][7:0]));
              sum  = (fresh_q ? 32'd0 : acc_q) + {{16{prod[15]}}, prod};
            end
          end
        end

        always_ff @(posedge clk_i) begin
          if (en_i && av_w[r][c]) acc_q <= sum;
        end

        always_ff @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) begin
            fresh_q <= 1'b1;
            res_q   <= '0;
            a_q     <= '0;
            ain_q   <= 1'b0;
            av_q    <= 1'b0;
            last_q  <= 1'b0;
            b_q     <= '0;
            bin_q   <= 1'b0;
          end else if (en_i) begin
            if (init_q)          fresh_q <= 1'b1;
            else if (av_w[r][c]) fresh_q <= last_w[r][c];
            if (av_w[r][c] && last_w[r][c]) res_q <= sum;
            a_q    <= a_w[r][c];
            ain_q  <= ain_w[r][c];
            av_q   <= av_w[r][c];
            last_q <= last_w[r][c] & av_w[r][c];
            b_q    <= b_w[r][c];
            bin_q  <= bin_w[r][c];
          end
        end

        assign a_w[r][c+1]    = a_q;
        assign ain_w[r][c+1]  = ain_q;
        assign av_w[r][c+1]   = av_q;
        assign last_w[r][c+1] = last_q;
        assign b_w[r+1][c]    = b_q;
        assign bin_w[r+1][c]  = bin_q;
        assign res_w[r][c]    = res_q;
      end
    end

    always_comb begin
      logic [4:0] f;
      f = '0;
      for (int r = 0; r < R; r++) begin
        for (int c = 0; c < C; c++) f = f | pe_flags[r][c];
      end
      flags_o = f;
    end
  end

  // ---------------------------------------------------------------- read-out
  logic [32*C-1:0] rd_data_o_c;
  always_comb begin
    rd_data_o_c = '0;
    for (int c = 0; c < C; c++) rd_data_o_c[32*c +: 32] = res_w[rd_row_i][c];
    // written once per evaluation (no intermediate values: Icarus wakes
    // every always_comb reading them on each write)
    rd_data_o = rd_data_o_c;
  end
  // last_o of PE(0,C-1) (registered, qualified by valid): row 0 complete.
  assign row0_done_o = last_w[0][C];

  // The outputs past the array edges are not used.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [R-1:0] unused_r;
  logic [C-1:0] unused_c;
  logic unused;
  for (genvar r = 0; r < R; r++) begin : g_unused_r
    assign unused_r[r] = (^a_w[r][C]) ^ av_w[r][C] ^ (r > 0 && last_w[r][C]) ^ ain_w[r][C];
  end
  for (genvar c = 0; c < C; c++) begin : g_unused_c
    assign unused_c[c] = (^b_w[R][c]) ^ bin_w[R][c];
  end
  assign unused = (^unused_r) ^ (^unused_c) ^ fp_i ^ (^a_in_i) ^ (^b_in_i);
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
