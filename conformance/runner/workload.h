// workload.h -- self-describing values for the concurrent cases: a value
// names its key and sequence number and is otherwise a pattern derived from
// them, so any torn or foreign read is detected from the bytes alone.
#ifndef SPLINTER_CONFORMANCE_WORKLOAD_H
#define SPLINTER_CONFORMANCE_WORKLOAD_H

#include <cstdint>
#include <optional>
#include <string>

namespace splc {

// Lengths vary from the header's size up to max_value_size (a third of them
// exactly max), so a reader racing a writer sees both short and long values.
inline std::string make_value(const std::string &key, std::uint64_t seq, std::size_t max_value_size) {
  const std::string header = key + "#" + std::to_string(seq) + "#";
  std::size_t len = seq % 3 == 0 ? max_value_size : (seq * 7919) % (max_value_size + 1);
  if (len < header.size()) len = header.size();
  std::string v = header;
  for (std::size_t i = v.size(); i < len; ++i)
    v += static_cast<char>((seq * 31 + i * 7 + static_cast<unsigned char>(key[0])) & 0xff);
  return v;
}

struct Decoded {
  std::string key;
  std::uint64_t seq = 0;
};

// The (key, seq) a value claims, if it is exactly make_value(key, seq, max).
inline std::optional<Decoded> decode_value(const std::string &v, std::size_t max_value_size) {
  const auto a = v.find('#');
  if (a == std::string::npos) return std::nullopt;
  const auto b = v.find('#', a + 1);
  if (b == std::string::npos || b == a + 1 || b - a > 20) return std::nullopt;
  Decoded d{v.substr(0, a), 0};
  for (std::size_t i = a + 1; i < b; ++i) {
    if (v[i] < '0' || v[i] > '9') return std::nullopt;
    d.seq = d.seq * 10 + static_cast<std::uint64_t>(v[i] - '0');
  }
  if (d.key.empty() || make_value(d.key, d.seq, max_value_size) != v) return std::nullopt;
  return d;
}

}  // namespace splc

#endif  // SPLINTER_CONFORMANCE_WORKLOAD_H
