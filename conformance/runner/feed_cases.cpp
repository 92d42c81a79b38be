// feed_cases.cpp -- the change feed (splinter_changes, class "feed") and
// per-key histories (splinter_history, class "history"), beyond the scripted
// edges of cases/feed.jsonl and cases/history.jsonl:
//   - model/feed/*: long random sequences of sets and unsets (some failing),
//     each changes answer compared with the journal of the mutations the
//     adapter acknowledged: exactly those after since, each once, in epoch
//     order, with op and key; COMPACTED exactly when the ring no longer holds
//     them (the feed keeps the last change_ring mutations);
//   - model/history/*: the same for histories, against a model of each key's
//     values (newest first, at most history_depth + 1, ended by an unset);
//   - process/feed/poll_then_changes_never_misses: a follower process runs
//     the loop of splinter.h (poll the bus, then changes) while a writer
//     process writes;
//   - process/feed/reader_racing_the_wrap_*: a reader process reads the
//     entries the writer process is overwriting: each entry it gets is right,
//     or it gets COMPACTED.
// Epochs are judged against what the adapter reported (the epochs class
// judges their numbering), so these cases fail only for the feed or history.
#include "format.h"
#include "registry.h"

#include "../common/base64.h"

#include <bit>
#include <deque>
#include <map>
#include <optional>
#include <random>

