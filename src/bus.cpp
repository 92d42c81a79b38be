// bus.cpp -- create, open, close and destroy a handle's bus.
#include "bus.h"
#include "handle.h"
#include "header.h"
#include "os.h"
#include "recover.h"
#include "status.h"

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

std::uint32_t self() { return static_cast<std::uint32_t>(::getpid()); }

// Maps the region of an open writer or reader handle (b.fd) and points
// b.region at it.
int map_region(splinter_bus &b, const layout::Geometry &geo, bool writable, const std::string &path) {
  if (int st = os::map(b.fd, 0, geo.region_size, writable, &b.map, path)) return st;
  b.map_len = geo.region_size;
  b.region = Region(static_cast<std::uint8_t *>(b.map), geo);
  return SPLINTER_OK;
}

}  // namespace

int create(splinter_bus **out, int backing, const char *name, const Options &opts) {
  if (out == nullptr) return fail(SPLINTER_E_INVALID, "NULL out-pointer");
  std::string path;
  if (int st = os::resolve(backing, name, &path)) return st;
  if (opts.history_depth > SPLINTER_HISTORY_MAX)
    return fail(SPLINTER_E_INVALID, "history_depth %u exceeds %d", opts.history_depth, SPLINTER_HISTORY_MAX);
  const auto ring = layout::choose_change_ring(opts.slots, opts.change_ring);
  if (!ring) return fail(SPLINTER_E_INVALID, "change_ring %u exceeds %u", opts.change_ring, SPLINTER_RING_MAX);
  const auto geo = layout::compute_geometry(opts.slots, opts.max_value_size, opts.history_depth, *ring);
  if (!geo)
    return fail(SPLINTER_E_INVALID,
                "bad geometry: %u slots of %u bytes, history %u, feed %u (limits: 1..%u slots, 0..%u bytes, %llu "
                "bytes in all)",
                opts.slots, opts.max_value_size, opts.history_depth, *ring, SPLINTER_SLOTS_MAX, SPLINTER_VALUE_MAX,
                static_cast<unsigned long long>(SPLINTER_REGION_MAX));
  std::uint32_t mode = opts.mode;
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
  if (int st = map_region(b, *geo, true, tmp)) return fail_unlinking(st);
  b.region.header().init(*geo);
  const bool durable = backing == SPLINTER_FILE;
  if (durable)
    if (int st = os::sync(b.map, b.map_len, tmp)) return fail_unlinking(st);
  if (int st = os::publish(b.fd, tmp, path, durable)) return st;
  b.wait_words = b.region.wait_words();
  b.can_announce = true;
  b.region.header().claim_writer_pid(self());
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
  // A reader opens read-write when it may, only to announce its polls (2.5).
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
  if ((st = map_region(b, geo, role == SPLINTER_WRITER, path))) return st;
  if (role == SPLINTER_WRITER) {
    b.wait_words = b.region.wait_words();
    b.can_announce = true;
    MutexLock lock(b.writer.mu);
    if ((st = recover_region(b.region, b.fd, size, true, nullptr, nullptr))) return st;
    b.writer.live = protocol::count_live(b.region);
    b.writer.timed = protocol::count_timed(b.region);
    b.region.header().claim_writer_pid(self());
    // A dead writer may have committed without waking pollers, or cleared
    // an announcement without its FUTEX_WAKE (2.1, 2.6 step 3): wake every word.
    protocol::wake_all(b.region);
  } else if (rw) {
    if ((st = os::map(b.fd, layout::kOffWaiterPage, layout::kPage, true, &b.waiter_map, path))) return st;
    b.wait_words = WaitWords(static_cast<std::uint8_t *>(b.waiter_map));
    b.can_announce = true;
  }
  *out = h.release();
  return SPLINTER_OK;
}

void close(splinter_bus *bus) {
  if (bus == nullptr) return;
  if (bus->role == SPLINTER_WRITER && bus->map != nullptr) bus->region.header().release_writer_pid(self());
  os::unmap(bus->map, bus->map_len);
  os::unmap(bus->waiter_map, layout::kPage);
  if (bus->fd >= 0) ::close(bus->fd);  // releases the writer lock
  delete bus;
}

int destroy(int backing, const char *name) {
  os::Fd fd;
  std::string path;
  std::uint64_t size = 0;
  if (int st = os::open_named(backing, name, true, &fd, &path, &size)) return st;
  if (int st = os::lock_writer(fd.fd, path)) return st;
  alignas(8) std::uint8_t bytes[layout::kHeaderReadBytes] = {};
  std::size_t got = 0;
  if (int st = os::read_prefix(fd.fd, bytes, sizeof bytes, &got, path)) return st;
  // The primary header, or its copy (F16) when the primary's magic is damaged.
  const HeaderView primary(bytes, got);
  const bool primary_magic = got >= 16 && primary.magic() == layout::kMagic;
  const bool copy_magic = !primary_magic && primary.copy_readable() && primary.copy().magic() == layout::kMagic;
  if (!primary_magic && !copy_magic)
    return fail(SPLINTER_E_CORRUPT, "%s: not a splinter bus (bad magic); not removed", path.c_str());
  if ((primary_magic ? primary : primary.copy()).format_version() != layout::kFormatVersion)
    return fail(SPLINTER_E_VERSION, "%s: unsupported format version; not removed", path.c_str());
  if (::unlink(path.c_str()) != 0) return fail_errno("cannot remove", path.c_str());
  return SPLINTER_OK;
}

}  // namespace splinter::core
