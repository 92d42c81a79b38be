// cpp_api.cpp -- the C++ API of splinter.hpp: translation onto the core.
#include "bus.h"
#include "status.h"

#include <splinter/splinter.hpp>

#include <string>

namespace splinter {
namespace {

struct Call {
  Call() { clear_error(); }
};

// The Status of a core call's result: a failure carries the detail the core
// recorded (error_detail(), i.e. splinter_last_error()), copied.
Status status(int st) {
  if (st == SPLINTER_OK) return Code::ok;
  return Status(static_cast<Code>(st), error_detail());
}

Status key_status(std::string_view key, StoredKey *k) {
  const int st = make_key(key.data(), key.size(), k);
  if (st == SPLINTER_E_KEY_TOO_LONG) fail(st, "key longer than %d bytes (not truncated)", SPLINTER_KEY_MAX);
  else if (st != SPLINTER_OK) fail(st, "empty key or key containing NUL");
  return status(st);
}

// A prepared key's StoredKey: the check word for reads, everything for mutations.
Status key_status(const Key &key, StoredKey *k, bool for_write) {
  const int st = for_write ? prepared_for_write(&key.c_key(), k) : prepared_for_read(&key.c_key(), k);
  if (st != SPLINTER_OK) fail(st, "prepared key fails its check (default-constructed, or changed since made)");
  return status(st);
}
// The string form: validated and hashed (for_write changes nothing).
Status key_status(std::string_view key, StoredKey *k, bool /*for_write*/) { return key_status(key, k); }

// A call on a Bus that is not open (default-constructed, moved from, closed).
Status closed() { return status(fail(SPLINTER_E_INVALID, "the Bus is not open (closed or moved from)")); }

// Names from string_view are copied to be NUL-terminated.
std::string c_name(std::string_view name) { return std::string(name); }

}  // namespace

Bus::~Bus() { close(); }
Bus::Bus(Bus &&other) noexcept : h_(std::exchange(other.h_, nullptr)) {}
Bus &Bus::operator=(Bus &&other) noexcept {
  if (this != &other) {
    close();
    h_ = std::exchange(other.h_, nullptr);
  }
  return *this;
}

Result<Bus> Bus::create(Backing backing, std::string_view name, std::uint32_t slots, std::uint32_t max_value_size,
                        std::uint32_t mode) {
  return create(backing, name, Options{slots, max_value_size, mode, 0, 0});
}

Result<Bus> Bus::create(Backing backing, std::string_view name, const Options &options) {
  Call c;
  splinter_bus *h = nullptr;
  const core::Options o{options.slots, options.max_value_size, options.mode, options.change_ring,
                        options.history_depth};
  const int st = core::create(&h, static_cast<int>(backing), c_name(name).c_str(), o);
  if (st != SPLINTER_OK) return status(st);
  return Bus(h);
}

Result<Bus> Bus::open(Backing backing, std::string_view name, Role role) {
  Call c;
  splinter_bus *h = nullptr;
  const int st = core::open(&h, static_cast<int>(backing), c_name(name).c_str(), static_cast<int>(role));
  if (st != SPLINTER_OK) return status(st);
  return Bus(h);
}

Status Bus::destroy(Backing backing, std::string_view name) {
  Call c;
  return status(core::destroy(static_cast<int>(backing), c_name(name).c_str()));
}

void Bus::close() {
  core::close(h_);
  h_ = nullptr;
}

namespace {
// The bodies shared by the string and the prepared-key overloads.
template <class K>
Status set_impl(splinter_bus *h, const K &key, std::span<const std::byte> value, std::uint64_t *epoch) {
  Call c;
  if (!h) return closed();
  StoredKey k;
  if (Status s = key_status(key, &k, true); !s.ok()) return s;
  return status(core::set(h, k, value.data(), value.size(), 0, epoch));
}
template <class K>
Status unset_impl(splinter_bus *h, const K &key, std::uint64_t *epoch) {
  Call c;
  if (!h) return closed();
  StoredKey k;
  if (Status s = key_status(key, &k, true); !s.ok()) return s;
  return status(core::unset(h, k, epoch));
}
template <class K>
Status get_impl(const splinter_bus *h, const K &key, std::span<std::byte> buf, std::size_t *len,
                std::uint64_t *epoch) {
  Call c;
  if (!h) return closed();
  StoredKey k;
  if (Status s = key_status(key, &k, false); !s.ok()) return s;
  return status(core::get(h, k, buf.data(), buf.size(), len, epoch));
}
template <class K>
Result<Value> get_value(const Bus &bus, const K &key) {
  Value v;
  v.bytes.resize(64);
  for (;;) {
    std::size_t len = 0;
    const Status s = bus.get(key, std::span<std::byte>(v.bytes), &len, &v.epoch);
    if (s.code() == Code::buffer) {
      v.bytes.resize(len);
      continue;
    }
    if (!s.ok()) return s;
    v.bytes.resize(len);
    return v;
  }
}
std::span<const std::byte> as_bytes(std::string_view value) {
  return std::as_bytes(std::span<const char>(value.data(), value.size()));
}
}  // namespace

Result<Key> Key::make(std::string_view key) {
  Call c;
  StoredKey k;
  if (Status s = key_status(key, &k); !s.ok()) return s;
  Key out;
  prepare_key(k, &out.k_);
  return out;
}

Status Bus::set(std::string_view key, std::span<const std::byte> value, std::uint64_t *epoch) {
  return set_impl(h_, key, value, epoch);
}
Status Bus::set(const Key &key, std::span<const std::byte> value, std::uint64_t *epoch) {
  return set_impl(h_, key, value, epoch);
}
Status Bus::set(std::string_view key, std::string_view value, std::uint64_t *epoch) {
  return set_impl(h_, key, as_bytes(value), epoch);
}
Status Bus::set(const Key &key, std::string_view value, std::uint64_t *epoch) {
  return set_impl(h_, key, as_bytes(value), epoch);
}

Status Bus::set_ttl(std::string_view key, std::span<const std::byte> value, std::uint64_t ttl_ms,
                    std::uint64_t *epoch) {
  Call c;
  if (!h_) return closed();
  StoredKey k;
  if (Status s = key_status(key, &k, true); !s.ok()) return s;
  return status(core::set_ttl(h_, k, value.data(), value.size(), ttl_ms, epoch));
}

Status Bus::set_ttl(std::string_view key, std::string_view value, std::uint64_t ttl_ms, std::uint64_t *epoch) {
  return set_ttl(key, as_bytes(value), ttl_ms, epoch);
}

Result<std::uint32_t> Bus::expire(std::uint32_t max) {
  Call c;
  if (!h_) return closed();
  std::uint32_t removed = 0;
  if (const int st = core::expire(h_, max, &removed)) return status(st);
  return removed;
}

Result<std::uint64_t> Bus::ttl(std::string_view key) const {
  Call c;
  if (!h_) return closed();
  StoredKey k;
  if (Status s = key_status(key, &k, false); !s.ok()) return s;
  std::uint64_t ms = 0;
  if (const int st = core::ttl(h_, k, &ms)) return status(st);
  return ms;
}

Status Bus::unset(std::string_view key, std::uint64_t *epoch) { return unset_impl(h_, key, epoch); }
Status Bus::unset(const Key &key, std::uint64_t *epoch) { return unset_impl(h_, key, epoch); }

Status Bus::flush() {
  Call c;
  if (!h_) return closed();
  return status(core::flush(h_));
}

Status Bus::get(std::string_view key, std::span<std::byte> buf, std::size_t *len, std::uint64_t *epoch) const {
  return get_impl(h_, key, buf, len, epoch);
}
Status Bus::get(const Key &key, std::span<std::byte> buf, std::size_t *len, std::uint64_t *epoch) const {
  return get_impl(h_, key, buf, len, epoch);
}
Result<Value> Bus::get(std::string_view key) const { return get_value(*this, key); }
Result<Value> Bus::get(const Key &key) const { return get_value(*this, key); }

Status Bus::list(const std::function<bool(std::string_view, std::size_t, std::uint64_t)> &fn) const {
  Call c;
  if (!h_) return closed();
  struct Ctx {
    const std::function<bool(std::string_view, std::size_t, std::uint64_t)> *fn;
  } ctx{&fn};
  const int st = core::list(
      h_,
      [](void *p, const char *key, std::size_t len, std::uint64_t e) -> int {
        return (*static_cast<Ctx *>(p)->fn)(key, len, e) ? 0 : 1;
      },
      &ctx);
  return st == 1 ? Status(Code::ok) : status(st);
}

Result<std::vector<Entry>> Bus::list() const {
  std::vector<Entry> out;
  const Status s = list([&](std::string_view k, std::size_t len, std::uint64_t e) {
    out.push_back(Entry{std::string(k), len, e});
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

namespace {
template <class K>
Status history_impl(const splinter_bus *h, const K &key,
                    const std::function<bool(std::uint64_t, std::span<const std::byte>)> &fn) {
  Call c;
  if (!h) return Code::invalid;
  StoredKey k;
  if (Status s = key_status(key, &k, false); !s.ok()) return s;
  struct Ctx {
    const std::function<bool(std::uint64_t, std::span<const std::byte>)> *fn;
  } ctx{&fn};
  const int st = core::history(
      h, k,
      [](void *p, std::uint64_t e, const void *v, std::size_t len) -> int {
        return (*static_cast<Ctx *>(p)->fn)(e, std::span<const std::byte>(static_cast<const std::byte *>(v), len)) ? 0
                                                                                                                  : 1;
      },
      &ctx);
  return st == 1 ? Status(Code::ok) : status(st);
}
template <class K>
Result<std::vector<Value>> history_values(const Bus &bus, const K &key) {
  std::vector<Value> out;
  const Status s = bus.history(key, [&](std::uint64_t e, std::span<const std::byte> v) {
    out.push_back(Value{std::vector<std::byte>(v.begin(), v.end()), e});
    return true;
  });
  if (!s.ok()) return s;
  return out;
}
}  // namespace

Status Bus::history(std::string_view key,
                     const std::function<bool(std::uint64_t, std::span<const std::byte>)> &fn) const {
  return history_impl(h_, key, fn);
}
Status Bus::history(const Key &key, const std::function<bool(std::uint64_t, std::span<const std::byte>)> &fn) const {
  return history_impl(h_, key, fn);
}
Result<std::vector<Value>> Bus::history(std::string_view key) const { return history_values(*this, key); }
Result<std::vector<Value>> Bus::history(const Key &key) const { return history_values(*this, key); }

Status Bus::changes(std::uint64_t since, const std::function<bool(std::uint64_t, Op, std::string_view)> &fn,
                    std::uint64_t *last) const {
  Call c;
  if (!h_) return Code::invalid;
  struct Ctx {
    const std::function<bool(std::uint64_t, Op, std::string_view)> *fn;
  } ctx{&fn};
  const int st = core::changes(
      h_, since,
      [](void *p, std::uint64_t e, int op, const char *key) -> int {
        return (*static_cast<Ctx *>(p)->fn)(e, static_cast<Op>(op), key) ? 0 : 1;
      },
      &ctx, last);
  return st == 1 ? Status(Code::ok) : status(st);
}

Result<Changes> Bus::changes(std::uint64_t since) const {
  Changes out;
  const Status s = changes(
      since,
      [&](std::uint64_t e, Op op, std::string_view k) {
        out.changes.push_back(Change{e, op, std::string(k)});
        return true;
      },
      &out.last);
  if (!s.ok()) return s;
  return out;
}

namespace {
template <class K>
Result<std::uint64_t> poll_impl(const splinter_bus *h, const K &key, std::uint64_t since, std::int64_t timeout_ms) {
  Call c;
  if (!h) return closed();
  StoredKey k;
  if (Status s = key_status(key, &k, false); !s.ok()) return s;
  std::uint64_t e = 0;
  const int st = core::poll(h, &k, since, timeout_ms, &e);
  if (st != SPLINTER_OK) return status(st);
  return e;
}
}  // namespace

Result<std::uint64_t> Bus::poll(std::string_view key, std::uint64_t since, std::int64_t timeout_ms) const {
  return poll_impl(h_, key, since, timeout_ms);
}
Result<std::uint64_t> Bus::poll(const Key &key, std::uint64_t since, std::int64_t timeout_ms) const {
  return poll_impl(h_, key, since, timeout_ms);
}

Result<std::uint64_t> Bus::poll_bus(std::uint64_t since, std::int64_t timeout_ms) const {
  Call c;
  if (!h_) return closed();
  std::uint64_t e = 0;
  const int st = core::poll(h_, nullptr, since, timeout_ms, &e);
  if (st != SPLINTER_OK) return status(st);
  return e;
}

Status Bus::set_spin(std::uint32_t spin_us) { return status(splinter_set_spin(h_, spin_us)); }

std::uint64_t Bus::epoch() const { return splinter_epoch(h_); }

Result<Info> Bus::info() const {
  Info in{};
  const int st = splinter_info_get(h_, &in);
  if (st != SPLINTER_OK) return status(st);
  return in;
}

namespace {
Result<Checked> collect(const std::function<int(const FindingSink &, splinter_report *)> &run) {
  Checked out;
  const int st = run(
      [&](const Finding &f) {
        out.findings.push_back(f);
        return true;
      },
      &out.report);
  if (st != SPLINTER_OK) return status(st);
  return out;
}
}  // namespace

Result<Checked> Bus::check() const {
  Call c;
  if (!h_) return closed();
  return collect([&](const FindingSink &s, splinter_report *r) { return core::check_bus(h_, s, r); });
}

Result<Checked> check(Backing backing, std::string_view name) {
  Call c;
  const std::string n = c_name(name);
  return collect([&](const FindingSink &s, splinter_report *r) { return core::check(static_cast<int>(backing), n.c_str(), s, r); });
}

Result<Checked> recover(Backing backing, std::string_view name) {
  Call c;
  const std::string n = c_name(name);
  return collect([&](const FindingSink &s, splinter_report *r) { return core::recover(static_cast<int>(backing), n.c_str(), s, r); });
}

}  // namespace splinter
