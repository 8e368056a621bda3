// tb_gemm_small: the tb_gemm driver on a small non-square engine
// (R=4, C=3, W=4, 64 KiB SRAM); see tb_gemm.cpp.
#define TB_TOP Vtb_gemm_small
#include "Vtb_gemm_small.h"
static const int R = 4, C = 3, W = 4;
static const uint32_t BYTES = 1u << 16;
static const bool BIG = false;
#include "tb_gemm.cpp"
