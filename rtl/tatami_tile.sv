// tatami tile top level: link FIFO -> frame decoder -> command sequencer ->
// response encoder, the scratchpad SRAM and the GEMM engine. The engine owns
// all SRAM ports while it is busy; otherwise the sequencer drives read port
// C (READ) and the write port (WRITE).
`include "tatami_defs.svh"
module tatami_tile #(
  parameter int R = 16, parameter int C = 16,
  parameter int SRAM_BYTES = 1 << 20, parameter int W = 16,   // W = SRAM port bytes, >= max(R,C,4), power of 2
  parameter int PROFILE = 0,          // INFO profile byte: 0 sim, 1 icebreaker, 2 hx8k, 3 tiny
  parameter int TILE_X = 0, parameter int TILE_Y = 0,
  parameter int CREDITS = 4,          // RX FIFO holds CREDITS-1 max-size frames (1039 B each; round up to a power of 2)
  parameter int RX_TIMEOUT = 4096,    // inter-byte timeout inside a frame, cycles
  parameter int CNT_W = 64,           // counter width, zero-extended to 64 on the wire
  parameter int CLOCK_HZ = 100000000, // nominal clock reported in INFO
  parameter int MEM = 0,              // scratchpad: 0 multi-port (tatami_sram), 1 single-port on
                                      // 4 SB_SPRAM256KA, 2 single-port on inferred RAM (EBR)
  parameter bit DSP = 1'b0,           // 1: array products on SB_MAC16 (8x8 dual mode)
  parameter int DW = 24,              // engine dimension counters (validated M,N,K <= SRAM_BYTES,
                                      // so AW+1 bits suffice)
  parameter bit PL_SKID = 1'b0,       // 1: a skid buffer between the sequencer's response payload
                                      // and the frame encoder (board timing; +1 cycle latency)
  parameter int ENGINE = 0,           // GEMM engine: 0 tatami_gemm (streams operands through
                                      // several ports), 1 tatami_gemm1p (operand panels in
                                      // block RAM, one memory access per clock; W = 4, R, C <= 4)
  parameter bit FP = 1'b0,            // protocol 1.1 floating point (docs/numerics.md): BF16 and
                                      // CFloat8 GEMMs, sticky flags, seed; ENGINE 0, 2R, 2C <= W
  parameter bit FPU = 1'b0            // 1 (with FP = 0): every GEMM (int8, BF16) on the serial
                                      // tatami_fpu instead of an engine (ENGINE ignored); protocol
                                      // 1.1 without VEC, RUN, CFloat8: the board variant's choice
) (
  input  logic clk_i, input logic rst_ni,
  input  logic [7:0] rx_data_i, input logic rx_valid_i, output logic rx_ready_o,
  output logic [7:0] tx_data_o, output logic tx_valid_o, input logic tx_ready_i,
  output logic idle_o,
  output logic busy_o,
  output logic error_o,
  input  logic [3:0] dbg_cnt_sel_i, output logic [63:0] dbg_cnt_o
);
  localparam int AW          = $clog2(SRAM_BYTES);
  localparam int MW          = $clog2(R * C + 1);
  // Read latency of the memory the engine and sequencer see: tatami_sram1p
  // with ARB = 0 (the panel engine on a board memory) registers requests.
  localparam int RD_LAT      = (MEM != 0 && (ENGINE == 1 || FPU)) ? 2 : 1;
  localparam int FRAME_MAX   = `TATAMI_MAX_PAYLOAD + 11;
  localparam int RXF_BYTES   = (CREDITS > 1 ? CREDITS - 1 : 1) * FRAME_MAX;
  localparam int RXF_DEPTH   = 1 << $clog2(RXF_BYTES);
  localparam logic [31:0] X32 = TILE_X;
  localparam logic [31:0] Y32 = TILE_Y;
  localparam logic [7:0]  MY_ADDR = {X32[3:0], Y32[3:0]};

  // ------------------------------------------------------------ RX path
  logic [7:0]  rxf_data;
  logic        rxf_valid, rxf_ready, rxf_empty;

  tatami_fifo #(.WIDTH(8), .DEPTH(RXF_DEPTH)) u_rx_fifo (
    .clk_i, .rst_ni,
    .wdata_i (rx_data_i), .wvalid_i(rx_valid_i), .wready_o(rx_ready_o),
    .rdata_o (rxf_data),  .rvalid_o(rxf_valid),  .rready_i(rxf_ready),
    .empty_o (rxf_empty)
  );

  logic        frm_valid, frm_ack, rx_hunting;
  logic [7:0]  frm_addr, frm_seq, frm_code, frm_status, fb_rdata;
  logic [15:0] frm_len;
  logic [10:0] fb_raddr;

  tatami_rx #(.RX_TIMEOUT(RX_TIMEOUT)) u_rx (
    .clk_i, .rst_ni,
    .in_data_i   (rxf_data), .in_valid_i(rxf_valid), .in_ready_o(rxf_ready),
    .frm_valid_o (frm_valid), .frm_addr_o(frm_addr), .frm_seq_o(frm_seq),
    .frm_code_o  (frm_code), .frm_len_o(frm_len), .frm_status_o(frm_status),
    .frm_ack_i   (frm_ack),
    .buf_raddr_i (fb_raddr), .buf_rdata_o(fb_rdata),
    .hunting_o   (rx_hunting)
  );

  // ------------------------------------------------------------ TX path
  logic        hdr_valid, hdr_ready, pl_valid, pl_ready, tx_idle;
  logic [7:0]  hdr_seq, hdr_status, pl_data;
  logic        tx_pl_valid, tx_pl_ready;
  logic [7:0]  tx_pl_data;

  if (PL_SKID) begin : g_pl_skid
    tatami_skid #(.WIDTH(8)) u_pl_skid (
      .clk_i, .rst_ni,
      .data_i(pl_data), .valid_i(pl_valid), .ready_o(pl_ready),
      .data_o(tx_pl_data), .valid_o(tx_pl_valid), .ready_i(tx_pl_ready)
    );
  end else begin : g_pl_direct
    assign tx_pl_data  = pl_data;
    assign tx_pl_valid = pl_valid;
    assign pl_ready    = tx_pl_ready;
  end
  logic [10:0] hdr_len;

  tatami_tx u_tx (
    .clk_i, .rst_ni,
    .hdr_valid_i (hdr_valid), .hdr_ready_o(hdr_ready), .hdr_addr_i(MY_ADDR),
    .hdr_seq_i   (hdr_seq), .hdr_status_i(hdr_status), .hdr_len_i(hdr_len),
    .pl_data_i   (tx_pl_data), .pl_valid_i(tx_pl_valid), .pl_ready_o(tx_pl_ready),
    .tx_data_o, .tx_valid_o, .tx_ready_i,
    .idle_o      (tx_idle)
  );

  // ------------------------------------------------------------ SRAM
  logic           ra_en, rb_en, rc_en, w_en;
  logic [AW-1:0]  ra_addr, rb_addr, rc_addr, w_addr;
  logic [8*W-1:0] ra_data, rb_data, rc_data, w_data;
  logic [W-1:0]   w_be;

  // g_en: the engine's clock enable. The multi-port SRAM never stalls; the
  // single-ported board memory serves one port per clock and freezes the
  // engine while it works through a cycle's other requests.
  logic g_en;
  if (MEM == 0) begin : g_sram
    tatami_sram #(.BYTES(SRAM_BYTES), .W(W)) u_sram (
      .clk_i,
      .ra_en_i(ra_en), .ra_addr_i(ra_addr), .ra_data_o(ra_data),
      .rb_en_i(rb_en), .rb_addr_i(rb_addr), .rb_data_o(rb_data),
      .rc_en_i(rc_en), .rc_addr_i(rc_addr), .rc_data_o(rc_data),
      .w_en_i (w_en),  .w_addr_i (w_addr),  .w_data_i (w_data), .w_be_i(w_be)
    );
    assign g_en = 1'b1;
  end else if (MEM == 1 || MEM == 2) begin : g_sram1p
    // tatami_gemm1p makes one request per clock: no arbitration needed
    tatami_sram1p #(.BYTES(SRAM_BYTES), .W(W), .IMPL(MEM - 1), .ARB(ENGINE == 0 && !FPU)) u_sram (
      .clk_i, .rst_ni, .en_o(g_en),
      .ra_en_i(ra_en), .ra_addr_i(ra_addr), .ra_data_o(ra_data),
      .rb_en_i(rb_en), .rb_addr_i(rb_addr), .rb_data_o(rb_data),
      .rc_en_i(rc_en), .rc_addr_i(rc_addr), .rc_data_o(rc_data),
      .w_en_i (w_en),  .w_addr_i (w_addr),  .w_data_i (w_data), .w_be_i(w_be)
    );
  end else begin : g_bad_mem
    tatami_tile_needs_MEM_0_1_or_2 u_fail ();
  end
  if (DW < AW + 1 || DW > 24) begin : g_bad_dw
    tatami_tile_needs_DW_between_AW_plus_1_and_24 u_fail ();
  end

  // ------------------------------------------------------------ GEMM engine
  logic           g_start, g_busy, g_done;
  logic [AW-1:0]  g_a, g_b, g_c;
  logic [23:0]    g_m, g_n, g_k;
  logic [31:0]    g_lda, g_ldb, g_ldc;
  logic           g_trans_a, g_trans_b, g_acc;
  logic           ev_busy, ev_stall_operand, ev_stall_drain;
  logic [MW-1:0]  ev_macs;
  logic           g_ra_en, g_rb_en, g_rc_en, g_w_en;
  logic [AW-1:0]  g_ra_addr, g_rb_addr, g_rc_addr, g_w_addr;
  logic [8*W-1:0] g_w_data;
  logic [W-1:0]   g_w_be;

  logic [2:0]     g_dt_a, g_dt_b, g_dt_c;
  logic [5:0]     g_bias_a, g_bias_b, g_bias_c;
  logic [4:0]     ev_flags;
  logic           seed_we;
  logic [31:0]    seed;
  // the vector unit (FP)
  logic [8*72-1:0] v_desc;
  logic           v_chk_start, v_chk_valid, v_start, v_done, v_busy;
  logic [7:0]     v_chk_status;
  logic [4:0]     v_flags;
  logic           v_ra_en, v_rb_en, v_rc_en, v_w_en;
  logic [AW-1:0]  v_ra_addr, v_rb_addr, v_rc_addr, v_w_addr;
  logic [8*W-1:0] v_w_data;
  logic [W-1:0]   v_w_be;

  // The floating-point ports exist on tatami_gemm only (FP = 1 there); the
  // shared port list is a macro.
