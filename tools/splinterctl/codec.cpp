// codec.cpp -- see codec.h.
#include "codec.h"

#include <nlohmann/json.hpp>

namespace splinterctl {

void put_bytes(nlohmann::json &obj, const std::string &field, std::string_view bytes) {
  if (valid_utf8(bytes)) obj[field] = std::string(bytes);
  else obj[field + "_base64"] = base64_encode(bytes);
}

std::optional<std::string> get_bytes(const nlohmann::json &obj, const std::string &field,
                                     std::string *error) {
  const std::string b64 = field + "_base64";
  const bool has_text = obj.contains(field);
  const bool has_b64 = obj.contains(b64);
  if (has_text == has_b64) {
    *error = "needs exactly one of \"" + field + "\" and \"" + b64 + "\"";
    return std::nullopt;
  }
  const nlohmann::json &v = has_text ? obj.at(field) : obj.at(b64);
  if (!v.is_string()) {
    *error = "\"" + (has_text ? field : b64) + "\" is not a string";
    return std::nullopt;
  }
  const auto &s = v.get_ref<const std::string &>();
  if (has_text) return s;
  auto decoded = base64_decode(s);
  if (!decoded) *error = "\"" + b64 + "\" is not valid base64";
  return decoded;
}

}  // namespace splinterctl
