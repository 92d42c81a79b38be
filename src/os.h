// os.h -- everything that talks to the kernel: names, files, the writer
// lock, mappings and futexes. Each function returns a splinter status and
// records a detail (status.h) on failure.
#ifndef SPLINTER_SRC_OS_H
#define SPLINTER_SRC_OS_H

#include <splinter/splinter.h>

#include <cstdint>
#include <ctime>
#include <string>

namespace splinter::os {

// Maps (backing, name) to a filesystem path: /dev/shm/NAME or the path.
int resolve(int backing, const char *name, std::string *path);

// Opens an existing bus object. want_write: O_RDWR, else O_RDONLY; always
// O_NONBLOCK, so that opening a FIFO or a device never blocks, and nothing
// is read from an object before it is known to be a regular file.
// ENOENT -> NO_BUS; a symbolic link -> INVALID; not a regular file -> CORRUPT.
int open_object(const std::string &path, bool want_write, int *fd, std::uint64_t *size);

// A descriptor owned by a scope: closed (releasing any OFD lock on it) at its end.
struct Fd {
  int fd = -1;
  Fd() = default;
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
  ~Fd();
};
// resolve, then open_object: the bus object of (backing, name).
int open_named(int backing, const char *name, bool want_write, Fd *fd, std::string *path, std::uint64_t *size);

// The writer role: an OFD write lock on byte 0. OK, BUSY or SYSTEM.
int lock_writer(int fd, const std::string &path);
// True if some open file description other than fd's holds the writer lock.
bool writer_locked_elsewhere(int fd);

// Reads `len` bytes at offset 0; fewer if the object is shorter.
int read_prefix(int fd, void *buf, std::size_t len, std::size_t *got, const std::string &path);

// Creates a new object under a temporary name beside `path` (O_EXCL,
// O_NOFOLLOW, mode), sized and reserved to `size` bytes. *tmp gets its name.
int create_temp(const std::string &path, std::uint32_t mode, std::uint64_t size, int *fd, std::string *tmp);
// Links tmp to path (EEXIST -> EXISTS) and removes tmp either way.
// durable: fsync the object before and the directory after.
int publish(int fd, const std::string &tmp, const std::string &path, bool durable);

// mmap of [offset, offset + len) shared; writable or read-only.
int map(int fd, std::uint64_t offset, std::uint64_t len, bool writable, void **out, const std::string &path);
void unmap(void *p, std::uint64_t len);
int sync(void *p, std::uint64_t len, const std::string &path);
// The object's size now.
int size_of(int fd, std::uint64_t *size);
// Cuts the object back to `size` bytes (F17).
int truncate(int fd, std::uint64_t size);

// Futex on a word of a shared mapping (not FUTEX_PRIVATE_FLAG).
// Waits while *word == expected, until woken or the absolute CLOCK_MONOTONIC
// deadline (nullptr: none). Returns nothing: callers re-check their condition.
void futex_wait(const std::uint32_t *word, std::uint32_t expected, const timespec *deadline);
void futex_wake_all(const std::uint32_t *word);

timespec monotonic_now();
timespec add_ms(timespec t, std::int64_t ms);
bool before(const timespec &a, const timespec &b);

}  // namespace splinter::os

#endif  // SPLINTER_SRC_OS_H
