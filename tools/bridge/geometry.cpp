// geometry.cpp -- meta.geometry and meta.progress (geometry.h).
#include "geometry.h"

#include "common.h"
#include "keycode.h"

#include <nlohmann/json.hpp>

namespace bridge {

namespace {
void put_json(Nats &nats, std::string_view key, const nlohmann::json &j) {
  const std::string text = j.dump();
  nats.put(key, std::as_bytes(std::span(text.data(), text.size())));
}
std::optional<nlohmann::json> get_json(Nats &nats, std::string_view key) {
  auto e = nats.get(key);
  if (!e || e->removed) return std::nullopt;
  const std::string text(reinterpret_cast<const char *>(e->value.data()), e->value.size());
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw Fatal(kExitConfig, "the bucket's " + std::string(key) + " is not a JSON object: not a splinter-bridge bucket?");
  return j;
}
}  // namespace

void put_geometry(Nats &nats, const splinter::Info &info) {
  put_json(nats, kGeometryKey,
           {{"format_version", info.format_version},
            {"slots", info.slots},
            {"max_value_size", info.max_value_size},
            {"change_ring", info.change_ring},
            {"history_depth", info.history_depth}});
}

std::optional<splinter::Options> get_geometry(Nats &nats) {
  auto j = get_json(nats, kGeometryKey);
  if (!j) return std::nullopt;
  try {
    splinter::Options o;
    o.slots = j->at("slots").get<std::uint32_t>();
    o.max_value_size = j->at("max_value_size").get<std::uint32_t>();
    o.change_ring = j->value("change_ring", 0u);
    o.history_depth = j->value("history_depth", 0u);
    return o;
  } catch (const nlohmann::json::exception &e) {
    throw Fatal(kExitConfig, std::string("the bucket's meta.geometry is malformed: ") + e.what());
  }
}

void put_progress(Nats &nats, const Progress &p) {
  put_json(nats, kProgressKey, {{"epoch", p.epoch}, {"time_ms", p.time_ms}});
}

std::optional<Progress> get_progress(Nats &nats) {
  auto j = get_json(nats, kProgressKey);
  if (!j) return std::nullopt;
  try {
    return Progress{j->at("epoch").get<std::uint64_t>(), j->at("time_ms").get<std::int64_t>()};
  } catch (const nlohmann::json::exception &e) {
    throw Fatal(kExitConfig, std::string("the bucket's meta.progress is malformed: ") + e.what());
  }
}

}  // namespace bridge
