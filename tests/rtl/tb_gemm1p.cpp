// tb_gemm1p: the tb_gemm driver on the board engine tatami_gemm1p (R=C=W=4,
// 128 KiB, 16-deep panels) with en_i low in ~20% of the cycles; see tb_gemm.cpp.
#define TB_TOP Vtb_gemm1p
#include "Vtb_gemm1p.h"
static const int R = 4, C = 4, W = 4;
static const uint32_t BYTES = 1u << 17;
static const bool BIG = false;
#define FREEZE_PCT 20
#include "tb_gemm.cpp"
