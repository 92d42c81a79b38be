// make_corpus -- writes the seed corpora and the negative-control inputs.
//
//   fuzz_make_corpus DIR     writes DIR/corpus/<target>/seed-* and
//                            DIR/controls/<target>/control-*
//
// Run as `build/release/fuzz/fuzz_make_corpus fuzz` to refresh the files kept
// in git (other files, e.g. regression-* inputs, are left alone). The bus
// images come from the reference library itself: valid buses of several
// geometries, with overwrites, tombstones, full tables and long probe
// chains; buses whose writer was killed at each crash point of
// src/test_hooks.h; and damaged copies (torn value, duplicate key,
// unreachable key, bad header fields, truncation). The operation sequences
// for region_scribble and ops_differential follow the input formats
// described in those files.
#include "common.h"

#include <splinter/splinter.h>

#include "test_hooks.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<std::uint8_t>;
std::string g_out;
int g_written = 0;

void emit(const std::string &kind, const std::string &target, const std::string &name, const Bytes &data) {
  const std::string dir = g_out + "/" + kind + "/" + target;
  std::filesystem::create_directories(dir);
  const std::string prefix = kind == "corpus" ? "seed-" : "control-";
  fuzz::write_image(dir + "/" + prefix + name, data);
  ++g_written;
}

void must(int rc, const char *what) {
  if (rc != SPLINTER_OK) fuzz::fail("%s: %s (%s)", what, fuzz::status_name(rc), splinter_last_error());
}

std::string value(std::size_t len, int seed) {
  std::string v(len, '\0');
  for (std::size_t i = 0; i < len; ++i) v[i] = static_cast<char>('A' + (static_cast<unsigned>(seed) * 7u + static_cast<unsigned>(i)) % 26u);
  return v;
}

// Creates a file bus with these options (change_ring 0: the default).
splinter_bus *create(const std::string &path, std::uint32_t slots, std::uint32_t max_value, std::uint32_t ring,
                     std::uint32_t depth) {
  const splinter_options o = fuzz::bus_options(slots, max_value, ring, depth);
  splinter_bus *w = nullptr;
  must(splinter_create_ex(&w, SPLINTER_FILE, path.c_str(), &o), "create");
  return w;
}

// Builds a file bus, runs `fill` on its writer, closes it and returns its bytes.
Bytes make_bus(std::uint32_t slots, std::uint32_t max_value, const std::function<void(splinter_bus *)> &fill,
               std::uint32_t ring = 0, std::uint32_t depth = 0) {
  const std::string path = fuzz::temp_path("seed");
  splinter_bus *w = create(path, slots, max_value, ring, depth);
  fill(w);
  splinter_close(w);
  Bytes img = fuzz::read_image(path);
  std::filesystem::remove(path);
  return img;
}

// As make_bus, but a forked child runs `fill` and is killed at the n-th
// passage through crash point `point`; returns the bytes it left, or nothing
// if `fill` does not pass the point that often.
Bytes crashed_bus(std::uint32_t slots, std::uint32_t max_value, const std::function<void(splinter_bus *)> &fill,
                  int point, int nth, std::uint32_t ring = 0, std::uint32_t depth = 0) {
  const std::string path = fuzz::temp_path("crash");
  splinter_close(create(path, slots, max_value, ring, depth));
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    static int target, count;
    target = point;
    count = nth;
    splinter_bus *cw = nullptr;
    if (splinter_open(&cw, SPLINTER_FILE, path.c_str(), SPLINTER_WRITER) != SPLINTER_OK) _exit(3);
    splinter::test::set_crash_hook([](int p) {
      if (p == target && --count == 0) raise(SIGKILL);
    });
    fill(cw);
    _exit(0);  // the point was not reached often enough
  }
  int st = 0;
  waitpid(pid, &st, 0);
  Bytes img;
  if (WIFSIGNALED(st)) img = fuzz::read_image(path);
  else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) fuzz::fail("crash child for point %d: status %d", point, st);
  std::filesystem::remove(path);
  return img;
}

