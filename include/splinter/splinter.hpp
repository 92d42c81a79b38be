// splinter.hpp -- the C++ API of Splinter.
//
// The same core as splinter.h (which is the specification of every
// operation's semantics, statuses and thread-safety; read it first), with
// C++ types: an RAII `Bus`, `std::string_view` keys, `std::span<const
// std::byte>` values and a [[nodiscard]] `Status` / `Result<T>`. Nothing here
// throws.
#ifndef SPLINTER_SPLINTER_HPP
#define SPLINTER_SPLINTER_HPP

#include <splinter/splinter.h>

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace splinter {

// The status codes of splinter.h.
enum class Code : int {
  ok = SPLINTER_OK,
  not_found = SPLINTER_E_NOT_FOUND,
  invalid = SPLINTER_E_INVALID,
  key_too_long = SPLINTER_E_KEY_TOO_LONG,
  too_large = SPLINTER_E_TOO_LARGE,
  buffer = SPLINTER_E_BUFFER,
  full = SPLINTER_E_FULL,
  busy = SPLINTER_E_BUSY,
  read_only = SPLINTER_E_READ_ONLY,
  timeout = SPLINTER_E_TIMEOUT,
  exists = SPLINTER_E_EXISTS,
  no_bus = SPLINTER_E_NO_BUS,
  corrupt = SPLINTER_E_CORRUPT,
  version = SPLINTER_E_VERSION,
  again = SPLINTER_E_AGAIN,
  system = SPLINTER_E_SYSTEM,
  compacted = SPLINTER_E_COMPACTED,
};

enum class Backing : int { shm = SPLINTER_SHM, file = SPLINTER_FILE };
enum class Role : int { reader = SPLINTER_READER, writer = SPLINTER_WRITER };

// The outcome of an operation: a code and, for a failure, its detail -- the
// library's splinter_last_error() at the time of the failure, owned by the
// Status (so it stays valid after later calls on the thread clear or replace
// the library's). ok() has no detail.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code c) : code_(c) {}  // NOLINT(google-explicit-constructor): a code without detail
  Status(Code c, std::string detail) : code_(c), detail_(std::move(detail)) {}
  bool ok() const { return code_ == Code::ok; }
  explicit operator bool() const { return ok(); }
  Code code() const { return code_; }
  int raw() const { return static_cast<int>(code_); }
  // The code's sentence (splinter_strerror), e.g. "another writer holds the bus".
  const char *message() const { return splinter_strerror(raw()); }
  // The code's name (splinter_status_name), e.g. "SPLINTER_E_BUSY".
  const char *name() const { return splinter_status_name(raw()); }
  // The failure's detail (splinter_last_error() when it failed), e.g.
  // "/dev/shm/app: another writer holds the bus"; "" when there is none.
  const std::string &detail() const { return detail_; }
  // What to tell a person: the detail, else the code's sentence.
  std::string what() const { return detail_.empty() ? std::string(message()) : detail_; }
  // Statuses compare by code; the detail is explanation, not identity.
  friend bool operator==(const Status &a, const Status &b) { return a.code_ == b.code_; }

 private:
  Code code_ = Code::ok;
  std::string detail_;
};

// A value, or the non-OK Status of why there is none.
//
// Preconditions, checked by assert() in builds without NDEBUG:
//  - value(), operator-> and operator* require ok(): a failed Result has no
//    value to read (never a default one); test ok() or status() first;
//  - a Result is made from a failed Status, never from an OK one.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status s) : status_(std::move(s)) {     // NOLINT(google-explicit-constructor)
    assert(!status_.ok() && "splinter::Result made from an OK Status: give it a value");
  }
  Result(Code c) : Result(Status(c)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return status_.ok(); }
  explicit operator bool() const { return ok(); }
  const Status &status() const { return status_; }
  // Precondition: ok().
  T &value() & { return checked(); }
  const T &value() const & { return checked(); }
  T &&value() && { return std::move(checked()); }
  T *operator->() { return &checked(); }
  const T *operator->() const { return &checked(); }
  T &operator*() & { return checked(); }
  const T &operator*() const & { return checked(); }

 private:
  T &checked() {
    assert(value_.has_value() && "splinter::Result::value() of a failed Result: check ok() first");
    return *value_;
  }
  const T &checked() const {
    assert(value_.has_value() && "splinter::Result::value() of a failed Result: check ok() first");
    return *value_;
  }
  Status status_;
  std::optional<T> value_;
};

