// interop_cases.cpp -- the reference and the adapter on one bus, in
// different processes, at the same time:
//   - the reference writes while the adapter reads (no torn reads, epochs
//     monotonic, every read is a committed (value, epoch) pair, polls wake);
//   - the adapter writes while the reference reads, then the reference
//     validates the adapter's bus and reads it back exactly.
#include "format.h"
#include "registry.h"
#include "workload.h"

#include <splinter/splinter.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <thread>

namespace splc {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxValue = 600;
const std::vector<std::string> kKeys = {"alpha", "beta", "gamma", "delta"};
// The most requests a workload below sends while it waits for the other side's progress.
constexpr int kMaxSteps = 100000;

struct Committed {
  std::mutex mu;
  std::map<std::uint64_t, std::pair<std::string, std::uint64_t>> by_epoch;  // epoch -> (key, seq)
  void add(std::uint64_t epoch, const std::string &key, std::uint64_t seq) {
    std::lock_guard lock(mu);
    by_epoch[epoch] = {key, seq};
  }
};

struct Observation {
  std::string key;
  std::uint64_t seq, epoch;
};

// Every observed (key, seq, epoch) must be what the writer committed at that epoch.
void verify_observations(const std::vector<Observation> &seen, Committed &c, const std::string &who) {
  std::lock_guard lock(c.mu);
  for (const auto &o : seen) {
    auto it = c.by_epoch.find(o.epoch);
    if (it == c.by_epoch.end() || it->second.first != o.key || it->second.second != o.seq)
      throw Fail(who + " read key " + o.key + " seq " + std::to_string(o.seq) + " with epoch " + std::to_string(o.epoch) +
                 ", but the writer committed " +
                 (it == c.by_epoch.end() ? std::string("nothing")
                                         : it->second.first + " seq " + std::to_string(it->second.second)) +
                 " at that epoch");
  }
}

void ref_writes_adapter_reads(Ctx &ctx, splinter::Backing backing) {
  const bool shm = backing == splinter::Backing::shm;
  const std::string name = shm ? ctx.shm_name() : ctx.file_path();
  auto bus = splinter::Bus::create(backing, name, 16, kMaxValue);
  if (!bus.ok()) throw Fail("reference create: " + std::string(bus.status().name()));
  Committed committed;
  std::uint64_t seq = 0;
  for (const auto &k : kKeys) {  // every key exists before the reader starts
    std::uint64_t e = 0;
    ++seq;
    if (!bus->set(k, std::string_view(make_value(k, seq, kMaxValue)), &e).ok()) throw Fail("reference set failed");
    committed.add(e, k, seq);
  }
  auto &a = ctx.adapter();
  expect_status(a.call({{"op", "open"}, {"bus", "r"}, {"backing", shm ? "shm" : "file"}, {"name", name}, {"role", "reader"}}),
                "OK", "adapter opens the reference's bus as reader");

  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> writes{0};
  std::string writer_error;
  std::thread writer([&] {
    std::uint64_t s = seq;
    while (!stop.load()) {
      const std::string &k = kKeys[s % kKeys.size()];
      ++s;
      std::uint64_t e = 0;
      const auto st = bus->set(k, std::string_view(make_value(k, s, kMaxValue)), &e);
      if (!st.ok()) {
        writer_error = std::string("reference set failed: ") + st.name();
        return;
      }
      committed.add(e, k, s);
      writes.fetch_add(1);
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  });
  std::vector<Observation> seen;
  std::map<std::string, std::uint64_t> last_epoch;
  std::uint64_t last_bus_epoch = 0, again = 0, polls = 0, distinct = 0, prev_epoch = 0;
  std::string error;
  // At least 1.5 s, and on until the reads overlapped the writes (enough reads
  // of enough epochs, see below): progress is waited for, never assumed from
  // the time that passed. kMaxSteps ends a run that never gets there.
  const auto until = Clock::now() + std::chrono::milliseconds(1500);
  auto enough = [&] { return seen.size() >= 50 && distinct >= 10 && polls >= 1; };
  try {
    for (int i = 0; (Clock::now() < until || !enough()) && i < kMaxSteps; ++i) {
      const std::string &k = kKeys[static_cast<std::size_t>(i) % kKeys.size()];
      if (i % 10 == 9) {
        // A poll since the last epoch seen must wake: the writer never stops
        // (no limit: a missed wake-up never answers and fails the call).
        const json p = a.call({{"op", "poll"}, {"bus", "r"}, {"key", k}, {"since", last_epoch[k]}, {"timeout_ms", -1}});
        expect_status(p, "OK", "poll on " + k + " while the reference writes it");
        if (p.value("epoch", std::uint64_t{0}) <= last_epoch[k])
          throw Fail("poll on " + k + " returned epoch " + p["epoch"].dump() + ", not above " + std::to_string(last_epoch[k]));
        ++polls;
        continue;
      }
      if (i % 10 == 4) {
        const json e = a.call({{"op", "epoch"}, {"bus", "r"}});
        const auto be = e.value("epoch", std::uint64_t{0});
        if (be < last_bus_epoch)
          throw Fail("bus epoch went backwards: " + std::to_string(be) + " after " + std::to_string(last_bus_epoch));
        last_bus_epoch = be;
        continue;
      }
      const json g = a.call(get_req("r", k));
      if (g.value("status", "") == "AGAIN") {
        ++again;
        continue;
      }
      expect_status(g, "OK", "get " + k + " while the reference writes");
      const std::string v = value_of(g);
      const auto d = decode_value(v, kMaxValue);
      if (!d || d->key != k)
        throw Fail("torn or foreign read of " + k + ": \"" + show_bytes(v, 60) + "\" (" + std::to_string(v.size()) +
                   " bytes) is no value the writer ever set for this key");
      const auto epoch = g.value("epoch", std::uint64_t{0});
      if (epoch < last_epoch[k])
        throw Fail("epoch of " + k + " went backwards: " + std::to_string(epoch) + " after " + std::to_string(last_epoch[k]));
      last_epoch[k] = epoch;
      seen.push_back({k, d->seq, epoch});
      distinct += epoch != prev_epoch, prev_epoch = epoch;
    }
  } catch (const Fail &f) {
    error = f.what();
  }
  stop = true;
  writer.join();
  if (!writer_error.empty()) throw Fail(writer_error);
  if (!error.empty()) throw Fail(error);
  verify_observations(seen, committed, "the adapter");
  if (seen.size() < 50)
    throw Fail("only " + std::to_string(seen.size()) + " successful reads in " + std::to_string(kMaxSteps) + " steps");
  if (again * 2 > seen.size() + again) throw Fail("most reads were AGAIN (" + std::to_string(again) + ")");
  if (distinct < 10) throw Fail("the reads did not overlap the writes (only " + std::to_string(distinct) + " epochs seen)");
  ctx.note("reads " + std::to_string(seen.size()) + ", AGAIN " + std::to_string(again) + ", polls " +
           std::to_string(polls) + ", writes " + std::to_string(writes.load()));
}

void adapter_writes_ref_reads(Ctx &ctx, splinter::Backing backing) {
  const bool shm = backing == splinter::Backing::shm;
  const std::string name = shm ? ctx.shm_name() : ctx.file_path();
  const std::string b = shm ? "shm" : "file";
  auto &a = ctx.adapter();
  expect_status(a.call({{"op", "create"}, {"bus", "w"}, {"backing", b}, {"name", name}, {"slots", 16},
                        {"max_value_size", kMaxValue}}),
                "OK", "adapter creates the bus");
  auto reader = splinter::Bus::open(backing, name, splinter::Role::reader);
  if (!reader.ok()) throw Fail("the reference cannot open the adapter's bus: " + std::string(reader.status().name()));

  Committed committed;
  std::atomic<bool> stop{false};
  std::vector<Observation> seen;
  std::string reader_error;
  std::uint64_t wakes = 0;
  std::atomic<std::size_t> ref_reads{0};
  std::thread ref_reader([&] {
    std::map<std::string, std::uint64_t> last;
    std::uint64_t bus_seen = 0;
    for (int i = 0; !stop.load(); ++i) {
      const std::string &k = kKeys[static_cast<std::size_t>(i) % kKeys.size()];
      if (i % 16 == 15) {
        auto p = reader->poll_bus(bus_seen, 200);
        if (p.ok()) {
          if (p.value() < bus_seen) {
            reader_error = "bus epoch went backwards in poll";
            return;
          }
          bus_seen = p.value();
          ++wakes;
        }
        continue;
      }
      auto g = reader->get(k);
      if (g.status().code() == splinter::Code::not_found || g.status().code() == splinter::Code::again) continue;
      if (!g.ok()) {
        reader_error = "reference get of " + k + " on the adapter's bus: " + g.status().name();
        return;
      }
      const std::string v(g->text());
      const auto d = decode_value(v, kMaxValue);
      if (!d || d->key != k) {
        reader_error = "the reference read a value of " + k + " the adapter never set: \"" + show_bytes(v, 60) + "\"";
        return;
      }
      if (g->epoch < last[k]) {
        reader_error = "epoch of " + k + " went backwards";
        return;
      }
      last[k] = g->epoch;
      seen.push_back({k, d->seq, g->epoch});
      ref_reads.fetch_add(1);
    }
  });
  std::map<std::string, std::pair<std::string, std::uint64_t>> model;
  std::uint64_t mutations = 0;
  std::string error;
  try {
    std::mt19937_64 rng(ctx.seed());
    // At least 1.5 s and 40 mutations, and on until the reference has read
    // 20 values meanwhile: its progress is waited for, never assumed.
    const auto until = Clock::now() + std::chrono::milliseconds(1500);
    for (std::uint64_t s = 1; (Clock::now() < until || s < 40 || ref_reads.load() < 20) && s < std::uint64_t{kMaxSteps}; ++s) {
      const std::string &k = kKeys[rng() % kKeys.size()];
      if (s % 17 == 0 && model.count(k)) {
        const json u = a.call({{"op", "unset"}, {"bus", "w"}, {"key", k}});
        expect_status(u, "OK", "adapter unset " + k);
        ++mutations;
        model.erase(k);
        continue;
      }
      const std::string v = make_value(k, s, kMaxValue);
      const json r = a.call(set_req("w", k, v));
      expect_status(r, "OK", "adapter set " + k);
      // (The numbering of epochs is the epochs class's; here each read must
      // give the epoch the adapter reported for that value.)
      const auto e = r.value("epoch", std::uint64_t{0});
      ++mutations;
      committed.add(e, k, s);
      model[k] = {v, e};
    }
  } catch (const Fail &f) {
    error = f.what();
  }
  stop = true;
  ref_reader.join();
  if (!error.empty()) throw Fail(error);
  if (!reader_error.empty()) throw Fail(reader_error);
  verify_observations(seen, committed, "the reference");
  if (seen.size() < 20) throw Fail("the reference managed only " + std::to_string(seen.size()) + " reads");
  if (!shm) expect_status(a.call({{"op", "flush"}, {"bus", "w"}}), "OK", "flush");
  expect_status(a.call({{"op", "close"}, {"bus", "w"}}), "OK", "close");

  // The reference validates the adapter's bus and reads it back exactly.
  auto chk = splinter::check(backing, name);
  if (!chk.ok()) throw Fail("reference check of the adapter's bus: " + std::string(chk.status().name()));
  if (chk->report.worst != 0) {
    std::string f;
    for (const auto &x : chk->findings) f += " F" + std::to_string(x.rule) + ": " + x.detail + ";";
    throw Fail("the reference validator finds the adapter's bus damaged:" + f);
  }
  auto entries = reader->list();
  if (!entries.ok() || entries->size() != model.size()) throw Fail("the reference lists a different number of keys");
  for (const auto &[k, ve] : model) {
    auto g = reader->get(k);
    if (!g.ok() || std::string(g->text()) != ve.first || g->epoch != ve.second)
      throw Fail("the reference reads " + k + " differently from what the adapter set last");
  }
  const fmt::Image im = fmt::Image::load(shm ? "/dev/shm/" + name : name);
  if (const std::string p = fmt::spec_problem(im, 16, kMaxValue); !p.empty())
    throw Fail("the adapter's bus breaks docs/FORMAT.md: " + p);
  ctx.note("adapter mutations " + std::to_string(mutations) + ", reference reads " + std::to_string(seen.size()) +
           ", poll wakes " + std::to_string(wakes));
}

}  // namespace

void add_interop_cases(std::vector<Case> &out) {
  using splinter::Backing;
  out.push_back({"interop/ref_writes_adapter_reads_shm",
                 "the reference writes continuously; the adapter's reads are whole committed values with monotonic epochs, "
                 "and its polls wake",
                 [](Ctx &ctx) { ref_writes_adapter_reads(ctx, Backing::shm); }});
  out.push_back({"interop/ref_writes_adapter_reads_file", "the same on a file bus",
                 [](Ctx &ctx) { ref_writes_adapter_reads(ctx, Backing::file); }});
  out.push_back({"interop/adapter_writes_ref_reads_shm",
                 "the adapter writes while the reference reads; then the reference validates the bus and reads it exactly",
                 [](Ctx &ctx) { adapter_writes_ref_reads(ctx, Backing::shm); }});
  out.push_back({"interop/adapter_writes_ref_reads_file", "the same on a file bus, flushed",
                 [](Ctx &ctx) { adapter_writes_ref_reads(ctx, Backing::file); }});
}

}  // namespace splc