`define TATAMI_TILE_GEMM_PORTS \
      .clk_i, .rst_ni, .en_i(g_en), \
      .start_i(g_start), .a_addr_i(g_a), .b_addr_i(g_b), .c_addr_i(g_c), \
      .m_i(g_m), .n_i(g_n), .k_i(g_k), .lda_i(g_lda), .ldb_i(g_ldb), .ldc_i(g_ldc), \
      .trans_a_i(g_trans_a), .trans_b_i(g_trans_b), .accumulate_i(g_acc), \
      .busy_o(g_busy), .done_o(g_done), \
      .ev_busy_o(ev_busy), .ev_macs_o(ev_macs), \
      .ev_stall_operand_o(ev_stall_operand), .ev_stall_drain_o(ev_stall_drain), \
      .ra_en_o(g_ra_en), .ra_addr_o(g_ra_addr), .ra_data_i(ra_data), \
      .rb_en_o(g_rb_en), .rb_addr_o(g_rb_addr), .rb_data_i(rb_data), \
      .rc_en_o(g_rc_en), .rc_addr_o(g_rc_addr), .rc_data_i(rc_data), \
      .w_en_o (g_w_en),  .w_addr_o (g_w_addr),  .w_data_o (g_w_data), .w_be_o(g_w_be)
  if (FPU) begin : g_fpu
    // Every GEMM on the serial unit (int8 and BF16); no array, no vector unit.
    logic          f_busy, f_mac, f_rd_en;
    logic [AW-1:0] f_rd_addr;
    tatami_fpu #(.SRAM_BYTES(SRAM_BYTES), .W(W), .RD_LAT(RD_LAT), .DSP(DSP)) u_fpu (
      .clk_i, .rst_ni,
      .g_start_i (g_start),
      .g_a_i(g_a), .g_b_i(g_b), .g_c_i(g_c), .g_m_i(g_m), .g_n_i(g_n), .g_k_i(g_k),
      .g_lda_i(g_lda), .g_ldb_i(g_ldb), .g_ldc_i(g_ldc),
      .g_trans_a_i(g_trans_a), .g_trans_b_i(g_trans_b), .g_acc_i(g_acc),
      .g_dt_a_i(g_dt_a), .g_dt_c_i(g_dt_c),
      .g_done_o  (g_done),
      .busy_o    (f_busy),
      .rd_en_o(f_rd_en), .rd_addr_o(f_rd_addr), .rd_data_i(ra_data),
      .w_en_o(g_w_en), .w_addr_o(g_w_addr), .w_data_o(g_w_data), .w_be_o(g_w_be),
      .ev_flags_o(ev_flags),
      .ev_mac_o  (f_mac)
    );
    assign g_busy  = f_busy;
    assign ev_busy = f_busy;
    assign ev_macs = MW'(f_mac);
    assign ev_stall_operand = 1'b0;
    assign ev_stall_drain   = 1'b0;
    assign g_ra_en = f_rd_en; assign g_ra_addr = f_rd_addr;
    assign g_rb_en = 1'b0;    assign g_rb_addr = '0;
    assign g_rc_en = 1'b0;    assign g_rc_addr = '0;
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused_fpu;   // B's type is A's (the sequencer checks it); no CFloat8 biases;
                        // one read port; the unit requests once per clock (no clock enable)
    assign unused_fpu = (^g_dt_b) ^ (^g_bias_a) ^ (^g_bias_b) ^ (^g_bias_c) ^ (^rb_data) ^ g_en;
    /* verilator lint_on UNUSEDSIGNAL */
    if (FP) begin : g_bad_fpu
      tatami_tile_FPU_needs_FP_0 u_fail ();
    end
  end else if (ENGINE == 0) begin : g_gemm
    tatami_gemm #(.R(R), .C(C), .SRAM_BYTES(SRAM_BYTES), .W(W), .DW(DW), .DSP(DSP), .FP(FP)) u_gemm (
      `TATAMI_TILE_GEMM_PORTS,
      .dtype_a_i(g_dt_a), .dtype_b_i(g_dt_b), .dtype_c_i(g_dt_c),
      .bias_a_i(g_bias_a), .bias_b_i(g_bias_b), .bias_c_i(g_bias_c),
      .ev_flags_o(ev_flags)
    );
  end else if (ENGINE == 1) begin : g_gemm1p
    tatami_gemm1p #(.R(R), .C(C), .SRAM_BYTES(SRAM_BYTES), .W(W), .DW(DW), .DSP(DSP),
                    .RD_LAT(RD_LAT)) u_gemm (
      `TATAMI_TILE_GEMM_PORTS
    );
    assign ev_flags = '0;
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused_fp;   // the panel engine is int8 only (FP needs ENGINE 0)
    assign unused_fp = (^g_dt_a) ^ (^g_dt_b) ^ (^g_dt_c) ^ (^g_bias_a) ^ (^g_bias_b) ^ (^g_bias_c);
    /* verilator lint_on UNUSEDSIGNAL */
    if (FP) begin : g_bad_fp
      tatami_tile_FP_needs_ENGINE_0 u_fail ();
    end
  end else begin : g_bad_engine
    tatami_tile_needs_ENGINE_0_or_1 u_fail ();
  end
`undef TATAMI_TILE_GEMM_PORTS

  // ------------------------------------------------------------ sequencer
  logic           s_rd_en, s_wr_en, seq_idle;
  logic [AW-1:0]  s_rd_addr, s_wr_addr;
  logic [8*W-1:0] s_wr_data;
  logic [W-1:0]   s_wr_be;

  tatami_seq #(
    .R(R), .C(C), .SRAM_BYTES(SRAM_BYTES), .W(W), .PROFILE(PROFILE),
    .TILE_X(TILE_X), .TILE_Y(TILE_Y), .CREDITS(CREDITS), .CNT_W(CNT_W),
    .CLOCK_HZ(CLOCK_HZ), .MW(MW), .RD_LAT(RD_LAT), .FP(FP || FPU), .VEC(FP),
    .PROG(!FPU), .CF8(!FPU)
  ) u_seq (
    .clk_i, .rst_ni,
    .frm_valid_i(frm_valid), .frm_addr_i(frm_addr), .frm_seq_i(frm_seq),
    .frm_code_i(frm_code), .frm_len_i(frm_len), .frm_status_i(frm_status),
    .frm_ack_o(frm_ack), .fb_raddr_o(fb_raddr), .fb_rdata_i(fb_rdata),
    .hdr_valid_o(hdr_valid), .hdr_ready_i(hdr_ready), .hdr_seq_o(hdr_seq),
    .hdr_status_o(hdr_status), .hdr_len_o(hdr_len),
    .pl_data_o(pl_data), .pl_valid_o(pl_valid), .pl_ready_i(pl_ready),
    .rd_en_o(s_rd_en), .rd_addr_o(s_rd_addr), .rd_data_i(rc_data),
    .wr_en_o(s_wr_en), .wr_addr_o(s_wr_addr), .wr_data_o(s_wr_data), .wr_be_o(s_wr_be),
    .g_start_o(g_start), .g_a_o(g_a), .g_b_o(g_b), .g_c_o(g_c),
    .g_m_o(g_m), .g_n_o(g_n), .g_k_o(g_k),
    .g_lda_o(g_lda), .g_ldb_o(g_ldb), .g_ldc_o(g_ldc),
    .g_trans_a_o(g_trans_a), .g_trans_b_o(g_trans_b), .g_acc_o(g_acc),
    .g_dtype_a_o(g_dt_a), .g_dtype_b_o(g_dt_b), .g_dtype_c_o(g_dt_c),
    .g_bias_a_o(g_bias_a), .g_bias_b_o(g_bias_b), .g_bias_c_o(g_bias_c),
    .g_done_i(g_done),
    .ev_flags_i(ev_flags | v_flags), .seed_we_o(seed_we), .seed_o(seed),
    .v_desc_o(v_desc), .v_chk_start_o(v_chk_start), .v_chk_valid_i(v_chk_valid),
    .v_chk_status_i(v_chk_status), .v_start_o(v_start), .v_done_i(v_done),
    .ev_busy_i(ev_busy), .ev_macs_i(ev_macs),
    .ev_stall_operand_i(ev_stall_operand), .ev_stall_drain_i(ev_stall_drain),
    .ev_stall_tx_i(tx_valid_o && !tx_ready_i),
    .ev_rx_overrun_i(rx_valid_i && !rx_ready_o),
    .dbg_cnt_sel_i, .dbg_cnt_o,
    .busy_o(busy_o), .error_o(error_o), .idle_o(seq_idle)
  );

  // SRAM port ownership: the engine or the vector unit while busy, the
  // sequencer otherwise.
  always_comb begin
    if (v_busy) begin
      ra_en = v_ra_en; ra_addr = v_ra_addr;
      rb_en = v_rb_en; rb_addr = v_rb_addr;
      rc_en = v_rc_en; rc_addr = v_rc_addr;
      w_en  = v_w_en;  w_addr  = v_w_addr; w_data = v_w_data; w_be = v_w_be;
    end else if (g_busy) begin
      ra_en = g_ra_en; ra_addr = g_ra_addr;
      rb_en = g_rb_en; rb_addr = g_rb_addr;
      rc_en = g_rc_en; rc_addr = g_rc_addr;
      w_en  = g_w_en;  w_addr  = g_w_addr; w_data = g_w_data; w_be = g_w_be;
    end else begin
      ra_en = 1'b0;    ra_addr = '0;
      rb_en = 1'b0;    rb_addr = '0;
      rc_en = s_rd_en; rc_addr = s_rd_addr;
      w_en  = s_wr_en; w_addr  = s_wr_addr; w_data = s_wr_data; w_be = s_wr_be;
    end
  end

  // The random source of stochastic rounding (docs/numerics.md 6.3); the
  // vector unit will draw from it. Only its seed register exists without FP.
  // The vector unit draws from it (W/2 lanes); it owns the SRAM ports while
  // busy, like the engine.
  if (FP) begin : g_vec
    localparam int RL = W / 2;
    logic [16*RL-1:0]        rnd;
    logic [31:0]             rng_state;
    logic [$clog2(RL+1)-1:0] take;
    tatami_rng #(.L(RL)) u_rng (
      .clk_i, .rst_ni,
      .seed_we_i (seed_we),
      .seed_i    (seed),
      .take_i    (take),
      .rnd_o     (rnd),
      .state_o   (rng_state)
    );
    tatami_vec #(.SRAM_BYTES(SRAM_BYTES), .W(W), .RL(RL)) u_vec (
      .clk_i, .rst_ni,
      .desc_i       (v_desc),
      .chk_status_o (v_chk_status),
      .chk_valid_o  (v_chk_valid),
      .chk_start_i  (v_chk_start),
      .start_i      (v_start),
      .busy_o       (v_busy),
      .done_o       (v_done),
      .ra_en_o(v_ra_en), .ra_addr_o(v_ra_addr), .ra_data_i(ra_data),
      .rb_en_o(v_rb_en), .rb_addr_o(v_rb_addr), .rb_data_i(rb_data),
      .rc_en_o(v_rc_en), .rc_addr_o(v_rc_addr), .rc_data_i(rc_data),
      .w_en_o(v_w_en), .w_addr_o(v_w_addr), .w_data_o(v_w_data), .w_be_o(v_w_be),
      .rng_take_o   (take),
      .rng_rnd_i    (rnd),
      .ev_flags_o   (v_flags)
    );
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused_rng;
    assign unused_rng = ^rng_state;
    /* verilator lint_on UNUSEDSIGNAL */
  end else begin : g_no_vec
    assign v_chk_valid  = 1'b0;
    assign v_chk_status = '0;
    assign v_busy       = 1'b0;
    assign v_done       = 1'b0;
    assign v_flags      = '0;
    assign v_ra_en = 1'b0; assign v_ra_addr = '0;
    assign v_rb_en = 1'b0; assign v_rb_addr = '0;
    assign v_rc_en = 1'b0; assign v_rc_addr = '0;
    assign v_w_en  = 1'b0; assign v_w_addr  = '0; assign v_w_data = '0; assign v_w_be = '0;
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused_seed;
    assign unused_seed = seed_we ^ (^seed) ^ (^v_desc) ^ v_chk_start ^ v_start;
    /* verilator lint_on UNUSEDSIGNAL */
  end

  // Idle: nothing buffered, no partial frame, nothing executing or to send.
  assign idle_o = rxf_empty && rx_hunting && !frm_valid && seq_idle && !g_busy && !v_busy && tx_idle;
endmodule
