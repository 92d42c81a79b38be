// natsconn.cpp -- the NATS connection and KV bucket of natsconn.h (libnats).
#include "natsconn.h"

#include "common.h"

#include <nats/nats.h>

#include <fstream>
#include <iterator>

namespace bridge {

namespace {

std::string reason(natsStatus s) {
  std::string text = natsStatus_GetText(s);
  natsStatus last = NATS_OK;
  const char *detail = nats_GetLastError(&last);
  if (detail != nullptr && *detail != '\0' && text != detail) text += ": " + std::string(detail);
  return text;
}

bool retryable(natsStatus s) {
  return s == NATS_TIMEOUT || s == NATS_NO_RESPONDERS || s == NATS_CONNECTION_CLOSED ||
         s == NATS_CONNECTION_DISCONNECTED || s == NATS_NO_SERVER || s == NATS_NOT_YET_CONNECTED ||
         s == NATS_IO_ERROR || s == NATS_STALE_CONNECTION || s == NATS_SLOW_CONSUMER;
}

// Throws NatsError for a transient failure, Fatal otherwise.
void check(natsStatus s, const std::string &what) {
  if (s == NATS_OK) return;
  const std::string text = what + ": " + reason(s);
  if (retryable(s)) throw NatsError(text);
  throw Fatal(kExitFailure, text);
}

KvEntry to_entry(kvEntry *e) {
  KvEntry out;
  out.key = kvEntry_Key(e);
  const auto *data = static_cast<const std::byte *>(kvEntry_Value(e));
  const int len = kvEntry_ValueLen(e);
  if (data != nullptr && len > 0) out.value.assign(data, data + len);
  out.revision = kvEntry_Revision(e);
  out.removed = kvEntry_Operation(e) != kvOp_Put;
  kvEntry_Destroy(e);
  return out;
}

}  // namespace

struct NatsCallbacks {
  static void reconnected(natsConnection *, void *closure) {
    auto *self = static_cast<Nats *>(closure);
    self->reconnects_.fetch_add(1);
    log("info", "nats: reconnected");
  }
  static void disconnected(natsConnection *, void *) { log("warn", "nats: disconnected; reconnecting"); }
  static void error(natsConnection *, natsSubscription *, natsStatus err, void *closure) {
    auto *self = static_cast<Nats *>(closure);
    if (err == NATS_SLOW_CONSUMER) self->slow_.fetch_add(1);
    log("warn", "nats: asynchronous error", {{"error", natsStatus_GetText(err)}});
  }
};

std::string read_secret(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Fatal(kExitUsage, "cannot read the secret file " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

Nats::Nats(const NatsOptions &opt) {
  natsOptions *o = nullptr;
  check(natsOptions_Create(&o), "nats options");
  struct Guard {
    natsOptions *o;
    ~Guard() { natsOptions_Destroy(o); }
  } guard{o};
  check(natsOptions_SetURL(o, opt.url.c_str()), "nats url " + opt.url);
  check(natsOptions_SetName(o, "splinter-bridge"), "nats options");
  check(natsOptions_SetMaxReconnect(o, -1), "nats options");  // forever
  check(natsOptions_SetReconnectWait(o, 250), "nats options");
  check(natsOptions_SetReconnectedCB(o, &NatsCallbacks::reconnected, this), "nats options");
  check(natsOptions_SetDisconnectedCB(o, &NatsCallbacks::disconnected, this), "nats options");
  check(natsOptions_SetErrorHandler(o, &NatsCallbacks::error, this), "nats options");
  if (opt.tls_ca || opt.tls_cert || opt.tls_key) {
    check(natsOptions_SetSecure(o, true), "nats tls");
    if (opt.tls_ca) check(natsOptions_LoadCATrustedCertificates(o, opt.tls_ca->c_str()), "--tls-ca " + *opt.tls_ca);
    if (opt.tls_cert.has_value() != opt.tls_key.has_value())
      throw Fatal(kExitUsage, "--tls-cert and --tls-key go together");
    if (opt.tls_cert)
      check(natsOptions_LoadCertificatesChain(o, opt.tls_cert->c_str(), opt.tls_key->c_str()),
            "--tls-cert " + *opt.tls_cert + " / --tls-key " + *opt.tls_key);
  }
  if (opt.creds) check(natsOptions_SetUserCredentialsFromFiles(o, opt.creds->c_str(), nullptr), "--creds " + *opt.creds);
  if (opt.user.has_value() != opt.password_file.has_value())
    throw Fatal(kExitUsage, "--user and --password-file go together");
  if (opt.user) check(natsOptions_SetUserInfo(o, opt.user->c_str(), read_secret(*opt.password_file).c_str()), "--user");
  if (opt.token_file) check(natsOptions_SetToken(o, read_secret(*opt.token_file).c_str()), "--token-file");
  const natsStatus s = natsConnection_Connect(&nc_, o);
  if (s != NATS_OK) throw Fatal(kExitFailure, "cannot connect to " + opt.url + ": " + reason(s));
  check(natsConnection_JetStream(&js_, nc_, nullptr), "jetstream");
  log("info", "nats: connected", {{"url", opt.url}, {"tls", opt.tls_ca || opt.tls_cert ? true : false},
                                  {"max_payload", max_payload()}});
}

Nats::~Nats() {
  unwatch();
  if (kv_ != nullptr) kvStore_Destroy(kv_);
  if (js_ != nullptr) jsCtx_Destroy(js_);
  if (nc_ != nullptr) {
    natsConnection_Close(nc_);
    natsConnection_Destroy(nc_);
  }
}

std::int64_t Nats::max_payload() const { return natsConnection_GetMaxPayload(nc_); }

bool Nats::bind(const std::string &bucket, bool create, int history, int replicas) {
  bucket_ = bucket;
  natsStatus s = js_KeyValue(&kv_, js_, bucket.c_str());
  if (s == NATS_OK) return true;
  if (s != NATS_NOT_FOUND) check(s, "bucket " + bucket);
  if (!create) return false;
  kvConfig cfg;
  kvConfig_Init(&cfg);
  cfg.Bucket = bucket.c_str();
  cfg.Description = "splinter-bridge: a replicated Splinter bus";
  cfg.History = static_cast<std::uint8_t>(history);
  cfg.Replicas = replicas;
  cfg.StorageType = js_FileStorage;
  s = js_CreateKeyValue(&kv_, js_, &cfg);
  check(s, "cannot create bucket " + bucket);
  log("info", "nats: created bucket", {{"bucket", bucket}, {"history", history}, {"replicas", replicas}});
  return true;
}

void Nats::put(std::string_view key, std::span<const std::byte> value) {
  const std::string k(key);
  check(kvStore_Put(nullptr, kv_, k.c_str(), value.data(), static_cast<int>(value.size())), "put " + k);
}

void Nats::remove(std::string_view key) {
  const std::string k(key);
  check(kvStore_Delete(kv_, k.c_str()), "delete " + k);
}

std::optional<KvEntry> Nats::get(std::string_view key) {
  const std::string k(key);
  kvEntry *e = nullptr;
  const natsStatus s = kvStore_Get(&e, kv_, k.c_str());
  if (s == NATS_NOT_FOUND) return std::nullopt;
  check(s, "get " + k);
  return to_entry(e);
}

std::set<std::string> Nats::keys() {
  kvKeysList list{};
  const natsStatus s = kvStore_Keys(&list, kv_, nullptr);
  std::set<std::string> out;
  if (s == NATS_NOT_FOUND) return out;  // an empty bucket
  check(s, "keys of " + bucket_);
  for (int i = 0; i < list.Count; ++i) out.insert(list.Keys[i]);
  kvKeysList_Destroy(&list);
  return out;
}

std::uint64_t Nats::last_revision() {
  jsStreamInfo *si = nullptr;
  const std::string stream = "KV_" + bucket_;
  check(js_GetStreamInfo(&si, js_, stream.c_str(), nullptr, nullptr), "stream info of " + stream);
  const std::uint64_t seq = si->State.LastSeq;
  jsStreamInfo_Destroy(si);
  return seq;
}

void Nats::watch() {
  unwatch();
  check(kvStore_WatchAll(&w_, kv_, nullptr), "watch " + bucket_);
}

void Nats::unwatch() {
  if (w_ == nullptr) return;
  kvWatcher_Stop(w_);
  kvWatcher_Destroy(w_);
  w_ = nullptr;
}

std::optional<KvEntry> Nats::next(std::int64_t timeout_ms, bool *initial_done) {
  kvEntry *e = nullptr;
  const natsStatus s = kvWatcher_Next(&e, w_, timeout_ms);
  if (s == NATS_TIMEOUT) return std::nullopt;
  check(s, "watch " + bucket_);
  if (e == nullptr) {
    *initial_done = true;
    return std::nullopt;
  }
  return to_entry(e);
}

}  // namespace bridge