// Keys whose home slot is `home` in a table of `slots`.
std::vector<std::string> colliding(std::uint32_t slots, std::uint32_t home, int n) {
  std::vector<std::string> out;
  for (int i = 0; static_cast<int>(out.size()) < n; ++i) {
    const std::string k = "chain/" + std::to_string(i);
    if (spec::home_slot(k, slots) == home) out.push_back(k);
  }
  return out;
}

void set(splinter_bus *w, const std::string &k, std::size_t len, int seed) {
  const std::string v = value(len, seed);
  must(splinter_set(w, k.c_str(), v.data(), v.size(), nullptr), "set");
}
void unset(splinter_bus *w, const std::string &k) { must(splinter_unset(w, k.c_str(), nullptr), "unset"); }
void set_ttl(splinter_bus *w, const std::string &k, std::size_t len, int seed, std::uint64_t ttl_ms) {
  const std::string v = value(len, seed);
  must(splinter_set_ttl(w, k.c_str(), v.data(), v.size(), ttl_ms, nullptr), "set_ttl");
}
// A set whose deadline is already an hour past (the clock, frozen at
// fuzz::kNowMs by main, moved back for the call): the key is LIVE in the
// image and expired for every reader at kNowMs.
void set_expired(splinter_bus *w, const std::string &k, std::size_t len, int seed) {
  splinter::test::set_clock_offset_ms(-3600000);
  set_ttl(w, k, len, seed, 1000);
  splinter::test::set_clock_offset_ms(0);
}

// The slot that holds key in a valid image.
std::uint32_t slot_of(const Bytes &img, const std::string &key) {
  const spec::Geometry g = *spec::View(img).geometry();
  const spec::Get r = spec::get(img, g, key);
  if (r.status != SPLINTER_OK) fuzz::fail("seed key %s not found", key.c_str());
  return static_cast<std::uint32_t>(r.slot);
}

// An image input with every repair on except for slot `skip`.
Bytes encode(const Bytes &img, std::uint8_t flags = fuzz::kFixAll, int skip = 255) {
  Bytes in = fuzz::encode_image(img, flags);
  in[1] = static_cast<std::uint8_t>(skip);
  return in;
}

