#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/service_process.hpp"

namespace countryhub::testing {

// A fresh database and helpers to create accounts and keys through the
// real command line, then start `countryhub serve` on it.
class ServiceTest : public ::testing::Test {
 protected:
  std::string database() const { return "sqlite:" + (dir_.path() / "countryhub.db").string(); }

  // Runs `countryhub ARGS --database <this test's database>`.
  CommandResult cli(std::vector<std::string> args) const {
    args.push_back("--database");
    args.push_back(database());
    return run_countryhub(args);
  }

  // Creates an account and returns a new key of it.
  std::string account_with_key(const std::string& email, const std::string& plan,
                               bool has_overage = false) {
    std::vector<std::string> create = {"accounts", "create", "--email", email, "--plan", plan};
    if (has_overage) {
      create.push_back("--overage");
    }
    const CommandResult created = cli(create);
    EXPECT_EQ(created.exit_code, 0) << created.err;
    return new_key(email);
  }

  std::string new_key(const std::string& email) {
    const CommandResult issued = cli({"keys", "create", "--account", email});
    EXPECT_EQ(issued.exit_code, 0) << issued.err;
    std::string key = issued.out;
    while (!key.empty() && key.back() == '\n') {
      key.pop_back();
    }
    return key;
  }

  // A folder of recorded hubs for --replay, holding `files` copied from the
  // composed fixtures under the given replay names.
  std::filesystem::path replay_dir(
      const std::vector<std::pair<std::string, std::string>>& fixture_as_name) {
    const auto replay = dir_.path() / "replay";
    std::filesystem::create_directories(replay);
    for (const auto& [fixture, name] : fixture_as_name) {
      std::filesystem::copy_file(fixture_path("composed/" + fixture), replay / name,
                                 std::filesystem::copy_options::overwrite_existing);
    }
    return replay;
  }

  // Starts the server on this test's database with `args` added.
  void start_service(std::vector<std::string> args) {
    args.push_back("--database");
    args.push_back(database());
    service_ = ServiceProcess::start(dir_.path(), args);
  }

  void start_replaying_service(std::vector<std::string> args = {}) {
    const auto replay = replay_dir({{"hub_us.json", "hub_us.json"}, {"hub_gb.json", "hub_gb.json"}});
    args.push_back("--replay");
    args.push_back(replay.string());
    start_service(args);
  }

  HttpReply get_hub(const std::string& query, const std::string& key,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!key.empty()) {
      headers.emplace_back("x-api-key", key);
    }
    return http_get(service_->url("/api/v1/spotify/popular-by-country" + query), headers);
  }

  static boost::json::object body_of(const HttpReply& reply) {
    return boost::json::parse(reply.body).as_object();
  }

  // Returns data.error of an error reply, after checking the envelope.
  static std::string error_of(const HttpReply& reply) {
    const auto body = body_of(reply);
    EXPECT_EQ(body.at("code").as_int64(), reply.status);
    EXPECT_FALSE(body.at("msg").as_string().empty());
    const auto& data = body.at("data").as_object();
    EXPECT_EQ(data.at("requestId").as_string(), reply.headers.at("x-request-id"));
    return std::string(data.at("error").as_string());
  }

  TempDir dir_;
  std::unique_ptr<ServiceProcess> service_;
};

}  // namespace countryhub::testing
