// codec.h -- the JSON spelling of keys and values for splinterctl output, and
// the byte/text conversions it uses (base64, UTF-8, escaping).
#ifndef SPLINTERCTL_CODEC_H
#define SPLINTERCTL_CODEC_H

#include "testsupport/codec.h"

#include <nlohmann/json_fwd.hpp>  // the full header only where JSON is built: it is slow to compile

#include <optional>
#include <string>
#include <string_view>

namespace splinterctl {

// base64, UTF-8 validation and escaping: testsupport/include/testsupport/codec.h
// (shared with the conformance runner; no test-only code).
using codec::base64_decode;
using codec::base64_encode;
using codec::escape;
using codec::valid_utf8;

// Stores bytes under `field` when they are valid UTF-8 text, else under
// `field`_base64. Exactly one of the two is present.
void put_bytes(nlohmann::json &obj, const std::string &field, std::string_view bytes);
// Reads what put_bytes wrote; nullopt with *error set on a malformed object.
std::optional<std::string> get_bytes(const nlohmann::json &obj, const std::string &field,
                                     std::string *error);

}  // namespace splinterctl

#endif  // SPLINTERCTL_CODEC_H
