// natsconn.h -- the NATS side: a connection (URL, TLS, credentials) and a
// JetStream KV bucket, over the C client (libnats). Every failure throws
// Fatal (common.h) worded with the client's reason; NatsError marks the ones
// worth retrying (the server is away, a request timed out).
#ifndef SPLINTER_BRIDGE_NATSCONN_H
#define SPLINTER_BRIDGE_NATSCONN_H

#include <atomic>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct __natsConnection;
struct __jsCtx;
struct __kvStore;
struct __kvWatcher;

namespace bridge {

struct NatsOptions {
  std::string url = "nats://127.0.0.1:4222";
  std::optional<std::string> tls_ca;    // PEM file of the CA that signed the server's certificate
  std::optional<std::string> tls_cert;  // client certificate (PEM), with tls_key
  std::optional<std::string> tls_key;
  std::optional<std::string> creds;     // a .creds file (JWT + NKey seed)
  std::optional<std::string> user;      // with password_file
  std::optional<std::string> password_file;
  std::optional<std::string> token_file;
};

// A NATS operation that failed and may succeed later (no connection, timeout).
struct NatsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct KvEntry {
  std::string key;              // the bucket key
  std::vector<std::byte> value;
  std::uint64_t revision = 0;
  bool removed = false;         // a delete or purge marker
};

class Nats {
 public:
  explicit Nats(const NatsOptions &opt);  // connects; throws Fatal (or NatsError)
  ~Nats();
  Nats(const Nats &) = delete;
  Nats &operator=(const Nats &) = delete;

  std::int64_t max_payload() const;
  // Times the client reconnected: a watcher made before then is recreated.
  std::uint64_t reconnects() const { return reconnects_.load(); }
  std::uint64_t slow_consumer_errors() const { return slow_.load(); }

  // Binds to the bucket; creates it (history, replicas, file storage) when
  // create is set. Returns false when missing and create is not set.
  bool bind(const std::string &bucket, bool create, int history = 1, int replicas = 1);

  void put(std::string_view key, std::span<const std::byte> value);
  void remove(std::string_view key);
  std::optional<KvEntry> get(std::string_view key);
  std::set<std::string> keys();           // live keys of the bucket
  std::uint64_t last_revision();          // the bucket stream's last sequence

  // Watches every key: with `initial`, first the last value of each key,
  // then a marker (next returns nullopt with *initial_done set), then updates.
  void watch();
  void unwatch();
  // The next entry within timeout_ms: nullopt on timeout (or the initial marker).
  std::optional<KvEntry> next(std::int64_t timeout_ms, bool *initial_done);

 private:
  __natsConnection *nc_ = nullptr;
  __jsCtx *js_ = nullptr;
  __kvStore *kv_ = nullptr;
  __kvWatcher *w_ = nullptr;
  std::string bucket_;
  std::atomic<std::uint64_t> reconnects_{0};
  std::atomic<std::uint64_t> slow_{0};
  friend struct NatsCallbacks;
};

// The text of a file holding a secret, without a trailing newline; the
// path may be logged, the contents never.
std::string read_secret(const std::string &path);

}  // namespace bridge

#endif  // SPLINTER_BRIDGE_NATSCONN_H
