// Testbench top for tatami_crc32 and tatami_rx (driven by tb_crc_rx.cpp).
// The combinational CRC is exposed directly; the decoder is fed through a
// small tatami_fifo so the FIFO's valid/ready path is exercised too.
module tb_crc_rx #(
  parameter int RX_TIMEOUT = 64
) (
  input  logic        clk_i,
  input  logic        rst_ni,

  input  logic [31:0] crc_i,
  input  logic [7:0]  crc_data_i,
  output logic [31:0] crc_o,

  input  logic [7:0]  in_data_i,
  input  logic        in_valid_i,
  output logic        in_ready_o,

  output logic        frm_valid_o,
  output logic [7:0]  frm_addr_o,
  output logic [7:0]  frm_seq_o,
  output logic [7:0]  frm_code_o,
  output logic [15:0] frm_len_o,
  output logic [7:0]  frm_status_o,
  input  logic        frm_ack_i,
  input  logic [10:0] buf_raddr_i,
  output logic [7:0]  buf_rdata_o,
  output logic        hunting_o,
  output logic        fifo_empty_o
);
  tatami_crc32 u_crc (.crc_i(crc_i), .data_i(crc_data_i), .crc_o(crc_o));

  logic [7:0] f_data;
  logic       f_valid, f_ready;

  tatami_fifo #(.WIDTH(8), .DEPTH(16)) u_fifo (
    .clk_i, .rst_ni,
    .wdata_i(in_data_i), .wvalid_i(in_valid_i), .wready_o(in_ready_o),
    .rdata_o(f_data), .rvalid_o(f_valid), .rready_i(f_ready),
    .empty_o(fifo_empty_o)
  );

  tatami_rx #(.RX_TIMEOUT(RX_TIMEOUT)) u_rx (
    .clk_i, .rst_ni,
    .in_data_i(f_data), .in_valid_i(f_valid), .in_ready_o(f_ready),
    .frm_valid_o, .frm_addr_o, .frm_seq_o, .frm_code_o, .frm_len_o, .frm_status_o,
    .frm_ack_i, .buf_raddr_i, .buf_rdata_o, .hunting_o
  );
endmodule
