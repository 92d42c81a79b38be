// keycode.h -- Splinter keys as NATS KV keys, reversibly.
//
// A Splinter key is 1..63 bytes, any byte but NUL; a NATS KV key is
// [-/_=.A-Za-z0-9]+ and its '.'-separated tokens must not be empty. The
// encoding keeps A-Z a-z 0-9 '-' '_' as they are and writes every other byte
// as '=' and two upper-case hex digits ("a.b" -> "a=2Eb", "=" -> "=3D",
// byte 0xFF -> "=FF"). Keys are stored under the prefix "k." so the bucket's
// own records ("meta.geometry", "meta.progress") never collide with them.
// docs/REPLICATION.md documents it.
#ifndef SPLINTER_BRIDGE_KEYCODE_H
#define SPLINTER_BRIDGE_KEYCODE_H

#include <optional>
#include <string>
#include <string_view>

namespace bridge {

inline constexpr std::string_view kKeyPrefix = "k.";
inline constexpr std::string_view kGeometryKey = "meta.geometry";
inline constexpr std::string_view kProgressKey = "meta.progress";

std::string encode_key(std::string_view key);                   // without the prefix
std::optional<std::string> decode_key(std::string_view encoded); // nullopt when malformed
std::string bucket_key(std::string_view key);                   // prefix + encode_key
// The Splinter key of a bucket key, nullopt for a key outside "k." or malformed.
std::optional<std::string> splinter_key(std::string_view bucket_key);

}  // namespace bridge

#endif  // SPLINTER_BRIDGE_KEYCODE_H
