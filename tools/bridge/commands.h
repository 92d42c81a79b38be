// commands.h -- the subcommands of splinter-bridge, one file each; main.cpp
// parses the command line (CLI11) into these options and calls run_*.
#ifndef SPLINTER_BRIDGE_COMMANDS_H
#define SPLINTER_BRIDGE_COMMANDS_H

#include "natsconn.h"

#include <cstdint>
#include <optional>
#include <string>

namespace bridge {

struct MirrorOptions {
  std::string from;
  std::string to;
  std::string flush_interval = "1s";
  bool once = false;
  std::optional<std::string> test_drop_key;
};
int run_mirror(const MirrorOptions &opt);

struct PublishOptions {
  std::string bus;
  NatsOptions nats;
  std::string bucket;
  int history = 1;
  int replicas = 1;
  bool once = false;
  bool resync = false;
  std::optional<std::string> test_drop_key;
};
int run_publish(const PublishOptions &opt);

struct FollowOptions {
  std::string bus;
  NatsOptions nats;
  std::string bucket;
  std::string flush_interval = "1s";
  std::optional<std::uint32_t> slots;
  std::optional<std::uint32_t> max_value_size;
  bool once = false;
  std::optional<std::string> test_drop_key;
};
int run_follow(const FollowOptions &opt);

struct StatusOptions {
  std::string bus;
  NatsOptions nats;
  std::string bucket;
};
int run_status(const StatusOptions &opt);

}  // namespace bridge

#endif  // SPLINTER_BRIDGE_COMMANDS_H
