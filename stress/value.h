// value.h -- self-describing values and the key universe of the stress harness.
//
// Every value the harness writes is a pure function of (key id, epoch) plus a
// small header of facts the writer knew (incarnation, sequence number, clock),
// so any reader holding a value and the epoch returned with it can tell
// whether the bytes are exactly one committed set of that key:
//
//   length  = value_len(key id, epoch): 0..max, chosen so that short (< 64
//             bytes, no header), empty, medium and max-length values all occur;
//   bytes   = len < 64: a pseudo-random stream seeded by (key id, epoch);
//             len >= 64: a 64-byte header (magic, len, key id, gen, epoch,
//             seq, ts, aux0, aux1, checksum) followed by that stream.
//
// A torn read (bytes of two sets, or of a set and an older buffer) changes the
// stream, the header or the length, so verify() reports it.
#ifndef SPLINTER_STRESS_VALUE_H
#define SPLINTER_STRESS_VALUE_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace stress {

inline constexpr std::size_t kHeaderBytes = 64;
inline constexpr std::uint32_t kValueMagic = 0x56534C53u;  // "SLSV"
inline constexpr std::uint32_t kMinMaxValue = 1024;         // ack values are 552 bytes

// The keys the harness uses, derived from the bus geometry so that every
// process (writer, readers, parent) agrees on them without talking.
//   ids [0, hot)            hot keys: overwritten constantly with long values
//   ids [0, regular)        "k/<id>/xxx..": set, overwritten, unset, re-created;
//                           regular > slots, so the table can fill (FULL)
//   ids [regular, +beacons) "b/<i>": set every millisecond, never unset (polled)
//   ids [.., +beacons)      "a/<i>": the acknowledgements of b/<i>: a ring of
//                           its last sets (epoch, time before, time returned)
struct Universe {
  std::uint32_t slots = 0;
  std::uint32_t max_value = 0;
  std::uint32_t regular = 0;
  std::uint32_t hot = 0;
  std::uint32_t beacons = 0;

  static Universe make(std::uint32_t slots, std::uint32_t max_value);
  std::uint32_t total() const { return regular + 2 * beacons; }
  bool is_beacon(std::uint32_t id) const { return id >= regular && id < regular + beacons; }
  bool is_ack(std::uint32_t id) const { return id >= regular + beacons && id < total(); }
  std::uint32_t beacon_id(std::uint32_t i) const { return regular + i; }
  std::uint32_t ack_id(std::uint32_t i) const { return regular + beacons + i; }
  std::string name(std::uint32_t id) const;
  std::optional<std::uint32_t> parse(std::string_view name) const;
  // Deterministic length of the value of key `id` set at `epoch`.
  std::size_t value_len(std::uint32_t id, std::uint64_t epoch) const;
};

// One acknowledged beacon set, as carried in the ack key a/<i>.
struct BeaconAck {
  std::uint64_t epoch = 0;   // epoch of the beacon set
  std::uint64_t ts = 0;      // CLOCK_MONOTONIC ns just before the set call
  std::uint64_t acked = 0;   // CLOCK_MONOTONIC ns just after it returned
};
// The ring holds the last 8 sets and 12 checkpoints at least 200 ms apart, so
// it covers more than the poll latency bound (half of --poll-timeout-ms).
inline constexpr std::size_t kAckRing = 20, kAckRecent = 8;
inline constexpr std::uint64_t kAckCheckpointNs = 200000000;
// Ack values: header, u64 count, then up to kAckRing BeaconAck entries, oldest first.
inline constexpr std::size_t kAckValueBytes = kHeaderBytes + 8 + kAckRing * sizeof(BeaconAck);

// Facts carried in the header of values of 64 bytes or more.
struct ValueFacts {
  std::uint32_t gen = 0;   // writer incarnation
  std::uint64_t seq = 0;   // writer's operation number within the incarnation
  std::uint64_t ts = 0;    // CLOCK_MONOTONIC ns just before the set call
  std::uint64_t aux0 = 0;  // acks: epoch of the acknowledged beacon set
  std::uint64_t aux1 = 0;  // acks: CLOCK_MONOTONIC ns after that set returned
  // Ack keys only: the last acknowledged sets of the beacon, oldest first.
  std::uint32_t ring_n = 0;
  BeaconAck ring[kAckRing];
};

// Writes the value of (id, epoch) into buf (at least u.value_len(id, epoch)
// bytes); returns its length.
std::size_t encode(const Universe &u, std::uint32_t id, std::uint64_t epoch, const ValueFacts &facts,
                   unsigned char *buf);

// Checks that buf[0..len) is exactly a value of key `id` set at `epoch`.
// Returns "" when it is (and fills *facts when the value has a header), else
// a one-line description of the first difference.
std::string verify(const Universe &u, std::uint32_t id, std::uint64_t epoch, const unsigned char *buf,
                   std::size_t len, ValueFacts *facts);

std::uint64_t mix64(std::uint64_t x);
// CLOCK_MONOTONIC in nanoseconds: comparable across the processes of a run.
std::uint64_t now_ns();

}  // namespace stress

#endif  // SPLINTER_STRESS_VALUE_H
