// procfs.cpp -- see procfs.h.
#include "procfs.h"

#include "fail.h"

#include <linux/futex.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace splc::procfs {

namespace fs = std::filesystem;

std::vector<std::string> fd_targets(pid_t pid) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto &e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    std::error_code ec2;
    const fs::path target = fs::read_symlink(e.path(), ec2);
    if (!ec2) out.push_back(target.string());
  }
  if (ec) throw Fail("cannot list /proc/" + std::to_string(pid) + "/fd: " + ec.message());
  return out;
}

std::vector<Mapping> mappings(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
  if (!in) throw Fail("cannot read /proc/" + std::to_string(pid) + "/maps");
  std::vector<Mapping> out;
  for (std::string line; std::getline(in, line);) {
    // lo-hi perms offset dev inode [path]
    std::istringstream f(line);
    std::string range, perms, offset, dev, inode;
    f >> range >> perms >> offset >> dev >> inode;
    Mapping m;
    const auto dash = range.find('-');
    if (dash == std::string::npos) continue;
    m.lo = std::stoull(range.substr(0, dash), nullptr, 16);
    m.hi = std::stoull(range.substr(dash + 1), nullptr, 16);
    std::string rest;
    std::getline(f, rest);
    const auto start = rest.find_first_not_of(' ');
    if (start != std::string::npos) m.path = rest.substr(start);
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<FutexWait> futex_waits(pid_t pid) {
  std::vector<FutexWait> out;
  std::error_code ec;
  const std::string task = "/proc/" + std::to_string(pid) + "/task";
  for (const auto &e : fs::directory_iterator(task, ec)) {
    std::ifstream in(e.path() / "syscall");
    std::string nr;
    if (!(in >> nr)) {
      if (fs::exists(e.path())) {
        throw Fail("cannot read " + (e.path() / "syscall").string() + " (" + std::strerror(errno) +
                   "): the runner must be allowed to inspect the adapter process (same user; with "
                   "kernel.yama.ptrace_scope at most 1 the runner is its ancestor)");
      }
      continue;  // the thread ended meanwhile
    }
    if (nr == "running" || nr.empty() || nr[0] == '-') continue;
    if (std::stol(nr) != SYS_futex) continue;
    std::string uaddr, op;
    in >> uaddr >> op;
    const auto cmd = static_cast<int>(std::stoul(op, nullptr, 16) & static_cast<unsigned long>(FUTEX_CMD_MASK));
    if (cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET) continue;
    out.push_back({static_cast<pid_t>(std::stol(e.path().filename().string())), std::stoull(uaddr, nullptr, 16)});
  }
  if (ec) throw Fail("cannot list " + task + ": " + ec.message());
  return out;
}

bool same_object(const std::string &path, const std::string &object) {
  if (path == object) return true;
  const std::string deleted = " (deleted)";
  return path.size() == object.size() + deleted.size() && path.compare(0, object.size(), object) == 0 &&
         path.compare(object.size(), deleted.size(), deleted) == 0;
}

}  // namespace splc::procfs
