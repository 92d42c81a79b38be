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
// byte is read as part of an aligned 8-byte relaxed atomic load (words.h),
// so the copy is race-free in the C++ memory model; what a concurrent store
// does to the bytes is caught by the caller's seqlock re-check (2.4 step 6),
// and the checksum is always of the bytes in dst, never of a second read.
//
// One pass: a large value is copied a chunk at a time, and each chunk is fed
// to XXH3's streaming state while it is still in the L1 cache, instead of
// the whole value being copied and then read again. Values over 240 bytes are
// hashed by the widest XXH3 kernel the CPU runs (AVX2 where it has it,
// xxh3_kernels.h).
std::uint64_t copy_checked(const std::uint8_t *src, std::size_t len, void *dst, std::uint64_t seed);

}  // namespace splinter

#endif  // SPLINTER_SRC_COPY_H
