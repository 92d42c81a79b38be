// ops.cpp -- the operations on an open handle: check the role, take the
// writer's lock to mutate, run the protocol on the handle's region.
#include "bus.h"
#include "clock.h"
#include "handle.h"
#include "os.h"
#include "status.h"

#include <unistd.h>

namespace splinter::core {
namespace {

int writable(const splinter_bus *bus) {
  if (bus->role != SPLINTER_WRITER) return fail(SPLINTER_E_READ_ONLY, "%s: this handle is a reader", bus->path.c_str());
  return SPLINTER_OK;
}

}  // namespace

int set(splinter_bus *bus, const StoredKey &k, const void *value, std::size_t len, std::uint64_t deadline,
        std::uint64_t *out_epoch) {
  if (int st = writable(bus)) return st;
  if (value == nullptr && len > 0) return fail(SPLINTER_E_INVALID, "NULL value with length %zu", len);
  MutexLock lock(bus->writer.mu);
  return protocol::set(bus->region, bus->writer, k, value, len, deadline, out_epoch);
}

int set_ttl(splinter_bus *bus, const StoredKey &k, const void *value, std::size_t len, std::uint64_t ttl_ms,
            std::uint64_t *out_epoch) {
  if (ttl_ms > SPLINTER_TTL_MAX_MS)
    return fail(SPLINTER_E_INVALID, "ttl of %llu ms exceeds SPLINTER_TTL_MAX_MS", static_cast<unsigned long long>(ttl_ms));
  return set(bus, k, value, len, ttl_ms == 0 ? 0 : clock::now_ms() + ttl_ms, out_epoch);
}

int expire(splinter_bus *bus, std::uint32_t max, std::uint32_t *out_removed) {
  if (int st = writable(bus)) return st;
  MutexLock lock(bus->writer.mu);
  return protocol::expire(bus->region, bus->writer, max, out_removed);
}

int ttl(const splinter_bus *bus, const StoredKey &k, std::uint64_t *out_ms) { return protocol::ttl(bus->region, k, out_ms); }

int unset(splinter_bus *bus, const StoredKey &k, std::uint64_t *out_epoch) {
  if (int st = writable(bus)) return st;
  MutexLock lock(bus->writer.mu);
  return protocol::unset(bus->region, bus->writer, k, out_epoch);
}

int flush(splinter_bus *bus) {
  if (int st = writable(bus)) return st;
  if (bus->backing != SPLINTER_FILE) return SPLINTER_OK;
  MutexLock lock(bus->writer.mu);
  // 2.7: data first, then the record that it is durable.
  Header h = bus->region.header();
  const std::uint64_t e = h.bus_epoch(std::memory_order_relaxed);
  if (int st = os::sync(bus->map, bus->map_len, bus->path)) return st;
  h.set_flushed_epoch(e, std::memory_order_release);
  return os::sync(bus->map, layout::kPage, bus->path);
}

int get(const splinter_bus *bus, const StoredKey &k, void *buf, std::size_t cap, std::size_t *out_len,
        std::uint64_t *out_epoch) {
  return protocol::get(bus->region, k, buf, cap, out_len, out_epoch);
}

int list(const splinter_bus *bus, ListFn fn, void *ctx) { return protocol::list(bus->region, fn, ctx); }

int history(const splinter_bus *bus, const StoredKey &k, protocol::HistoryFn fn, void *ctx) {
  return protocol::history(bus->region, k, fn, ctx);
}

int changes(const splinter_bus *bus, std::uint64_t since, protocol::ChangeFn fn, void *ctx, std::uint64_t *out_last) {
  return protocol::changes(bus->region, since, fn, ctx, out_last);
}

int poll(const splinter_bus *bus, const StoredKey *k, std::uint64_t since, std::int64_t timeout_ms,
         std::uint64_t *out_epoch) {
  return protocol::poll(bus->region, bus->can_announce ? &bus->wait_words : nullptr,
                        {bus->spin_us.load(std::memory_order_relaxed), &bus->last_change_us}, k, since, timeout_ms,
                        out_epoch);
}

void set_spin(splinter_bus *bus, std::uint32_t spin_us) { bus->spin_us.store(spin_us, std::memory_order_relaxed); }

std::uint64_t epoch(const splinter_bus *bus) { return bus->region.header().bus_epoch(std::memory_order_acquire); }

int info(const splinter_bus *bus, splinter_info *out) {
  const RegionView &r = bus->region;
  splinter_info in{};
  in.format_version = layout::kFormatVersion;
  in.backing = static_cast<std::uint32_t>(bus->backing);
  in.role = static_cast<std::uint32_t>(bus->role);
  in.slots = r.slots();
  in.max_value_size = r.geo().max_value_size;
  in.region_size = r.geo().region_size;
  for (std::uint32_t i = 0; i < r.slots(); ++i) {
    const std::uint64_t w = r.word(i, std::memory_order_acquire);
    if (layout::word_state(w) == layout::State::tombstone) ++in.tombstones;
    if (layout::word_state(w) != layout::State::live) continue;
    ++in.live_keys;
    const std::uint32_t h = r.home(r.hash(i));
    const auto dist = static_cast<std::uint32_t>((std::uint64_t{i} + r.slots() - h) % r.slots()) + 1;
    if (dist > in.longest_probe) in.longest_probe = dist;
  }
  in.bus_epoch = r.header().bus_epoch(std::memory_order_acquire);
  in.change_ring = r.geo().change_ring;
  in.history_depth = r.geo().history_depth;
  in.probe_limit = r.header().probe_limit(std::memory_order_relaxed);
  in.feed_oldest = in.bus_epoch >= in.change_ring ? in.bus_epoch - in.change_ring + 1 : in.bus_epoch >= 1 ? 1 : 0;
  if (bus->role == SPLINTER_WRITER) in.writer_pid = static_cast<std::int32_t>(::getpid());
  else if (os::writer_locked_elsewhere(bus->fd))
    in.writer_pid = static_cast<std::int32_t>(r.header().writer_pid(std::memory_order_relaxed));
  in.waiters = r.wait_words().announced();
  *out = in;
  return SPLINTER_OK;
}

}  // namespace splinter::core
