/* xxh3_kernels.h -- XXH3-64 of a value, compiled once per vector width.
 *
 * xxh3_kernel.inc is compiled once per width: xxh3_base.c calls libxxhash
 * (SSE2 on x86-64) and, on x86-64, xxh3_avx2.c with -mavx2 and
 * xxh3_avx512.c with -mavx512f. All compute the same XXH3-64 (the widths
 * differ in speed, never in result), so which one runs is a matter of speed
 * only: splinter::kernel() (hash.cpp) picks, once per process, from what the
 * CPU and the OS support. (libxxhash's own dispatch, xxh_x86dispatch.c, is not
 * in Debian's static libxxhash.a, and a static consumer must link.)
 *
 * The kernels are C (xxhash.h marks its inner loops' pointers `restrict` only
 * when compiled as C99), and a C file defines nothing a C++ caller could
 * share by accident: under XXH_INLINE_ALL every xxHash function is static, so
 * an -mavx2 object defines no symbol but its two kernels (in C++, an inline
 * function with external linkage compiled there could be the copy the linker
 * keeps for callers on any CPU). */
#ifndef SPLINTER_SRC_XXH3_KERNELS_H
#define SPLINTER_SRC_XXH3_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Copies n bytes of a value out of the region (copy.cpp's word copy). */
typedef void (*spl_copy_fn)(const uint8_t *src, size_t n, unsigned char *dst);

/* Each kernel W (base, avx2, avx512) has
 *   spl_xxh3_W(bytes, len, seed): XXH3-64 of len bytes with a seed;
 * the base kernel also
 *   spl_copy_xxh3_base(src, len, dst, seed, chunk, copy): copies len bytes from
 *     src to dst with `copy`, `chunk` bytes (a multiple of 8) at a time, each
 *     chunk fed to XXH3's streaming state while it is still in L1; returns
 *     the XXH3-64 of the bytes in dst;
 * and the wide kernels (avx2, avx512)
 *   spl_copy_xxh3_fused_W(src, len, dst, seed, copy_tail): the same copy and
 *     hash in one pass over the bytes, for values over 240 bytes: each
 *     64-byte stripe is loaded from the region once (one asm statement of one
 *     64-byte or two 32-byte vector loads, outside the C++ memory model: why
 *     that is race-free is next to it, in xxh3_kernel.inc, and in FORMAT.md
 *     2.4 step 4), stored to dst and hashed from the loaded register;
 *     copy_tail copies the last 1 to 64 bytes (the buffer is padded to 8
 *     only), and the whole of a value up to 240 bytes, and XXH3's last
 *     stripe is hashed from dst. */
#define SPL_HIDDEN __attribute__((visibility("hidden")))
SPL_HIDDEN uint64_t spl_xxh3_base(const void *bytes, size_t len, uint64_t seed);
SPL_HIDDEN uint64_t spl_copy_xxh3_base(const uint8_t *src, size_t len, unsigned char *dst, uint64_t seed,
                                       size_t chunk, spl_copy_fn copy);
#if defined(__x86_64__)
SPL_HIDDEN uint64_t spl_xxh3_avx2(const void *bytes, size_t len, uint64_t seed);
SPL_HIDDEN uint64_t spl_xxh3_avx512(const void *bytes, size_t len, uint64_t seed);
SPL_HIDDEN uint64_t spl_copy_xxh3_fused_avx2(const uint8_t *src, size_t len, unsigned char *dst, uint64_t seed,
                                             spl_copy_fn copy_tail);
SPL_HIDDEN uint64_t spl_copy_xxh3_fused_avx512(const uint8_t *src, size_t len, unsigned char *dst, uint64_t seed,
                                               spl_copy_fn copy_tail);
#endif
#undef SPL_HIDDEN

#ifdef __cplusplus
}

namespace splinter {
// Which kernel this process runs: the widest the CPU and the OS support --
// the base kernel in a ThreadSanitizer build (hash.cpp says why).
enum class Kernel { base, avx2, avx512 };
Kernel kernel();

#if defined(__SANITIZE_THREAD__)
inline constexpr bool kThreadSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool kThreadSanitizer = true;
#else
inline constexpr bool kThreadSanitizer = false;
#endif
#else
inline constexpr bool kThreadSanitizer = false;
#endif
}  // namespace splinter
#endif

#endif /* SPLINTER_SRC_XXH3_KERNELS_H */
