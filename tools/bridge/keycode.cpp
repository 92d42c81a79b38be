// keycode.cpp -- the reversible key encoding of keycode.h.
#include "keycode.h"

namespace bridge {

namespace {
bool plain(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string encode_key(std::string_view key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(key.size() * 3);
  for (const char ch : key) {
    const auto c = static_cast<unsigned char>(ch);
    if (plain(c)) {
      out += ch;
    } else {
      out += '=';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::optional<std::string> decode_key(std::string_view encoded) {
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char ch = encoded[i];
    if (plain(static_cast<unsigned char>(ch))) { out += ch; continue; }
    if (ch != '=' || i + 2 >= encoded.size()) return std::nullopt;
    const int hi = hex_value(encoded[i + 1]);
    const int lo = hex_value(encoded[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    const int byte = hi * 16 + lo;
    // The canonical form only: a NUL, or a plain byte written escaped, is malformed.
    if (byte == 0 || plain(static_cast<unsigned char>(byte))) return std::nullopt;
    out += static_cast<char>(byte);
    i += 2;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string bucket_key(std::string_view key) { return std::string(kKeyPrefix) + encode_key(key); }

std::optional<std::string> splinter_key(std::string_view bucket_key) {
  if (bucket_key.substr(0, kKeyPrefix.size()) != kKeyPrefix) return std::nullopt;
  return decode_key(bucket_key.substr(kKeyPrefix.size()));
}

}  // namespace bridge
