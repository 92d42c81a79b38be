// codec.h -- byte/text conversions shared by splinterctl and the conformance
// runner and adapter: base64, UTF-8 validation, printable escaping. Nothing
// here is test-only (the installed splinterctl links it) and nothing reads
// the region format.
#ifndef SPLINTER_TESTSUPPORT_CODEC_H
#define SPLINTER_TESTSUPPORT_CODEC_H

#include <optional>
#include <string>
#include <string_view>

namespace codec {

// RFC 4648 base64 (standard alphabet) with padding, no line breaks. (No
// Debian library fits: libb64 wraps lines, and the rest are not packaged
// for C++.)
std::string base64_encode(std::string_view bytes);
// Strict decoder: canonical padded base64 only (length a multiple of 4,
// padding only at the end, the bits it drops zero); nothing otherwise.
std::optional<std::string> base64_decode(std::string_view text);

// True when bytes are well-formed UTF-8 (no overlongs, surrogates or code
// points above U+10FFFF) -- exactly what nlohmann::json accepts in a string.
bool valid_utf8(std::string_view bytes);

// Printable ASCII kept as is; backslash, tab, newline and every other byte as
// \\, \t, \n, \xNN. One line, safe for a terminal, unambiguous.
std::string escape(std::string_view bytes);

}  // namespace codec

#endif  // SPLINTER_TESTSUPPORT_CODEC_H