void image_seeds() {
  const char *targets[] = {"open_survive", "validate_agrees"};
  auto both = [&](const std::string &name, const Bytes &in) {
    if (in.size() <= fuzz::kInputHeader && !in.empty() && in[0] != fuzz::kRaw) return;  // a crash point not reached
    for (const char *t : targets) emit("corpus", t, name, in);
  };

  // Valid buses.
  const Bytes empty1 = make_bus(1, 0, [](splinter_bus *) {});
  both("empty-1x0", encode(empty1));
  const auto mixed_fill = [](splinter_bus *w) {
    for (int i = 0; i < 6; ++i) set(w, "key" + std::to_string(i), static_cast<std::size_t>(4 * i), i);
    set(w, "key1", 24, 10);
    set(w, "key1", 3, 11);
    unset(w, "key2");
    set(w, "\xff\x01 odd key", 5, 12);
  };
  const Bytes mixed = make_bus(8, 24, mixed_fill);
  both("mixed-8x24", encode(mixed));
  const Bytes full = make_bus(4, 8, [](splinter_bus *w) {
    for (int i = 0; i < 4; ++i) set(w, "full" + std::to_string(i), static_cast<std::size_t>(2 * i), i);
  });
  both("full-4x8", encode(full));
  const auto chain = colliding(16, 3, 10);
  const Bytes chained = make_bus(16, 64, [&](splinter_bus *w) {
    for (std::size_t i = 0; i < chain.size(); ++i) set(w, chain[i], 6 * i, static_cast<int>(i));
    unset(w, chain[2]);
    unset(w, chain[5]);
    set(w, chain[7], 64, 99);
    set(w, std::string(SPLINTER_KEY_MAX, 'L'), 1, 1);
  });
  both("chain-16x64", encode(chained));
  const Bytes wrap = make_bus(5, 9, [&](splinter_bus *w) {
    for (const auto &k : colliding(5, 4, 4)) set(w, k, 9, 3);
  });
  both("wraparound-5x9", encode(wrap));

  // Writers killed at each crash point.
  using namespace splinter::test;
  const int points[] = {kSetFenced, kSetKeyWritten, kSetValueHalf, kSetValueWritten, kSetMetaWritten, kSetCommitted,
                        kSetEpochPublished};
  for (int p : points) {
    both("crash-set-new-point" + std::to_string(p),
         encode(crashed_bus(8, 24, [](splinter_bus *w) { set(w, "victim", 20, 1); }, p, 1), fuzz::kFixGeometry | fuzz::kPad | fuzz::kFixHeaderCheck));
    both("crash-set-overwrite-point" + std::to_string(p),
         encode(crashed_bus(8, 24, [](splinter_bus *w) {
           set(w, "victim", 20, 1);
           set(w, "victim", 17, 2);
         }, p, 2), fuzz::kFixGeometry | fuzz::kPad | fuzz::kFixHeaderCheck));
  }
  for (int p : {kUnsetCommitted, kUnsetEpochPublished, kUnsetReclaimStep}) {
    both("crash-unset-point" + std::to_string(p), encode(crashed_bus(4, 8, [&](splinter_bus *w) {
      for (const auto &k : colliding(4, 1, 3)) set(w, k, 8, 1);
      for (const auto &k : colliding(4, 1, 3)) unset(w, k);
    }, p, 1), fuzz::kFixGeometry | fuzz::kPad | fuzz::kFixHeaderCheck));
  }

  // A change feed of 4 entries that has wrapped many times, and histories of
  // depth 2 (full, short, one ended by an unset and begun again).
  const auto feed_fill = [](splinter_bus *w) {
    for (int i = 0; i < 4; ++i) set(w, "h" + std::to_string(i), static_cast<std::size_t>(3 * i), i);
    for (int v = 1; v <= 4; ++v) set(w, "h1", static_cast<std::size_t>(4 * v), v);
    set(w, "h2", 16, 1);
    unset(w, "h3");
    set(w, "h3", 5, 9);
    set(w, "h0", 1, 1);
  };
  const Bytes feed = make_bus(6, 16, feed_fill, 4, 2);
  both("feed-history-6x16", encode(feed));
  // Control (open_survive): h1's history has three values; given oldest
  // first, their epochs increase.
  emit("controls", "open_survive", "history-order", encode(feed));
  const spec::Geometry fg = *spec::View(feed).geometry();
  const std::uint64_t fe = spec::View(feed).bus_epoch();
  // A damaged feed entry: a key byte of the newest (F20: CORRUPT for a
  // reader; the entry at the bus epoch's index) and the word of an older one.
  Bytes feed_key = feed;
  feed_key[fg.feed_off(fe) + 16] ^= 0x04;
  both("feed-damaged-key", encode(feed_key));
  Bytes feed_word = feed;
  feed_word[fg.feed_off(fe - 2) + 1] ^= 0x01;  // the epoch's low byte: the entry names another epoch
  both("feed-damaged-word", encode(feed_word));
  // A damaged earlier value of h1 (F19: history gives the newer one, then CORRUPT).
  Bytes hist = feed;
  const std::uint32_t hs = slot_of(feed, "h1");
  const unsigned cur = spec::word_sel(spec::View(hist).word(fg, hs));
  hist[fg.value_off(hs, fg.back(cur, 1))] ^= 0x10;
  both("history-damaged", encode(hist));
  // Writers killed after the feed entry and before the bus epoch store
  // (section 3: committed, in the feed, the bus epoch one behind), on a ring
  // of 2 where the entry overwrote the one the bus epoch's predecessor used.
  both("crash-set-feed-written", encode(crashed_bus(4, 8, [](splinter_bus *w) {
    set(w, "a", 8, 1);
    set(w, "b", 8, 2);
    set(w, "a", 3, 3);
  }, kSetFeedWritten, 3, 2, 1), fuzz::kFixGeometry | fuzz::kPad | fuzz::kFixHeaderCheck));
  both("crash-unset-feed-written", encode(crashed_bus(4, 8, [](splinter_bus *w) {
    set(w, "a", 8, 1);
    set(w, "a", 4, 2);
    unset(w, "a");
  }, kUnsetFeedWritten, 1, 2, 1), fuzz::kFixGeometry | fuzz::kPad | fuzz::kFixHeaderCheck));

  // Format 5 (issue 15): deadlines. The slot repair writes deadline 0, so
  // these images keep their slots as the library wrote them (no kFixSlots).
  // A live deadline decades ahead (SPLINTER_TTL_MAX_MS), a plain key, a
  // deadline a plain set cleared, a history whose earlier value had a
  // deadline; and LIVE keys whose deadline has passed (absent to readers,
  // not yet removed by the writer).
  // The seeds are made on the fuzz clock (main freezes it at fuzz::kNowMs,
  // the instant every target and oracle reads): "expired" means expired
  // for the oracles too, so every image seed goes to both targets.
  const std::uint8_t keep_slots = fuzz::kFixAll & ~fuzz::kFixSlots;
  const auto ttl_live_fill = [](splinter_bus *w) {
    set_ttl(w, "live-ttl", 6, 1, SPLINTER_TTL_MAX_MS);
    set(w, "plain", 4, 2);
    set_ttl(w, "was-ttl", 7, 3, SPLINTER_TTL_MAX_MS);
    set(w, "was-ttl", 3, 4);
    set_ttl(w, "h1", 8, 5, SPLINTER_TTL_MAX_MS / 2);
    set_ttl(w, "h1", 5, 6, SPLINTER_TTL_MAX_MS);
  };
  const Bytes ttl = make_bus(8, 16, ttl_live_fill, 4, 2);
  both("ttl-live-8x16", encode(ttl, keep_slots));
  const Bytes ttl_expired = make_bus(8, 16, [&](splinter_bus *w) {
    ttl_live_fill(w);
    set_expired(w, "gone1", 5, 7);
    set_expired(w, "gone2", 0, 8);
  }, 4, 2);
  both("ttl-live-and-expired-8x16", encode(ttl_expired, keep_slots));
  // Control: a reader that ignores deadlines (mutant expiry_ignored) gives
  // "gone1", which the reference reader calls absent at kNowMs.
  emit("controls", "validate_agrees", "expired-key", encode(ttl_expired, keep_slots));
  // Every slot LIVE and expired: a new key must find room (the writer open
  // and set of open_survive).
  const Bytes ttl_full = make_bus(4, 8, [](splinter_bus *w) {
    for (int i = 0; i < 4; ++i) set_expired(w, "exp" + std::to_string(i), static_cast<std::size_t>(2 * i), i);
  });
  both("ttl-full-of-expired-4x8", encode(ttl_full, keep_slots));
  // The image `base` with key's current deadline set to d (and its check
  // made to match when fix_check).
  auto with_deadline = [&](const Bytes &base, const std::string &key, std::uint64_t d, bool fix_check) {
    const spec::Geometry tg = *spec::View(base).geometry();
    const std::uint32_t ts = slot_of(base, key);
    const spec::Slot sl = spec::View(base).slot(tg, ts);
    const spec::Meta m = sl.current_meta();
    Bytes b = base;
    spec::put64(b, tg.meta_off(ts, sl.sel()) + spec::metaf::kDeadline, d);
    if (fix_check)
      spec::put64(b, tg.meta_off(ts, sl.sel()) + spec::metaf::kCheck,
                  spec::value_check(b.data() + tg.value_off(ts, sl.sel()), m.len, sl.key_hash, m.epoch, d));
    return encode(b, keep_slots);
  };
  // Damaged deadlines of "live-ttl": above the F23 bound with a check that
  // matches (F23 alone), at the bound, above it with the old check (F12
  // too), a flipped bit within the bound and a cleared deadline (F12: the
  // check binds the deadline).
  const std::uint64_t live_deadline =
      spec::View(ttl).slot(*spec::View(ttl).geometry(), slot_of(ttl, "live-ttl")).current_meta().deadline;
  both("ttl-deadline-over-f23", with_deadline(ttl, "live-ttl", spec::kDeadlineMax + 1, true));
  both("ttl-deadline-max", with_deadline(ttl, "live-ttl", spec::kDeadlineMax, true));
  both("ttl-deadline-over-f23-unchecked", with_deadline(ttl, "live-ttl", ~std::uint64_t{0}, false));
  both("ttl-deadline-flipped", with_deadline(ttl, "live-ttl", live_deadline ^ (std::uint64_t{1} << 20), false));
  both("ttl-deadline-cleared", with_deadline(ttl, "live-ttl", 0, false));
  // An expired key whose deadline a scribbler moved ahead with a matching
  // check: a consistent live key again (no finding); and one whose deadline
  // was cleared without (F12: a damaged deadline never revives a key).
  both("ttl-expired-revived-by-scribble", with_deadline(ttl_expired, "gone1", spec::kDeadlineMax, true));
  both("ttl-expired-deadline-cleared", with_deadline(ttl_expired, "gone1", 0, false));
  // Writers killed while removing an expired key (2.10 step 2): after its
  // TOMBSTONE (op EXPIRE) and after its feed entry, before the bus epoch.
  for (int p : {kExpireCommitted, kExpireFeedWritten}) {
    both("crash-expire-point" + std::to_string(p), encode(crashed_bus(4, 8, [](splinter_bus *w) {
      set(w, "stay", 8, 1);
      set_expired(w, "old1", 8, 2);
      set_expired(w, "old2", 3, 3);
      must(splinter_expire(w, 0, nullptr), "expire");
    }, p, 1, 2, 1), fuzz::kFixGeometry | fuzz::kPad | fuzz::kFixHeaderCheck));
  }

  // Damage. A torn value whose previous version is intact (rollback), and
  // one with no previous version (drop).
  const spec::Geometry g = *spec::View(mixed).geometry();
  Bytes torn = mixed;
  std::uint32_t s = slot_of(mixed, "key1");
  std::uint64_t w = spec::View(torn).word(g, s);
  torn[g.value_off(s, spec::word_sel(w))] ^= 0x20;
  both("torn-rollback", encode(torn, fuzz::kFixAll, static_cast<int>(s)));
  Bytes torn2 = mixed;
  s = slot_of(mixed, "key5");
  w = spec::View(torn2).word(g, s);
  torn2[g.value_off(s, spec::word_sel(w)) + 3] ^= 0x01;
  const Bytes torn_drop = encode(torn2, fuzz::kFixAll, static_cast<int>(s));
  both("torn-drop", torn_drop);
  for (const char *t : targets) emit("controls", t, "torn-value", torn_drop);

  // Flushed epochs: values torn after and before the last flush, and a
  // flushed epoch above the bus epoch.
  const Bytes flushed = make_bus(8, 24, [&](splinter_bus *bus) {
    mixed_fill(bus);
    must(splinter_flush(bus), "flush");
    set(bus, "key3", 10, 20);
    set(bus, "key1", 7, 21);
  });
  both("flushed", encode(flushed));
  for (const char *k : {"key1", "key4"}) {
    Bytes t = flushed;
    s = slot_of(flushed, k);
    w = spec::View(t).word(g, s);
    t[g.value_off(s, spec::word_sel(w))] ^= 0x40;
    both(std::string("flushed-torn-") + k, encode(t, fuzz::kFixAll, static_cast<int>(s)));
  }
  Bytes flushed_ahead = flushed;
  spec::put64(flushed_ahead, spec::hdr::kFlushedEpoch, spec::View(flushed).bus_epoch() + 5);
  both("flushed-ahead", encode(flushed_ahead, fuzz::kFixAll & ~fuzz::kFixBusEpoch));

  // A duplicate key (F15): key3's slot copied over an EMPTY slot after it.
  Bytes dup = mixed;
  s = slot_of(mixed, "key3");
  for (std::uint32_t i = 0; i < g.slots; ++i) {
    if (spec::View(dup).word(g, i) != 0) continue;
    std::memcpy(dup.data() + g.slot_off(i), dup.data() + g.slot_off(s), spec::kSlotSize);
    std::memcpy(dup.data() + g.buffer_off(i, 0), dup.data() + g.buffer_off(s, 0), g.buffers * g.buffer_size);
    break;
  }
  both("duplicate-key", encode(dup));

  // An unreachable key (F14): an EMPTY slot in the middle of the chain.
  Bytes hole = chained;
  const spec::Geometry cg = *spec::View(chained).geometry();
  std::memset(hole.data() + cg.slot_off(5), 0, spec::kSlotSize);
  both("unreachable", encode(hole));

  // A slot epoch above the bus epoch (F13), a bad state (F7), a bad key (F9, F10).
  Bytes ahead = mixed;
  spec::put64(ahead, spec::hdr::kBusEpoch, 1);
  both("epoch-behind", encode(ahead, fuzz::kFixAll & ~fuzz::kFixBusEpoch));
  Bytes bad_state = mixed;
  bad_state[g.slot_off(slot_of(mixed, "key4"))] |= 3;
  both("invalid-state", encode(bad_state));
  Bytes bad_key = mixed;
  bad_key[g.slot_off(slot_of(mixed, "key0")) + spec::slotf::kKey + 10] = 'x';
  both("key-garbage-after-nul", encode(bad_key));
  Bytes bad_hash = mixed;
  bad_hash[g.slot_off(slot_of(mixed, "key0")) + spec::slotf::kHash] ^= 1;
  both("bad-key-hash", encode(bad_hash, fuzz::kFixAll, static_cast<int>(slot_of(mixed, "key0"))));

  // Bad headers.
  Bytes magic = mixed;
  magic[0] = 'X';
  both("bad-magic", encode(magic));
  Bytes version = mixed;
  spec::put32(version, spec::hdr::kVersion, SPLINTER_FORMAT_VERSION + 1);
  both("version-next", encode(version));
  Bytes previous = mixed;
  spec::put32(previous, spec::hdr::kVersion, SPLINTER_FORMAT_VERSION - 1);
  both("version-previous", encode(previous));
  Bytes slotsize = mixed;
  spec::put32(slotsize, spec::hdr::kSlotSize, 64);
  both("slot-size-64", encode(slotsize));
  Bytes huge = mixed;
  spec::put32(huge, spec::hdr::kSlots, 1u << 24);
  spec::put32(huge, spec::hdr::kMaxValue, 1u << 26);
  both("huge-geometry", encode(huge));
  Bytes zero_slots = mixed;
  spec::put32(zero_slots, spec::hdr::kSlots, 0);
  both("zero-slots", encode(zero_slots));
  Bytes bad_check = mixed;
  bad_check[spec::hdr::kCheck + 1] ^= 1;
  both("bad-header-check", encode(bad_check, fuzz::kFixAll & ~fuzz::kFixHeaderCheck));
  Bytes truncated(mixed.begin(), mixed.begin() + 9000);
  truncated.insert(truncated.begin(), fuzz::kRaw);
  both("truncated-raw", truncated);
  Bytes longer = mixed;
  longer.resize(mixed.size() + 4096, 0);
  both("extended", encode(longer, fuzz::kFixAll & ~fuzz::kPad));
  both("tiny-raw", Bytes{fuzz::kRaw, 'S', 'P', 'L', 'I', 'N', 'T', 'E', 'R'});
  both("empty", Bytes{});
}

