// geometry.h -- the bucket's own records: the leader bus's geometry
// ("meta.geometry") and the publisher's progress ("meta.progress"), as JSON.
#ifndef SPLINTER_BRIDGE_GEOMETRY_H
#define SPLINTER_BRIDGE_GEOMETRY_H

#include "natsconn.h"

#include <splinter/splinter.hpp>

#include <cstdint>
#include <optional>

namespace bridge {

struct Progress {
  std::uint64_t epoch = 0;   // every change of the leader bus through this epoch is in the bucket
  std::int64_t time_ms = 0;  // wall clock (Unix ms) when the publisher recorded it
};

void put_geometry(Nats &nats, const splinter::Info &info);
std::optional<splinter::Options> get_geometry(Nats &nats);  // nullopt: not recorded yet; Fatal if malformed
void put_progress(Nats &nats, const Progress &p);
std::optional<Progress> get_progress(Nats &nats);

}  // namespace bridge

#endif  // SPLINTER_BRIDGE_GEOMETRY_H