namespace splc {
namespace {

struct Mutation {
  std::uint64_t epoch;
  std::string op;  // "set" or "unset"
  std::string key;
};

// The ring a create with these options gets (splinter.h, change_ring).
std::uint64_t ring_of(std::uint32_t slots, std::uint32_t change_ring) {
  return change_ring == 0 ? spec::default_ring(slots) : std::bit_ceil(change_ring);
}

std::vector<std::string> key_pool(std::size_t n) {
  std::vector<std::string> pool;
  for (std::size_t i = 0; i < n; ++i) {
    std::string k = "f" + std::to_string(i);
    if (i % 5 == 3) k = std::string(63 - (i % 3), static_cast<char>('A' + i % 26));  // long keys
    if (i % 7 == 6) k = "\xce\xbb" + std::to_string(i);                                 // non-ASCII
    pool.push_back(k);
  }
  return pool;
}

std::optional<std::uint64_t> u64(const json &j, const char *field) {
  if (!j.is_object() || !j.contains(field) || !j[field].is_number_unsigned()) return std::nullopt;
  return j[field].get<std::uint64_t>();
}

// What is wrong with the changes of `got` (an OK answer, or the changes a
// COMPACTED answer carries) for a request since `since`, given the journal
// of every acknowledged mutation: each entry must be the journal's mutation
// of its epoch, the first the one right after since, then each the next
// (the journal's epochs are the adapter's own). `whole`: the answer must
// reach the journal's end (a quiescent bus). "" when right.
std::string judge_changes(const std::vector<Mutation> &journal, std::uint64_t since, const json &got, bool whole) {
  if (!got.contains("changes") || !got["changes"].is_array()) return "no \"changes\" array in the answer";
  const auto last = u64(got, "last");
  if (!last) return "no integer \"last\" in the answer";
  // The index of the first mutation after since.
  std::size_t next = 0;
  while (next < journal.size() && journal[next].epoch <= since) ++next;
  std::uint64_t want_last = since;
  std::size_t i = 0;
  for (const auto &c : got["changes"]) {
    const std::string at = "changes[" + std::to_string(i++) + "]";
    const auto e = u64(c, "epoch");
    if (!e) return at + " has no integer epoch: " + c.dump();
    if (next >= journal.size())
      return at + " is " + c.dump() + ", but no mutation was acknowledged after epoch " + std::to_string(want_last);
    const Mutation &m = journal[next++];
    std::string key;
    try {
      key = key_of_entry(c);
    } catch (const Fail &f) {
      return at + ": " + f.what();
    }
    if (*e != m.epoch || c.value("op", "") != m.op || key != m.key)
      return at + " is {epoch " + std::to_string(*e) + ", " + c.value("op", "?") + " " + show_bytes(key) +
             "}, the next mutation after " + std::to_string(want_last) + " is {epoch " + std::to_string(m.epoch) + ", " +
             m.op + " " + show_bytes(m.key) + "}";
    want_last = m.epoch;
  }
  if (whole && next < journal.size())
    return "the changes stop at epoch " + std::to_string(want_last) + "; the mutation of epoch " +
           std::to_string(journal[next].epoch) + " (" + journal[next].op + " " + show_bytes(journal[next].key) +
           ") and " + std::to_string(journal.size() - next - 1) + " after it are missing";
  if (*last != want_last)
    return "last is " + std::to_string(*last) + ", the last change given is " + std::to_string(want_last) +
           " (since when none)";
  return "";
}

// ---- model/feed and model/history ------------------------------------------

struct FeedParams {
  std::string name, doc;
  std::uint32_t slots, max_value, change_ring, history_depth;
  int steps;
  std::size_t pool;
  std::uint64_t salt;
};

enum class Judge { feed, history, format };

// A key's values since it was last created, newest first (the history model).
using Histories = std::map<std::string, std::deque<std::pair<std::string, std::uint64_t>>>;

void run_feed_model(Ctx &ctx, const FeedParams &p, Judge judge) {
  std::mt19937_64 rng(ctx.seed() ^ (p.salt * 0x9e3779b97f4a7c15ull));
  auto pick = [&](std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng); };
  const std::vector<std::string> pool = key_pool(p.pool);
  const std::uint64_t ring = ring_of(p.slots, p.change_ring);
  const std::string shm = ctx.shm_name();
  auto &a = ctx.adapter("a");
  auto &b = ctx.adapter("b");
  json create = {{"op", "create"}, {"bus", "w"}, {"backing", "shm"}, {"name", shm}, {"slots", p.slots},
                 {"max_value_size", p.max_value}};
  if (p.change_ring) create["change_ring"] = p.change_ring;
  if (p.history_depth) create["history_depth"] = p.history_depth;
  expect_status(a.call(create), "OK", "create");
  expect_status(b.call({{"op", "open"}, {"bus", "r"}, {"backing", "shm"}, {"name", shm}, {"role", "reader"}}), "OK",
                "open reader");
  const json e0 = a.call({{"op", "epoch"}, {"bus", "w"}});
  const std::uint64_t start = u64(e0, "epoch").value_or(0);
  std::vector<Mutation> journal;
  Histories hist;
  const std::string rerun = " (seed " + std::to_string(ctx.seed()) + "; rerun: --seed " + std::to_string(ctx.seed()) +
                            " --run " + p.name + ")";
  for (int step = 1; step <= p.steps; ++step) {
    const std::string &k = pool[pick(pool.size())];
    const auto roll = pick(100);
    const bool reader = pick(2) == 0;
    AdapterProcess &who = reader ? b : a;
    const std::string bus = reader ? "r" : "w";
    json req;
    std::string diff;
    std::uint64_t since = 0;
    if (roll < 45) {
      std::size_t len = pick(p.max_value + 1);
      if (pick(25) == 0) len = p.max_value + 1;  // TOO_LARGE: no entry
      std::string v(len, '\0');
      for (auto &c : v) c = static_cast<char>(pick(256));
      req = set_req("w", k, v);
      const json got = a.call(req);
      if (got.value("status", "") == "OK") {
        const auto e = u64(got, "epoch");
        if (!e) diff = "a committed set answered no epoch";
        else {
          journal.push_back({*e, "set", k});
          auto &h = hist[k];
          h.emplace_front(v, *e);
          if (h.size() > p.history_depth + 1u) h.pop_back();
        }
      }
      if (diff.empty()) continue;
      throw Fail("step " + std::to_string(step) + ": " + diff + "\n  answer: " + got.dump().substr(0, 300) + rerun);
    }
    if (roll < 65) {
      req = key_field({{"op", "unset"}, {"bus", "w"}}, k);
      const json got = a.call(req);
      if (got.value("status", "") == "OK") {
        const auto e = u64(got, "epoch");
        if (!e) throw Fail("step " + std::to_string(step) + ": a committed unset answered no epoch" + rerun);
        journal.push_back({*e, "unset", k});
        hist.erase(k);
      }
      continue;
    }
    if (judge == Judge::format) continue;  // reads are judged by the other two
    json got;
    if (judge == Judge::history) {
      req = key_field({{"op", "history"}, {"bus", bus}}, k);
      got = who.call(req);
      const auto it = hist.find(k);
      if (it == hist.end()) {
        if (got.value("status", "") != "NOT_FOUND") diff = "expected NOT_FOUND (the key is absent)";
      } else if (got.value("status", "") != "OK" || !got.contains("history") || !got["history"].is_array()) {
        diff = "expected OK with a history array";
      } else {
        const json &h = got["history"];
        if (h.size() != it->second.size())
          diff = "history gives " + std::to_string(h.size()) + " values, expected " + std::to_string(it->second.size()) +
                 " (history_depth " + std::to_string(p.history_depth) + ", since the key was last created)";
        for (std::size_t i = 0; diff.empty() && i < h.size(); ++i) {
          const auto &[value, epoch] = it->second[i];
          std::optional<std::string> v;
          if (h[i].is_object() && h[i].contains("value_b64") && h[i]["value_b64"].is_string())
            v = base64_decode(h[i]["value_b64"].get<std::string>());
          if (!v || *v != value || u64(h[i], "epoch") != epoch)
            diff = "history[" + std::to_string(i) + "] is " + h[i].dump().substr(0, 200) + ", expected the value \"" +
                   show_bytes(value, 40) + "\" of epoch " + std::to_string(epoch) + " (newest first)";
        }
      }
    } else {
      // A since the feed holds (often its oldest edge), one it lost, or one
      // ahead of the bus.
      const std::uint64_t bus_epoch = journal.empty() ? start : journal.back().epoch;
      const std::size_t n = journal.size();
      const auto r = pick(10);
      std::size_t i = pick(n + 1);  // since = the epoch before journal[i] (start for i = 0)
      if (r < 3 && n >= ring) {  // the ring's edge: the oldest since it holds, or the newest it lost
        i = n - ring;
        if (n > ring && pick(2)) --i;
      }
      since = i == 0 ? start : journal[i - 1].epoch;
      if (r == 9) since = bus_epoch + 1 + pick(3);
      req = {{"op", "changes"}, {"bus", bus}, {"since", since}};
      got = who.call(req);
      const bool ahead = since > bus_epoch;
      const bool lost = !ahead && n - i > ring;  // more mutations after since than the ring holds
      const std::string status = got.value("status", "");
      if (ahead || lost) {
        if (status != "COMPACTED")
          diff = std::string("expected COMPACTED: ") +
                 (ahead ? "since is ahead of the bus epoch " + std::to_string(bus_epoch)
                        : std::to_string(n - i) + " mutations came after since, the ring holds " + std::to_string(ring));
        else if (got.contains("changes") && !got["changes"].empty())
          diff = "COMPACTED, yet changes were given (none is held after since)";
        else if (got.contains("last") && u64(got, "last") != since)
          diff = "COMPACTED with last " + got["last"].dump() + ", expected since (" + std::to_string(since) + ")";
      } else if (status != "OK") {
        diff = "expected OK: the ring (" + std::to_string(ring) + " entries) holds the " + std::to_string(n - i) +
               " mutations after since";
      } else {
        diff = judge_changes(journal, since, got, true);
      }
    }
    if (!diff.empty())
      throw Fail("step " + std::to_string(step) + " of " + std::to_string(p.steps) + ":\n" + diff + "\n  request: " +
                     req.dump().substr(0, 300) + "\n  answer: " + got.dump().substr(0, 600) + "\n" + rerun,
                 got.value("status", "") == "UNSUPPORTED");
  }
  if (judge != Judge::format) return;
  expect_status(b.call({{"op", "close"}, {"bus", "r"}}), "OK", "close the reader");
  expect_status(a.call({{"op", "close"}, {"bus", "w"}}), "OK", "close");
  const json chk = ctx.ref({{"op", "check"}, {"backing", "shm"}, {"name", shm}});
  expect_status(chk, "OK", "reference check of the adapter's bus");
  if (chk["worst"] != 0) throw Fail("the reference validator finds the adapter's bus damaged: " + chk["findings"].dump());
  // The reference reads the feed the adapter wrote, exactly.
  expect_status(ctx.ref({{"op", "open"}, {"bus", "r"}, {"backing", "shm"}, {"name", shm}, {"role", "reader"}}), "OK",
                "reference open");
  const std::size_t held = std::min<std::size_t>(journal.size(), ring);
  const std::uint64_t since = held == journal.size() ? start : journal[journal.size() - held - 1].epoch;
  const json got = ctx.ref({{"op", "changes"}, {"bus", "r"}, {"since", since}});
  expect_status(got, "OK", "the reference reads the adapter's feed");
  if (const std::string d = judge_changes(journal, since, got, true); !d.empty())
    throw Fail("the reference reads the adapter's feed: " + d);
}

// ---- process/feed ------------------------------------------------------------

// Acknowledgements of a writer's pipelined mutations, taken in order.
class Pipeline {
 public:
  explicit Pipeline(AdapterProcess &w) : w_(w) {}
  void send(const std::string &op, const std::string &key, const std::string &value = "") {
    const json req = op == "set" ? set_req("w", key, value) : key_field({{"op", "unset"}, {"bus", "w"}}, key);
    pending_.push_back({w_.send(req), op, key});
  }
  // Takes the acknowledgements that arrived (wait_ms 0), or every one (< 0).
  void drain(int wait_ms) {
    while (!pending_.empty()) {
      std::optional<json> a;
      if (wait_ms < 0) a = w_.receive(pending_.front().id, answer_bound_ms());
      else a = w_.try_receive(pending_.front().id, wait_ms);
      if (!a) return;
      const std::string st = a->value("status", "");
      if (st == "OK") {
        const auto e = u64(*a, "epoch");
        if (!e) throw Fail("a committed " + pending_.front().op + " answered no epoch: " + a->dump());
        journal_.push_back({*e, pending_.front().op, pending_.front().key});
      } else if (st != "NOT_FOUND") {
        throw Fail("the writer's " + pending_.front().op + " of " + show_bytes(pending_.front().key) + " answered " + st);
      }
      pending_.pop_front();
    }
  }
  std::size_t outstanding() const { return pending_.size(); }
  const std::vector<Mutation> &journal() const { return journal_; }

