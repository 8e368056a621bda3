// Included in the body of tb_fp_gemm and tb_fp_vec: the unit's SRAM
// (tatami_sram, ports ra/rb/rc/w) whose rc read port and write port belong
// to the testbench's host_* ports while the unit is idle (busy_o low); the
// unit drives ra_*, rb_*, and e_rc_* / e_w_* (muxed here). Host side:
// tb_fp_sram.h.
  logic           ra_en, rb_en, rc_en, w_en, e_rc_en, e_w_en;
  logic [AW-1:0]  ra_addr, rb_addr, rc_addr, w_addr, e_rc_addr, e_w_addr;
  logic [8*W-1:0] ra_data, rb_data, rc_data, w_data, e_w_data;
  logic [W-1:0]   w_be, e_w_be;

  always_comb begin
    rc_en   = busy_o ? e_rc_en : host_r_en_i;
    rc_addr = busy_o ? e_rc_addr : host_r_addr_i;
    w_en    = busy_o ? e_w_en : host_w_en_i;
    w_addr  = busy_o ? e_w_addr : host_w_addr_i;
    w_data  = busy_o ? e_w_data : host_w_data_i;
    w_be    = busy_o ? e_w_be : host_w_be_i;
  end
  assign host_r_data_o = rc_data;

  tatami_sram #(.BYTES(SRAM_BYTES), .W(W)) u_sram (
    .clk_i,
    .ra_en_i(ra_en), .ra_addr_i(ra_addr), .ra_data_o(ra_data),
    .rb_en_i(rb_en), .rb_addr_i(rb_addr), .rb_data_o(rb_data),
    .rc_en_i(rc_en), .rc_addr_i(rc_addr), .rc_data_o(rc_data),
    .w_en_i(w_en), .w_addr_i(w_addr), .w_data_i(w_data), .w_be_i(w_be)
  );
