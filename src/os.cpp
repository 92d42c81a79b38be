// os.cpp -- Linux system calls behind os.h.
#include "os.h"

#include "status.h"
#include "test_hooks.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>

namespace splinter::os {

int resolve(int backing, const char *name, std::string *path) {
  if (name == nullptr || *name == '\0') return fail(SPLINTER_E_INVALID, "empty bus name");
  if (backing == SPLINTER_SHM) {
    if (*name == '/') ++name;
    const std::size_t n = strnlen(name, SPLINTER_SHM_NAME_MAX + 1);
    if (n == 0 || n > SPLINTER_SHM_NAME_MAX)
      return fail(SPLINTER_E_INVALID, "shared-memory name must be 1..%d bytes", SPLINTER_SHM_NAME_MAX);
    if (std::strchr(name, '/') != nullptr || std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0)
      return fail(SPLINTER_E_INVALID, "shared-memory name '%s' must be one path component", name);
    *path = std::string("/dev/shm/") + name;
    return SPLINTER_OK;
  }
  if (backing == SPLINTER_FILE) {
    if (strnlen(name, PATH_MAX) >= PATH_MAX) return fail(SPLINTER_E_INVALID, "path too long");
    *path = name;
    return SPLINTER_OK;
  }
  return fail(SPLINTER_E_INVALID, "unknown backing %d", backing);
}

int open_object(const std::string &path, bool want_write, int *fd, std::uint64_t *size) {
  // O_NONBLOCK: an open of a FIFO (anyone can make one in /dev/shm) without
  // a peer would otherwise block forever. It changes nothing for a regular
  // file, and anything else is refused below before a byte is read.
  const int f = ::open(path.c_str(), (want_write ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (f < 0) {
    if (errno == ENOENT) return fail(SPLINTER_E_NO_BUS, "%s: no such bus", path.c_str());
    if (errno == ELOOP) return fail(SPLINTER_E_INVALID, "%s: is a symbolic link (refused)", path.c_str());
    if (errno == EISDIR) return fail(SPLINTER_E_CORRUPT, "%s: not a splinter bus (a directory)", path.c_str());
    return fail_errno("cannot open", path.c_str());
  }
  struct stat st {};
  if (::fstat(f, &st) != 0) {
    const int st_errno = fail_errno("cannot stat", path.c_str());
    ::close(f);
    return st_errno;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(f);
    return fail(SPLINTER_E_CORRUPT, "%s: not a splinter bus (not a regular file)", path.c_str());
  }
  *fd = f;
  *size = static_cast<std::uint64_t>(st.st_size);
  return SPLINTER_OK;
}

Fd::~Fd() {
  if (fd >= 0) ::close(fd);
}

int open_named(int backing, const char *name, bool want_write, Fd *fd, std::string *path, std::uint64_t *size) {
  if (int st = resolve(backing, name, path)) return st;
  return open_object(*path, want_write, &fd->fd, size);
}

namespace {
struct flock writer_range(short type) {
  struct flock fl {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 1;
  return fl;
}
}  // namespace

int lock_writer(int fd, const std::string &path) {
  struct flock fl = writer_range(F_WRLCK);
  if (::fcntl(fd, F_OFD_SETLK, &fl) == 0) return SPLINTER_OK;
  if (errno == EAGAIN || errno == EACCES)
    return fail(SPLINTER_E_BUSY, "%s: another writer holds the bus", path.c_str());
  return fail_errno("cannot lock", path.c_str());
}

bool writer_locked_elsewhere(int fd) {
  struct flock fl = writer_range(F_WRLCK);
  if (::fcntl(fd, F_OFD_GETLK, &fl) != 0) return false;
  return fl.l_type != F_UNLCK;
}

int read_prefix(int fd, void *buf, std::size_t len, std::size_t *got, const std::string &path) {
  std::size_t done = 0;
  while (done < len) {
    const ssize_t r = ::pread(fd, static_cast<char *>(buf) + done, len - done, static_cast<off_t>(done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return fail_errno("cannot read", path.c_str());
    }
    if (r == 0) break;
    done += static_cast<std::size_t>(r);
  }
  *got = done;
  return SPLINTER_OK;
}

int create_temp(const std::string &path, std::uint32_t mode, std::uint64_t size, int *fd, std::string *tmp) {
  static std::atomic<unsigned> counter{0};
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.empty() || base == "." || base == "..") return fail(SPLINTER_E_INVALID, "%s: not a file name", path.c_str());
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string t = dir + "." + base.substr(0, 200) + ".creating." + std::to_string(::getpid()) + "." +
                    std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
    const int f = ::open(t.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (f < 0) {
      if (errno == EEXIST) continue;
      return fail_errno("cannot create", t.c_str());
    }
    // Reserve the space now: a sparse object would turn a later ENOSPC into
    // SIGBUS inside a set.
    const int r = ::posix_fallocate(f, 0, static_cast<off_t>(size));
    if (r != 0) {
      ::close(f);
      ::unlink(t.c_str());
      errno = r;
      return fail_errno("cannot reserve space for", path.c_str());
    }
    *fd = f;
    *tmp = std::move(t);
    return SPLINTER_OK;
  }
  return fail(SPLINTER_E_SYSTEM, "%s: cannot find a free temporary name", path.c_str());
}

int publish(int fd, const std::string &tmp, const std::string &path, bool durable) {
  if (durable && ::fsync(fd) != 0) {
    const int st = fail_errno("cannot fsync", tmp.c_str());
    ::unlink(tmp.c_str());
    return st;
  }
  const int r = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (r != 0) {
    errno = link_errno;
    if (errno == EEXIST) return fail(SPLINTER_E_EXISTS, "%s: already exists (left untouched)", path.c_str());
    return fail_errno("cannot create", path.c_str());
  }
  if (durable) {
    const std::size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d >= 0) {
      ::fsync(d);
      ::close(d);
    }
  }
  return SPLINTER_OK;
}

int map(int fd, std::uint64_t offset, std::uint64_t len, bool writable, void **out, const std::string &path) {
  void *p = ::mmap(nullptr, len, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd,
                   static_cast<off_t>(offset));
  if (p == MAP_FAILED) return fail_errno("cannot map", path.c_str());
  *out = p;
  return SPLINTER_OK;
}

void unmap(void *p, std::uint64_t len) {
  if (p != nullptr) ::munmap(p, len);
}

int sync(void *p, std::uint64_t len, const std::string &path) {
  if (::msync(p, len, MS_SYNC) != 0) return fail_errno("cannot msync", path.c_str());
  return SPLINTER_OK;
}

int size_of(int fd, std::uint64_t *size) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail_errno("cannot stat", "the bus object");
  *size = static_cast<std::uint64_t>(st.st_size);
  return SPLINTER_OK;
}

int truncate(int fd, std::uint64_t size) {
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) return fail_errno("cannot truncate", "the bus object");
  return SPLINTER_OK;
}

void futex_wait(const std::uint32_t *word, std::uint32_t expected, const timespec *deadline) {
  // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline. Shared
  // (no FUTEX_PRIVATE_FLAG): the key is the mapped page, not the address.
  ::syscall(SYS_futex, word, FUTEX_WAIT_BITSET, expected, deadline, nullptr, FUTEX_BITSET_MATCH_ANY);
}

void futex_wake_all(const std::uint32_t *word) {
#if defined(SPLINTER_TEST_HOOKS)
  test::count_futex_wake();
#endif
  ::syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

timespec monotonic_now() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return t;
}

timespec add_ms(timespec t, std::int64_t ms) {
  t.tv_sec += static_cast<time_t>(ms / 1000);
  t.tv_nsec += static_cast<long>((ms % 1000) * 1000000);
  if (t.tv_nsec >= 1000000000L) {
    t.tv_sec += 1;
    t.tv_nsec -= 1000000000L;
  }
  return t;
}

bool before(const timespec &a, const timespec &b) {
  return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

}  // namespace splinter::os
