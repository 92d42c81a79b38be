// model.cpp -- committed history from the journal (model.h).
#include "model.h"

#include <cinttypes>
#include <string>

namespace stress {

void Model::commit(const JournalRecord &p, std::uint64_t epoch) {
  const bool set = p.type == Rec::intent_set;
  keys_[p.key] = set ? KeyState{true, epoch, p.gen, p.seq} : KeyState{};
  bus_epoch_ = epoch;
  if (!log_.empty() && log_.back().epoch + 1 != epoch) log_.clear();  // never: epochs are consecutive
  log_.push_back({epoch, set ? SPLINTER_OP_SET : SPLINTER_OP_UNSET, p.key});
  while (log_.size() > log_cap_) log_.pop_front();
  auto &v = versions_[p.key];
  if (!set) {
    v.clear();
    return;
  }
  v.push_back({epoch, p.gen, p.seq});
  while (v.size() > depth_ + 1) v.pop_front();
}

void Model::initial_set(std::uint32_t id, std::uint64_t epoch) {
  JournalRecord r;
  r.type = Rec::intent_set;
  r.key = id;
  commit(r, epoch);
}

const Change *Model::change(std::uint64_t e) const {
  if (log_.empty() || e < log_.front().epoch || e > log_.back().epoch) return nullptr;
  return &log_[e - log_.front().epoch];
}

void Model::apply(const JournalRecord &r) {
  switch (r.type) {
    case Rec::ready:
    case Rec::done:
      if (pending_) violation("journal: %s record with a mutation in flight", r.type == Rec::ready ? "ready" : "done");
      if (r.epoch != bus_epoch_)
        violation("writer gen %u %s at bus epoch %" PRIu64 ", committed history says %" PRIu64, r.gen,
                  r.type == Rec::ready ? "took over" : "finished", r.epoch, bus_epoch_);
      return;
    case Rec::intent_set:
    case Rec::intent_unset:
      if (pending_) violation("journal: two mutations in flight");
      if (r.epoch != bus_epoch_ + 1)
        violation("writer gen %u expects epoch %" PRIu64 " for %s of %s, but the committed history is at %" PRIu64,
                  r.gen, r.epoch, r.type == Rec::intent_set ? "set" : "unset", u_.name(r.key).c_str(), bus_epoch_);
      pending_ = r;
      return;
    case Rec::ack: {
      if (!pending_ || pending_->key != r.key || pending_->seq != r.seq) violation("journal: ack without its intent");
      const JournalRecord p = *pending_;
      pending_.reset();
      ++acked_;
      if (r.status != SPLINTER_OK) return;  // FULL / NOT_FOUND: nothing changed
      if (r.epoch != p.epoch) violation("journal: acked epoch %" PRIu64 " != intended %" PRIu64, r.epoch, p.epoch);
      commit(p, r.epoch);
      return;
    }
  }
  violation("journal: unknown record type %u", static_cast<unsigned>(r.type));
}

int Model::verify(const splinter_bus *bus, bool bus_epoch_exact) {
  std::vector<unsigned char> buf(u_.max_value + 1);
  int resolved = 0;
  for (std::uint32_t id = 0; id < u_.total(); ++id) {
    const std::string name = u_.name(id);
    std::size_t len = 0;
    std::uint64_t e = 0;
    int st;
    int tries = 0;
    do st = splinter_get(bus, name.c_str(), buf.data(), buf.size(), &len, &e);
    while (st == SPLINTER_E_AGAIN && ++tries < 1000);
    KeyState seen;
    ValueFacts f;
    if (st == SPLINTER_OK) {
      const std::string bad = stress::verify(u_, id, e, buf.data(), len, &f);
      if (!bad.empty()) violation("verify: key %s epoch %" PRIu64 ": %s", name.c_str(), e, bad.c_str());
      seen = {true, e, f.gen, f.seq};
    } else if (st != SPLINTER_E_NOT_FOUND) {
      violation("verify: get %s: %s (%s) with no writer mutating", name.c_str(), splinter_status_name(st),
                splinter_last_error());
    }
    const KeyState &want = keys_[id];
    const bool has_header = seen.present && u_.value_len(id, e) >= kHeaderBytes;
    auto same = [&](const KeyState &a) {
      if (a.present != seen.present) return false;
      if (!a.present) return true;
      return a.epoch == seen.epoch && (!has_header || (a.gen == seen.gen && a.seq == seen.seq));
    };
    if (same(want)) continue;
    if (pending_ && pending_->key == id) {
      KeyState next = pending_->type == Rec::intent_set
                          ? KeyState{true, pending_->epoch, pending_->gen, pending_->seq}
                          : KeyState{};
      if (same(next)) {
        commit(*pending_, pending_->epoch);
        pending_.reset();
        resolved = 2;
        continue;
      }
    }
    violation("verify: key %s is %s epoch %" PRIu64 " (gen %u seq %" PRIu64 "), but its last acknowledged state is "
              "%s epoch %" PRIu64 " (gen %u seq %" PRIu64 ")%s",
              name.c_str(), seen.present ? "present at" : "absent,", seen.epoch, seen.gen, seen.seq,
              want.present ? "present at" : "absent,", want.epoch, want.gen, want.seq,
              pending_ && pending_->key == id ? " and the in-flight mutation's new state does not match either" : "");
  }
  if (pending_) {  // the in-flight mutation did not happen (or changed nothing)
    pending_.reset();
    resolved = 1;
  }
  const std::uint64_t be = splinter_epoch(bus);
  if (bus_epoch_exact ? be != bus_epoch_ : (be != bus_epoch_ && be + 1 != bus_epoch_))
    violation("verify: bus epoch is %" PRIu64 ", committed history says %" PRIu64, be, bus_epoch_);
  return resolved;
}

}  // namespace stress
