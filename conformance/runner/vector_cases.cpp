// vector_cases.cpp -- format vectors. Bus files are produced by the
// reference library at test time (several geometries, tombstones, long probe
// chains); the adapter must read the valid ones exactly and refuse the
// damaged ones (truncated, bad magic, future version, impossible geometry,
// bad checksums, invalid slot states ...) with the expected status and
// validator verdict, without crashing.
#include "format.h"
#include "registry.h"

#include "../common/base64.h"

#include <splinter/splinter.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

namespace splc {
namespace {

struct Op {
  bool unset = false;
  std::string key, value;
};

struct Recipe {
  std::uint32_t slots = 8, max_value_size = 16;
  std::vector<Op> ops;
  std::uint32_t history_depth = 0;  // splinter_options (0 for every vector a binding builds)
};

struct Expected {
  std::map<std::string, std::pair<std::string, std::uint64_t>> live;  // key -> (value, epoch)
  std::vector<std::string> absent;                                     // keys unset along the way
};

// Keys whose home slot (FORMAT.md 1.3) is `home`.
std::vector<std::string> colliding_keys(std::uint32_t slots, std::uint32_t home, std::size_t n,
                                        const std::string &prefix = "c") {
  std::vector<std::string> out;
  for (int i = 0; out.size() < n; ++i) {
    const std::string k = prefix + std::to_string(i);
    if (fmt::home_slot(k, slots) == home) out.push_back(k);
  }
  return out;
}

std::string pattern_value(std::size_t len, unsigned seed) {
  std::string v(len, '\0');
  for (std::size_t i = 0; i < len; ++i) v[i] = static_cast<char>((i * 131 + seed * 17 + (i >> 8)) & 0xff);
  return v;
}

// Builds the bus with the reference C++ API and returns what it must hold.
Expected build(const Recipe &r, splinter::Backing backing, const std::string &name, bool flush = true) {
  splinter::Options o;
  o.slots = r.slots;
  o.max_value_size = r.max_value_size;
  o.history_depth = r.history_depth;
  auto bus = splinter::Bus::create(backing, name, o);
  if (!bus.ok()) throw Fail("reference create failed: " + std::string(bus.status().name()));
  Expected e;
  std::uint64_t epoch = 0;
  for (const Op &op : r.ops) {
    std::uint64_t got = 0;
    const splinter::Status s = op.unset ? bus->unset(op.key, &got) : bus->set(op.key, std::string_view(op.value), &got);
    if (!s.ok()) throw Fail("reference " + std::string(op.unset ? "unset " : "set ") + op.key + ": " + s.name());
    if (got != ++epoch) throw Fail("reference epoch " + std::to_string(got) + ", expected " + std::to_string(epoch));
    if (op.unset) {
      e.live.erase(op.key);
      e.absent.push_back(op.key);
    } else {
      e.live[op.key] = {op.value, got};
      e.absent.erase(std::remove(e.absent.begin(), e.absent.end(), op.key), e.absent.end());
    }
  }
  if (flush && backing == splinter::Backing::file && !bus->flush().ok()) throw Fail("reference flush failed");
  return e;
}

std::string path_of(splinter::Backing backing, const std::string &name) {
  return backing == splinter::Backing::shm ? "/dev/shm/" + name : name;
}

void expect_field(const json &a, const char *field, const json &want, const std::string &what) {
  if (!a.contains(field) || !match_value(want, a[field]))
    throw Fail(what + ": " + field + " should be " + want.dump() + ", got " + (a.contains(field) ? a[field].dump() : "nothing"));
}

// The adapter reads a valid vector exactly.
void read_exactly(Ctx &ctx, splinter::Backing backing, const std::string &name, const Expected &e) {
  const std::string b = backing == splinter::Backing::shm ? "shm" : "file";
  // What the reference sees is the exact expected content (and must agree with the recipe).
  ctx.ref({{"op", "open"}, {"bus", "ref"}, {"backing", b}, {"name", name}, {"role", "reader"}});
  const json ref_info = ctx.ref({{"op", "info"}, {"bus", "ref"}});
  const json ref_list = ctx.ref({{"op", "list"}, {"bus", "ref"}});
  expect_status(ref_list, "OK", "reference list");
  if (ref_list["entries"].size() != e.live.size()) throw Fail("reference lists a different number of keys than it set");

  auto &a = ctx.adapter();
  expect_status(a.call({{"op", "open"}, {"bus", "v"}, {"backing", b}, {"name", name}, {"role", "reader"}}), "OK",
                "open the vector as reader");
  const json info = a.call({{"op", "info"}, {"bus", "v"}});
  expect_status(info, "OK", "info");
  for (const char *f : {"format_version", "slots", "max_value_size", "live_keys", "tombstones", "longest_probe",
                        "region_size", "bus_epoch"})
    expect_field(info, f, ref_info[f], "info of the vector");
  const json list = a.call({{"op", "list"}, {"bus", "v"}});
  expect_status(list, "OK", "list");
  const json &got = list["entries"];
  const json &want = ref_list["entries"];
  if (!got.is_array() || got.size() != want.size())
    throw Fail("list: expected " + std::to_string(want.size()) + " entries, got " + std::to_string(got.size()));
  for (std::size_t i = 0; i < want.size(); ++i) {
    const std::string wk = key_of_entry(want[i]), gk = key_of_entry(got[i]);
    if (wk != gk || want[i]["len"] != got[i].value("len", json()) || want[i]["epoch"] != got[i].value("epoch", json()))
      throw Fail("list entry " + std::to_string(i) + " (slot order): expected " + show_bytes(wk) + " len " +
                 want[i]["len"].dump() + " epoch " + want[i]["epoch"].dump() + ", got " + show_bytes(gk) + " " +
                 got[i].dump());
  }
  for (const auto &[k, ve] : e.live) {
    const json g = a.call(get_req("v", k));
    expect_status(g, "OK", "get " + show_bytes(k));
    const std::string v = value_of(g);
    if (v != ve.first)
      throw Fail("get " + show_bytes(k) + ": expected value \"" + show_bytes(ve.first) + "\", got \"" + show_bytes(v) + "\"");
    expect_field(g, "epoch", ve.second, "get " + show_bytes(k));
  }
  for (const auto &k : e.absent) expect_status(a.call(get_req("v", k)), "NOT_FOUND", "get of unset key " + show_bytes(k));
  const json chk = a.call({{"op", "check"}, {"backing", b}, {"name", name}});
  expect_status(chk, "OK", "check");
  expect_field(chk, "worst", 0, "check of a valid vector");
  expect_status(a.call({{"op", "close"}, {"bus", "v"}}), "OK", "close");
  ctx.ref({{"op", "close"}, {"bus", "ref"}});
}

void valid_case(std::vector<Case> &out, const std::string &name, const std::string &doc,
                std::function<Recipe()> make, splinter::Backing backing = splinter::Backing::file) {
  out.push_back({"vector/valid/" + name, doc, [make, backing](Ctx &ctx) {
                   const Recipe r = make();
                   const std::string bus = backing == splinter::Backing::shm ? ctx.shm_name() : ctx.file_path();
                   const Expected e = build(r, backing, bus);
                   const fmt::Image before = fmt::Image::load(path_of(backing, bus));
                   if (const std::string p = fmt::spec_problem(before, r.slots, r.max_value_size); !p.empty())
                     throw Fail("the reference library wrote a region that breaks docs/FORMAT.md: " + p);
                   read_exactly(ctx, backing, bus, e);
                   // Taking the writer role on a healthy bus and closing it changes no byte.
                   auto &a = ctx.adapter();
                   const std::string b = backing == splinter::Backing::shm ? "shm" : "file";
                   expect_status(a.call({{"op", "open"}, {"bus", "w"}, {"backing", b}, {"name", bus}, {"role", "writer"}}),
                                 "OK", "open the vector as writer");
                   expect_status(a.call({{"op", "close"}, {"bus", "w"}}), "OK", "close the writer");
                   const fmt::Image after = fmt::Image::load(path_of(backing, bus));
                   if (after.bytes != before.bytes) {
                     std::size_t off = 0;
                     while (off < before.bytes.size() && off < after.bytes.size() && before.bytes[off] == after.bytes[off]) ++off;
                     throw Fail("opening a healthy vector as writer and closing it changed the region (first at byte " +
                                std::to_string(off) + ")");
                   }
                 }});
}

// ---- damaged vectors ----

struct Verdict {
  std::string reader, writer, check;  // statuses
  std::vector<int> rules;             // rules of the check's findings
  int worst = 0;
};

Recipe damage_base() {
  Recipe r{8, 16, {}};
  const auto chain = colliding_keys(8, 1, 2, "k");
  r.ops = {{false, "a", "v1"}, {false, "a", "v2"}, {false, "b", "only"}, {false, "c", "cc"},
           {false, chain[0], "first"}, {false, chain[1], "second"}};
  r.history_depth = 1;  // a's history holds v1 (F19)
  return r;
}

// key -> slot in the base image.
std::uint32_t slot_of(const fmt::Image &im, const std::string &k) {
  const long i = im.find_live(k);
  if (i < 0) throw Fail("vector construction: key " + k + " not live");
  return static_cast<std::uint32_t>(i);
}

using Mutate = std::function<void(fmt::Image &)>;
using After = std::function<void(Ctx &, const std::string &path)>;

void damaged_case(std::vector<Case> &out, const std::string &name, const std::string &doc, Mutate mutate, Verdict v,
                  After after = nullptr) {
  out.push_back({"vector/damaged/" + name, doc, [mutate, v, after](Ctx &ctx) {
                   const Recipe r = damage_base();
                   const std::string path = ctx.file_path();
                   // Not flushed: like a writer that died, so that recovery may roll back (a value
                   // committed before the last flush is never rolled back: FORMAT.md section 4).
                   build(r, splinter::Backing::file, path, false);
                   fmt::Image im = fmt::Image::load(path);
                   mutate(im);
                   im.save(path);
                   auto &a = ctx.adapter();
                   const json ro = a.call({{"op", "open"}, {"bus", "r"}, {"backing", "file"}, {"name", path}, {"role", "reader"}});
                   expect_status(ro, v.reader, "open the damaged vector as reader");
                   if (v.reader == "OK") expect_status(a.call({{"op", "close"}, {"bus", "r"}}), "OK", "close");
                   if (v.writer != "SKIP") {
                     const json wo =
                         a.call({{"op", "open"}, {"bus", "w"}, {"backing", "file"}, {"name", path}, {"role", "writer"}});
                     expect_status(wo, v.writer, "open the damaged vector as writer");
                     if (v.writer == "OK") {
                       expect_status(a.call({{"op", "close"}, {"bus", "w"}}), "OK", "close");
                       // A writer open that succeeds has repaired what it could losslessly.
                       const json c2 = a.call({{"op", "check"}, {"backing", "file"}, {"name", path}});
                       expect_status(c2, "OK", "check after the writer's lossless repair");
                       expect_field(c2, "worst", 0, "check after the writer's lossless repair");
                       return;
                     }
                   }
                   const json chk = a.call({{"op", "check"}, {"backing", "file"}, {"name", path}});
                   expect_status(chk, v.check, "check of the damaged vector");
                   if (!chk.contains("findings") || !chk["findings"].is_array())
                     throw Fail("check answer lacks \"findings\" (required for OK, CORRUPT and VERSION)");
                   std::vector<int> rules;
                   for (const auto &f : chk["findings"]) rules.push_back(f.value("rule", -1));
                   std::sort(rules.begin(), rules.end());
                   std::vector<int> want = v.rules;
                   std::sort(want.begin(), want.end());
                   if (rules != want)
                     throw Fail("check findings: expected rules " + json(want).dump() + ", got " + json(rules).dump());
                   if (v.check == "OK") expect_field(chk, "worst", v.worst, "check of the damaged vector");
                   if (v.rules == std::vector<int>{1} || v.rules == std::vector<int>{2}) {
                     // Not a splinter bus (F1), or one of an unknown version (F2): destroy
                     // refuses it and it stays. (A damaged bus of this version may be destroyed.)
                     expect_status(a.call({{"op", "destroy"}, {"backing", "file"}, {"name", path}}), v.reader,
                                   "destroy of the damaged vector");
                     struct stat st{};
                     if (::stat(path.c_str(), &st) != 0) throw Fail("destroy removed a file that is not a valid bus");
                   }
                   if (after) after(ctx, path);
                   // Still alive and answering after all that.
                   expect_status(a.call({{"op", "hello"}}), "OK", "hello after the damaged vector");
                 }});
}

json open_get(AdapterProcess &a, const std::string &path, const std::string &key) {
  json o = a.call({{"op", "open"}, {"bus", "g"}, {"backing", "file"}, {"name", path}, {"role", "reader"}});
  expect_status(o, "OK", "open as reader");
  json g = a.call(get_req("g", key));
  expect_status(a.call({{"op", "close"}, {"bus", "g"}}), "OK", "close");
  return g;
}

void expect_get(AdapterProcess &a, const std::string &path, const std::string &key, const std::string &status,
                const std::optional<std::string> &value = std::nullopt) {
  const json g = open_get(a, path, key);
  expect_status(g, status, "get " + key);
  if (value && value_of(g) != *value)
    throw Fail("get " + key + ": expected \"" + show_bytes(*value) + "\", got \"" + show_bytes(value_of(g)) + "\"");
}

// recover: expected counts, then the bus validates clean and opens as writer.
void expect_recover(AdapterProcess &a, const std::string &path, int rolled_back, int dropped) {
  const json rc = a.call({{"op", "recover"}, {"backing", "file"}, {"name", path}});
  expect_status(rc, "OK", "recover");
  expect_field(rc, "rolled_back", rolled_back, "recover");
  expect_field(rc, "dropped", dropped, "recover");
  const json c = a.call({{"op", "check"}, {"backing", "file"}, {"name", path}});
  expect_status(c, "OK", "check after recover");
  expect_field(c, "worst", 0, "check after recover");
  expect_status(a.call({{"op", "open"}, {"bus", "w"}, {"backing", "file"}, {"name", path}, {"role", "writer"}}), "OK",
                "writer open after recover");
  expect_status(a.call({{"op", "close"}, {"bus", "w"}}), "OK", "close");
}

}  // namespace

void add_vector_cases(std::vector<Case> &out) {
  using splinter::Backing;
  valid_case(out, "empty_min_geometry", "a 1-slot bus with max_value_size 0 and no keys reads as empty",
             [] { return Recipe{1, 0, {}}; });
  auto mixed = [] {
    Recipe r{8, 32, {}};
    const auto chain = colliding_keys(8, 1, 3, "k");
    r.ops = {{false, "a", "first"},
             {false, "empty", ""},
             {false, "bin", pattern_value(32, 1)},
             {false, std::string(63, 'L'), "long key"},
             {false, "a", "second, longer value"},
             {false, "\xc3\xa9t\xc3\xa9\x01\xff", "non-UTF-8 key"},
             {false, chain[0], "c0"},
             {false, chain[1], "c1"},
             {false, chain[2], "c2"},
             {true, chain[1], ""},
             {false, "a", "third"}};
    return r;
  };
  valid_case(out, "mixed_file", "file bus: empty value, binary value, 63-byte key, non-UTF-8 key, overwrites, a tombstone",
             mixed);
  valid_case(out, "mixed_shm", "the same contents in a shared-memory bus", mixed, Backing::shm);
  valid_case(out, "long_probe_chain", "12 keys sharing one home slot wrap around a 16-slot table, with tombstones", [] {
    Recipe r{16, 8, {}};
    const auto keys = colliding_keys(16, 10, 12);
    for (std::size_t i = 0; i < keys.size(); ++i) r.ops.push_back({false, keys[i], "v" + std::to_string(i)});
    r.ops.push_back({true, keys[3], ""});
    r.ops.push_back({true, keys[7], ""});
    return r;
  });
  valid_case(out, "full_bus", "every slot live", [] {
    Recipe r{5, 4, {}};
    for (int i = 0; i < 5; ++i) r.ops.push_back({false, "full" + std::to_string(i), std::to_string(i)});
    return r;
  });
  valid_case(out, "large_values", "values spanning several pages, including max_value_size exactly", [] {
    Recipe r{3, 70000, {}};
    r.ops = {{false, "big", pattern_value(70000, 2)}, {false, "one", "1"}, {false, "odd", pattern_value(69999, 3)},
             {false, "big", pattern_value(65537, 4)}};
    return r;
  });
  valid_case(out, "many_tombstones", "32 slots, 30 keys set, every other one unset", [] {
    Recipe r{32, 8, {}};
    for (int i = 0; i < 30; ++i) r.ops.push_back({false, "t" + std::to_string(i), std::to_string(i * i)});
    for (int i = 0; i < 30; i += 2) r.ops.push_back({true, "t" + std::to_string(i), ""});
    return r;
  });

  using fmt::Image;
  const Verdict fatal_corrupt_1{"CORRUPT", "CORRUPT", "CORRUPT", {1}, 3};
  const Verdict fatal_corrupt_5{"CORRUPT", "CORRUPT", "CORRUPT", {5}, 3};
  damaged_case(out, "truncated_to_zero", "an empty file is not a bus (F1)", [](Image &im) { im.bytes.clear(); },
               fatal_corrupt_1);
  damaged_case(out, "truncated_in_header", "a file cut inside the header page is CORRUPT (F5)",
               [](Image &im) { im.bytes.resize(100); }, fatal_corrupt_5);
  damaged_case(out, "truncated_last_page", "a file missing its last page is CORRUPT (F5)",
               [](Image &im) { im.bytes.resize(im.bytes.size() - 4096); }, fatal_corrupt_5);
  damaged_case(out, "extended_by_a_page",
               "a file longer than region_size: readers read, a writer open truncates it back, losing nothing (F17)",
               [](Image &im) { im.bytes.append(4096, '\0'); }, {"OK", "OK", "OK", {17}, SPLINTER_SEV_RECOVERABLE});
  damaged_case(out, "extended_by_a_page_check", "the validator reports F17 (recoverable) before any writer repairs it",
               [](Image &im) { im.bytes.append(4096, '\0'); }, {"OK", "SKIP", "OK", {17}, SPLINTER_SEV_RECOVERABLE});
  damaged_case(out, "older_version", "the previous format_version is refused with VERSION (F2)",
               [](Image &im) {
                 im.put32(fmt::kHeaderVersion, fmt::kFormatVersion - 1);
                 im.reseal_header();
               },
               {"VERSION", "VERSION", "VERSION", {2}, 3});
  damaged_case(out, "bad_magic", "a wrong magic in the header and its copy is CORRUPT (F1)",
               [](Image &im) {
                 im.bytes[0] = 'X';
                 im.bytes[fmt::kHeaderCopy] = 'X';
               },
               fatal_corrupt_1);
  damaged_case(out, "future_version", "the next format_version (header checksum valid) is VERSION (F2)",
               [](Image &im) {
                 im.put32(fmt::kHeaderVersion, fmt::kFormatVersion + 1);
                 im.reseal_header();
               },
               {"VERSION", "VERSION", "VERSION", {2}, 3});
  damaged_case(out, "overflowing_geometry", "slots and max_value_size of 2^32-1 are refused without overflow (F4)",
               [](Image &im) {
                 im.put32(fmt::kHeaderSlots, 0xffffffffu);
                 im.put32(fmt::kHeaderMaxValue, 0xffffffffu);
                 im.put64(fmt::kHeaderRegionSize, im.bytes.size());
                 im.reseal_header();
               },
               {"CORRUPT", "CORRUPT", "CORRUPT", {4}, 3});
  damaged_case(out, "geometry_over_region_max", "2^24 slots of 2^26 bytes exceed 2^40 bytes (F4)",
               [](Image &im) {
                 im.put32(fmt::kHeaderSlots, 1u << 24);
                 im.put32(fmt::kHeaderMaxValue, 1u << 26);
                 im.reseal_header();
               },
               {"CORRUPT", "CORRUPT", "CORRUPT", {4}, 3});
  damaged_case(out, "zero_slots", "a header with 0 slots is CORRUPT (F4), not a division by zero",
               [](Image &im) {
                 im.put32(fmt::kHeaderSlots, 0);
                 im.reseal_header();
               },
               {"CORRUPT", "CORRUPT", "CORRUPT", {4}, 3});
  damaged_case(out, "region_size_field_wrong", "a region_size field that breaks the formula is CORRUPT (F5)",
               [](Image &im) {
                 im.put64(fmt::kHeaderRegionSize, im.u64(fmt::kHeaderRegionSize) + 4096);
                 im.reseal_header();
               },
               fatal_corrupt_5);
  damaged_case(out, "bad_header_checksum", "a header and its copy whose checksums do not match are CORRUPT (F6)",
               [](Image &im) {
                 im.put64(fmt::kHeaderCheck, im.u64(fmt::kHeaderCheck) ^ 1);
                 im.put64(fmt::kHeaderCopy + fmt::kHeaderCheck, im.u64(fmt::kHeaderCopy + fmt::kHeaderCheck) ^ 1);
               },
               {"CORRUPT", "CORRUPT", "CORRUPT", {6}, 3});
  damaged_case(out, "primary_header_damaged",
               "a damaged header whose copy at 2048 is intact: opens use the copy, a writer rewrites the primary (F16)",
               [](Image &im) { im.put64(fmt::kHeaderCheck, im.u64(fmt::kHeaderCheck) ^ 1); },
               {"OK", "OK", "OK", {16}, SPLINTER_SEV_RECOVERABLE});
  damaged_case(out, "header_copy_damaged", "a damaged header copy is a recoverable finding (F16)",
               [](Image &im) { im.bytes[fmt::kHeaderCopy + fmt::kHeaderSlots] ^= 1; },
               {"OK", "SKIP", "OK", {16}, SPLINTER_SEV_RECOVERABLE});
  damaged_case(out, "nonzero_reserved", "non-zero reserved header bytes are CORRUPT (F3)",
               [](Image &im) {
                 im.put64(fmt::kHeaderReserved, 1);
                 im.reseal_header();
               },
               {"CORRUPT", "CORRUPT", "CORRUPT", {3}, 3});
  damaged_case(out, "history_depth_over_max", "a history_depth above 62 is CORRUPT (F3)",
               [](Image &im) {
                 im.put32(fmt::kHeaderHistoryDepth, 63);
                 im.reseal_header();
               },
               {"CORRUPT", "CORRUPT", "CORRUPT", {3}, 3});
  damaged_case(out, "slot_size_not_128", "a slot_size other than 128 is CORRUPT (F3)",
               [](Image &im) {
                 im.put32(fmt::kHeaderSlotSize, 64);
                 im.reseal_header();
               },
               {"CORRUPT", "CORRUPT", "CORRUPT", {3}, 3});
  damaged_case(out, "invalid_slot_state",
               "slot state 3 on a live key, its epoch naming no value: readers skip it, writers refuse, recover drops it "
               "(F7)",
               [](Image &im) {
                 const auto i = slot_of(im, "b");
                 im.set_word(i, fmt::make_word(fmt::kInvalid, fmt::word_sel(im.word(i)), fmt::word_epoch(im.word(i)) + 100));
               },
               {"OK", "CORRUPT", "OK", {7}, SPLINTER_SEV_UNRECOVERABLE}, [](Ctx &ctx, const std::string &path) {
                 auto &a = ctx.adapter();
                 expect_get(a, path, "b", "NOT_FOUND");
                 expect_get(a, path, "a", "OK", "v2");
                 expect_recover(a, path, 0, 1);
                 expect_get(a, path, "b", "NOT_FOUND");
                 expect_get(a, path, "c", "OK", "cc");
               });
  damaged_case(out, "value_checksum_with_intact_previous",
               "a damaged value whose previous version is intact: get CORRUPT, writer refuses, recover rolls back (F12)",
               [](Image &im) {
                 const auto i = slot_of(im, "a");
                 const std::size_t off = im.value_off(i, fmt::word_sel(im.word(i)));
                 im.bytes[off] = static_cast<char>(im.bytes[off] ^ 0x20);
               },
               {"OK", "CORRUPT", "OK", {12}, SPLINTER_SEV_RECOVERABLE}, [](Ctx &ctx, const std::string &path) {
                 auto &a = ctx.adapter();
                 expect_get(a, path, "a", "CORRUPT");
                 expect_recover(a, path, 1, 0);
                 const json g = open_get(a, path, "a");
                 expect_status(g, "OK", "get a after rollback");
                 if (value_of(g) != "v1") throw Fail("after rollback a should be \"v1\", got " + show_bytes(value_of(g)));
                 // Recovery's rollback is a mutation: the next epoch (6 sets built the bus; FORMAT.md section 3).
                 expect_field(g, "epoch", 7, "get a after rollback");
               });
  damaged_case(out, "value_checksum_no_previous", "a damaged value with no earlier version: recover drops it (F12)",
               [](Image &im) {
                 const auto i = slot_of(im, "b");
                 const std::size_t off = im.value_off(i, fmt::word_sel(im.word(i))) + 3;
                 im.bytes[off] = static_cast<char>(im.bytes[off] ^ 0x01);
               },
               {"OK", "CORRUPT", "OK", {12}, SPLINTER_SEV_UNRECOVERABLE}, [](Ctx &ctx, const std::string &path) {
                 auto &a = ctx.adapter();
                 expect_get(a, path, "b", "CORRUPT");
                 expect_get(a, path, "c", "OK", "cc");
                 expect_recover(a, path, 0, 1);
                 expect_get(a, path, "b", "NOT_FOUND");
               });
  damaged_case(out, "value_length_over_max", "a buffer length above max_value_size is CORRUPT on get, never read (F11)",
               [](Image &im) {
                 const auto i = slot_of(im, "b");
                 im.put32(im.meta_off(i, fmt::word_sel(im.word(i))), 0x7fffffffu);
               },
               {"OK", "CORRUPT", "OK", {11}, SPLINTER_SEV_UNRECOVERABLE}, [](Ctx &ctx, const std::string &path) {
                 auto &a = ctx.adapter();
                 expect_get(a, path, "b", "CORRUPT");
                 expect_recover(a, path, 0, 1);
               });
  damaged_case(out, "deadline_beyond_range",
               "a current value's deadline above 2^48 - 1 is CORRUPT on get; with no earlier version recover drops it (F23)",
               [](Image &im) {
                 const auto i = slot_of(im, "b");
                 im.put64(im.meta_off(i, fmt::word_sel(im.word(i))) + 24, std::uint64_t{1} << 56);  // the meta's deadline (FORMAT.md 1.4)
               },
               {"OK", "CORRUPT", "OK", {23}, SPLINTER_SEV_UNRECOVERABLE}, [](Ctx &ctx, const std::string &path) {
                 auto &a = ctx.adapter();
                 expect_get(a, path, "b", "CORRUPT");
                 expect_recover(a, path, 0, 1);
                 expect_get(a, path, "b", "NOT_FOUND");
               });
  damaged_case(out, "key_hash_wrong", "a wrong key_hash whose key's own hash checks the value: the writer rewrites it (F10)",
               [](Image &im) {
                 const auto i = slot_of(im, "c");
                 im.put64(im.slot_off(i) + fmt::kSlotHash, im.u64(im.slot_off(i) + fmt::kSlotHash) ^ 1);
               },
               {"OK", "OK", "OK", {10}, SPLINTER_SEV_RECOVERABLE});
  damaged_case(out, "key_hash_wrong_check",
               "a wrong key_hash whose key's own hash checks the value: get misses it, recover rewrites the field (F10)",
               [](Image &im) {
                 const auto i = slot_of(im, "c");
                 im.put64(im.slot_off(i) + fmt::kSlotHash, im.u64(im.slot_off(i) + fmt::kSlotHash) ^ 1);
               },
               {"OK", "SKIP", "OK", {10}, SPLINTER_SEV_RECOVERABLE}, [](Ctx &ctx, const std::string &path) {
                 auto &a = ctx.adapter();
                 expect_get(a, path, "c", "NOT_FOUND");
                 expect_recover(a, path, 0, 0);
                 expect_get(a, path, "c", "OK", "cc");
               });
  damaged_case(out, "key_not_nul_padded", "a live key followed by non-NUL bytes (F9)",
               [](Image &im) {
                 const auto i = slot_of(im, "b");
                 im.bytes[im.slot_off(i) + fmt::kSlotKey + 40] = 'x';
               },
               {"OK", "CORRUPT", "OK", {9}, SPLINTER_SEV_UNRECOVERABLE}, [](Ctx &ctx, const std::string &path) {
                 auto &a = ctx.adapter();
                 expect_get(a, path, "b", "NOT_FOUND");
                 expect_recover(a, path, 0, 1);
               });
  damaged_case(out, "slot_epoch_above_bus_epoch",
               "a writer that died between commit and epoch publish: readers read, the next writer repairs (F13)",
               [](Image &im) { im.put64(fmt::kHeaderBusEpoch, im.u64(fmt::kHeaderBusEpoch) - 1); },
               {"OK", "OK", "OK", {13}, SPLINTER_SEV_RECOVERABLE});
  damaged_case(out, "slot_epoch_above_bus_epoch_check",
               "the validator reports F13 (recoverable) before any writer repairs it",
               [](Image &im) { im.put64(fmt::kHeaderBusEpoch, im.u64(fmt::kHeaderBusEpoch) - 1); },
               {"OK", "SKIP", "OK", {13}, SPLINTER_SEV_RECOVERABLE});
  damaged_case(out, "unreachable_key", "an EMPTY slot inside a probe chain hides the key after it; the writer repairs (F14)",
               [](Image &im) {
                 const auto chain = colliding_keys(8, 1, 2, "k");
                 im.set_word(slot_of(im, chain[0]), 0);
               },
               {"OK", "SKIP", "OK", {14}, SPLINTER_SEV_RECOVERABLE}, [](Ctx &ctx, const std::string &path) {
                 auto &a = ctx.adapter();
                 const auto chain = colliding_keys(8, 1, 2, "k");
                 expect_get(a, path, chain[1], "NOT_FOUND");
                 expect_status(a.call({{"op", "open"}, {"bus", "w"}, {"backing", "file"}, {"name", path}, {"role", "writer"}}),
                               "OK", "writer open repairs F14 losslessly");
                 expect_status(a.call({{"op", "close"}, {"bus", "w"}}), "OK", "close");
                 expect_get(a, path, chain[1], "OK", "second");
               });
  damaged_case(out, "duplicate_live_key", "two live slots with one key: the stale copy is flagged (F15)",
               [](Image &im) {
                 const auto i = slot_of(im, "c");
                 std::uint32_t j = (i + 1) % im.slots();
                 while (im.word(j) != 0) j = (j + 1) % im.slots();
                 im.bytes.replace(im.slot_off(j), fmt::kSlotSize, im.bytes, im.slot_off(i), fmt::kSlotSize);
                 im.bytes.replace(im.buffers_off(j), im.buffers_size(), im.bytes, im.buffers_off(i), im.buffers_size());
               },
               {"OK", "SKIP", "OK", {15}, SPLINTER_SEV_RECOVERABLE}, [](Ctx &ctx, const std::string &path) {
                 auto &a = ctx.adapter();
                 expect_get(a, path, "c", "OK", "cc");
                 expect_recover(a, path, 0, 0);
                 expect_get(a, path, "c", "OK", "cc");
               });
  damaged_case(out, "live_word_state_flipped_to_tombstone",
               "a LIVE word whose state byte became TOMBSTONE still names its intact value: writer refuses, recover "
               "restores it (F18)",
               [](Image &im) {
                 const auto i = slot_of(im, "b");
                 im.set_word(i, (im.word(i) & ~std::uint64_t{3}) | fmt::kTombstone);
               },
               {"OK", "CORRUPT", "OK", {18}, SPLINTER_SEV_RECOVERABLE}, [](Ctx &ctx, const std::string &path) {
                 auto &a = ctx.adapter();
                 expect_get(a, path, "b", "NOT_FOUND");
                 expect_recover(a, path, 1, 0);
                 expect_get(a, path, "b", "OK", "only");
               });
  damaged_case(out, "history_entry_damaged",
               "a damaged earlier value: get reads the current one, writer refuses, recover trims the history (F19)",
               [](Image &im) {
                 const auto i = slot_of(im, "a");
                 const std::size_t off = im.value_off(i, im.back(fmt::word_sel(im.word(i)), 1));
                 im.bytes[off] = static_cast<char>(im.bytes[off] ^ 0x20);
               },
               {"OK", "CORRUPT", "OK", {19}, SPLINTER_SEV_RECOVERABLE}, [](Ctx &ctx, const std::string &path) {
                 auto &a = ctx.adapter();
                 expect_get(a, path, "a", "OK", "v2");
                 expect_recover(a, path, 0, 0);
                 expect_get(a, path, "a", "OK", "v2");
               });
  damaged_case(out, "feed_entry_damaged", "a damaged change feed entry is a recoverable finding (F20)",
               [](Image &im) {
                 const std::size_t off = im.feed_off(2) + 16;  // the key of epoch 2's entry
                 im.bytes[off] = static_cast<char>(im.bytes[off] ^ 0x01);
               },
               {"OK", "SKIP", "OK", {20}, SPLINTER_SEV_RECOVERABLE});
  damaged_case(out, "bus_epoch_flipped", "a bus_epoch no feed entry backs is damaged: the writer repairs it (F21)",
               [](Image &im) { im.put64(fmt::kHeaderBusEpoch, im.u64(fmt::kHeaderBusEpoch) ^ (std::uint64_t{1} << 40)); },
               {"OK", "SKIP", "OK", {21}, SPLINTER_SEV_RECOVERABLE});
  damaged_case(out, "probe_limit_too_small", "a probe_limit below a live key's distance from home (F22)",
               [](Image &im) { im.put32(fmt::kHeaderProbeLimit, 1); },
               {"OK", "SKIP", "OK", {22}, SPLINTER_SEV_RECOVERABLE});
  damaged_case(out, "empty_slot_nonzero_word", "an EMPTY slot whose word is not 0 is a recoverable finding (F8)",
               [](Image &im) {
                 std::uint32_t j = 0;
                 while (im.word(j) != 0) ++j;
                 im.set_word(j, fmt::make_word(fmt::kEmpty, 1, 0));
               },
               {"OK", "SKIP", "OK", {8}, SPLINTER_SEV_RECOVERABLE}, [](Ctx &ctx, const std::string &path) {
                 expect_recover(ctx.adapter(), path, 0, 0);
               });
}

}  // namespace splc