 private:
  struct Sent {
    std::int64_t id;
    std::string op, key;
  };
  AdapterProcess &w_;
  std::deque<Sent> pending_;
  std::vector<Mutation> journal_;
};

// splinter.h's follower loop, in its own process, while the writer writes:
// every poll of the bus returns an epoch E, and the changes after it reach
// at least E; together they give every mutation, each once, in order.
void poll_then_changes_never_misses(Ctx &ctx) {
  const std::string name = ctx.shm_name();
  auto &w = ctx.adapter("w");
  auto &f = ctx.adapter("follower");
  expect_status(w.call({{"op", "create"}, {"bus", "w"}, {"backing", "shm"}, {"name", name}, {"slots", 16},
                        {"max_value_size", 16}}),
                "OK", "create");
  expect_status(f.call({{"op", "open"}, {"bus", "r"}, {"backing", "shm"}, {"name", name}, {"role", "reader"}}), "OK",
                "open the follower");
  const json e0 = f.call({{"op", "epoch"}, {"bus", "r"}});
  expect_status(e0, "OK", "epoch");
  std::uint64_t last = u64(e0, "epoch").value_or(0);
  const std::uint64_t start = last;
  Pipeline writer(w);
  std::mt19937_64 rng(ctx.seed() ^ 0xfeedu);
  constexpr int kChunks = 40, kChunk = 10;  // 400 mutations: the default ring (1024) holds them all
  std::vector<Mutation> seen;
  int chunks = 0, polls = 0;
  for (;;) {
    if (chunks < kChunks) {
      for (int i = 0; i < kChunk; ++i) {
        const std::string key = "k" + std::to_string(rng() % 10);
        // The first of each chunk is a set, so every chunk moves the bus past
        // what the follower has read, and its poll below always returns.
        if (i > 0 && rng() % 4 == 0) writer.send("unset", key);
        else writer.send("set", key, std::to_string(chunks * kChunk + i));
      }
      ++chunks;
    }
    // After the last chunk, wait for every acknowledgement: the follower may
    // already hold the last mutation, and a poll since it would never return.
    writer.drain(chunks == kChunks ? -1 : 0);
    // Done once every mutation is acknowledged and the follower has them all.
    if (chunks == kChunks && writer.outstanding() == 0 &&
        (writer.journal().empty() ? start : writer.journal().back().epoch) == last)
      break;
    // The poll returns: the writer has mutations in flight, or the bus is past `last`.
    const json p = f.call({{"op", "poll"}, {"bus", "r"}, {"since", last}, {"timeout_ms", -1}});
    expect_status(p, "OK", "the follower's poll since " + std::to_string(last));
    ++polls;
    const std::uint64_t polled = u64(p, "epoch").value_or(0);
    const json c = f.call({{"op", "changes"}, {"bus", "r"}, {"since", last}});
    expect_status(c, "OK", "changes since " + std::to_string(last) + " after the poll returned " + std::to_string(polled));
    const auto got_last = u64(c, "last");
    if (!got_last || *got_last < polled)
      throw Fail("the poll returned the bus epoch " + std::to_string(polled) + ", but the changes after it stop at " +
                 (got_last ? std::to_string(*got_last) : "(no last)") + ": " + c.dump().substr(0, 400));
    for (const auto &e : c.value("changes", json::array())) {
      std::string key;
      try {
        key = key_of_entry(e);
      } catch (const Fail &) {
      }
      seen.push_back({u64(e, "epoch").value_or(0), e.value("op", ""), key});
    }
    last = *got_last;
  }
  ctx.measure("the follower polled " + std::to_string(polls) + " times for " + std::to_string(writer.journal().size()) +
              " mutations");
  // What the follower saw, as one changes answer, against the journal.
  json all = {{"changes", json::array()}, {"last", last}};
  for (const auto &m : seen)
    all["changes"].push_back({{"epoch", m.epoch}, {"op", m.op}, {"key_b64", base64_encode(m.key)}});
  if (const std::string d = judge_changes(writer.journal(), start, all, true); !d.empty())
    throw Fail("the follower's changes, poll after poll, are not the writer's mutations: " + d);
}

// A reader process reads the entries the writer process is overwriting
// (a small ring, since near its oldest edge) while the writer writes: every
// entry it is given is right, or it is told COMPACTED. Keys are 63 bytes
// (the longest copy), and successive entries of one ring index have
// different keys, so an entry read torn shows.
void reader_racing_the_wrap(Ctx &ctx) {
  constexpr std::uint32_t kRing = 64;
  constexpr std::size_t kKeys = 13;  // 64 mod 13 != 0: epochs e and e + 64 have different keys
  const std::string name = ctx.shm_name();
  auto &w = ctx.adapter("w");
  auto &r = ctx.adapter("reader");
  expect_status(w.call({{"op", "create"}, {"bus", "w"}, {"backing", "shm"}, {"name", name}, {"slots", 16},
                        {"max_value_size", 8}, {"change_ring", kRing}}),
                "OK", "create");
  expect_status(r.call({{"op", "open"}, {"bus", "r"}, {"backing", "shm"}, {"name", name}, {"role", "reader"}}), "OK",
                "open the reader");
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < kKeys; ++i) {
    std::string k = "race" + std::to_string(i) + "-";
    keys.push_back(k + std::string(63 - k.size(), static_cast<char>('a' + i)));
  }
  Pipeline writer(w);
  std::mt19937_64 rng(ctx.seed() ^ 0x7ace);
  std::uint64_t sent = 0;
  struct Read {
    std::uint64_t since;
    json answer;
  };
  std::deque<Read> reads;  // not judged yet: their epochs are not all acknowledged
  std::size_t judged = 0;
  // Judges the reads whose every epoch the writer has acknowledged (all of
  // them once `all`), so that a wrong entry fails the case at once.
  auto judge = [&](bool all) {
    const std::uint64_t acked = writer.journal().empty() ? 0 : writer.journal().back().epoch;
    while (!reads.empty()) {
      const Read &rd = reads.front();
      const json &c = rd.answer;
      const bool given = c.contains("changes") && c["changes"].is_array();
      const std::uint64_t newest = given && !c["changes"].empty() ? u64(c["changes"].back(), "epoch").value_or(0) : 0;
      if (!all && newest > acked) return;
      // COMPACTED may carry the changes given before the entry was lost: those too must be right.
      if (c.value("status", "") == "OK" || given)
        if (const std::string d = judge_changes(writer.journal(), rd.since, c, false); !d.empty())
          throw Fail("changes since " + std::to_string(rd.since) + ", read while the writer wrapped the ring, gave a "
                     "wrong entry: " + d + "\n  answer: " + c.dump().substr(0, 600));
      reads.pop_front();
      ++judged;
    }
  };
  int overlapped = 0, with_entries = 0, compacted = 0;
  // Until 300 reads were made while the writer had mutations queued (the
  // writer was writing), at least 100 of them OK with entries.
  while (overlapped < 300 || with_entries < 100) {
    while (writer.outstanding() < 256) writer.send("set", keys[sent % kKeys], std::to_string(sent % 1000)), ++sent;
    const json e = r.call({{"op", "epoch"}, {"bus", "r"}});
    expect_status(e, "OK", "the reader's epoch");
    const std::uint64_t now = u64(e, "epoch").value_or(0);
    // Half the reads start at the ring's oldest edge, where the writer
    // overwrites; the others near the newest entry.
    const std::uint64_t back = rng() % 2 ? kRing - rng() % 16 : rng() % 8;
    const std::uint64_t since = now > back ? now - back : 0;
    const json c = r.call({{"op", "changes"}, {"bus", "r"}, {"since", since}});
    writer.drain(0);
    if (writer.outstanding() > 0) ++overlapped;
    const std::string st = c.value("status", "");
    if (st == "COMPACTED") ++compacted;
    else if (st == "OK" && c.contains("changes") && c["changes"].is_array() && !c["changes"].empty()) ++with_entries;
    else if (st != "OK")
      throw Fail("changes since " + std::to_string(since) + " while the writer wraps the ring answered " + st +
                     "; only OK (the entries) or COMPACTED is right: " + c.dump().substr(0, 400),
                 st == "UNSUPPORTED");
    reads.push_back({since, c});
    judge(false);
  }
  writer.drain(-1);
  judge(true);
  ctx.measure(std::to_string(judged) + " reads while the writer made " + std::to_string(sent) + " sets: " +
              std::to_string(with_entries) + " OK with entries, " + std::to_string(compacted) + " COMPACTED, " +
              std::to_string(overlapped) + " with the writer busy");
}

}  // namespace

