// Uses the installed C++ API.
#include <splinter/splinter.hpp>

#include <cstdio>
#include <string>
#include <unistd.h>

int main() {
  const std::string name = "splinter-consumer-cpp-" + std::to_string(::getpid());
  auto bus = splinter::Bus::create(splinter::Backing::shm, name, 4, 8);
  if (!bus) return 1;
  if (!bus->set("k", std::string_view("v")).ok()) return 2;
  auto v = bus->get("k");
  if (!v || v->text() != "v") return 3;
  bus->close();
  if (!splinter::Bus::destroy(splinter::Backing::shm, name).ok()) return 4;
  std::puts("consumer_cpp: ok");
  return 0;
}
