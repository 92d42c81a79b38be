// cmd_bench.cpp -- `splinterctl bench`: a quick measurement of set, get and
// poll wake-up latency on a scratch bus, for people who want a number on
// their machine without building the benchmark suite (bench/).
#include "command.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

namespace splinterctl {

namespace {
struct Options {
  std::uint32_t slots = 1024;
  std::uint32_t max_value = 256;
  std::optional<std::uint32_t> value_size;
  std::uint32_t ops = 200000;
  std::uint32_t rounds = 500;
  bool json = false;
};

using Clock = std::chrono::steady_clock;

double ns_since(Clock::time_point t0) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
}

struct Results {
  double set_ns = 0, get_ns = 0;
  double wake_p50_us = 0, wake_p99_us = 0, wake_max_us = 0;
};

// How long the reader waits for each wake-up before the bench gives up: a
// liveness bound (a lost wake-up), generous so that a loaded machine passes.
constexpr std::int64_t kWakeBoundMs = 30000;

// Wake latency: a reader thread with its own handle blocks in poll; the
// writer stamps the time and sets; the reader stamps the time it woke.
bool measure_wake(splinter::Bus &writer, const BusAddress &addr, std::uint32_t rounds, Results *r) {
  auto opened = splinter::Bus::open(addr.backing, addr.name, splinter::Role::reader);
  if (!opened) { fail("cannot open (as reader)", addr, opened.status()); return false; }
  splinter::Bus reader = std::move(opened).value();
  const std::string key = "bench.ping";
  std::uint64_t since = 0;
  if (!writer.set(key, std::string_view("0"), &since)) return false;
  std::atomic<std::int64_t> sent_ns{0};
  std::atomic<std::uint32_t> acks{0};
  std::atomic<bool> failed{false};
  std::vector<double> lat(rounds);
  std::thread waiter([&] {
    std::uint64_t seen = since;
    for (std::uint32_t i = 0; i < rounds; ++i) {
      auto got = reader.poll(key, seen, kWakeBoundMs);
      if (!got) { failed = true; acks.store(rounds); return; }
      const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
      lat[i] = static_cast<double>(now - sent_ns.load()) / 1000.0;
      seen = got.value();
      acks.fetch_add(1, std::memory_order_release);
    }
  });
  for (std::uint32_t i = 0; i < rounds && !failed; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // let the reader block again
    sent_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
    if (!writer.set(key, std::string_view("x"))) { failed = true; break; }
    while (acks.load(std::memory_order_acquire) <= i && !failed) std::this_thread::yield();
  }
  waiter.join();
  if (failed) {
    message("bench: a wake-up did not arrive within " + std::to_string(kWakeBoundMs / 1000) + " s");
    return false;
  }
  std::sort(lat.begin(), lat.end());
  r->wake_p50_us = lat[lat.size() / 2];
  r->wake_p99_us = lat[std::min(lat.size() - 1, lat.size() * 99 / 100)];
  r->wake_max_us = lat.back();
  return true;
}

int measure(splinter::Bus &bus, const BusAddress &addr, const Options &opt, Results *r) {
  const std::uint32_t vsize = opt.value_size.value_or(std::min<std::uint32_t>(opt.max_value, 64));
  if (vsize > opt.max_value) {
    message("bench: --value-size is larger than --max-value");
    return kExitUsage;
  }
  const std::uint32_t nkeys = std::max<std::uint32_t>(1, std::min<std::uint32_t>(opt.slots / 2, 1000));
  std::vector<std::string> keys;
  for (std::uint32_t i = 0; i < nkeys; ++i) keys.push_back("bench." + std::to_string(i));
  const std::vector<std::byte> value(vsize, std::byte{0x5a});
  std::vector<std::byte> buf(opt.max_value);

  auto t0 = Clock::now();
  for (std::uint32_t i = 0; i < opt.ops; ++i) {
    const splinter::Status st = bus.set(keys[i % nkeys], std::span<const std::byte>(value));
    if (!st) return fail("bench: set failed on", addr, st);
  }
  r->set_ns = ns_since(t0) / opt.ops;

  t0 = Clock::now();
  for (std::uint32_t i = 0; i < opt.ops; ++i) {
    std::size_t len = 0;
    const splinter::Status st = bus.get(keys[i % nkeys], std::span<std::byte>(buf), &len);
    if (!st) return fail("bench: get failed on", addr, st);
  }
  r->get_ns = ns_since(t0) / opt.ops;

  if (!measure_wake(bus, addr, opt.rounds, r)) return kExitFailure;
  return kExitOk;
}

int run(const Context &ctx, const Options &opt) {
  BusAddress addr;
  if (!ctx.file.empty()) addr = {splinter::Backing::file, ctx.file};
  else if (!ctx.shm.empty()) addr = {splinter::Backing::shm, ctx.shm};
  else addr = {splinter::Backing::shm, "splinterctl-bench-" + std::to_string(::getpid())};
  auto created = splinter::Bus::create(addr.backing, addr.name, opt.slots, opt.max_value, 0600);
  if (!created) return fail("bench: cannot create scratch bus", addr, created.status());
  splinter::Bus bus = std::move(created).value();
  Results r;
  const int code = measure(bus, addr, opt, &r);
  bus.close();
  const splinter::Status gone = splinter::Bus::destroy(addr.backing, addr.name);
  if (!gone) fail("bench: cannot remove scratch bus", addr, gone);
  if (code != kExitOk) return code;

  std::string out;
  if (opt.json) {
    nlohmann::json j = {{"bus", addr.display()},       {"slots", opt.slots},
                        {"max_value_size", opt.max_value}, {"ops", opt.ops},
                        {"set_ns_per_op", r.set_ns},   {"get_ns_per_op", r.get_ns},
                        {"wake_rounds", opt.rounds},   {"wake_p50_us", r.wake_p50_us},
                        {"wake_p99_us", r.wake_p99_us}, {"wake_max_us", r.wake_max_us}};
    out = j.dump(2) + "\n";
  } else {
    char text[512];
    std::snprintf(text, sizeof text,
                  "bus %s: %u slots, values up to %u bytes, %u operations\n"
                  "set:  %8.1f ns/op  (%.2f M ops/s, one writer)\n"
                  "get:  %8.1f ns/op  (%.2f M ops/s, one reader)\n"
                  "wake: %8.1f us median, %.1f us p99, %.1f us max (set -> poll returns, %u rounds)\n",
                  addr.display().c_str(), opt.slots, opt.max_value, opt.ops, r.set_ns, 1000.0 / r.set_ns,
                  r.get_ns, 1000.0 / r.get_ns, r.wake_p50_us, r.wake_p99_us, r.wake_max_us, opt.rounds);
    out = text;
  }
  return output(out);
}

void declare(Args &args, Options &opt) {
  args.option("--slots", &opt.slots, "Slots of the scratch bus").show_default().type("N").range(2, SPLINTER_SLOTS_MAX);
  args.option("--max-value", &opt.max_value, "Largest value of the scratch bus (1K, 4MiB: see create)")
      .show_default().bytes(1, SPLINTER_VALUE_MAX);
  args.option("--value-size", &opt.value_size, "Bytes per value set (default: min(64, max-value))")
      .bytes(0, SPLINTER_VALUE_MAX);
  args.option("--ops", &opt.ops, "Sets, then gets, to time").show_default().type("N").range(1, 100000000);
  args.option("--rounds", &opt.rounds, "Wake-up round trips to time").show_default().type("N").range(1, 1000000);
  args.flag("--json", &opt.json, "Print one JSON object");
  args.footer(
      "Creates a scratch bus (a temporary shm bus, or the --shm/--file name, which must not exist),\n"
      "times sets and gets of one writer, and the wake-up latency of a reader blocked in poll, then\n"
      "destroys the bus.\nExamples:\n  splinterctl bench\n  splinterctl bench --slots 65536 --max-value 4KiB --value-size 1KiB");
}

const Register<Options> kBench({"bench", 130, "Measure set, get and poll wake-up latency on a scratch bus"}, declare, run);
}  // namespace

}  // namespace splinterctl
