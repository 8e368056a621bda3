// tb_gemm_en: the tb_gemm driver on the board profile's engine (R=C=W=4,
// 128 KiB, DW=18) with en_i low in ~30% of the cycles; see tb_gemm.cpp.
#define TB_TOP Vtb_gemm_en
#include "Vtb_gemm_en.h"
static const int R = 4, C = 4, W = 4;
static const uint32_t BYTES = 1u << 17;
static const bool BIG = false;
#define FREEZE_PCT 30
#include "tb_gemm.cpp"
