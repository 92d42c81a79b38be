// handler.h -- the reference implementation of the adapter protocol
// (conformance/PROTOCOL.md) over the C++ API.
//
// It is both the C++ reference adapter (adapter_main.cpp wraps it in a
// stdin/stdout loop) and the runner's in-process "ref" party in scripted
// cases, so the reference side of every case speaks exactly the protocol an
// adapter speaks. It only translates: no logic beyond mapping JSON to calls.
#ifndef SPLINTER_CONFORMANCE_HANDLER_H
#define SPLINTER_CONFORMANCE_HANDLER_H

#include <splinter/splinter.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace splc {

// Deliberately broken behaviours, for the negative controls only: a suite
// that still passes with one of these enabled is not testing anything. Each
// imitates a defect another implementation could have (broken.cpp).
enum class Broken {
  none,
  flip_byte,        // every non-empty value returned by get has its last byte flipped
  wrong_status,     // KEY_TOO_LONG is reported as INVALID
  spin_poll,        // a waiting poll re-checks in a busy loop (never sleeps)
  sleepy_poll,      // a waiting poll re-checks every 10 ms, sleeping between checks
  wall_clock_poll,  // a poll's deadline is kept on the wall clock (CLOCK_REALTIME)
  leak_fd,          // every open and create leaves a file descriptor of the bus open
  leak_map,         // every open and create leaves a mapping of the bus behind
  create_in_place,  // create makes the bus under its final name, then initialises it
  miss_scan,        // a get that finds nothing scans the whole table first
  hash_sentinel,    // keys whose hash has 32 high (or low) bits all 0 or all 1 are taken for absent
  feed_skip,        // changes leaves out the second change it has
  feed_duplicate,   // changes gives its first change twice
  feed_swap,        // changes gives its first two changes in the wrong order
  feed_wrong_op,    // changes reports an unset as a set
  feed_no_compacted,  // changes answers a since the feed lost with OK and the changes it still holds
  feed_stale_epoch,   // changes stops at the bus epoch this handle's previous changes call saw
  feed_torn,          // changes copies an entry without re-checking it: racing the wrap, it pairs an
                      // entry's epoch and op with the key the writer wrote over it
  history_reversed,   // history gives the oldest value first
  history_survives_unset,  // an unset does not end a history: the values before it come after the new ones
  info_feed_oldest,        // info's feed_oldest stays at the first epoch the feed ever held
  ttl_dropped,             // set_ttl sets the value without its deadline (a plain set)
  expire_as_unset,         // changes reports the writer's removal of an expired key as an unset
  prepared_unchecked,      // key_garble changes nothing: the _k calls use the key as key_init made it
  prepared_stale,          // the _k calls use the first key this process prepared, whichever pkey is named
};

// The --broken names, in the order of the enum (none = "").
const std::vector<std::string> &broken_names();

// "OK", "NOT_FOUND", ... : splinter_status_name without its prefix.
std::string protocol_status(int status);

class ReferenceHandler {
 public:
  explicit ReferenceHandler(std::string adapter_name = "cpp-reference", Broken broken = Broken::none)
      : adapter_name_(std::move(adapter_name)), broken_(broken) {}

  // Answers one request; never throws. The answer carries the request's id.
  nlohmann::json handle(const nlohmann::json &request);

  // Closes every handle (end of input).
  void close_all() { buses_.clear(); }

 private:
  nlohmann::json dispatch(const std::string &op, const nlohmann::json &req);
  // The broken behaviour of the op, if the handler has one for it (broken.cpp).
  std::optional<nlohmann::json> broken_dispatch(const std::string &op, const nlohmann::json &req);
  splinter::Bus &bus(const nlohmann::json &req);
  splinter::Key &pkey(const nlohmann::json &req);

  std::string adapter_name_;
  Broken broken_;
  std::map<std::string, splinter::Bus> buses_;
  // Prepared keys by the runner's names (key_init), and the first one made
  // (for the prepared_stale mode).
  std::map<std::string, splinter::Key> pkeys_;
  std::optional<splinter::Key> first_pkey_;
  // State of the broken modes that need one (broken.cpp): per handle, the
  // bus epoch of its last changes call; per key, the history an unset ended.
  std::map<std::string, std::uint64_t> broken_seen_epoch_;
  std::map<std::string, nlohmann::json> broken_ended_history_;
};

}  // namespace splc

#endif  // SPLINTER_CONFORMANCE_HANDLER_H
