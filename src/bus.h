// bus.h -- the handle and the core operations (docs/FORMAT.md section 2).
// Both public APIs (c_api.cpp, cpp_api.cpp) are thin translations of these.
#ifndef SPLINTER_SRC_BUS_H
#define SPLINTER_SRC_BUS_H

#include "region.h"
#include "validate.h"

#include <splinter/splinter.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

struct splinter_bus {
  int backing = 0;
  int role = SPLINTER_READER;
  std::string path;
  int fd = -1;
  void *map = nullptr;        // the whole region: read-write for a writer, read-only for a reader
  std::uint64_t map_len = 0;
  void *waiter_map = nullptr; // a reader's read-write mapping of the waiter page, if permitted
  splinter::Region region;
  std::uint32_t *waiters = nullptr;  // in map (writer) or waiter_map (reader); null if not writable
  std::uint32_t spin_us = 0;
  // Writer only: serialises mutations from several threads, and the count of
  // live slots (derived by a scan at open; FULL is decided against it).
  std::mutex write_mu;
  std::uint32_t live = 0;
};

namespace splinter::core {

int create(splinter_bus **out, int backing, const char *name, std::uint32_t slots, std::uint32_t max_value_size,
           std::uint32_t mode);
int open(splinter_bus **out, int backing, const char *name, int role);
void close(splinter_bus *bus);
int destroy(int backing, const char *name);

int set(splinter_bus *bus, const Key &key, const void *value, std::size_t len, std::uint64_t *out_epoch);
int unset(splinter_bus *bus, const Key &key, std::uint64_t *out_epoch);
int flush(splinter_bus *bus);

int get(const splinter_bus *bus, const Key &key, void *buf, std::size_t cap, std::size_t *out_len,
        std::uint64_t *out_epoch);
// fn returns non-zero to stop; that value is returned.
using ListFn = int (*)(void *ctx, const char *key, std::size_t value_len, std::uint64_t epoch);
int list(const splinter_bus *bus, ListFn fn, void *ctx);
// key == nullptr waits on the bus epoch.
int poll(const splinter_bus *bus, const Key *key, std::uint64_t since, std::int64_t timeout_ms,
         std::uint64_t *out_epoch);
std::uint64_t epoch(const splinter_bus *bus);
int info(const splinter_bus *bus, splinter_info *out);

int check_bus(const splinter_bus *bus, const FindingSink &sink, splinter_report *out);
int check(int backing, const char *name, const FindingSink &sink, splinter_report *out);
int recover(int backing, const char *name, const FindingSink &sink, splinter_report *out);

}  // namespace splinter::core

#endif  // SPLINTER_SRC_BUS_H

namespace splinter::core {
// wait.cpp: wakes pollers after a commit (FORMAT.md 2.6).
void wake_waiters(const splinter_bus *bus);
// read.cpp: the key's current epoch (0 when absent): OK or AGAIN.
int key_epoch(const splinter_bus *bus, const Key &key, std::uint64_t *out);
// A short pause inside a retry loop.
void backoff(int attempt);
}  // namespace splinter::core
