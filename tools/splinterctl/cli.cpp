// cli.cpp -- see cli.h.
#include "cli.h"

#include "command.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace splinterctl {

std::string BusAddress::display() const {
  return (backing == splinter::Backing::shm ? "shm:" : "file:") + name;
}

namespace {
bool g_quiet = false;

// A word as it must be typed in a POSIX shell.
std::string shell_quote(std::string_view word) {
  const bool plain = !word.empty() && word.find_first_not_of(
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=@%+,-") == std::string_view::npos;
  if (plain) return std::string(word);
  std::string out = "'";
  for (const char c : word) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

void replace_all(std::string *s, std::string_view from, std::string_view to) {
  for (std::size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size()))
    s->replace(at, from.size(), to);
}
}  // namespace

std::string BusAddress::flags() const {
  return (backing == splinter::Backing::shm ? "--shm " : "--file ") + shell_quote(name);
}

std::optional<BusAddress> Context::address() const {
  if (!shm.empty()) return BusAddress{splinter::Backing::shm, shm};
  if (!file.empty()) return BusAddress{splinter::Backing::file, file};
  const char *env = std::getenv("SPLINTER_BUS");
  if (env == nullptr || *env == '\0') {
    message("no bus given: use --shm NAME, --file PATH, or SPLINTER_BUS=shm:NAME|file:PATH");
    return std::nullopt;
  }
  const std::string_view v(env);
  if (v.starts_with("shm:") && v.size() > 4) return BusAddress{splinter::Backing::shm, std::string(v.substr(4))};
  if (v.starts_with("file:") && v.size() > 5) return BusAddress{splinter::Backing::file, std::string(v.substr(5))};
  message("SPLINTER_BUS=" + std::string(v) + ": expected shm:NAME or file:PATH");
  return std::nullopt;
}

std::string reason(int status) {
  const char *detail = splinter_last_error();
  if (detail != nullptr && *detail != '\0') return detail;
  return splinter_strerror(status);
}

std::string system_reason(int err) { return std::strerror(err); }

std::string explain(const BusAddress &bus, splinter::Code code, std::string why) {
  const std::string ctl = "splinterctl " + bus.flags();
  if (code == splinter::Code::busy) {
    // Who holds the role: the pid its writer recorded (a reader may look).
    std::int32_t pid = 0;
    if (auto reader = splinter::Bus::open(bus.backing, bus.name, splinter::Role::reader)) {
      if (auto in = reader->info()) pid = in->writer_pid;
    }
    why += pid != 0 ? "; the writer is pid " + std::to_string(pid) : std::string("; the writer has just left");
    why += ": stop it or let it finish, then retry (`" + ctl + " info` shows the writer)";
  } else if (code == splinter::Code::corrupt) {
    if (why.find("splinter_recover") != std::string::npos) {
      replace_all(&why, "splinter_recover", "`" + ctl + " recover`");
    } else if (why.find("(F1") != std::string::npos) {  // a slot's rule (F11, F12): a value is damaged
      why += "; `" + ctl + " check` lists the damage, `" + ctl + " recover` repairs it";
    }
  }
  return why;
}

void message(std::string_view text) {
  std::string line = "splinterctl: ";
  line += text;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void set_quiet(bool quiet) { g_quiet = quiet; }
bool quiet() { return g_quiet; }
void note(std::string_view text) {
  if (!g_quiet) message(text);
}

int fail(std::string_view what, const BusAddress &bus, const splinter::Status &status) {
  const bool absent = status.code() == splinter::Code::not_found;
  if (absent && g_quiet) return kExitNotFound;
  std::string text(what);
  text += ' ';
  text += bus.display();
  text += ": ";
  text += explain(bus, status.code(), status.what());
  message(text);
  return absent ? kExitNotFound : kExitFailure;
}

std::optional<splinter::Bus> open_bus(const BusAddress &bus, splinter::Role role) {
  auto opened = splinter::Bus::open(bus.backing, bus.name, role);
  if (!opened) {
    fail(role == splinter::Role::writer ? "cannot open (as writer)" : "cannot open", bus,
         opened.status());
    return std::nullopt;
  }
  return std::move(opened).value();
}

int flush_file_bus(splinter::Bus &writer, const BusAddress &addr) {
  if (addr.backing != splinter::Backing::file) return kExitOk;
  const splinter::Status fl = writer.flush();
  return fl ? kExitOk : fail("cannot flush", addr, fl);
}

int finish_mutation(splinter::Bus &writer, const BusAddress &addr, splinter::Status st,
                    std::string_view what, std::uint64_t epoch, bool print_epoch) {
  if (!st) return fail(what, addr, st);
  if (const int code = flush_file_bus(writer, addr); code != kExitOk) return code;
  if (print_epoch) write_stdout(std::to_string(epoch) + "\n");
  return kExitOk;
}

bool write_stdout(std::string_view bytes) {
  return std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size();
}

int output(std::string_view bytes) { return write_stdout(bytes) ? kExitOk : kExitFailure; }

std::vector<Registration> &registrations() {
  static std::vector<Registration> all;
  return all;
}

}  // namespace splinterctl
