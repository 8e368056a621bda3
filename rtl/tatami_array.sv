// R x C output-stationary systolic array of tatami_pe.
// Each cycle it may take one R-lane vector of op(A)[i0..i0+R-1][k] and one
// C-lane vector of op(B)[k][j0..j0+C-1] (in_valid_i); the skew is done here:
// row r of a is delayed r cycles and column c of b c cycles, so a[r][k] and
// b[k][c] meet in PE(r,c) at T+r+c. `last_i` marks the K-th vector of a tile.
// The finished row r of a tile (last issued at T) is readable through the
// row mux (rd_row_i -> rd_data_o, combinational) from cycle T+r+C until the
// next tile's last reaches the row, i.e. up to cycle T'+r. row0_done_o is
// high in cycle T+C, when row 0 becomes readable.
module tatami_array #(
  parameter int R = 16,
  parameter int C = 16,
  localparam int RW = (R > 1) ? $clog2(R) : 1
) (
  input  logic           clk_i,
  input  logic           rst_ni,

  input  logic           in_valid_i,
  input  logic           last_i,
  input  logic [8*R-1:0] a_i,       // lane r = op(A)[i0+r][k]
  input  logic [8*C-1:0] b_i,       // lane c = op(B)[k][j0+c]

  input  logic [RW-1:0]  rd_row_i,
  output logic [32*C-1:0] rd_data_o, // lane c = result of PE(rd_row_i, c)
  output logic           row0_done_o
);
  // Interconnect, flattened (plain vectors, so yosys sees no memories):
  // a/valid/last of PE(r,c)'s input at index r*(C+1)+c (c = C: right edge),
  // b/valid of PE(r,c)'s input at index r*C+c (r = R: bottom edge).
  localparam int NA = R * (C + 1);
  localparam int NB = (R + 1) * C;
  logic [8*NA-1:0]    a_w;
  logic [NA-1:0]      av_w, last_w;
  logic [8*NB-1:0]    b_w;
  logic [NB-1:0]      bv_w;
  logic [32*R*C-1:0]  res_w;

  // ---------------------------------------------------------------- skew
  // Row r: an r-deep shift register of {last, valid, a} (10 bits a stage).
  for (genvar r = 0; r < R; r++) begin : g_skew_a
    if (r == 0) begin : g_direct
      assign a_w[7:0]  = a_i[7:0];
      assign av_w[0]   = in_valid_i;
      assign last_w[0] = last_i;
    end else begin : g_delay
      logic [10*r-1:0] sh_q;
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) sh_q <= '0;
        else sh_q <= (10*r)'({sh_q, last_i, in_valid_i, a_i[8*r +: 8]});  // shift in at stage 0
      end
      assign {last_w[r*(C+1)], av_w[r*(C+1)], a_w[8*r*(C+1) +: 8]} = sh_q[10*(r-1) +: 10];
    end
  end

  // Column c: a c-deep shift register of {valid, b} (9 bits a stage).
  for (genvar c = 0; c < C; c++) begin : g_skew_b
    if (c == 0) begin : g_direct
      assign b_w[7:0] = b_i[7:0];
      assign bv_w[0]  = in_valid_i;
    end else begin : g_delay
      logic [9*c-1:0] sh_q;
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) sh_q <= '0;
        else sh_q <= (9*c)'({sh_q, in_valid_i, b_i[8*c +: 8]});
      end
      assign {bv_w[c], b_w[8*c +: 8]} = sh_q[9*(c-1) +: 9];
    end
  end

  // ---------------------------------------------------------------- PEs
  for (genvar r = 0; r < R; r++) begin : g_row
    for (genvar c = 0; c < C; c++) begin : g_col
      localparam int IA = r * (C + 1) + c;
      localparam int IB = r * C + c;
      tatami_pe u_pe (
        .clk_i,
        .rst_ni,
        .a_i       (a_w[8*IA +: 8]),
        .a_valid_i (av_w[IA]),
        .last_i    (last_w[IA]),
        .b_i       (b_w[8*IB +: 8]),
        .b_valid_i (bv_w[IB]),
        .a_o       (a_w[8*(IA+1) +: 8]),
        .a_valid_o (av_w[IA+1]),
        .last_o    (last_w[IA+1]),
        .b_o       (b_w[8*(IB+C) +: 8]),
        .b_valid_o (bv_w[IB+C]),
        .res_o     (res_w[32*IB +: 32])
      );
    end
  end

  // ---------------------------------------------------------------- read-out
  assign rd_data_o = res_w[32*C*rd_row_i +: 32*C];
  // last_o of PE(0,C-1) (registered, qualified by valid): row 0 complete.
  assign row0_done_o = last_w[C];

  // The outputs past the right and bottom edges are not used.
  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  always_comb begin
    unused = ^b_w[8*R*C +: 8*C] ^ (^bv_w[R*C +: C]);
    for (int r = 0; r < R; r++) begin
      unused = unused ^ (^a_w[8*(r*(C+1)+C) +: 8]) ^ av_w[r*(C+1)+C];
      if (r > 0) unused = unused ^ last_w[r*(C+1)+C];
    end
  end
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
