/* xxh3_base.c -- the XXH3 kernel for the build's target (xxh3_kernels.h). */
/* libxxhash's own functions, not xxhash.h inlined: GCC 12 compiles the
   inlined SSE2 loop with its accumulators in memory (4 KiB: 1,060 ns against
   libxxhash's 254 ns on the EPYC of docs/PERFORMANCE.md, at -O2 and -O3). */
#define SPL_XXH3_LINKED
#define SPL_XXH3_WIDTH base
#define SPL_XXH3_FUSED 0
#include "xxh3_kernel.inc"
