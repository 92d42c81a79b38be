// bus.h -- the core operations on a handle (docs/FORMAT.md section 2).
// Both public APIs (c_api.cpp, cpp_api.cpp) are thin translations of these;
// each checks the handle's role, takes the writer's lock where it mutates,
// and runs the protocol (protocol.h). The handle itself is in handle.h.
#ifndef SPLINTER_SRC_BUS_H
#define SPLINTER_SRC_BUS_H

#include "key.h"
#include "protocol.h"
#include "validate.h"

#include <splinter/splinter.h>

#include <cstdint>

namespace splinter::core {

// bus.cpp: lifetime. Options are splinter_options' fields, checked by the
// APIs' translations (c_api.cpp, cpp_api.cpp).
struct Options {
  std::uint32_t slots = 0, max_value_size = 0, mode = 0, change_ring = 0, history_depth = 0;
};
int create(splinter_bus **out, int backing, const char *name, const Options &opts);
int open(splinter_bus **out, int backing, const char *name, int role);
void close(splinter_bus *bus);
int destroy(int backing, const char *name);

// ops.cpp: mutations and reads.
// deadline: ms on the clock of clock.h, 0 = never (set_ttl computes it).
int set(splinter_bus *bus, const StoredKey &key, const void *value, std::size_t len, std::uint64_t deadline,
        std::uint64_t *out_epoch);
// As set, expiring ttl_ms from now (0: never); INVALID above SPLINTER_TTL_MAX_MS.
int set_ttl(splinter_bus *bus, const StoredKey &key, const void *value, std::size_t len, std::uint64_t ttl_ms,
            std::uint64_t *out_epoch);
int expire(splinter_bus *bus, std::uint32_t max, std::uint32_t *out_removed);
int ttl(const splinter_bus *bus, const StoredKey &key, std::uint64_t *out_ms);
int unset(splinter_bus *bus, const StoredKey &key, std::uint64_t *out_epoch);
int flush(splinter_bus *bus);
int get(const splinter_bus *bus, const StoredKey &key, void *buf, std::size_t cap, std::size_t *out_len,
        std::uint64_t *out_epoch);
using ListFn = protocol::ListFn;  // non-zero stops the walk and is returned
int list(const splinter_bus *bus, ListFn fn, void *ctx);
int history(const splinter_bus *bus, const StoredKey &key, protocol::HistoryFn fn, void *ctx);
int changes(const splinter_bus *bus, std::uint64_t since, protocol::ChangeFn fn, void *ctx, std::uint64_t *out_last);
// key == nullptr waits on the bus epoch.
int poll(const splinter_bus *bus, const StoredKey *key, std::uint64_t since, std::int64_t timeout_ms,
         std::uint64_t *out_epoch);
void set_spin(splinter_bus *bus, std::uint32_t spin_us);
std::uint64_t epoch(const splinter_bus *bus);
int info(const splinter_bus *bus, splinter_info *out);

// check.cpp: validation and recovery.
int check_bus(const splinter_bus *bus, const FindingSink &sink, splinter_report *out);
int check(int backing, const char *name, const FindingSink &sink, splinter_report *out);
int recover(int backing, const char *name, const FindingSink &sink, splinter_report *out);

}  // namespace splinter::core

#endif  // SPLINTER_SRC_BUS_H
