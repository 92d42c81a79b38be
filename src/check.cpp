// check.cpp -- validation of an open handle's region, and validation and
// recovery of a bus by name.
#include "bus.h"
#include "handle.h"
#include "header.h"
#include "os.h"
#include "recover.h"

#include <splinter/splinter.hpp>

namespace splinter::core {
namespace {

// The header's fatal findings go to sink when read_header fails; its
// recoverable ones (F16, F17) are reported by the full validation after it.
FindingSink fatal_only(const FindingSink &sink, splinter_report *rep) {
  return [&sink, rep](const Finding &f) {
    if (f.severity != SPLINTER_SEV_FATAL) return true;
    ++rep->findings;
    rep->worst = SPLINTER_SEV_FATAL;
    return sink ? sink(f) : true;
  };
}

int validate_region(const splinter_bus *bus, const FindingSink &sink, splinter_report *out) {
  // A writer handle validates under its own lock: no other writer exists.
  const int fd = bus->role == SPLINTER_READER ? bus->fd : -1;
  std::uint64_t size = bus->map_len;
  if (int st = os::size_of(bus->fd, &size)) return st;
  const Validation v = validate(static_cast<const std::uint8_t *>(bus->map), bus->map_len, size, sink, fd);
  if (out) *out = v.report;
  return v.status;
}

}  // namespace

int check_bus(const splinter_bus *bus, const FindingSink &sink, splinter_report *out) {
  if (bus->role != SPLINTER_WRITER) return validate_region(bus, sink, out);
  MutexLock lock(bus->writer.mu);  // no mutation from this handle meanwhile
  return validate_region(bus, sink, out);
}

int check(int backing, const char *name, const FindingSink &sink, splinter_report *out) {
  os::Fd fd;
  std::string path;
  std::uint64_t size = 0;
  if (int st = os::open_named(backing, name, false, &fd, &path, &size)) return st;
  splinter_report header_report{};
  layout::Geometry geo;
  if (int st = read_header(fd.fd, size, path, &geo, fatal_only(sink, &header_report))) {
    if (out) *out = header_report;
    return st;
  }
  void *p = nullptr;
  if (int st = os::map(fd.fd, 0, geo.region_size, false, &p, path)) return st;
  const Validation v = validate(static_cast<const std::uint8_t *>(p), geo.region_size, size, sink, fd.fd);
  os::unmap(p, geo.region_size);
  if (out) *out = v.report;
  return v.status;
}

int recover(int backing, const char *name, const FindingSink &sink, splinter_report *out) {
  os::Fd fd;
  std::string path;
  std::uint64_t size = 0;
  if (int st = os::open_named(backing, name, true, &fd, &path, &size)) return st;
  if (int st = os::lock_writer(fd.fd, path)) return st;
  layout::Geometry geo;
  splinter_report header_report{};
  if (int st = read_header(fd.fd, size, path, &geo, fatal_only(sink, &header_report))) {
    if (out) *out = header_report;
    return st;
  }
  void *p = nullptr;
  if (int st = os::map(fd.fd, 0, geo.region_size, true, &p, path)) return st;
  Region r(static_cast<std::uint8_t *>(p), geo);
  splinter_report rep{};
  int st = recover_region(r, fd.fd, size, false, sink, &rep);
  if (out) *out = rep;
  // Holding the writer role: wake every poller (2.6 step 3), as a writer's open does.
  if (st == SPLINTER_OK) protocol::wake_all(r);
  if (st == SPLINTER_OK && backing == SPLINTER_FILE) st = os::sync(p, geo.region_size, path);
  os::unmap(p, geo.region_size);
  return st;
}

}  // namespace splinter::core
