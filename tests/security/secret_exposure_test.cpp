// API keys and their hashes never leave the service: not in logs at trace
// level, not in response bodies or headers, not in /metrics, not in the
// command line's listings, and the key itself not in the database file.
#include <filesystem>

#include "billing/api_key.hpp"
#include "integration/service_fixture.hpp"

namespace countryhub::testing {
namespace {

// Every piece of a key that must stay secret: the key, each 8-character
// window of what follows its 12-character display prefix (so a partial
// leak is found too), its SHA-256 and the first 16 hex digits of that.
std::vector<std::string> secrets_of(const std::string& key) {
  std::vector<std::string> secrets = {key};
  const std::string hidden = key.substr(billing::kDisplayPrefixLength);
  for (std::size_t i = 0; i + 8 <= hidden.size(); ++i) {
    secrets.push_back(hidden.substr(i, 8));
  }
  const std::string hash = billing::hash_key(key);
  secrets.push_back(hash);
  secrets.push_back(hash.substr(0, 16));
  return secrets;
}

std::string as_text(const HttpReply& reply) {
  std::string text = std::to_string(reply.status) + "\n";
  for (const auto& [name, value] : reply.headers) {
    text += name + ": " + value + "\n";
  }
  return text + reply.body;
}

class SecretExposureTest : public ServiceTest {
 protected:
  void SetUp() override {
    key_ = account_with_key("owner@example.com", "pro");
    revoked_key_ = new_key("owner@example.com");
    const CommandResult revoked = cli(
        {"keys", "revoke", "--account", "owner@example.com", "--key", revoked_key_.substr(0, 12)});
    ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
    free_key_ = account_with_key("free@example.com", "free");
    disabled_key_ = account_with_key("off@example.com", "pro");
    ASSERT_EQ(cli({"accounts", "update", "off@example.com", "--disabled", "on"}).exit_code, 0);
    start_replaying_service({"--log-level", "trace"});
  }

  // Sends `call` and keeps the whole response for the final scan.
  HttpReply send(HttpCall call) {
    HttpReply reply = http_call(call);
    EXPECT_NE(reply.status, 0) << call.url;
    outputs_.push_back(call.url + "\n" + as_text(reply));
    return reply;
  }

  HttpReply get(const std::string& path, std::vector<std::pair<std::string, std::string>> headers) {
    return send(HttpCall{"GET", service_->url(path), std::move(headers), ""});
  }

  // Returns every (output, secret) pair where the output contains a piece
  // of one of the keys.
  std::vector<std::string> leaks(const std::vector<std::string>& keys) const {
    std::vector<std::string> found;
    for (const std::string& key : keys) {
      for (const std::string& secret : secrets_of(key)) {
        for (const std::string& output : outputs_) {
          if (output.find(secret) != std::string::npos) {
            found.push_back("'" + secret + "' in: " + output.substr(0, 200));
          }
        }
      }
    }
    return found;
  }

