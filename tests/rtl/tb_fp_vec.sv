// Testbench top: tatami_sram (W = 32, 1 MiB) + tatami_rng + tatami_vec (the
// sim profile's vector unit). The C++ driver owns the write port and the rc
// read port while the unit is idle (host_*), seeds the generator and reads
// its state (rng_state_o) to compare the draws with the reference.
module tb_fp_vec #(
  parameter int SRAM_BYTES = 1 << 20,
  parameter int W          = 32,
  parameter int L          = W / 2,    // the unit's lanes (-GL=8 for a variant build)
  parameter int RL         = W / 2,
  localparam int AW        = $clog2(SRAM_BYTES),
  localparam int TW        = $clog2(RL + 1)
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic [8*72-1:0] desc_i,
  output logic [7:0]     chk_status_o,
  output logic           chk_valid_o,
  input  logic           chk_start_i,
  input  logic           start_i,
  output logic           busy_o,
  output logic           done_o,
  output logic [4:0]     ev_flags_o,
  output logic           ev_w_en_o,       // the unit's write port, for stray-write checks
  output logic [TW-1:0]  ev_take_o,
  input  logic           seed_we_i,
  input  logic [31:0]    seed_i,
  output logic [31:0]    rng_state_o,
  input  logic           host_w_en_i,
  input  logic [AW-1:0]  host_w_addr_i,
  input  logic [8*W-1:0] host_w_data_i,
  input  logic [W-1:0]   host_w_be_i,
  input  logic           host_r_en_i,
  input  logic [AW-1:0]  host_r_addr_i,
  output logic [8*W-1:0] host_r_data_o
);
`include "tb_fp_sram.svh"
  logic [TW-1:0]  take;
  logic [16*RL-1:0] rnd;

  tatami_vec #(.SRAM_BYTES(SRAM_BYTES), .W(W), .L(L), .RL(RL)) u_vec (
    .clk_i, .rst_ni, .desc_i, .chk_status_o, .chk_valid_o, .chk_start_i, .start_i, .busy_o, .done_o,
    .ra_en_o(ra_en), .ra_addr_o(ra_addr), .ra_data_i(ra_data),
    .rb_en_o(rb_en), .rb_addr_o(rb_addr), .rb_data_i(rb_data),
    .rc_en_o(e_rc_en), .rc_addr_o(e_rc_addr), .rc_data_i(rc_data),
    .w_en_o(e_w_en), .w_addr_o(e_w_addr), .w_data_o(e_w_data), .w_be_o(e_w_be),
    .rng_take_o(take), .rng_rnd_i(rnd), .ev_flags_o
  );

  tatami_rng #(.L(RL)) u_rng (
    .clk_i, .rst_ni, .seed_we_i, .seed_i, .take_i(take), .rnd_o(rnd), .state_o(rng_state_o)
  );

  assign ev_w_en_o = e_w_en;
  assign ev_take_o = take;
endmodule