void scribble_seeds() {
  // [fixture][ops]: see region_scribble.cpp for the opcodes.
  for (std::uint8_t f = 0; f < 6; ++f) {
    const std::string n = "fixture" + std::to_string(f);
    // The feed and histories: changes from the oldest held, from just behind
    // the bus epoch and from far behind (COMPACTED), one stopped by its
    // callback; histories; then a feed entry's word, check and key scribbled.
    emit("corpus", "region_scribble", n + "-feed",
         Bytes{f, 13, 0, 0, 0, 13, 0, 5, 0, 13, 0, 2, 2, 14, 0, 0, 14, 0, 1, 14, 0, 4,
               12, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 13, 0, 0, 0,
               12, 0, 1, 1, 0xff, 0, 0, 0, 0, 0, 0, 0, 13, 0, 0, 0,
               12, 0, 2, 2, 'x', 0, 0, 0, 0, 0, 0, 0, 13, 0, 4, 0, 14, 0, 1});
    emit("corpus", "region_scribble", n + "-reads",
         Bytes{f, 7, 0, 0, 7, 0, 1, 7, 0, 2, 9, 0, 10, 0, 1, 10, 0, 0, 11, 1, 11, 0, 8, 0, 1, 3});
    Bytes words{f};
    for (std::uint8_t s = 0; s < 8; ++s) {
      Bytes op{2, s, static_cast<std::uint8_t>(s & 1), 4, 1, 2, 3, 4, 5, 6, 7, 8};  // word 4: the first value word
      words.insert(words.end(), op.begin(), op.end());
      words.insert(words.end(), {5, s});  // re-checksum the slot: a consistent new value
      words.insert(words.end(), {7, 0, s});
    }
    emit("corpus", "region_scribble", n + "-values-rechecked", words);
    Bytes states{f};
    for (std::uint8_t s = 0; s < 8; ++s) {
      states.insert(states.end(), {1, s, static_cast<std::uint8_t>(s % 4)});
      states.insert(states.end(), {7, 0, s, 9, 0, 11, 1});
    }
    emit("corpus", "region_scribble", n + "-states", states);
    emit("corpus", "region_scribble", n + "-header",
         Bytes{f, 3, 0, 2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 7, 0, 0, 3, 0, 8, 1, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 11, 0});
    emit("corpus", "region_scribble", n + "-copy-slot", Bytes{f, 6, 1, 0, 6, 3, 2, 7, 0, 0, 7, 0, 1, 9, 0, 11, 0});
    emit("corpus", "region_scribble", n + "-meta-len",
         Bytes{f, 0, 0, 10, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 1, 13, 0x40, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 7, 0, 1, 9, 0});
    // Control: the first value word of every buffer overwritten without
    // fixing the checksum (word 4: past the 32-byte meta); a get that skips
    // the checksum returns the scribble.
    Bytes torn{f};
    for (std::uint8_t s = 0; s < 16; ++s)
      for (std::uint8_t b = 0; b < 2; ++b) torn.insert(torn.end(), {2, s, b, 4, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5});
    if (f < 4) emit("controls", "region_scribble", n + "-torn-values", torn);
  }
  // Controls: fixture 4 (a wrapped ring of 4, depth 2): changes from the
  // oldest held (since > 0: a walk that skips since + 1 differs from the
  // reference), and h1's history of three values (given oldest first, it
  // differs from the reference).
  emit("controls", "region_scribble", "fixture4-feed-and-history", Bytes{4, 13, 0, 0, 0, 14, 0, 1});
}

