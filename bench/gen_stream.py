#!/usr/bin/env python3
"""Write the command frames of one int8 GEMM job (HELLO, WRITE A and B,
GEMM, READ C) as a hex byte stream, one byte per line, for the simulator
speed benchmark: Verilator (sim_speed) and Icarus (icarus_tb.sv) replay the
same bytes, so their cycle counts must agree exactly. Independent of
libtatami on purpose: the frames are built from docs/protocol.md."""
import random
import struct
import sys
import zlib


def frame(seq, op, payload=b""):
    body = struct.pack("<BBBH", 0x00, seq & 0xFF, op, len(payload)) + payload
    return b"\xA5\x5A" + body + struct.pack("<I", zlib.crc32(body))


def main():
    m, n, k = (int(x) for x in sys.argv[1:4])
    out = sys.argv[4]
    rng = random.Random(1)
    a_addr, b_addr = 0, m * k
    c_addr = (b_addr + k * n + 15) & ~15
    frames = [frame(0, 0x00)]
    seq = 1
    for base, size in ((a_addr, m * k), (b_addr, k * n)):
        data = bytes(rng.randrange(256) for _ in range(size))
        for off in range(0, size, 1024):
            chunk = data[off:off + 1024]
            frames.append(frame(seq, 0x02, struct.pack("<I", base + off) + chunk))
            seq += 1
    desc = struct.pack("<9I4B", a_addr, b_addr, c_addr, m, n, k, k, n, n, 0, 0, 0, 0)
    frames.append(frame(seq, 0x04, desc))
    seq += 1
    frames.append(frame(seq, 0x03, struct.pack("<IH", c_addr, min(1024, 4 * m * n))))
    with open(out, "w") as f:
        for fr in frames:
            for b in fr:
                f.write("%02x\n" % b)
    print(len(frames), sum(len(fr) for fr in frames))


if __name__ == "__main__":
    main()
