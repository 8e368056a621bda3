// Two-entry skid buffer on a valid/ready byte stream: every output and
// ready_o come from flops, so no combinational path crosses it in either
// direction (the board tile puts one between the sequencer's response
// payload and the frame encoder: the link's ready no longer reaches the
// SRAM read request, and SRAM read data no longer reaches the CRC, in one
// clock). Full throughput; adds one cycle of latency.
module tatami_skid #(
  parameter int WIDTH = 8
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic [WIDTH-1:0] data_i,
  input  logic             valid_i,
  output logic             ready_o,
  output logic [WIDTH-1:0] data_o,
  output logic             valid_o,
  input  logic             ready_i
);
  logic [WIDTH-1:0] data_q, skid_q;
  logic             valid_q, skid_v_q;
  logic             take, drain;

  always_comb begin
    take  = valid_i && !skid_v_q;          // an input byte is accepted
    drain = !valid_q || ready_i;           // the output register is free this clock
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q  <= 1'b0;
      skid_v_q <= 1'b0;
    end else if (drain) begin
      valid_q  <= skid_v_q || take;
      skid_v_q <= 1'b0;
    end else if (take) begin
      skid_v_q <= 1'b1;                    // output stalled: park the byte
    end
  end

  always_ff @(posedge clk_i) begin
    if (drain)     data_q <= skid_v_q ? skid_q : data_i;
    if (take && !drain) skid_q <= data_i;
  end

  assign ready_o = !skid_v_q;
  assign data_o  = data_q;
  assign valid_o = valid_q;
endmodule
