// words.h -- the only way a byte of a region is read or written: as part of
// an aligned 64-bit (or 32-bit) atomic word (docs/FORMAT.md: "words marked
// atomic"), so that concurrent access is race-free in the C++ memory model.
//
// Loads take a const pointer: a reader's mapping is read-only, and a load
// never writes. std::atomic_ref<const T> arrives only in C++26, so loads use
// the compiler's __atomic builtins (what std::atomic_ref itself is built on);
// stores use std::atomic_ref.
#ifndef SPLINTER_SRC_WORDS_H
#define SPLINTER_SRC_WORDS_H

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace splinter {

static_assert(static_cast<int>(std::memory_order_relaxed) == __ATOMIC_RELAXED &&
                  static_cast<int>(std::memory_order_acquire) == __ATOMIC_ACQUIRE &&
                  static_cast<int>(std::memory_order_release) == __ATOMIC_RELEASE &&
                  static_cast<int>(std::memory_order_seq_cst) == __ATOMIC_SEQ_CST,
              "std::memory_order values are the __ATOMIC_* orders");

inline std::uint64_t load64(const std::uint8_t *p, std::memory_order o = std::memory_order_relaxed) {
  return __atomic_load_n(reinterpret_cast<const std::uint64_t *>(p), static_cast<int>(o));
}
inline std::uint32_t load32(const std::uint8_t *p, std::memory_order o = std::memory_order_relaxed) {
  return __atomic_load_n(reinterpret_cast<const std::uint32_t *>(p), static_cast<int>(o));
}
inline void store64(std::uint8_t *p, std::uint64_t v, std::memory_order o = std::memory_order_relaxed) {
  std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t *>(p)).store(v, o);
}
inline std::atomic_ref<std::uint32_t> word32(std::uint8_t *p) {
  return std::atomic_ref<std::uint32_t>(*reinterpret_cast<std::uint32_t *>(p));
}

}  // namespace splinter

#endif  // SPLINTER_SRC_WORDS_H
