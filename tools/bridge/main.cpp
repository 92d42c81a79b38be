// main.cpp -- splinter-bridge: replicates a Splinter bus through a NATS
// JetStream KV bucket (publish / follow / status), or mirrors it to another
// bus (mirror). docs/splinter-bridge.1 and docs/REPLICATION.md describe it.
// CLI11 parses the command line; each command lives in its own file.
#include "commands.h"
#include "common.h"

#include <splinter/splinter.h>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

namespace {

using namespace bridge;

void nats_options(CLI::App *cmd, NatsOptions &o) {
  cmd->add_option("--nats", o.url, "NATS server URL (nats://HOST:PORT, tls://HOST:PORT)")->capture_default_str();
  cmd->add_option("--tls-ca", o.tls_ca, "PEM file of the CA that signs the server's certificate (turns TLS on)");
  cmd->add_option("--tls-cert", o.tls_cert, "Client certificate (PEM), with --tls-key");
  cmd->add_option("--tls-key", o.tls_key, "Client private key (PEM), with --tls-cert");
  cmd->add_option("--creds", o.creds, "NATS credentials file (JWT and NKey seed)");
  cmd->add_option("--user", o.user, "NATS user name, with --password-file");
  cmd->add_option("--password-file", o.password_file, "File holding the NATS password (never logged)");
  cmd->add_option("--token-file", o.token_file, "File holding a NATS token (never logged)");
}

}  // namespace

int main(int argc, char **argv) {
  CLI::App app{"splinter-bridge: replicate a Splinter bus through NATS JetStream, or mirror it to another bus"};
  app.set_version_flag("--version", std::string("splinter-bridge ") + splinter_version());
  app.require_subcommand(1);
  app.footer("Buses are written shm:NAME or file:PATH. Exit status: 0 done (signal or --once), 1 failure,\n"
             "2 configuration (geometry, payload limit), 64 usage. See splinter-bridge(1), docs/REPLICATION.md.");

  MirrorOptions mirror;
  auto *m = app.add_subcommand("mirror", "Copy a bus into another (e.g. a memory bus to a file bus), following its changes");
  m->add_option("--from", mirror.from, "Source bus (read)")->required();
  m->add_option("--to", mirror.to, "Target bus (written; created with the source's geometry when missing)")->required();
  m->add_option("--flush-interval", mirror.flush_interval, "Flush a file target at most this often (500ms, 2s, 0 = each batch)")
      ->capture_default_str();
  m->add_flag("--once", mirror.once, "Copy, apply the changes made meanwhile, flush and exit");
#if defined(SPLINTER_BRIDGE_CONTROLS)  // tests' negative control: splinter-bridge-controls only
  m->add_option("--test-drop-key", mirror.test_drop_key, "")->group("");
#endif

  PublishOptions publish;
  auto *p = app.add_subcommand("publish", "Publish a bus and its changes into a JetStream KV bucket");
  p->add_option("--bus", publish.bus, "Leader bus (read)")->required();
  p->add_option("--bucket", publish.bucket, "KV bucket (created when missing)")->required();
  nats_options(p, publish.nats);
  p->add_option("--history", publish.history, "Values kept per key by a new bucket (1..64)")->capture_default_str();
  p->add_option("--replicas", publish.replicas, "Replicas of a new bucket (a JetStream cluster)")->capture_default_str();
  p->add_flag("--resync", publish.resync, "Put every key again on start instead of resuming from the recorded progress");
  p->add_flag("--once", publish.once, "Publish up to the bus's current epoch and exit");
#if defined(SPLINTER_BRIDGE_CONTROLS)  // tests' negative control: splinter-bridge-controls only
  p->add_option("--test-drop-key", publish.test_drop_key, "")->group("");
#endif

  FollowOptions follow;
  auto *f = app.add_subcommand("follow", "Apply a KV bucket's contents and changes to a local bus (its writer)");
  f->add_option("--bus", follow.bus, "Follower bus (written; created with the recorded geometry when missing)")->required();
  f->add_option("--bucket", follow.bucket, "KV bucket the publisher writes")->required();
  nats_options(f, follow.nats);
  f->add_option("--flush-interval", follow.flush_interval, "Flush a file bus at most this often")->capture_default_str();
  f->add_option("--slots", follow.slots, "Slots of a new local bus (default: the leader's)");
  f->add_option("--max-value-size", follow.max_value_size, "Max value size of a new local bus (default: the leader's)");
  f->add_flag("--once", follow.once, "Catch up with the bucket and exit");
#if defined(SPLINTER_BRIDGE_CONTROLS)  // tests' negative control: splinter-bridge-controls only
  f->add_option("--test-drop-key", follow.test_drop_key, "")->group("");
#endif

  StatusOptions status;
  auto *s = app.add_subcommand("status", "How far the bucket is behind the leader bus (JSON on stdout)");
  s->add_option("--bus", status.bus, "Leader bus")->required();
  s->add_option("--bucket", status.bucket, "KV bucket")->required();
  nats_options(s, status.nats);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    if (m->parsed()) return run_mirror(mirror);
    if (p->parsed()) return run_publish(publish);
    if (f->parsed()) return run_follow(follow);
    if (s->parsed()) return run_status(status);
  } catch (const Fatal &e) {
    log("error", e.what(), {{"exit", e.code}});
    return e.code;
  } catch (const NatsError &e) {
    log("error", e.what(), {{"exit", kExitFailure}});
    return kExitFailure;
  } catch (const std::exception &e) {
    log("error", std::string("internal error: ") + e.what(), {{"exit", kExitFailure}});
    return kExitFailure;
  }
  return kExitUsage;
}