  std::string key_;
  std::string revoked_key_;
  std::string free_key_;
  std::string disabled_key_;
  std::vector<std::string> outputs_;
};

TEST_F(SecretExposureTest, KeysAppearNowhere) {
  const std::string data = "/api/v1/spotify/popular-by-country";
  std::string wrong_checksum = key_;
  wrong_checksum.back() = wrong_checksum.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(get(data, {{"x-api-key", key_}}).status, 200);
  EXPECT_EQ(get(data + "?country_code=zz", {{"x-api-key", key_}}).status, 400);
  EXPECT_EQ(get(data + "?country_code=us&country_code=gb", {{"x-api-key", key_}}).status, 400);
  EXPECT_EQ(get(data, {{"Authorization", "Bearer " + key_}}).status, 200);
  EXPECT_EQ(get(data, {{"x-api-key", key_}, {"Idempotency-Key", "leak-check"}}).status, 200);
  EXPECT_EQ(get(data, {{"x-api-key", key_}, {"Idempotency-Key", "leak-check"}}).status, 200);
  EXPECT_EQ(get("/api/v1/account/usage", {{"x-api-key", key_}}).status, 200);
  EXPECT_EQ(get("/nowhere", {{"x-api-key", key_}}).status, 404);
  EXPECT_EQ(send(HttpCall{"POST", service_->url(data), {{"x-api-key", key_}}, ""}).status, 405);
  EXPECT_EQ(send(HttpCall{"GET", service_->url(data), {{"x-api-key", key_}}, "{}"}).status, 400);
  EXPECT_EQ(get(data, {{"x-api-key", key_ + "x"}}).status, 401);
  EXPECT_EQ(get(data, {{"x-api-key", wrong_checksum}}).status, 401);
  EXPECT_EQ(get(data, {{"x-api-key", revoked_key_}}).status, 403);
  EXPECT_EQ(get(data, {{"x-api-key", disabled_key_}}).status, 403);
  int last_status = 0;
  for (int i = 0; i < 6; ++i) {
    last_status = get(data + "?country_code=gb", {{"x-api-key", free_key_}}).status;
  }
  EXPECT_EQ(last_status, 429);
  for (const std::string path : {"/metrics", "/readyz", "/healthz", "/openapi.json"}) {
    EXPECT_EQ(get(path, {{"x-api-key", key_}}).status, 200) << path;
  }
  EXPECT_EQ(service_->stop(), 0);
  const std::string log = service_->log();
  EXPECT_NE(log.find("hub_served"), std::string::npos) << "the trace log is empty";
  outputs_.push_back("server log\n" + log);
  outputs_.push_back("server stdout\n" + read_file((dir_.path() / "server.out").string()));

  const std::vector<std::string> found =
      leaks({key_, revoked_key_, free_key_, disabled_key_, wrong_checksum});
  EXPECT_TRUE(found.empty()) << found.size()
                             << " leaks, first: " << (found.empty() ? "" : found.front());
}

TEST_F(SecretExposureTest, CommandLineShowsNoSecrets) {
  service_->stop();
  const CommandResult created = run_countryhub({"keys", "create", "--account", "owner@example.com",
                                                "--log-level", "trace", "--database", database()});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string new_key = created.out.substr(0, created.out.find('\n'));
  outputs_.push_back("keys create stderr\n" + created.err);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"keys", "list", "--account", "owner@example.com"},
        std::vector<std::string>{"accounts", "show", "owner@example.com"},
        std::vector<std::string>{"usage", "owner@example.com"},
        std::vector<std::string>{"keys", "rotate", "--account", "off@example.com"}}) {
    std::vector<std::string> with_trace = args;
    with_trace.insert(with_trace.end(), {"--log-level", "trace"});
    const CommandResult result = cli(with_trace);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    // `keys rotate` prints the new key on stdout by design; its stderr and
    // every other output must hold no key.
    const bool prints_new_key = args[1] == "rotate";
    outputs_.push_back(args[0] + " " + args[1] + "\n" + (prints_new_key ? "" : result.out) +
                       result.err);
  }
  const std::vector<std::string> found =
      leaks({key_, revoked_key_, free_key_, disabled_key_, new_key});
  EXPECT_TRUE(found.empty()) << found.size()
                             << " leaks, first: " << (found.empty() ? "" : found.front());
}

TEST_F(SecretExposureTest, DatabaseHoldsOnlyHashes) {
  service_->stop();
  std::string stored;
  for (const char* suffix : {"", "-wal"}) {
    const auto path = dir_.path() / (std::string("countryhub.db") + suffix);
    if (std::filesystem::exists(path)) {
      stored += read_file(path.string());
    }
  }
  ASSERT_FALSE(stored.empty());
  for (const std::string& key : {key_, revoked_key_, free_key_, disabled_key_}) {
    EXPECT_EQ(stored.find(key.substr(billing::kDisplayPrefixLength)), std::string::npos);
    EXPECT_NE(stored.find(billing::hash_key(key)), std::string::npos);
  }
}

}  // namespace
}  // namespace countryhub::testing