void ops_seeds() {
  // [geometry][ops]: see ops_differential.cpp. Key 0 "a" and key 2 "c" share
  // a home slot in a table of 2 (slot 1: FORMAT.md 1.3).
  const std::uint8_t slots2 = 1, max8 = 3 << 3, file = 0x40;
  emit("corpus", "ops_differential", "set-get-unset",
       Bytes{slots2 | max8, 0, 0, 5, 1, 2, 0, 0, 2, 2, 3, 3, 0, 2, 0, 4, 0, 10, 0});
  emit("corpus", "ops_differential", "collide-tombstone",
       Bytes{slots2 | max8, 0, 0, 5, 1, 0, 2, 6, 2, 3, 0, 2, 2, 0x82, 2, 4, 0, 0, 1, 7, 9, 3, 2, 0, 0, 1, 1});
  emit("corpus", "ops_differential", "full-table",
       Bytes{2 | (2 << 3), 0, 0, 3, 1, 0, 1, 3, 2, 0, 2, 3, 3, 0, 3, 3, 3, 0, 3, 4, 0, 0, 7, 0, 3, 1, 0, 3, 3, 0});
  emit("corpus", "ops_differential", "too-large-and-bad-keys",
       Bytes{0 | (1 << 3), 0, 0, 2, 1, 0, 16, 1, 1, 0, 17, 1, 1, 2, 16, 3, 17, 0, 12, 1, 7, 2, 12, 9, 12, 0});
  emit("corpus", "ops_differential", "reopen-file",
       Bytes{file | 5 | (6 << 3), 0, 4, 60, 1, 0, 5, 64, 2, 5, 0, 0, 5, 0, 1, 5, 0, 2, 3, 4, 2, 5, 2, 10, 0});
  emit("corpus", "ops_differential", "poll-and-info",
       Bytes{3 | (4 << 3), 0, 1, 9, 5, 6, 1, 0, 6, 1, 1, 0x86, 0, 0, 7, 0, 0x87, 0, 8, 0, 0x88, 0, 0, 1, 0, 2, 6, 1, 0});
  emit("corpus", "ops_differential", "small-buffers",
       Bytes{4 | (7 << 3), 0, 0, 150, 3, 9, 0, 0, 9, 0, 149, 0x89, 0, 150, 9, 0, 151, 0, 0, 0, 0, 9, 0, 0});
  Bytes churn{6 | (5 << 3)};
  for (std::uint8_t i = 0; i < 40; ++i) {
    churn.insert(churn.end(), {0, static_cast<std::uint8_t>(i % 16), static_cast<std::uint8_t>(i), i});
    if (i % 3 == 0) churn.insert(churn.end(), {3, static_cast<std::uint8_t>((i * 7) % 16)});
    if (i % 10 == 9) churn.insert(churn.end(), {5, 0, 0, 10, 0});
  }
  emit("corpus", "ops_differential", "churn-16x31", churn);
  // The feed and histories: geometry bit 7, then the options byte (ring
  // kRing[bits 0-2], depth kDepth[bits 3-5]); opcode 11 changes (since
  // selector, stop), 12 history.
  const std::uint8_t opts = 0x80;
  Bytes feed{opts | 3 | (3 << 3), 3 | (2 << 3)};  // 4 slots, 8 bytes, ring 4, depth 2
  for (std::uint8_t i = 0; i < 24; ++i) {
    feed.insert(feed.end(), {0, static_cast<std::uint8_t>(i % 5), static_cast<std::uint8_t>(i % 9), i});
    if (i % 4 == 3) feed.insert(feed.end(), {3, static_cast<std::uint8_t>(i % 5)});
    if (i % 5 == 4) feed.insert(feed.end(), {11, 0, static_cast<std::uint8_t>(i), 0, 0x8b, 0, 1, 2, 12, 1, 0x8c, 4});
  }
  feed.insert(feed.end(), {11, 0, 3, 0, 11, 0, 4, 0, 12, 0, 10, 0});
  emit("corpus", "ops_differential", "feed-and-history-4x8", feed);
  emit("corpus", "ops_differential", "default-ring-depth-62",
       Bytes{opts | 2 | (2 << 3), 7 | (7 << 3), 0, 0, 1, 1, 0, 0, 2, 2, 0, 0, 3, 3, 12, 0, 3, 0, 0, 0, 12, 0, 11, 0, 0, 0});
  // Controls: on one slot, depth 1 (3 buffers), ring 4: set a three times
  // (every buffer written), unset it, set it again (buffer 0); its history
  // must hold only the new value (a library that keeps the old metas gives
  // the third value as its predecessor), and changes from 1 must give epochs
  // 2..5 (a walk that skips since + 1 gives 3..5).
  emit("controls", "ops_differential", "history-after-unset-and-feed",
       Bytes{opts | 0 | max8, 3 | (1 << 3), 0, 0, 2, 1, 0, 0, 3, 2, 0, 0, 1, 5, 3, 0, 0, 0, 4, 3, 12, 0, 11, 0, 9, 0,
             11, 0, 6, 0});
  // Control: "c" lives past the tombstone "a" leaves; a reader that stops at
  // tombstones loses it.
  emit("controls", "ops_differential", "lookup-past-tombstone", Bytes{slots2 | max8, 0, 0, 5, 1, 0, 2, 6, 2, 3, 0, 2, 2});
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR  (writes DIR/corpus/<target>/ and DIR/controls/<target>/)\n", argv[0]);
    return 2;
  }
  g_out = argv[1];
  // The fuzz targets' clock of deadlines (fuzz/README.md), so that a seed's
  // deadlines mean to the oracles what they meant to its writer.
  splinter::test::freeze_clock_ms(fuzz::kNowMs);
  image_seeds();
  scribble_seeds();
  ops_seeds();
  std::printf("make_corpus: wrote %d files under %s\n", g_written, g_out.c_str());
  return 0;
}
