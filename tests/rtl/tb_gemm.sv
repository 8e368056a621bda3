// Testbench top: tatami_sram + tatami_gemm. While the engine is idle the C++
// driver owns the write port (host_w_*) and the rc read port (host_r_*) to
// load operands and read results back; while busy_o the engine owns all.
// en_i models a memory that freezes the engine: engine requests are taken
// only in cycles with en_i=1, and read data holds until the port's next
// request (tatami_sram keeps its read registers when a port is not enabled).
module tb_gemm #(
  parameter int R          = 16,
  parameter int C          = 16,
  parameter int SRAM_BYTES = 1 << 20,
  parameter int W          = 16,
  parameter int DW         = 24,
  parameter bit DSP        = 1'b0,
  parameter int ENGINE     = 0,               // 0 tatami_gemm, 1 tatami_gemm1p
  parameter int KP         = 1024,            // tatami_gemm1p panel depth
  parameter int RD_LAT     = 1,               // tatami_gemm1p: 2 = requests registered (board memory)
  localparam int AW        = $clog2(SRAM_BYTES),
  localparam int MW        = $clog2(R * C + 1)
) (
`include "tb_gemm_ports.svh"
);
  logic           ra_en, rb_en, rc_en, w_en;
  logic [AW-1:0]  ra_addr, rb_addr, rc_addr, w_addr;
  logic [8*W-1:0] ra_data, rb_data, rc_data, w_data;
  logic [W-1:0]   w_be;
  logic           e_rc_en, e_w_en;
  logic [AW-1:0]  e_rc_addr, e_w_addr;
  logic [8*W-1:0] e_w_data;
  logic [W-1:0]   e_w_be;

// Both engines have the same ports; HEAD = module name and parameters.
`define TB_GEMM_ENGINE(HEAD) \
    HEAD u_gemm ( \
      .clk_i, .rst_ni, .en_i, .start_i, .a_addr_i, .b_addr_i, .c_addr_i, .m_i, .n_i, .k_i, \
      .lda_i, .ldb_i, .ldc_i, .trans_a_i, .trans_b_i, .accumulate_i, .busy_o, .done_o, \
      .ev_busy_o, .ev_macs_o, .ev_stall_operand_o, .ev_stall_drain_o, \
      .ra_en_o(ra_en), .ra_addr_o(ra_addr), .ra_data_i(ra_data), \
      .rb_en_o(rb_en), .rb_addr_o(rb_addr), .rb_data_i(rb_data), \
      .rc_en_o(e_rc_en), .rc_addr_o(e_rc_addr), .rc_data_i(rc_data), \
      .w_en_o(e_w_en), .w_addr_o(e_w_addr), .w_data_o(e_w_data), .w_be_o(e_w_be) \
    );
  if (ENGINE == 0) begin : g_gemm
    `TB_GEMM_ENGINE(tatami_gemm #(.R(R), .C(C), .SRAM_BYTES(SRAM_BYTES), .W(W), .DW(DW), .DSP(DSP)))
  end else begin : g_gemm1p
    `TB_GEMM_ENGINE(tatami_gemm1p #(.R(R), .C(C), .SRAM_BYTES(SRAM_BYTES), .W(W), .DW(DW), .DSP(DSP),
                                    .KP(KP), .RD_LAT(RD_LAT)))
  end
`undef TB_GEMM_ENGINE

  // The engine's requests reach the memory directly (RD_LAT = 1) or through
  // a request register (RD_LAT = 2, as tatami_sram1p with ARB = 0 does). The
  // register advances only in enabled cycles, so a frozen engine sees the
  // same memory pipeline in enabled time; read data holds until the port's
  // next request. The host owns rc and w while the engine is idle and
  // nothing of the engine's is still in the register.
  logic           m_ra_en, m_rb_en, m_rc_en, m_w_en;
  logic [AW-1:0]  m_ra_addr, m_rb_addr, m_rc_addr, m_w_addr;
  logic [8*W-1:0] m_w_data;
  logic [W-1:0]   m_w_be;
  if (RD_LAT == 1) begin : g_direct
    always_comb begin
      m_ra_en = ra_en && en_i;           m_ra_addr = ra_addr;
      m_rb_en = rb_en && en_i;           m_rb_addr = rb_addr;
      m_rc_en = busy_o && e_rc_en && en_i; m_rc_addr = e_rc_addr;
      m_w_en  = busy_o && e_w_en && en_i;  m_w_addr  = e_w_addr;
      m_w_data = e_w_data;               m_w_be    = e_w_be;
    end
  end else begin : g_reqq
    logic           q_ra_en, q_rb_en, q_rc_en, q_w_en;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        q_ra_en <= 1'b0; q_rb_en <= 1'b0; q_rc_en <= 1'b0; q_w_en <= 1'b0;
      end else if (en_i) begin
        q_ra_en <= ra_en; q_rb_en <= rb_en;
        q_rc_en <= busy_o && e_rc_en; q_w_en <= busy_o && e_w_en;
      end
    end
    always_ff @(posedge clk_i) begin
      if (en_i) begin
        m_ra_addr <= ra_addr; m_rb_addr <= rb_addr; m_rc_addr <= e_rc_addr;
        m_w_addr <= e_w_addr; m_w_data <= e_w_data; m_w_be <= e_w_be;
      end
    end
    always_comb begin
      m_ra_en = q_ra_en && en_i;
      m_rb_en = q_rb_en && en_i;
      m_rc_en = q_rc_en && en_i;
      m_w_en  = q_w_en && en_i;
    end
    // the driver must not touch the memory before the engine's last request is served
    always_ff @(posedge clk_i) begin
      if ((host_r_en_i || host_w_en_i) && (q_rc_en || q_w_en || q_ra_en || q_rb_en)) begin
        $error("tb_gemm: host access while an engine request is still registered");
        $stop;
      end
    end
  end

  always_comb begin
    rc_en   = m_rc_en || (!busy_o && host_r_en_i);
    rc_addr = m_rc_en ? m_rc_addr : host_r_addr_i;
    w_en    = m_w_en || (!busy_o && host_w_en_i);
    w_addr  = m_w_en ? m_w_addr : host_w_addr_i;
    w_data  = m_w_en ? m_w_data : host_w_data_i;
    w_be    = m_w_en ? m_w_be   : host_w_be_i;
  end
  assign host_r_data_o = rc_data;
  assign ra_en_o = ra_en;
  assign rb_en_o = rb_en;

  tatami_sram #(.BYTES(SRAM_BYTES), .W(W)) u_sram (
    .clk_i,
    .ra_en_i(m_ra_en), .ra_addr_i(m_ra_addr), .ra_data_o(ra_data),
    .rb_en_i(m_rb_en), .rb_addr_i(m_rb_addr), .rb_data_o(rb_data),
    .rc_en_i(rc_en), .rc_addr_i(rc_addr), .rc_data_o(rc_data),
    .w_en_i(w_en), .w_addr_i(w_addr), .w_data_i(w_data), .w_be_i(w_be)
  );
endmodule
