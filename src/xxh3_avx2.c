/* xxh3_avx2.c -- the XXH3 kernel for AVX2 (xxh3_kernels.h); compiled with
 * -mavx2 (src/CMakeLists.txt: xxhash.h then picks its AVX2 code), run only
 * when splinter::kernel() says the CPU has it. */
#define SPL_XXH3_WIDTH avx2
#define SPL_XXH3_FUSED 1
#include "xxh3_kernel.inc"
