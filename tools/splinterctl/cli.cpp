// cli.cpp -- see cli.h.
#include "cli.h"

#include <cstdio>
#include <cstdlib>

namespace splinterctl {

std::string BusAddress::display() const {
  return (backing == splinter::Backing::shm ? "shm:" : "file:") + name;
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

std::string reason(splinter::Status status) { return reason(status.raw()); }

void message(std::string_view text) {
  std::string line = "splinterctl: ";
  line += text;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

int fail(std::string_view what, const BusAddress &bus, splinter::Status status) {
  std::string text(what);
  text += ' ';
  text += bus.display();
  text += ": ";
  text += reason(status);
  message(text);
  return status.code() == splinter::Code::not_found ? kExitNotFound : kExitFailure;
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

}  // namespace splinterctl
