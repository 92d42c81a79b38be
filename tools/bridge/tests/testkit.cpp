// testkit.cpp -- splinter-bridge-testkit, the bridge tests' helper (built
// for tests only, never installed):
//   churn BUS N SEED [KEYS]   N random sets/unsets on BUS (its writer) over
//                             KEYS keys (default 500) whose bytes include
//                             every class the key encoding must carry ('.',
//                             '*', '>', ' ', '=', '/', control and high bytes);
//                             prints the final bus epoch
//   dump BUS                  every key and value, hex, sorted: one line each
//   epoch BUS                 the bus epoch
#include <splinter/splinter.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

splinter::Bus open(const std::string &text, splinter::Role role) {
  const bool shm = text.rfind("shm:", 0) == 0;
  const std::string name = text.substr(shm ? 4 : 5);
  auto bus = splinter::Bus::open(shm ? splinter::Backing::shm : splinter::Backing::file, name, role);
  if (!bus) {
    std::fprintf(stderr, "testkit: cannot open %s: %s\n", text.c_str(), bus.status().what().c_str());
    std::exit(1);
  }
  return std::move(bus.value());
}

std::string key_of(std::uint32_t i) {
  static const char kOdd[] = {'.', '*', '>', ' ', '=', '/', '\x01', '\x7f', '\xff', '\xc3', '-', '_', 'Z'};
  std::string k = "key" + std::to_string(i);
  k += kOdd[i % sizeof kOdd];
  if (i % 7 == 0) k = std::string(1, kOdd[(i / 7) % sizeof kOdd]) + k;  // odd first byte
  if (i % 11 == 0) k += std::string(40, 'x');                           // long keys
  return k;
}

std::string hex(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace

int main(int argc, char **argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() >= 4 && a[0] == "churn") {
    splinter::Bus bus = open(a[1], splinter::Role::writer);
    const unsigned long n = std::stoul(a[2]);
    std::mt19937_64 rng(std::stoull(a[3]));
    const std::uint32_t keys = a.size() > 4 ? static_cast<std::uint32_t>(std::stoul(a[4])) : 500;
    auto in = bus.info();
    const std::uint32_t max = in ? std::min<std::uint32_t>(in->max_value_size, 300) : 0;
    for (unsigned long i = 0; i < n; ++i) {
      const std::string key = key_of(static_cast<std::uint32_t>(rng() % keys));
      if (rng() % 10 < 3) {
        (void)bus.unset(key);  // NOT_FOUND is fine
        continue;
      }
      std::string value(rng() % (max + 1), '\0');
      for (char &c : value) c = static_cast<char>(rng() & 0xff);
      if (const splinter::Status st = bus.set(key, value); !st) {
        std::fprintf(stderr, "testkit: set failed: %s\n", st.what().c_str());
        return 1;
      }
    }
    if (a[1].rfind("file:", 0) == 0) (void)bus.flush();
    std::printf("%llu\n", static_cast<unsigned long long>(bus.epoch()));
    return 0;
  }
  if (a.size() == 2 && a[0] == "dump") {
    splinter::Bus bus = open(a[1], splinter::Role::reader);
    auto listed = bus.list();
    if (!listed) return 1;
    std::vector<std::string> lines;
    for (const auto &e : listed.value()) {
      auto got = bus.get(e.key);
      if (!got) continue;
      lines.push_back(hex(e.key) + ' ' + hex(got->text()));
    }
    std::sort(lines.begin(), lines.end());
    for (const auto &l : lines) std::printf("%s\n", l.c_str());
    return 0;
  }
  if (a.size() == 2 && a[0] == "epoch") {
    splinter::Bus bus = open(a[1], splinter::Role::reader);
    std::printf("%llu\n", static_cast<unsigned long long>(bus.epoch()));
    return 0;
  }
  std::fprintf(stderr, "usage: splinter-bridge-testkit churn BUS N SEED [KEYS] | dump BUS | epoch BUS\n");
  return 64;
}
