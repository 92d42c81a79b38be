// classes.cpp -- see classes.h. The map from case names to classes lives
// here, not in the case files, so that the files that build cases (the
// vectors, say) need not know about it.
#include "classes.h"

#include <utility>

namespace splc {

const std::vector<GuaranteeClass> &guarantee_classes() {
  static const std::vector<GuaranteeClass> all = {
      {"keys", 1, "keys are 1..63 bytes of anything but NUL, compared byte for byte, never truncated"},
      {"values", 1, "values are 0..max_value_size bytes, returned exactly; BUFFER gives the length needed"},
      {"table", 1, "probing, collisions, tombstones, FULL, list order and the counts info gives"},
      {"epochs", 1, "the bus epoch starts at 0 and rises by exactly 1 per committed set or unset; a key's epoch is its last mutation's"},
      {"lifetime", 1, "create, open, close, destroy: names, geometry, modes, EXISTS/NO_BUS, a bus visible only once whole"},
      {"roles", 1, "one writer in any process (BUSY), readers cannot mutate (READ_ONLY), the writer's pid"},
      {"waiting", 1, "poll: returns, times out, wakes on change, sleeps in the kernel without CPU, deadline on the monotonic clock"},
      {"durability", 1, "flush, reopen, and a writer killed at any point: data kept, a new writer takes over"},
      {"checks", 1, "check and recover of healthy and missing buses"},
      {"resources", 1, "no file descriptor or mapping outlives its handle; a miss costs a probe chain, not a scan"},
      {"feed", 1, "the change feed gives exactly the committed mutations after since, each once, in epoch order, with op and key; COMPACTED once they are gone, never a wrong entry"},
      {"history", 1, "a key's history: its current value and up to history_depth earlier ones, newest first with their epochs, since it was last created"},
      {"model", 1, "long random operation sequences answer as the slot-table model of docs/FORMAT.md predicts"},
      {"expiry", 1, "keys set with a ttl are absent to every reader from their deadline on (a poll of one wakes then), ttl gives the time left, expire removes them as op expire"},
      {"prepared", 1, "prepared keys: get, set, unset and poll through one agree with the string calls; a garbled one is INVALID"},
      {"format", 2, "format interop: buses the reference wrote are read exactly, concurrent reads are never torn, the adapter's buses validate"},
      {"damaged", 2, "damaged regions: refused with the right status and validator verdict, recovered as specified, no crash"},
  };
  return all;
}

const GuaranteeClass *find_class(const std::string &name) {
  for (const auto &c : guarantee_classes())
    if (c.name == name) return &c;
  return nullptr;
}

std::string class_of(const std::string &name, const std::string &explicit_class) {
  if (!explicit_class.empty()) return explicit_class;
  // Longest matching prefix wins.
  static const std::vector<std::pair<std::string, std::string>> by_prefix = {
      {"script/keys/", "keys"},
      {"script/values/", "values"},
      {"script/collisions/", "table"},
      {"script/full/", "table"},
      {"script/epochs/", "epochs"},
      {"script/lifetime/", "lifetime"},
      {"script/roles/", "roles"},
      {"script/poll/", "waiting"},
      {"script/check/", "checks"},
      {"model/random/", "model"},
      {"script/feed/", "feed"},
      {"script/history/", "history"},
      {"model/feed/", "feed"},
      {"model/history/", "history"},
      {"process/feed/", "feed"},
      {"model/epochs/", "epochs"},
      {"script/expiry/", "expiry"},
      {"script/prepared/", "prepared"},
      {"vector/valid/", "format"},
      {"vector/damaged/", "damaged"},
      {"interop/", "format"},
      {"process/second_writer_refused", "roles"},
      {"process/killed_writer_replaced", "durability"},
      {"process/adapter_takes_over_from_killed_reference", "durability"},
      {"process/killed_poller_harmless", "waiting"},
      {"process/concurrent_creators_one_wins", "lifetime"},
      {"process/create_file_mode_and_symlink", "lifetime"},
  };
  std::size_t best = 0;
  std::string cls;
  for (const auto &[prefix, c] : by_prefix)
    if (prefix.size() > best && name.rfind(prefix, 0) == 0) best = prefix.size(), cls = c;
  return cls;
}

}  // namespace splc
