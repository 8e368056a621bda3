// One-byte update of CRC-32/ISO-HDLC in its reflected form (polynomial
// 0xEDB88320, LSB first). Purely combinational: the caller holds the running
// value, starts it at 0xFFFFFFFF and inverts the final value (docs/protocol.md).
// One signal per bit step: a variable updated in place inside an always_comb
// (read back through c[0]) makes Icarus re-trigger other processes on every
// step.
module tatami_crc32 (
  input  logic [31:0] crc_i,
  input  logic [7:0]  data_i,
  output logic [31:0] crc_o
);
  logic [31:0] c0, c1, c2, c3, c4, c5, c6, c7, c8;
  assign c0    = crc_i ^ {24'h0, data_i};
  assign c1    = c0[0] ? ((c0 >> 1) ^ 32'hEDB88320) : (c0 >> 1);
  assign c2    = c1[0] ? ((c1 >> 1) ^ 32'hEDB88320) : (c1 >> 1);
  assign c3    = c2[0] ? ((c2 >> 1) ^ 32'hEDB88320) : (c2 >> 1);
  assign c4    = c3[0] ? ((c3 >> 1) ^ 32'hEDB88320) : (c3 >> 1);
  assign c5    = c4[0] ? ((c4 >> 1) ^ 32'hEDB88320) : (c4 >> 1);
  assign c6    = c5[0] ? ((c5 >> 1) ^ 32'hEDB88320) : (c5 >> 1);
  assign c7    = c6[0] ? ((c6 >> 1) ^ 32'hEDB88320) : (c6 >> 1);
  assign c8    = c7[0] ? ((c7 >> 1) ^ 32'hEDB88320) : (c7 >> 1);
  assign crc_o = c8;
endmodule
