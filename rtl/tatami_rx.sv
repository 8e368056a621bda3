// Frame decoder (docs/protocol.md section 1). Pops link bytes from the RX
// FIFO, hunts for A5 5A, parses the header, stores the payload in a frame
// buffer RAM and checks the CRC. A finished frame (or a framing error) is
// presented on frm_* until frm_ack_i; the decoder takes no byte meanwhile,
// so the FIFO buffers the next frames. The payload is read through a
// synchronous port (data one cycle after the address).
`include "tatami_defs.svh"
module tatami_rx #(
  parameter int RX_TIMEOUT = 4096,       // inter-byte timeout inside a frame, cycles
  localparam int TW        = $clog2(RX_TIMEOUT + 1)
) (
  input  logic        clk_i,
  input  logic        rst_ni,

  input  logic [7:0]  in_data_i,
  input  logic        in_valid_i,
  output logic        in_ready_o,

  output logic        frm_valid_o,
  output logic [7:0]  frm_addr_o,
  output logic [7:0]  frm_seq_o,         // 0 if a truncated frame ended before SEQ
  output logic [7:0]  frm_code_o,
  output logic [15:0] frm_len_o,
  output logic [7:0]  frm_status_o,      // OK, BAD_CRC, TRUNCATED or TOO_LONG
  input  logic        frm_ack_i,

  input  logic [10:0] buf_raddr_i,
  output logic [7:0]  buf_rdata_o,

  output logic        hunting_o          // no byte of a frame pending (not even an A5)
);
  typedef enum logic [2:0] {
    S_HUNT, S_SYNC1, S_HDR, S_PAY, S_CRC, S_DONE
  } state_e;

  state_e      state_q, state_d;
  logic [10:0] idx_q, idx_d;             // byte index within header / payload / CRC
  logic [7:0]  addr_q, addr_d, seq_q, seq_d, code_q, code_d, status_q, status_d;
  logic [15:0] len_q, len_d;
  logic [31:0] crc_q, crc_d, crc_next;
  logic [23:0] rcrc_q, rcrc_d;           // first three received CRC bytes
  logic [TW-1:0] tmr_q, tmr_d;
  logic        take, timeout;
  logic        buf_we;

  logic [7:0] fbuf [1028];               // payload buffer (block RAM)
  logic [7:0] buf_rdata_q;

  tatami_crc32 u_crc (.crc_i(crc_q), .data_i(in_data_i), .crc_o(crc_next));

  assign in_ready_o = (state_q != S_DONE);
  assign take       = in_valid_i && in_ready_o;
  assign timeout    = (tmr_q == TW'(RX_TIMEOUT - 1));

  always_comb begin
    state_d  = state_q;
    idx_d    = idx_q;
    addr_d   = addr_q;
    seq_d    = seq_q;
    code_d   = code_q;
    len_d    = len_q;
    crc_d    = crc_q;
    rcrc_d   = rcrc_q;
    status_d = status_q;
    buf_we   = 1'b0;
    // The timer runs only while a frame is partly received.
    tmr_d    = (take || state_q == S_HUNT || state_q == S_DONE) ? '0 : tmr_q + 1'b1;

    unique case (state_q)
      S_HUNT: if (take && in_data_i == `TATAMI_SYNC0) state_d = S_SYNC1;
      S_SYNC1: begin
        if (take) begin
          if (in_data_i == `TATAMI_SYNC1) begin
            state_d = S_HDR;
            idx_d   = '0;
            crc_d   = 32'hFFFFFFFF;
            seq_d   = 8'h00;
          end else if (in_data_i != `TATAMI_SYNC0) begin
            state_d = S_HUNT;             // A5 A5 keeps waiting for 5A
          end
        end else if (timeout) begin
          state_d = S_HUNT;               // a lone A5 is silently dropped
        end
      end
      S_HDR: begin
        if (take) begin
          crc_d = crc_next;
          idx_d = idx_q + 1'b1;
          unique case (idx_q[2:0])
            3'd0: addr_d = in_data_i;
            3'd1: seq_d  = in_data_i;
            3'd2: code_d = in_data_i;
            3'd3: len_d  = {8'h00, in_data_i};
            default: begin
              len_d = {in_data_i, len_q[7:0]};
              idx_d = '0;
              if ({in_data_i, len_q[7:0]} > 16'(`TATAMI_MAX_PAYLOAD)) begin
                state_d  = S_DONE;
                status_d = `TATAMI_ST_TOO_LONG;
              end else if ({in_data_i, len_q[7:0]} == 16'h0000) begin
                state_d = S_CRC;
              end else begin
                state_d = S_PAY;
              end
            end
          endcase
        end
      end
      S_PAY: begin
        if (take) begin
          buf_we = 1'b1;
          crc_d  = crc_next;
          idx_d  = idx_q + 1'b1;
          if ({5'b0, idx_q} == len_q - 16'd1) begin
            state_d = S_CRC;
            idx_d   = '0;
          end
        end
      end
      S_CRC: begin
        if (take) begin
          rcrc_d = {in_data_i, rcrc_q[23:8]};
          idx_d  = idx_q + 1'b1;
          if (idx_q[1:0] == 2'd3) begin
            state_d  = S_DONE;
            status_d = ({in_data_i, rcrc_q} == ~crc_q) ? `TATAMI_ST_OK : `TATAMI_ST_BAD_CRC;
          end
        end
      end
      S_DONE: begin
        if (frm_ack_i) state_d = S_HUNT;
      end
      default: state_d = S_HUNT;
    endcase

    // Inter-byte timeout inside a frame (after both sync bytes).
    if (!take && timeout && (state_q == S_HDR || state_q == S_PAY || state_q == S_CRC)) begin
      state_d  = S_DONE;
      status_d = `TATAMI_ST_TRUNCATED;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q  <= S_HUNT;
      idx_q    <= '0;
      addr_q   <= '0;
      seq_q    <= '0;
      code_q   <= '0;
      len_q    <= '0;
      crc_q    <= '0;
      rcrc_q   <= '0;
      status_q <= '0;
      tmr_q    <= '0;
    end else begin
      state_q  <= state_d;
      idx_q    <= idx_d;
      addr_q   <= addr_d;
      seq_q    <= seq_d;
      code_q   <= code_d;
      len_q    <= len_d;
      crc_q    <= crc_d;
      rcrc_q   <= rcrc_d;
      status_q <= status_d;
      tmr_q    <= tmr_d;
    end
  end

  // Frame buffer: plain RAM, no reset.
  always_ff @(posedge clk_i) begin
    if (buf_we) fbuf[idx_q] <= in_data_i;
    buf_rdata_q <= fbuf[buf_raddr_i];
  end

  assign buf_rdata_o  = buf_rdata_q;
  assign frm_valid_o  = (state_q == S_DONE);
  assign frm_addr_o   = addr_q;
  assign frm_seq_o    = seq_q;
  assign frm_code_o   = code_q;
  assign frm_len_o    = len_q;
  assign frm_status_o = status_q;
  assign hunting_o    = (state_q == S_HUNT);
endmodule
