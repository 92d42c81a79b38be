// bus.cpp -- create, open, close, destroy; check and recover by name.
#include "bus.h"
#include "hash.h"
#include "os.h"
#include "recover.h"
#include "status.h"

#include <splinter/splinter.hpp>

#include <unistd.h>

#include <cerrno>
#include <memory>
#include <new>

namespace splinter::core {
namespace {

// Closes what a half-built handle holds; used on every failure path.
struct Handle {
  std::unique_ptr<splinter_bus> bus{new (std::nothrow) splinter_bus};
  ~Handle() {
    if (bus) close(bus.release());
  }
  splinter_bus *release() { return bus.release(); }
};

// Reads and validates the header through the descriptor (no mapping yet).
int read_header(int fd, std::uint64_t size, const std::string &path, layout::Geometry *geo,
                const FindingSink &sink = nullptr) {
  alignas(8) std::uint8_t hdr[layout::kHeaderFixedBytes] = {};
  std::size_t got = 0;
  if (int st = os::read_prefix(fd, hdr, sizeof hdr, &got, path)) return st;
  std::string first;
  const Validation v = validate_header(hdr, got, size, [&](const Finding &f) {
    if (first.empty()) first = f.detail;
    return sink ? sink(f) : true;
  });
  if (v.status != SPLINTER_OK) return fail(v.status, "%s: %s", path.c_str(), first.c_str());
  *geo = *v.geometry;
  return SPLINTER_OK;
}

void write_header(std::uint8_t *p, const layout::Geometry &g) {
  std::uint64_t fields[5] = {layout::kMagic, layout::kFormatVersion | (std::uint64_t{layout::kSlotSize} << 32),
                             g.slots | (std::uint64_t{g.max_value_size} << 32), 0, g.region_size};
  for (std::size_t i = 0; i < 5; ++i) store64(p + 8 * i, fields[i]);
  store64(p + layout::kOffHeaderCheck, header_check(fields));
}

std::uint32_t count_live(const Region &r) {
  std::uint32_t live = 0;
  for (std::uint32_t i = 0; i < r.slots(); ++i)
    if (layout::word_state(r.word(i, std::memory_order_relaxed)) == layout::State::live) ++live;
  return live;
}

}  // namespace

int create(splinter_bus **out, int backing, const char *name, std::uint32_t slots, std::uint32_t max_value_size,
           std::uint32_t mode) {
  if (out == nullptr) return fail(SPLINTER_E_INVALID, "NULL out-pointer");
  std::string path;
  if (int st = os::resolve(backing, name, &path)) return st;
  const auto geo = layout::compute_geometry(slots, max_value_size);
  if (!geo)
    return fail(SPLINTER_E_INVALID, "bad geometry: %u slots of %u bytes (limits: 1..%u slots, 0..%u bytes, %llu bytes in all)",
                slots, max_value_size, SPLINTER_SLOTS_MAX, SPLINTER_VALUE_MAX,
                static_cast<unsigned long long>(SPLINTER_REGION_MAX));
  if (mode & ~07777u) return fail(SPLINTER_E_INVALID, "bad mode %o", mode);
  if (mode == 0) mode = 0600;
  Handle h;
  if (!h.bus) return fail(SPLINTER_E_SYSTEM, "out of memory");
  splinter_bus &b = *h.bus;
  std::string tmp;
  if (int st = os::create_temp(path, mode, geo->region_size, &b.fd, &tmp)) return st;
  b.backing = backing;
  b.role = SPLINTER_WRITER;
  b.path = path;
  auto fail_unlinking = [&](int st) {
    ::unlink(tmp.c_str());
    return st;
  };
  if (int st = os::lock_writer(b.fd, tmp)) return fail_unlinking(st);
  if (int st = os::map(b.fd, 0, geo->region_size, true, &b.map, tmp)) return fail_unlinking(st);
  b.map_len = geo->region_size;
  b.region = Region(static_cast<std::uint8_t *>(b.map), *geo);
  write_header(static_cast<std::uint8_t *>(b.map), *geo);
  const bool durable = backing == SPLINTER_FILE;
  if (durable)
    if (int st = os::sync(b.map, b.map_len, tmp)) return fail_unlinking(st);
  if (int st = os::publish(b.fd, tmp, path, durable)) return st;
  b.waiters = as_u32(static_cast<std::uint8_t *>(b.map) + layout::kOffWaiters);
  b.region.writer_pid().store(static_cast<std::uint32_t>(::getpid()), std::memory_order_relaxed);
  *out = h.release();
  return SPLINTER_OK;
}

int open(splinter_bus **out, int backing, const char *name, int role) {
  if (out == nullptr) return fail(SPLINTER_E_INVALID, "NULL out-pointer");
  if (role != SPLINTER_READER && role != SPLINTER_WRITER) return fail(SPLINTER_E_INVALID, "bad role %d", role);
  std::string path;
  if (int st = os::resolve(backing, name, &path)) return st;
  Handle h;
  if (!h.bus) return fail(SPLINTER_E_SYSTEM, "out of memory");
  splinter_bus &b = *h.bus;
  b.backing = backing;
  b.role = role;
  b.path = path;
  std::uint64_t size = 0;
  // A reader opens read-write when it may, only to register as a waiter.
  bool rw = true;
  int st = os::open_object(path, true, &b.fd, &size);
  if (st == SPLINTER_E_SYSTEM && role == SPLINTER_READER && (errno == EACCES || errno == EROFS || errno == EPERM)) {
    rw = false;
    st = os::open_object(path, false, &b.fd, &size);
  }
  if (st) return st;
  layout::Geometry geo;
  if ((st = read_header(b.fd, size, path, &geo))) return st;
  if (role == SPLINTER_WRITER && (st = os::lock_writer(b.fd, path))) return st;
  if ((st = os::map(b.fd, 0, geo.region_size, role == SPLINTER_WRITER, &b.map, path))) return st;
  b.map_len = geo.region_size;
  b.region = Region(static_cast<std::uint8_t *>(b.map), geo);
  if (role == SPLINTER_WRITER) {
    b.waiters = as_u32(static_cast<std::uint8_t *>(b.map) + layout::kOffWaiters);
    if ((st = recover_region(b.region, geo.region_size, true, nullptr, nullptr))) return st;
    b.live = count_live(b.region);
    b.region.writer_pid().store(static_cast<std::uint32_t>(::getpid()), std::memory_order_relaxed);
    // A dead writer may have committed without waking pollers (2.6): wake them now.
    wake_waiters(&b);
  } else if (rw) {
    if ((st = os::map(b.fd, layout::kOffWaiterPage, layout::kPage, true, &b.waiter_map, path))) return st;
    b.waiters = static_cast<std::uint32_t *>(b.waiter_map);
  }
  *out = h.release();
  return SPLINTER_OK;
}

void close(splinter_bus *bus) {
  if (bus == nullptr) return;
  if (bus->role == SPLINTER_WRITER && bus->map != nullptr) {
    auto self = static_cast<std::uint32_t>(::getpid());
    bus->region.writer_pid().compare_exchange_strong(self, 0, std::memory_order_relaxed);
  }
  os::unmap(bus->map, bus->map_len);
  os::unmap(bus->waiter_map, layout::kPage);
  if (bus->fd >= 0) ::close(bus->fd);  // releases the writer lock
  delete bus;
}

int destroy(int backing, const char *name) {
  std::string path;
  if (int st = os::resolve(backing, name, &path)) return st;
  int fd = -1;
  std::uint64_t size = 0;
  if (int st = os::open_object(path, true, &fd, &size)) return st;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (int st = os::lock_writer(fd, path)) return st;
  alignas(8) std::uint8_t hdr[16] = {};
  std::size_t got = 0;
  if (int st = os::read_prefix(fd, hdr, sizeof hdr, &got, path)) return st;
  if (got < 16 || load64(hdr) != layout::kMagic)
    return fail(SPLINTER_E_CORRUPT, "%s: not a splinter bus (bad magic); not removed", path.c_str());
  if (static_cast<std::uint32_t>(load64(hdr + 8)) != layout::kFormatVersion)
    return fail(SPLINTER_E_VERSION, "%s: unsupported format version; not removed", path.c_str());
  if (::unlink(path.c_str()) != 0) return fail_errno("cannot remove", path.c_str());
  return SPLINTER_OK;
}

int check_bus(const splinter_bus *bus, const FindingSink &sink, splinter_report *out) {
  auto &mu = const_cast<splinter_bus *>(bus)->write_mu;
  std::unique_lock<std::mutex> lock(mu, std::defer_lock);
  if (bus->role == SPLINTER_WRITER) lock.lock();  // no mutation from this handle meanwhile
  // A writer handle validates under its own lock: no other writer exists.
  const int fd = bus->role == SPLINTER_READER ? bus->fd : -1;
  const Validation v = validate(static_cast<const std::uint8_t *>(bus->map), bus->map_len, sink, fd);
  if (out) *out = v.report;
  return v.status;
}

int check(int backing, const char *name, const FindingSink &sink, splinter_report *out) {
  std::string path;
  if (int st = os::resolve(backing, name, &path)) return st;
  int fd = -1;
  std::uint64_t size = 0;
  if (int st = os::open_object(path, false, &fd, &size)) return st;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  splinter_report header_report{};
  layout::Geometry geo;
  if (int st = read_header(fd, size, path, &geo, [&](const Finding &f) {
        ++header_report.findings;
        header_report.worst = SPLINTER_SEV_FATAL;
        return sink ? sink(f) : true;
      })) {
    if (out) *out = header_report;
    return st;
  }
  void *p = nullptr;
  if (int st = os::map(fd, 0, geo.region_size, false, &p, path)) return st;
  const Validation v = validate(static_cast<const std::uint8_t *>(p), geo.region_size, sink, fd);
  os::unmap(p, geo.region_size);
  if (out) *out = v.report;
  return v.status;
}

int recover(int backing, const char *name, const FindingSink &sink, splinter_report *out) {
  std::string path;
  if (int st = os::resolve(backing, name, &path)) return st;
  int fd = -1;
  std::uint64_t size = 0;
  if (int st = os::open_object(path, true, &fd, &size)) return st;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (int st = os::lock_writer(fd, path)) return st;
  layout::Geometry geo;
  if (int st = read_header(fd, size, path, &geo, sink)) return st;
  void *p = nullptr;
  if (int st = os::map(fd, 0, geo.region_size, true, &p, path)) return st;
  Region r(static_cast<std::uint8_t *>(p), geo);
  int st = recover_region(r, geo.region_size, false, sink, out);
  if (st == SPLINTER_OK && backing == SPLINTER_FILE) st = os::sync(p, geo.region_size, path);
  os::unmap(p, geo.region_size);
  return st;
}

}  // namespace splinter::core
