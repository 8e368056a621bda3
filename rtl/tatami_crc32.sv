// One-byte update of CRC-32/ISO-HDLC in its reflected form (polynomial
// 0xEDB88320, LSB first). Purely combinational: the caller holds the running
// value, starts it at 0xFFFFFFFF and inverts the final value (docs/protocol.md).
module tatami_crc32 (
  input  logic [31:0] crc_i,
  input  logic [7:0]  data_i,
  output logic [31:0] crc_o
);
  logic [31:0] c;
  always_comb begin
    c = crc_i ^ {24'h0, data_i};
    for (int i = 0; i < 8; i++) begin
      c = c[0] ? ((c >> 1) ^ 32'hEDB88320) : (c >> 1);
    end
    crc_o = c;
  end
endmodule