struct Value {
  std::vector<std::byte> bytes;
  std::uint64_t epoch = 0;
  std::string_view text() const {
    return {reinterpret_cast<const char *>(bytes.data()), bytes.size()};
  }
};

struct Entry {
  std::string key;
  std::size_t value_len = 0;
  std::uint64_t epoch = 0;
};

// A mutation in the change feed (splinter_changes).
enum class Op : int { set = SPLINTER_OP_SET, unset = SPLINTER_OP_UNSET, expire = SPLINTER_OP_EXPIRE };
struct Change {
  std::uint64_t epoch = 0;
  Op op = Op::set;
  std::string key;
};
// What Bus::changes(since) returns: the changes after `since`, in epoch
// order, and the epoch to pass as `since` next time.
struct Changes {
  std::vector<Change> changes;
  std::uint64_t last = 0;
};

// The options of a new bus: splinter_options without its size field (the
// library fills it). Zero fields take their defaults; see splinter.h.
struct Options {
  std::uint32_t slots = 0;
  std::uint32_t max_value_size = 0;
  std::uint32_t mode = 0;           // 0 = 0600
  std::uint32_t change_ring = 0;    // 0 = the default (splinter.h)
  std::uint32_t history_depth = 0;  // earlier values kept per key
};

using Info = splinter_info;
using Report = splinter_report;

// One validator finding; the strings are owned copies.
struct Finding {
  std::uint32_t rule = 0;
  int severity = 0;
  int fix = 0;
  std::int64_t slot = -1;
  std::string key;
  std::string detail;
};

struct Checked {
  Report report{};
  std::vector<Finding> findings;
};

// A prepared key (splinter_key; see "Prepared keys" in splinter.h): made
// once, then passed to any call of any Bus that takes a key, in place of the
// string, to skip its validation and hashing. Plain data: copy it freely,
// also to other threads. A default-constructed Key (or one whose bytes were
// changed) is refused by every call with Code::invalid.
class SPLINTER_API Key {
 public:
  Key() = default;
  // From a C prepared key (splinter_key_init); checked when used.
  explicit Key(const splinter_key &k) : k_(k) {}
  // Code::invalid (empty, or containing NUL) or Code::key_too_long.
  static Result<Key> make(std::string_view key);
  const splinter_key &c_key() const { return k_; }

 private:
  splinter_key k_{};
};

class SPLINTER_API Bus {
 public:
  Bus() = default;
  ~Bus();
  Bus(Bus &&other) noexcept;
  Bus &operator=(Bus &&other) noexcept;
  Bus(const Bus &) = delete;
  Bus &operator=(const Bus &) = delete;

  // See splinter_create / splinter_open / splinter_destroy.
  static Result<Bus> create(Backing backing, std::string_view name, std::uint32_t slots,
                            std::uint32_t max_value_size, std::uint32_t mode = 0);
  // See splinter_create_ex, e.g. create(b, name, {.slots = 64, .max_value_size = 256, .history_depth = 4}).
  static Result<Bus> create(Backing backing, std::string_view name, const Options &options);
  static Result<Bus> open(Backing backing, std::string_view name, Role role);
  static Status destroy(Backing backing, std::string_view name);

  bool is_open() const { return h_ != nullptr; }
  explicit operator bool() const { return is_open(); }
  void close();

  Status set(std::string_view key, std::span<const std::byte> value, std::uint64_t *epoch = nullptr);
  Status set(std::string_view key, std::string_view value, std::uint64_t *epoch = nullptr);
  // As splinter_set_ttl: the key expires ttl_ms milliseconds from now (0: never).
  Status set_ttl(std::string_view key, std::span<const std::byte> value, std::uint64_t ttl_ms,
                 std::uint64_t *epoch = nullptr);
  Status set_ttl(std::string_view key, std::string_view value, std::uint64_t ttl_ms, std::uint64_t *epoch = nullptr);
  Status unset(std::string_view key, std::uint64_t *epoch = nullptr);
  Status set(const Key &key, std::span<const std::byte> value, std::uint64_t *epoch = nullptr);
  Status set(const Key &key, std::string_view value, std::uint64_t *epoch = nullptr);
  Status unset(const Key &key, std::uint64_t *epoch = nullptr);
  // As splinter_expire: removes up to max expired keys (0: all); how many.
  Result<std::uint32_t> expire(std::uint32_t max = 0);
  Status flush();

