// value.cpp -- self-describing values (value.h).
#include "value.h"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace stress {
namespace {

void put32(unsigned char *p, std::uint32_t v) { std::memcpy(p, &v, 4); }
void put64(unsigned char *p, std::uint64_t v) { std::memcpy(p, &v, 8); }
std::uint32_t get32(const unsigned char *p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
std::uint64_t get64(const unsigned char *p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Header offsets.
constexpr std::size_t kMagic = 0, kLen = 4, kId = 8, kGen = 12, kEpoch = 16, kSeq = 24, kTs = 32,
                      kAux0 = 40, kAux1 = 48, kSum = 56;

std::uint64_t stream_seed(std::uint32_t id, std::uint64_t epoch) {
  return mix64(mix64(std::uint64_t{id} * 0x9E3779B97F4A7C15ull) ^ epoch ^ 0x5EED5EED5EEDull);
}

// Fills out[0..n) with the stream of (id, epoch).
void fill_stream(std::uint32_t id, std::uint64_t epoch, unsigned char *out, std::size_t n) {
  std::uint64_t s = stream_seed(id, epoch);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    s += 0x9E3779B97F4A7C15ull;
    put64(out + i, mix64(s));
  }
  if (i < n) {
    s += 0x9E3779B97F4A7C15ull;
    unsigned char tail[8];
    put64(tail, mix64(s));
    std::memcpy(out + i, tail, n - i);
  }
}

// Checksum of the header (with its checksum field taken as zero) and body.
std::uint64_t checksum(const unsigned char *v, std::size_t len) {
  std::uint64_t h = 0xcbf29ce484222325ull ^ len;
  for (std::size_t i = 0; i < len; i += 8) {
    std::uint64_t w = 0;
    if (i != kSum) std::memcpy(&w, v + i, len - i < 8 ? len - i : 8);
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  return h;
}

std::string fmt(const char *f, auto... args) {
  char b[256];
  std::snprintf(b, sizeof b, f, args...);
  return b;
}

}  // namespace

std::uint64_t mix64(std::uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 31;
  return x;
}

std::uint64_t now_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<std::uint64_t>(t.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(t.tv_nsec);
}

Universe Universe::make(std::uint32_t slots, std::uint32_t max_value) {
  Universe u;
  u.slots = slots;
  u.max_value = max_value;
  u.beacons = 2;
  u.regular = slots + slots / 4 + 1;
  u.hot = u.regular < 4 ? u.regular : 4;
  return u;
}

std::string Universe::name(std::uint32_t id) const {
  if (is_beacon(id)) return "b/" + std::to_string(id - regular);
  if (is_ack(id)) return "a/" + std::to_string(id - regular - beacons);
  // Key lengths vary from 4 to 63 bytes.
  std::string n = "k/" + std::to_string(id) + "/";
  n.append((id * 7u) % 61u, 'x');
  return n.size() > 63 ? n.substr(0, 63) : n;
}

std::optional<std::uint32_t> Universe::parse(std::string_view n) const {
  if (n.size() < 3 || n[1] != '/') return std::nullopt;
  std::uint32_t v = 0;
  const char *b = n.data() + 2, *e = n.data() + n.size();
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p == b) return std::nullopt;
  std::optional<std::uint32_t> id;
  if (n[0] == 'b' && p == e && v < beacons) id = regular + v;
  if (n[0] == 'a' && p == e && v < beacons) id = regular + beacons + v;
  if (n[0] == 'k' && v < regular) id = v;
  if (id && name(*id) == n) return id;
  return std::nullopt;
}

std::size_t Universe::value_len(std::uint32_t id, std::uint64_t epoch) const {
  const std::uint64_t r = mix64(std::uint64_t{id} * 0xD6E8FEB86659FD93ull ^ mix64(epoch));
  const std::uint64_t m = max_value;
  if (is_ack(id)) return kAckValueBytes;
  if (id >= regular) return static_cast<std::size_t>(kHeaderBytes + (r >> 8) % 64);  // beacons
  if (id < hot) return static_cast<std::size_t>(m / 2 + (r >> 8) % (m - m / 2 + 1));
  switch (r % 10) {
    case 0: return 0;
    case 1:
    case 2: return static_cast<std::size_t>(1 + (r >> 8) % (kHeaderBytes - 1));
    case 3: return static_cast<std::size_t>(m);
    default: return static_cast<std::size_t>((r >> 8) % (m + 1));
  }
}

std::size_t encode(const Universe &u, std::uint32_t id, std::uint64_t epoch, const ValueFacts &f,
                   unsigned char *buf) {
  const std::size_t len = u.value_len(id, epoch);
  if (len < kHeaderBytes) {
    fill_stream(id, epoch, buf, len);
    return len;
  }
  put32(buf + kMagic, kValueMagic);
  put32(buf + kLen, static_cast<std::uint32_t>(len));
  put32(buf + kId, id);
  put32(buf + kGen, f.gen);
  put64(buf + kEpoch, epoch);
  put64(buf + kSeq, f.seq);
  put64(buf + kTs, f.ts);
  put64(buf + kAux0, f.aux0);
  put64(buf + kAux1, f.aux1);
  if (u.is_ack(id)) {  // the ring replaces the stream
    std::memset(buf + kHeaderBytes, 0, len - kHeaderBytes);
    put64(buf + kHeaderBytes, f.ring_n);
    for (std::uint32_t k = 0; k < f.ring_n && k < kAckRing; ++k) {
      unsigned char *e = buf + kHeaderBytes + 8 + k * sizeof(BeaconAck);
      put64(e, f.ring[k].epoch);
      put64(e + 8, f.ring[k].ts);
      put64(e + 16, f.ring[k].acked);
    }
  } else {
    fill_stream(id, epoch, buf + kHeaderBytes, len - kHeaderBytes);
  }
  put64(buf + kSum, checksum(buf, len));
  return len;
}

std::string verify(const Universe &u, std::uint32_t id, std::uint64_t epoch, const unsigned char *buf,
                   std::size_t len, ValueFacts *facts) {
  const std::size_t want = u.value_len(id, epoch);
  if (len != want) return fmt("length %zu, but the value of epoch %llu has length %zu", len,
                              static_cast<unsigned long long>(epoch), want);
  unsigned char expect[kHeaderBytes];
  if (len < kHeaderBytes) {
    fill_stream(id, epoch, expect, len);
    for (std::size_t i = 0; i < len; ++i)
      if (buf[i] != expect[i]) return fmt("short value differs from the epoch's bytes at offset %zu", i);
    return "";
  }
  if (get32(buf + kMagic) != kValueMagic) return fmt("bad magic 0x%08x", get32(buf + kMagic));
  if (get32(buf + kLen) != len) return fmt("header length %u, value length %zu", get32(buf + kLen), len);
  if (get32(buf + kId) != id) return fmt("header key id %u, expected %u", get32(buf + kId), id);
  if (get64(buf + kEpoch) != epoch)
    return fmt("header epoch %llu, returned epoch %llu", static_cast<unsigned long long>(get64(buf + kEpoch)),
               static_cast<unsigned long long>(epoch));
  if (u.is_ack(id)) {
    if (get64(buf + kSum) != checksum(buf, len)) return "ack value checksum mismatch (torn?)";
    const std::uint64_t n = get64(buf + kHeaderBytes);
    if (n > kAckRing) return "ack ring count out of range";
    if (facts) {
      facts->gen = get32(buf + kGen);
      facts->seq = get64(buf + kSeq);
      facts->ts = get64(buf + kTs);
      facts->aux0 = get64(buf + kAux0);
      facts->aux1 = get64(buf + kAux1);
      facts->ring_n = static_cast<std::uint32_t>(n);
      for (std::uint32_t k = 0; k < n; ++k) {
        const unsigned char *e = buf + kHeaderBytes + 8 + k * sizeof(BeaconAck);
        facts->ring[k] = {get64(e), get64(e + 8), get64(e + 16)};
      }
    }
    return "";
  }
  // Compare the body against the stream in chunks.
  std::uint64_t s = stream_seed(id, epoch);
  const unsigned char *body = buf + kHeaderBytes;
  const std::size_t n = len - kHeaderBytes;
  for (std::size_t i = 0; i < n; i += 8) {
    s += 0x9E3779B97F4A7C15ull;
    unsigned char w[8];
    put64(w, mix64(s));
    const std::size_t k = n - i < 8 ? n - i : 8;
    if (std::memcmp(body + i, w, k) != 0)
      return fmt("body differs from the epoch's bytes at offset %zu (torn?)", kHeaderBytes + i);
  }
  if (get64(buf + kSum) != checksum(buf, len)) return "header checksum mismatch";
  if (facts) {
    facts->gen = get32(buf + kGen);
    facts->seq = get64(buf + kSeq);
    facts->ts = get64(buf + kTs);
    facts->aux0 = get64(buf + kAux0);
    facts->aux1 = get64(buf + kAux1);
  }
  return "";
}

}  // namespace stress
