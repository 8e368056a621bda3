// GEMM engine: C = op(A) op(B) (+ C) on an R x C output-stationary systolic
// array, walking the M x N output in R x C tiles by itself.
// PORT CONTRACT (fixed; the body is being written):
//  * start_i: one-cycle pulse; the descriptor inputs are valid in that cycle
//    only (the engine latches them). The descriptor was already validated by
//    the sequencer (docs/protocol.md GEMM checks), so every address the
//    engine WRITES is inside the SRAM; reads of lanes outside M/N/K may wrap
//    and are masked.
//  * busy_o is high from the cycle after start_i until done_o.
//  * done_o: one-cycle pulse in the cycle after the last C write was issued.
//  * While busy_o, the engine owns all four SRAM ports (ra, rb, rc, w); the
//    sequencer drives them only when the engine is idle. SRAM read data
//    arrives one cycle after the address (tatami_sram).
//  * ev_*: per-cycle performance events for the tile counters.
module tatami_gemm #(
  parameter int R          = 16,
  parameter int C          = 16,
  parameter int SRAM_BYTES = 1 << 20,
  parameter int W          = 16,            // SRAM port width in bytes, >= max(R, C, 4)
  localparam int AW        = $clog2(SRAM_BYTES),
  localparam int MW        = $clog2(R * C + 1)
) (
  input  logic           clk_i,
  input  logic           rst_ni,

  input  logic           start_i,
  input  logic [AW-1:0]  a_addr_i,
  input  logic [AW-1:0]  b_addr_i,
  input  logic [AW-1:0]  c_addr_i,
  input  logic [23:0]    m_i,
  input  logic [23:0]    n_i,
  input  logic [23:0]    k_i,
  input  logic [31:0]    lda_i,
  input  logic [31:0]    ldb_i,
  input  logic [31:0]    ldc_i,
  input  logic           trans_a_i,
  input  logic           trans_b_i,
  input  logic           accumulate_i,
  output logic           busy_o,
  output logic           done_o,

  output logic           ev_busy_o,          // the array took an operand vector this cycle
  output logic [MW-1:0]  ev_macs_o,          // useful MACs in that vector (lanes inside M x N)
  output logic           ev_stall_operand_o, // running, but an operand streamer had no data
  output logic           ev_stall_drain_o,   // waiting for the previous tile's results to drain

  output logic           ra_en_o,
  output logic [AW-1:0]  ra_addr_o,
  input  logic [8*W-1:0] ra_data_i,
  output logic           rb_en_o,
  output logic [AW-1:0]  rb_addr_o,
  input  logic [8*W-1:0] rb_data_i,
  output logic           rc_en_o,
  output logic [AW-1:0]  rc_addr_o,
  input  logic [8*W-1:0] rc_data_i,
  output logic           w_en_o,
  output logic [AW-1:0]  w_addr_o,
  output logic [8*W-1:0] w_data_o,
  output logic [W-1:0]   w_be_o
);
  // Placeholder body until the engine lands: finishes at once, writes nothing.
  logic done_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) done_q <= 1'b0;
    else         done_q <= start_i;
  end
  assign busy_o = done_q;
  assign done_o = done_q;
  assign ev_busy_o = 1'b0;
  assign ev_macs_o = '0;
  assign ev_stall_operand_o = 1'b0;
  assign ev_stall_drain_o = 1'b0;
  assign ra_en_o = 1'b0;
  assign ra_addr_o = '0;
  assign rb_en_o = 1'b0;
  assign rb_addr_o = '0;
  assign rc_en_o = 1'b0;
  assign rc_addr_o = '0;
  assign w_en_o = 1'b0;
  assign w_addr_o = '0;
  assign w_data_o = '0;
  assign w_be_o = '0;
  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = ^{a_addr_i, b_addr_i, c_addr_i, m_i, n_i, k_i, lda_i, ldb_i, ldc_i,
                    trans_a_i, trans_b_i, accumulate_i, ra_data_i, rb_data_i, rc_data_i};
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
