// shared.h -- what the processes of one run share: a stats page (a small
// file every process maps), latency histograms, the writer's journal records,
// and how a violation is reported.
#ifndef SPLINTER_STRESS_SHARED_H
#define SPLINTER_STRESS_SHARED_H

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace stress {

inline constexpr int kExitOk = 0, kExitViolation = 1, kExitSetup = 2, kExitCrash = 3;

// Reports the first violation of this process: prints "VIOLATION: ..." with
// the process's role, raises the shared stop flag and exits with status 1.
[[noreturn]] void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// A setup failure (not a finding about the library): exit 2.
[[noreturn]] void setup_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void set_role_label(const std::string &label);
// Run by violation() and setup_error() before exiting (the parent kills its
// children and removes the bus).
void set_violation_cleanup(void (*fn)());

// Log-linear latency histogram in microseconds (about 3% resolution).
struct Histogram {
  static constexpr int kBuckets = 1280;
  std::atomic<std::uint64_t> count{0};
  std::atomic<std::uint64_t> max_ns{0};
  std::atomic<std::uint64_t> bucket[kBuckets];

  void add(std::uint64_t ns);
  void merge(const Histogram &o);
  // Upper edge of the bucket holding the p-quantile, in microseconds.
  double quantile_us(double p) const;
};

// Counters of one process (summed over its threads). "ops" are successful
// operations only; AGAIN retries, timeouts and failures are counted apart.
struct ProcStats {
  static constexpr int kMaxThreads = 17;
  std::atomic<std::uint64_t> get_ok{0}, get_absent{0}, list_ok{0}, list_entries{0}, poll_ok{0},
      poll_timeout{0}, bus_poll_ok{0}, again{0}, sets{0}, unsets{0}, full{0}, unset_absent{0},
      self_checks{0}, flushes{0}, fills{0}, latency_samples_skipped{0}, feed_reads{0}, feed_entries{0},
      feed_unchecked{0}, feed_compacted{0};
  std::atomic<std::uint64_t> heartbeat_ns[kMaxThreads];
  std::atomic<std::uint32_t> threads{0};
  Histogram poll_latency;
};

// The writer's intents, for the readers that follow the change feed: before
// each set or unset the writer stores (predicted epoch, op, key id) at
// intent[epoch mod kIntentRing] with release order, so a reader that gets
// the feed entry of epoch e (published after that store) finds there the
// intent of e -- the last one, if a writer died before committing an
// earlier intent of e -- or a later epoch's when it lags the whole ring.
inline constexpr std::uint32_t kIntentRing = 1u << 16;
inline constexpr std::uint32_t kIntentIdBits = 22;
constexpr std::uint64_t pack_intent(std::uint64_t epoch, int op, std::uint32_t id) {
  return epoch << 24 | std::uint64_t(op & 3) << kIntentIdBits | id;
}
constexpr std::uint64_t intent_epoch(std::uint64_t w) { return w >> 24; }
constexpr int intent_op(std::uint64_t w) { return static_cast<int>(w >> kIntentIdBits & 3); }
constexpr std::uint32_t intent_id(std::uint64_t w) { return static_cast<std::uint32_t>(w & ((1u << kIntentIdBits) - 1)); }

struct SharedPage {
  static constexpr int kMaxProcs = 32;  // proc 0: the writer; 1..: readers
  std::atomic<std::uint32_t> stop{0};
  std::atomic<std::uint32_t> violations{0};
  std::atomic<std::uint64_t> pad[6];
  ProcStats proc[kMaxProcs];
  std::atomic<std::uint64_t> intent[kIntentRing];
};
// Records the intent of the mutation about to take `epoch` (see above).
void record_intent(std::uint64_t epoch, int op, std::uint32_t id);

// Creates (parent) or maps (child) the stats page at path.
SharedPage *create_shared(const std::string &path);
SharedPage *map_shared(const std::string &path);
// The page of this process, once mapped (for violation()).
void set_shared(SharedPage *page);
SharedPage *shared();

// Writer -> parent journal, one record per write(2) (atomic in a pipe).
enum class Rec : std::uint32_t { ready = 1, intent_set = 2, intent_unset = 3, ack = 4, done = 5 };
struct JournalRecord {
  Rec type{};
  std::uint32_t key = 0;     // intents: key id
  std::uint64_t epoch = 0;   // intents: predicted epoch; ack: epoch returned; ready/done: bus epoch
  std::int32_t status = 0;   // ack: status of the call
  std::uint32_t gen = 0;     // writer incarnation
  std::uint64_t seq = 0;     // writer's op number
};
static_assert(sizeof(JournalRecord) == 32);

}  // namespace stress

#endif  // SPLINTER_STRESS_SHARED_H
