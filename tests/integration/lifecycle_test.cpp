// Shutdown and store failures: drained requests finish, nothing is charged
// when the charge cannot be recorded.
#include <csignal>
#include <fstream>
#include <future>
#include <thread>

#include <sqlite3.h>

#include "integration/service_fixture.hpp"
#include "support/fake_spotify.hpp"

namespace countryhub::testing {
namespace {

class LifecycleTest : public ServiceTest {};

TEST_F(LifecycleTest, SigtermDrainsInFlightRequest) {
  auto fake = FakeSpotify::start(fixture_path("composed"));
  fake->configure(R"({"latency_ms":1200})");
  const std::string key = account_with_key("ned@example.com", "free");
  start_service({"--spotify-web-url", fake->base_url(), "--spotify-api-url", fake->base_url(),
                 "--spotify-clienttoken-url", fake->base_url(), "--upstream-timeout-ms",
                 "10000"});

  auto in_flight = std::async(std::launch::async, [&] { return get_hub("", key); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  service_->request_stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const HttpReply refused = http_get(service_->url("/healthz"));

  const HttpReply finished = in_flight.get();
  EXPECT_EQ(finished.status, 200) << finished.body;
  EXPECT_EQ(finished.headers.at("x-credits-charged"), "3");
  EXPECT_EQ(refused.status, 0);
  EXPECT_EQ(service_->wait(), 0);
}

TEST_F(LifecycleTest, SighupAppliesANewQueryHashWithoutRestart) {
  auto fake = FakeSpotify::start(fixture_path("composed"));
  const std::string key = account_with_key("rex@example.com", "pro");
  const auto config = dir_.path() / "countryhub.conf";
  const auto write_config = [&](const std::string& hash) {
    std::ofstream(config) << "# upstream settings\nscan-bundle = false\nquery-hash = " << hash
                          << "\n";
  };
  write_config(std::string(64, 'c'));
  start_service({"--config", config.string(), "--spotify-web-url", fake->base_url(),
                 "--spotify-api-url", fake->base_url(), "--spotify-clienttoken-url",
                 fake->base_url(), "--totp-secret", "countryhub-fake-secret-7Q2x",
                 "--totp-version", "61"});
  const HttpReply stale = get_hub("", key);
  ASSERT_EQ(stale.status, 502);
  EXPECT_EQ(error_of(stale), "upstream_unusable");

  write_config("6c2e4b04d8836507c2ad09c954f27a6c98d8b0a761f99ef6f4dc9bbe7834ba55");
  ::kill(service_->pid(), SIGHUP);
  for (int i = 0; i < 100 && service_->log().find("reload_done") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  const HttpReply healed = get_hub("", key);
  EXPECT_EQ(healed.status, 200) << healed.body << service_->log();
}

TEST_F(LifecycleTest, UnrecordedChargeIs500) {
  const std::string key = account_with_key("ola@example.com", "free");
  start_replaying_service();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_.path() / "countryhub.db").c_str(), &db), SQLITE_OK);
  // Holding the write lock makes the server's charge time out as a busy disk would.
  ASSERT_EQ(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  const HttpReply reply = get_hub("", key);

  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(error_of(reply), "internal_error");
  EXPECT_EQ(body_of(reply).at("data").as_object().size(), 2u);  // error and requestId only
  EXPECT_NE(service_->log().find("charge_failed"), std::string::npos);
  const HttpReply next = get_hub("", key);
  ASSERT_EQ(next.status, 200);
  EXPECT_EQ(next.headers.at("x-credits-remaining"), "1997");
}

TEST_F(LifecycleTest, LogsNeverContainTheKey) {
  const std::string key = account_with_key("pia@example.com", "free");
  start_replaying_service({"--log-level", "debug"});
  get_hub("", key);
  get_hub("?country_code=zz", key);
  get_hub("", key + "x");
  service_->stop();
  EXPECT_EQ(service_->log().find(key.substr(5)), std::string::npos);
}

}  // namespace
}  // namespace countryhub::testing
