// Host side of tb_fp_sram.svh, shared by the testbenches of the sim
// profile's floating-point units (tb_fp_gemm, tb_fp_vec): clock the top, and
// read or write its tatami_sram (W = 32-byte port) through the host port
// while the unit is idle. The top must have clk_i and the host_* ports.
#ifndef TB_FP_SRAM_H
#define TB_FP_SRAM_H

#include "verilated.h"
#include <algorithm>
#include <cstdint>
#include <cstring>

template <class Top>
struct TbFpSram {
  static const int W = 32;
  Top* top = nullptr;
  uint64_t cyc = 0;

  void tick() {
    top->clk_i = 1; top->eval();
    top->clk_i = 0; top->eval();
    cyc++;
  }
  static void put(VlWide<8>& p, const uint8_t* b) {
    for (int w = 0; w < 8; w++)
      p[w] = b[4 * w] | b[4 * w + 1] << 8 | b[4 * w + 2] << 16 | (uint32_t)b[4 * w + 3] << 24;
  }
  static void get(const VlWide<8>& p, uint8_t* b) {
    for (int w = 0; w < 8; w++)
      for (int i = 0; i < 4; i++) b[4 * w + i] = (uint8_t)(p[w] >> (8 * i));
  }
  // W bytes per clock; a partial last word writes only its bytes.
  void write(uint32_t addr, const uint8_t* src, uint32_t len) {
    uint8_t buf[W];
    for (uint32_t off = 0; off < len; off += W) {
      uint32_t n = std::min<uint32_t>(W, len - off);
      memset(buf, 0, sizeof buf);
      memcpy(buf, src + off, n);
      top->host_w_en_i = 1;
      top->host_w_addr_i = addr + off;
      put(top->host_w_data_i, buf);
      top->host_w_be_i = (uint32_t)((1ull << n) - 1);
      tick();
    }
    top->host_w_en_i = 0;
  }
  void read(uint32_t addr, uint8_t* dst, uint32_t len) {
    uint8_t buf[W];
    for (uint32_t off = 0; off < len; off += W) {
      top->host_r_en_i = 1;
      top->host_r_addr_i = addr + off;
      tick();
      get(top->host_r_data_o, buf);
      memcpy(dst + off, buf, std::min<uint32_t>(W, len - off));
    }
    top->host_r_en_i = 0;
  }
};

#endif
