// status.cpp -- `splinter-bridge status --bus BUS --nats URL --bucket NAME`:
// how far the bucket is behind the leader bus, as one JSON object on stdout.
// lag_epochs is the leader's epoch minus the last epoch the publisher
// recorded; lag_seconds is 0 when that is 0, else the time since the
// publisher last recorded progress (an upper bound of the age of the oldest
// unpublished change while the publisher runs).
#include "commands.h"
#include "common.h"
#include "geometry.h"

#include <cstdio>

namespace bridge {

int run_status(const StatusOptions &opt) {
  set_log_command("status");
  const BusAddress addr = parse_bus(opt.bus);
  splinter::Bus bus = open_bus(addr, splinter::Role::reader);
  Nats nats(opt.nats);
  if (!nats.bind(opt.bucket, false)) throw Fatal(kExitFailure, "no bucket " + opt.bucket);
  const auto progress = get_progress(nats);
  const std::uint64_t revision = nats.last_revision();
  const std::uint64_t epoch = bus.epoch();
  nlohmann::json out = {{"bus", addr.display()}, {"bus_epoch", epoch}, {"bucket", opt.bucket},
                        {"bucket_revision", revision}};
  if (progress) {
    const std::uint64_t lag = epoch > progress->epoch ? epoch - progress->epoch : 0;
    out["published_epoch"] = progress->epoch;
    out["lag_epochs"] = lag;
    out["lag_seconds"] = lag == 0 ? 0.0 : static_cast<double>(unix_ms() - progress->time_ms) / 1000.0;
    if (progress->epoch > epoch) out["note"] = "the bucket is ahead of the bus: the bus was recreated or lost unflushed changes";
  } else {
    out["published_epoch"] = nullptr;
    out["lag_epochs"] = epoch;
    out["lag_seconds"] = nullptr;
  }
  const std::string text = out.dump() + '\n';
  std::fwrite(text.data(), 1, text.size(), stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitFailure;
}

}  // namespace bridge
