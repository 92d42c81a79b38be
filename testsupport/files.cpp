// files.cpp -- see files.h.
#include "testsupport/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace testsupport {

bool same_bytes(const void *a, const void *b, std::size_t n) { return n == 0 || std::memcmp(a, b, n) == 0; }

namespace {
template <class Bytes>
std::optional<Bytes> read_whole(const std::string &path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  Bytes out;
  bool ok = true;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    out.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
      if (n < 0) ok = false;
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    out.resize(done);
  } else {  // no size known (or empty): read to the end
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
    ok = n == 0;
  }
  ::close(fd);
  if (!ok) return std::nullopt;
  return out;
}
}  // namespace

std::optional<std::string> slurp(const std::string &path) { return read_whole<std::string>(path); }
std::optional<std::vector<std::uint8_t>> slurp_bytes(const std::string &path) {
  return read_whole<std::vector<std::uint8_t>>(path);
}

bool spit(const std::string &path, const void *data, std::size_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const auto *p = static_cast<const char *>(data);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, p + done, size - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  return ::close(fd) == 0 && done == size;
}

std::string unique_name(std::string_view prefix, std::string_view what) {
  static std::atomic<unsigned long> counter{0};
  std::string n = std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
  if (!what.empty()) n += "-" + std::string(what);
  return n;
}

}  // namespace testsupport
