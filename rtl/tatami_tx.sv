// Response encoder: frames ADDR, SEQ, STATUS, LEN and hdr_len_i payload bytes
// pulled from the pl_* stream, appends the CRC (LSB first) and sends it on
// the 8-bit valid/ready link. The link byte sits in an output register, so
// it is stable while tx_valid_o && !tx_ready_i; one byte per cycle when the
// link is ready.
module tatami_tx (
  input  logic        clk_i,
  input  logic        rst_ni,

  input  logic        hdr_valid_i,
  output logic        hdr_ready_o,
  input  logic [7:0]  hdr_addr_i,
  input  logic [7:0]  hdr_seq_i,
  input  logic [7:0]  hdr_status_i,
  input  logic [10:0] hdr_len_i,

  input  logic [7:0]  pl_data_i,
  input  logic        pl_valid_i,
  output logic        pl_ready_o,

  output logic [7:0]  tx_data_o,
  output logic        tx_valid_o,
  input  logic        tx_ready_i,

  output logic        idle_o             // no frame being sent
);
  typedef enum logic [2:0] {
    T_IDLE, T_SYNC0, T_SYNC1, T_HDR, T_PAY, T_CRC
  } state_e;

  state_e      state_q, state_d;
  logic [10:0] idx_q, idx_d;
  logic [7:0]  addr_q, seq_q, status_q;
  logic [10:0] len_q;
  logic [31:0] crc_q, crc_d, crc_next;
  logic [7:0]  out_q, out_d, crc_in;
  logic        out_valid_q, out_valid_d;
  logic        adv;                      // the output register can take a byte
  logic        hdr_take;

  tatami_crc32 u_crc (.crc_i(crc_q), .data_i(crc_in), .crc_o(crc_next));

  assign adv         = !out_valid_q || tx_ready_i;
  assign hdr_ready_o = (state_q == T_IDLE);
  assign hdr_take    = hdr_valid_i && hdr_ready_o;
  assign pl_ready_o  = (state_q == T_PAY) && adv;

  always_comb begin
    state_d     = state_q;
    idx_d       = idx_q;
    crc_d       = crc_q;
    out_d       = out_q;
    out_valid_d = out_valid_q && !tx_ready_i;
    crc_in      = pl_data_i;

    unique case (state_q)
      T_IDLE: if (hdr_take) state_d = T_SYNC0;
      T_SYNC0: if (adv) begin
        out_d = 8'hA5; out_valid_d = 1'b1; state_d = T_SYNC1;
      end
      T_SYNC1: if (adv) begin
        out_d = 8'h5A; out_valid_d = 1'b1; state_d = T_HDR;
        idx_d = '0; crc_d = 32'hFFFFFFFF;
      end
      T_HDR: begin
        unique case (idx_q[2:0])
          3'd0:    crc_in = addr_q;
          3'd1:    crc_in = seq_q;
          3'd2:    crc_in = status_q;
          3'd3:    crc_in = len_q[7:0];
          default: crc_in = {5'b0, len_q[10:8]};
        endcase
        if (adv) begin
          out_d = crc_in; out_valid_d = 1'b1; crc_d = crc_next;
          idx_d = idx_q + 1'b1;
          if (idx_q[2:0] == 3'd4) begin
            idx_d   = '0;
            // if/else, not ?:, because Icarus wants an explicit enum cast for ?:
            if (len_q == '0) state_d = T_CRC;
            else             state_d = T_PAY;
          end
        end
      end
      T_PAY: if (adv && pl_valid_i) begin
        out_d = pl_data_i; out_valid_d = 1'b1; crc_d = crc_next;
        idx_d = idx_q + 1'b1;
        if (idx_q == len_q - 1'b1) begin
          idx_d   = '0;
          state_d = T_CRC;
        end
      end
      T_CRC: if (adv) begin
        // The frame CRC is the inverted register, sent LSB first.
        out_d = ~crc_q[7:0]; out_valid_d = 1'b1;
        crc_d = {8'h00, crc_q[31:8]};
        idx_d = idx_q + 1'b1;
        if (idx_q[1:0] == 2'd3) state_d = T_IDLE;
      end
      default: state_d = T_IDLE;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= T_IDLE;
      idx_q       <= '0;
      addr_q      <= '0;
      seq_q       <= '0;
      status_q    <= '0;
      len_q       <= '0;
      crc_q       <= '0;
      out_q       <= '0;
      out_valid_q <= 1'b0;
    end else begin
      state_q     <= state_d;
      idx_q       <= idx_d;
      crc_q       <= crc_d;
      out_q       <= out_d;
      out_valid_q <= out_valid_d;
      if (hdr_take) begin
        addr_q   <= hdr_addr_i;
        seq_q    <= hdr_seq_i;
        status_q <= hdr_status_i;
        len_q    <= hdr_len_i;
      end
    end
  end

  assign tx_data_o  = out_q;
  assign tx_valid_o = out_valid_q;
  assign idle_o     = (state_q == T_IDLE) && !out_valid_q;
endmodule