void add_feed_cases(std::vector<Case> &out) {
  const std::vector<FeedParams> feeds = {
      {"ring_1", "change_ring 1, 2 slots: only the last mutation is held", 2, 8, 1, 0, 200, 4, 11},
      {"ring_4", "change_ring 4, 4 slots, 6 keys: FULL, tombstones, the ring wraps often", 4, 8, 4, 0, 400, 6, 12},
      {"ring_16", "change_ring 16, 16 slots, 20 keys with long and non-ASCII keys", 16, 24, 16, 0, 600, 20, 13},
      {"default_ring", "the default ring (1024) on 64 slots: nothing is lost", 64, 40, 0, 0, 600, 48, 14},
  };
  for (FeedParams p : feeds) {
    const std::string name = p.name, doc = p.doc;
    p.name = "model/feed/" + name;
    out.push_back({p.name, doc + ": every changes answer, from the writer and a reader process, is exactly the "
                   "acknowledged mutations after since, or COMPACTED when the ring lost them",
                   [p](Ctx &ctx) { run_feed_model(ctx, p, Judge::feed); }});
    if (name != "ring_4") continue;
    p.name = "interop/feed_sequence_bus_validates_" + name;
    out.push_back({p.name, "the bus the adapter leaves after the " + name + " sequence validates, and the reference "
                   "reads its feed exactly", [p](Ctx &ctx) { run_feed_model(ctx, p, Judge::format); }});
  }
  const std::vector<FeedParams> histories = {
      {"depth_0", "history_depth 0: the current value only", 4, 8, 0, 0, 300, 6, 21},
      {"depth_1", "history_depth 1, 4 slots: FULL and unsets end histories", 4, 8, 0, 1, 400, 6, 22},
      {"depth_3", "history_depth 3, 16 slots, long and non-ASCII keys", 16, 24, 0, 3, 600, 12, 23},
      {"depth_62", "history_depth 62 (the maximum), 8 slots, 3 keys: long histories", 8, 4, 0, 62, 400, 3, 24},
  };
  for (FeedParams p : histories) {
    const std::string name = p.name, doc = p.doc;
    p.name = "model/history/" + name;
    out.push_back({p.name, doc + ": every history answer, from the writer and a reader process, is the key's values "
                   "since it was last created, newest first, at most history_depth + 1",
                   [p](Ctx &ctx) { run_feed_model(ctx, p, Judge::history); }});
  }
  out.push_back({"process/feed/poll_then_changes_never_misses",
                 "a follower process polls the bus and reads the changes after its last epoch while a writer process "
                 "makes 400 mutations: each changes reaches the epoch the poll returned, and together they are every "
                 "mutation, once, in order", poll_then_changes_never_misses});
  out.push_back({"process/feed/reader_racing_the_wrap_gets_right_entries_or_compacted",
                 "a reader process reads the oldest entries of a 64-entry ring while a writer process overwrites them: "
                 "every entry given is the mutation of its epoch, or the answer is COMPACTED", reader_racing_the_wrap});
}

}  // namespace splc
