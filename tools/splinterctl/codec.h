// codec.h -- byte/text conversions for splinterctl output: base64, UTF-8
// validation, printable escaping, and the JSON spelling of keys and values.
#ifndef SPLINTERCTL_CODEC_H
#define SPLINTERCTL_CODEC_H

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace splinterctl {

// RFC 4648 base64 with padding, no line breaks. (No Debian library fits:
// libb64 wraps lines, and the rest are not packaged for C++.)
std::string base64_encode(std::string_view bytes);
// Strict decoder: canonical padded base64 only; nullopt otherwise.
std::optional<std::string> base64_decode(std::string_view text);

// True when bytes are well-formed UTF-8 (no overlongs, surrogates or code
// points above U+10FFFF) -- exactly what nlohmann::json accepts in a string.
bool valid_utf8(std::string_view bytes);

// Printable ASCII kept as is; backslash, tab, newline and every other byte as
// \\, \t, \n, \xNN. One line, safe for a terminal, unambiguous.
std::string escape(std::string_view bytes);

// Stores bytes under `field` when they are valid UTF-8 text, else under
// `field`_base64. Exactly one of the two is present.
void put_bytes(nlohmann::json &obj, const std::string &field, std::string_view bytes);
// Reads what put_bytes wrote; nullopt with *error set on a malformed object.
std::optional<std::string> get_bytes(const nlohmann::json &obj, const std::string &field,
                                     std::string *error);

}  // namespace splinterctl

#endif  // SPLINTERCTL_CODEC_H
