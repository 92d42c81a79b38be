// testkit.cpp -- splinter-bridge-testkit, the bridge tests' helper (built
// for tests only, never installed):
//   churn BUS N SEED [KEYS]   N random sets/unsets on BUS (its writer) over
//                             KEYS keys (default 500) whose bytes include
//                             every class the key encoding must carry ('.',
//                             '*', '>', ' ', '=', '/', control and high bytes);
//                             prints the final bus epoch
//   dump BUS                  every key and value, hex, sorted: one line each
//   epoch BUS                 the bus epoch
//   bench LEADER FOLLOWER N RATE
//                             the bridge's benchmark: writes N changes to
//                             LEADER (RATE per second, 0 = as fast as it can;
//                             each value is its index and its wall-clock time)
//                             while a reader follows FOLLOWER's change feed;
//                             prints changes/s (first set to the last change
//                             seen on FOLLOWER) and the end-to-end lag
//                             p50/p99/max of the values FOLLOWER received
#include <splinter/splinter.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <random>
#include <thread>
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

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int bench(const std::string &leader_name, const std::string &follower_name, std::uint64_t n, std::uint64_t rate) {
  splinter::Bus leader = open(leader_name, splinter::Role::writer);
  splinter::Bus follower = open(follower_name, splinter::Role::reader);
  std::vector<double> lags_us;
  std::uint64_t seen_last = 0;
  std::int64_t end_ns = 0;
  std::thread reader([&] {
    std::uint64_t since = follower.epoch();
    bool done = false;
    while (!done) {
      auto polled = follower.poll_bus(since, 100);
      if (!polled) continue;
      auto ch = follower.changes(since);
      if (!ch) { since = follower.epoch(); continue; }  // compacted: skip ahead
      for (const auto &c : ch->changes) {
        if (c.op != splinter::Op::set || c.key.rfind("bench", 0) != 0) continue;
        auto got = follower.get(c.key);
        if (!got) continue;
        unsigned long long idx = 0;
        long long ts = 0;
        const std::string v(got->text());
        if (std::sscanf(v.c_str(), "%llu %lld", &idx, &ts) != 2) continue;
        const std::int64_t t = now_ns();
        lags_us.push_back(static_cast<double>(t - ts) / 1000.0);
        if (idx + 1 == n) { seen_last = idx + 1; end_ns = t; done = true; }
      }
      since = ch->last;
    }
  });
  const std::int64_t start = now_ns();
  for (std::uint64_t i = 0; i < n; ++i) {
    if (rate > 0) {
      const std::int64_t due = start + static_cast<std::int64_t>(i * 1000000000ull / rate);
      while (now_ns() < due) std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    char value[64];
    std::snprintf(value, sizeof value, "%llu %lld", static_cast<unsigned long long>(i), static_cast<long long>(now_ns()));
    if (!leader.set("bench" + std::to_string(i % 1000), std::string_view(value))) return 1;
  }
  reader.join();
  std::sort(lags_us.begin(), lags_us.end());
  auto pct = [&](double p) { return lags_us.empty() ? 0.0 : lags_us[static_cast<std::size_t>(p * static_cast<double>(lags_us.size() - 1))]; };
  const double secs = static_cast<double>(end_ns - start) / 1e9;
  std::printf("changes %llu rate %llu/s: %.0f changes/s end to end; %zu values seen on the follower; lag p50 %.0f us, p99 %.0f us, max %.0f us\n",
              static_cast<unsigned long long>(seen_last), static_cast<unsigned long long>(rate),
              static_cast<double>(n) / secs, lags_us.size(), pct(0.5), pct(0.99), lags_us.empty() ? 0.0 : lags_us.back());
  return 0;
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
  if (a.size() == 5 && a[0] == "bench") return bench(a[1], a[2], std::stoull(a[3]), std::stoull(a[4]));
  std::fprintf(stderr, "usage: splinter-bridge-testkit churn BUS N SEED [KEYS] | dump BUS | epoch BUS | bench LEADER FOLLOWER N RATE\n");
  return 64;
}
