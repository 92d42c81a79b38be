// eventcount.h -- the waiter page (docs/FORMAT.md 1.2): its eventcount
// words, and the two halves of the handshake on one word -- a poller's
// announcement (2.5 step 3) and the writer's wake (2.6 steps 2 and 3). The
// order around them (the commit before the writer's fence, the poller's
// re-check after its fence) is wait.cpp's.
//
// The page is hostile: any process that can open the bus read-write may
// store anything there at any time. Nothing here trusts what it reads from
// it: a word's index comes from a key hash (layout::key_wait_word), every
// access is one aligned atomic u32, and each operation does a bounded amount
// of work whatever the word holds -- the writer one load, at most one
// fetch_add and at most one FUTEX_WAKE per word, never a retry loop.
#ifndef SPLINTER_SRC_EVENTCOUNT_H
#define SPLINTER_SRC_EVENTCOUNT_H

#include "layout.h"
#include "os.h"
#include "words.h"

#include <cassert>
#include <cstdint>

namespace splinter {

// A mapping of the waiter page that is only read: a reader's region mapping
// (read-only) -- what a poll that cannot announce waits on, and what
// splinter_info counts.
class WaitWordsView {
 public:
  WaitWordsView() = default;
  // page: the page's first byte (offset kOffWaiterPage of a region mapping,
  // or a mapping of the page alone).
  explicit WaitWordsView(const std::uint8_t *page) : page_(page) {}

  // Word n: 0 the bus word, layout::key_wait_word(hash) a key's bucket.
  const std::uint32_t *word(std::uint32_t n) const {
    return reinterpret_cast<const std::uint32_t *>(page_ + offset(n));
  }
  std::uint32_t load(std::uint32_t n, std::memory_order o) const { return load32(page_ + offset(n), o); }
  // How many words have their announced bit set now (splinter_info.waiters).
  std::uint32_t announced() const {
    std::uint32_t count = 0;
    for (std::uint32_t n = 0; n < layout::kWaitWords; ++n)
      count += load(n, std::memory_order_relaxed) & layout::kAnnounced;
    return count;
  }

 protected:
  static std::size_t offset(std::uint32_t n) {
    assert(n < layout::kWaitWords);
    return layout::wait_word_offset(n);  // in the page for every n
  }

 private:
  const std::uint8_t *page_ = nullptr;
};

// A writable mapping of the waiter page: the writer's, and a reader's that
// may announce (it has write permission on the object). Like the view, a
// pointer to the page: const methods store through it.
class WaitWords : public WaitWordsView {
 public:
  WaitWords() = default;
  explicit WaitWords(std::uint8_t *page) : WaitWordsView(page), page_(page) {}

  // 2.5 step 3, the announcement: fetch_or(announced, seq_cst). Returns the
  // value the word holds after it -- what the poller then sleeps on. The
  // caller's seq_cst fence follows it.
  std::uint32_t announce(std::uint32_t n) const {
    return word32(page_ + offset(n)).fetch_or(layout::kAnnounced, std::memory_order_seq_cst) | layout::kAnnounced;
  }

  // 2.6 step 2 on word n, after the writer's seq_cst fence: if the word's
  // announced bit is set, fetch_add(1) -- clears the bit and advances the
  // sequence, so a poller that announced and has not slept yet finds the
  // word changed (FUTEX_WAIT: EAGAIN) -- and FUTEX_WAKE every sleeper.
  // With the bit clear, no system call. Returns whether it woke.
  bool wake(std::uint32_t n) const {
    if (!(load(n, std::memory_order_relaxed) & layout::kAnnounced)) return false;
    // One read-modify-write, never retried: a hostile page that changed the
    // word since the load only gets it advanced from its own value.
    word32(page_ + offset(n)).fetch_add(1, std::memory_order_relaxed);
    os::futex_wake_all(word(n));
    return true;
  }

  // 2.6 step 3 on word n (taking the writer role): advance it if announced,
  // then FUTEX_WAKE it whatever the bit says -- a writer that died between
  // its fetch_add and its FUTEX_WAKE left the bit clear over a sleeper.
  void wake_unconditionally(std::uint32_t n) const {
    if (load(n, std::memory_order_relaxed) & layout::kAnnounced)
      word32(page_ + offset(n)).fetch_add(1, std::memory_order_relaxed);
    os::futex_wake_all(word(n));
  }

 private:
  std::uint8_t *page_ = nullptr;
};

}  // namespace splinter

#endif  // SPLINTER_SRC_EVENTCOUNT_H
