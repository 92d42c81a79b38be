// backup.cpp -- see backup.h.
#include "backup.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace splinterctl {

namespace {
// A descriptor closed at scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string shm_path(const std::string &name) {
  return "/dev/shm/" + (name.starts_with("/") ? name.substr(1) : name);
}

// Opens the backing object read-only without blocking (a FIFO at the name
// must not hang us) and without following a final symbolic link.
int open_source(const BusAddress &bus) {
  if (bus.backing == splinter::Backing::shm) {
    const std::string name = bus.name.starts_with("/") ? bus.name : "/" + bus.name;
    return ::shm_open(name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
  }
  return ::open(bus.name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
}

bool write_all(int fd, const char *p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// Copies src to dst (both open); false with errno set on a failure.
bool copy(int src, int dst) {
  std::vector<char> buf(1 << 20);
  for (;;) {
    const ssize_t r = ::read(src, buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return false;
    if (r == 0) return ::fsync(dst) == 0;
    if (!write_all(dst, buf.data(), static_cast<std::size_t>(r))) return false;
  }
}
}  // namespace

std::string default_backup_path(const BusAddress &bus) {
  return (bus.backing == splinter::Backing::shm ? shm_path(bus.name) : bus.name) + ".backup";
}

BackupResult write_backup(const BusAddress &bus, const std::string &path, bool overwrite) {
  const auto failed = [&](const std::string &what, int err) {
    message("cannot back up " + bus.display() + " to " + path + ": " + what + ": " + system_reason(err) +
            "; nothing recovered (--no-backup skips the backup)");
    return BackupResult::failed;
  };
  Fd src{open_source(bus)};
  if (src.fd < 0) {
    if (errno == ENOENT) return BackupResult::no_bus;
    return failed("cannot open the bus", errno);
  }
  struct stat st {};
  if (::fstat(src.fd, &st) != 0) return failed("cannot stat the bus", errno);
  if (!S_ISREG(st.st_mode)) return failed("the bus", EINVAL);
  struct stat existing {};
  if (!overwrite && ::lstat(path.c_str(), &existing) == 0) {
    message("backup " + path + " already exists: move it away, or pass --overwrite-backup, --backup PATH, or "
            "--no-backup; nothing recovered");
    return BackupResult::failed;
  }
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  Fd dst{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 0666)};
  if (dst.fd < 0) return failed("cannot create " + tmp, errno);
  const bool copied = copy(src.fd, dst.fd);
  const int copy_err = errno;
  bool placed = false;
  int place_err = 0;
  if (copied) {
    // link() refuses an existing name: a backup that appeared meanwhile is kept.
    placed = overwrite ? ::rename(tmp.c_str(), path.c_str()) == 0 : ::link(tmp.c_str(), path.c_str()) == 0;
    place_err = errno;
  }
  ::unlink(tmp.c_str());  // after rename, tmp no longer exists: harmless
  if (!copied) return failed("copy failed", copy_err);
  if (!placed) return failed("cannot create it", place_err);
  return BackupResult::written;
}

}  // namespace splinterctl
