// bench_memory.cpp -- memory, not time.
//
//   memory/region/slots:S/max_value:M
//       region bytes from splinter_info, checked against the formula of
//       docs/FORMAT.md section 1 (a mismatch is an error); counters
//       region_bytes, bytes_per_slot, bytes_per_value_byte.
//   memory/reader_rss/keys:N
//       resident memory of a fresh reader mapping after getting N distinct
//       keys of a 65536-slot bus (64 B values, load 50 %), from the Rss of
//       the bus's mappings in /proc/self/smaps; counters rss_kib,
//       rss_bytes_per_key. The kernel maps pages of a shared file around a
//       faulting one ("fault-around"), so this can exceed the pages touched.
#include "common.h"
#include "testsupport/spec.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace bench {
namespace {

// docs/FORMAT.md section 1 for splinter_create's defaults (history_depth 0,
// the default change ring), through the independent reader of the format.
std::uint64_t formula(std::uint64_t slots, std::uint64_t max_value) {
  const auto g = spec::geometry(slots, max_value, 0, spec::default_ring(static_cast<std::uint32_t>(slots)));
  return g ? g->region_size : 0;
}

void bm_region(benchmark::State &st, std::uint32_t slots, std::uint32_t max_value) {
  for (auto _ : st) {
    const std::string name = unique_bus_name("mem");
    splinter_bus *w = nullptr;
    const int rc = splinter_create(&w, SPLINTER_SHM, name.c_str(), slots, max_value, 0600);
    if (rc != SPLINTER_OK) return skip(st, "splinter_create", rc);
    remember_bus(name);
    splinter_info info{};
    const int irc = splinter_info_get(w, &info);
    splinter_close(w);
    (void)splinter_destroy(SPLINTER_SHM, name.c_str());
    if (irc != SPLINTER_OK) return skip(st, "splinter_info_get", irc);
    const std::uint64_t want = formula(slots, max_value);
    const auto bytes = static_cast<double>(info.region_size);
    st.counters["region_bytes"] = bytes;
    st.counters["formula_bytes"] = static_cast<double>(want);
    st.counters["bytes_per_slot"] = bytes / slots;
    st.counters["bytes_per_value_byte"] =
        max_value > 0 ? bytes / (static_cast<double>(slots) * max_value) : 0.0;
    if (info.region_size != want)
      return st.SkipWithError(("region_size " + std::to_string(info.region_size) + " != formula " +
                               std::to_string(want))
                                  .c_str());
  }
}

struct Range {
  std::string start;
  std::uint64_t rss_kib = 0;
};

// "start-end perms offset dev inode path": the first token is two lower-case
// hex numbers joined by '-'.
bool is_mapping_header(const std::string &line) {
  const auto sp = line.find(' ');
  const auto dash = line.find('-');
  if (sp == std::string::npos || dash == std::string::npos || dash == 0 || dash > sp) return false;
  for (std::size_t i = 0; i < sp; ++i) {
    const char c = line[i];
    if (i != dash && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The mappings of /dev/shm/<name> in this process, with their Rss.
std::vector<Range> bus_mappings(const std::string &name) {
  std::vector<Range> out;
  std::ifstream in("/proc/self/smaps");
  std::string line;
  bool in_bus = false;
  const std::string suffix = "/" + name;
  while (std::getline(in, line)) {
    if (is_mapping_header(line)) {
      // A mapping header: "start-end perms offset dev inode path".
      const bool ends = line.size() >= suffix.size() &&
                        (line.compare(line.size() - suffix.size(), suffix.size(), suffix) == 0 ||
                         line.find(suffix + " (deleted)") != std::string::npos);
      in_bus = ends;
      if (in_bus) out.push_back({line.substr(0, line.find('-')), 0});
    } else if (in_bus && line.rfind("Rss:", 0) == 0) {
      std::istringstream f(line.substr(4));
      f >> out.back().rss_kib;
    }
  }
  return out;
}

void bm_reader_rss(benchmark::State &st, std::size_t n) {
  BusSpec spec;
  spec.slots = 65536;
  std::string why;
  Fixture *f = fixture(spec, &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  if (n > f->live.size()) return st.SkipWithError("not enough keys");
  for (auto _ : st) {
    std::set<std::string> before;
    for (const auto &r : bus_mappings(f->name)) before.insert(r.start);
    splinter_bus *r = nullptr;
    const int rc = splinter_open(&r, SPLINTER_SHM, f->name.c_str(), SPLINTER_READER);
    if (rc != SPLINTER_OK) return skip(st, "splinter_open", rc);
    alignas(64) std::byte buf[64];
    for (std::size_t i = 0; i < n; ++i)
      if (splinter_get(r, f->live[i].data(), buf, sizeof buf, nullptr, nullptr) != SPLINTER_OK) {
        splinter_close(r);
        return st.SkipWithError("get failed");
      }
    std::uint64_t kib = 0;
    std::size_t maps = 0;
    for (const auto &m : bus_mappings(f->name))
      if (before.count(m.start) == 0) {
        kib += m.rss_kib;
        ++maps;
      }
    splinter_close(r);
    if (maps == 0) return st.SkipWithError("reader mapping not found in /proc/self/smaps");
    st.counters["rss_kib"] = static_cast<double>(kib);
    st.counters["rss_bytes_per_key"] = n > 0 ? static_cast<double>(kib) * 1024.0 / static_cast<double>(n) : 0.0;
    st.counters["mappings"] = static_cast<double>(maps);
  }
}

const bool registered = [] {
  struct G {
    std::uint32_t slots, max_value;
  };
  for (G g : {G{1024, 0}, G{1024, 64}, G{1024, 1024}, G{65536, 64}, G{65536, 4096}, G{1u << 20, 64},
              G{256, 65536}, G{1000, 100}})
    benchmark::RegisterBenchmark(
        ("memory/region/slots:" + std::to_string(g.slots) + "/max_value:" + std::to_string(g.max_value)).c_str(),
        [g](benchmark::State &st) { bm_region(st, g.slots, g.max_value); })
        ->Iterations(1);
  for (std::size_t n : {0u, 1u, 10u, 100u, 1000u, 10000u})
    benchmark::RegisterBenchmark(("memory/reader_rss/keys:" + std::to_string(n)).c_str(),
                                 [n](benchmark::State &st) { bm_reader_rss(st, n); })
        ->Iterations(1);
  return true;
}();

}  // namespace
}  // namespace bench