  // Copies into buf; on OK *len and *epoch are set; on Code::buffer *len
  // holds the size needed. As splinter_get.
  Status get(std::string_view key, std::span<std::byte> buf, std::size_t *len = nullptr,
             std::uint64_t *epoch = nullptr) const;
  Status get(const Key &key, std::span<std::byte> buf, std::size_t *len = nullptr,
             std::uint64_t *epoch = nullptr) const;
  // Allocating convenience: loops on Code::buffer.
  Result<Value> get(std::string_view key) const;
  Result<Value> get(const Key &key) const;

  // As splinter_ttl: the key's remaining time to live in ms, UINT64_MAX if
  // it never expires; Code::not_found when absent or expired.
  Result<std::uint64_t> ttl(std::string_view key) const;

  // fn returns true to continue, false to stop.
  Status list(const std::function<bool(std::string_view key, std::size_t value_len,
                                       std::uint64_t epoch)> &fn) const;
  Result<std::vector<Entry>> list() const;

  // The key's current value and up to history_depth earlier ones, newest
  // first, each with its epoch; as splinter_history. fn gets each value
  // (valid only during the call) and returns true to continue, false to
  // stop (history then returns OK). Code::not_found when absent.
  Status history(std::string_view key,
                 const std::function<bool(std::uint64_t epoch, std::span<const std::byte> value)> &fn) const;
  // Allocating convenience: the values, newest first. On Code::corrupt the
  // intact newer values are lost with the Result; use the callback form to keep them.
  Result<std::vector<Value>> history(std::string_view key) const;
  Status history(const Key &key,
                 const std::function<bool(std::uint64_t epoch, std::span<const std::byte> value)> &fn) const;
  Result<std::vector<Value>> history(const Key &key) const;

  // The change feed after `since`; as splinter_changes. fn gets each change
  // (its key valid only during the call) and returns true to continue,
  // false to stop (changes then returns OK). *last (optional) receives the
  // epoch of the last change passed to fn, or since: pass it as the next
  // since. Code::compacted: resynchronise (list, then follow from the epoch
  // read before listing).
  Status changes(std::uint64_t since,
                 const std::function<bool(std::uint64_t epoch, Op op, std::string_view key)> &fn,
                 std::uint64_t *last = nullptr) const;
  // Allocating convenience: every change after `since` and the last epoch
  // (since when there is none). Code::compacted as above.
  Result<Changes> changes(std::uint64_t since) const;

  // As splinter_poll; an empty optional key is spelled `poll_bus`.
  Result<std::uint64_t> poll(std::string_view key, std::uint64_t since, std::int64_t timeout_ms) const;
  Result<std::uint64_t> poll(const Key &key, std::uint64_t since, std::int64_t timeout_ms) const;
  Result<std::uint64_t> poll_bus(std::uint64_t since, std::int64_t timeout_ms) const;
  Status set_spin(std::uint32_t spin_us);

  std::uint64_t epoch() const;
  Result<Info> info() const;
  Result<Checked> check() const;

  // The C handle, for code that mixes both APIs. Owned by this Bus.
  splinter_bus *c_handle() const { return h_; }
  // Takes ownership of a handle from splinter_create / splinter_open.
  static Bus adopt(splinter_bus *h) { return Bus(h); }

 private:
  explicit Bus(splinter_bus *h) : h_(h) {}
  splinter_bus *h_ = nullptr;
};

// Validate / recover by name; as splinter_check / splinter_recover.
SPLINTER_API Result<Checked> check(Backing backing, std::string_view name);
SPLINTER_API Result<Checked> recover(Backing backing, std::string_view name);

// The thread's last error detail, as splinter_last_error.
inline const char *last_error() { return splinter_last_error(); }

}  // namespace splinter

#endif  // SPLINTER_SPLINTER_HPP
