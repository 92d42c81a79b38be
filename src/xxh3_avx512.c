/* xxh3_avx512.c -- the XXH3 kernel for AVX-512 (xxh3_kernels.h); compiled
 * with -mavx512f (src/CMakeLists.txt: xxhash.h then picks its AVX-512 code),
 * run only when splinter::kernel() says the CPU has it. */
#if defined(__GNUC__) && !defined(__clang__)
/* GCC 12 flags the deliberately undefined vectors of its own avx512fintrin.h
   (_mm512_undefined_epi32, the pass-through operand of an unmasked
   instruction) as maybe-uninitialized once xxhash.h's loops are inlined. */
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#define SPL_XXH3_WIDTH avx512
#define SPL_XXH3_FUSED 1
#include "xxh3_kernel.inc"
