// copy.h -- a value copied out of the region and checksummed in one pass.
#ifndef SPLINTER_SRC_COPY_H
#define SPLINTER_SRC_COPY_H

#include <cstddef>
#include <cstdint>

namespace splinter {

// Copies len bytes of a value buffer out of the region into dst and returns
// the XXH3-64 of the bytes copied, seeded with `seed` (value_seed, hash.h):
// the value's check as the reader computes it (FORMAT.md 2.4 step 7).
//
// src is 8-byte aligned and readable for value_words(len) * 8 bytes (a
// buffer is padded to 8). The writer may be storing to it meanwhile: every
// byte is read as part of an aligned 8-byte relaxed atomic load (words.h), or,
// on a CPU with AVX2, of one 32- or 64-byte vector load in an asm statement
// (xxh3_kernels.h; why that is race-free: FORMAT.md 2.4 step 4). What a
// concurrent store does to the bytes is caught by the caller's seqlock
// re-check (2.4 step 6), and the checksum is always of the bytes in dst, never
// of a second read.
//
// One pass: values over 240 bytes are hashed as they are copied -- a 64-byte
// stripe at a time from the loaded register (AVX2, AVX-512), or a 4 KiB chunk
// at a time while it is still in L1 (other CPUs) -- instead of the whole value
// being copied and then read again.
std::uint64_t copy_checked(const std::uint8_t *src, std::size_t len, void *dst, std::uint64_t seed);

}  // namespace splinter

#endif  // SPLINTER_SRC_COPY_H
