// Runs the real countryhub binary, as a user would.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/fixtures.hpp"

namespace {

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

// Runs `arguments` after the binary's path through the shell, capturing
// stdout, or stderr when `capture_stderr` is set.
CommandResult run_countryhub(const std::string& arguments, bool capture_stderr = false) {
  std::string command = std::string(COUNTRYHUB_BINARY) + " " + arguments;
  command += capture_stderr ? " 2>&1 >/dev/null" : " 2>/dev/null";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return result;
  }
  std::array<char, 4096> buffer;
  while (std::size_t count = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
    result.out.append(buffer.data(), count);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST(NormalizeCommand, PrintsHubForCapture) {
  const auto result = run_countryhub(
      "normalize " + countryhub::testing::fixture_path("real/home_section_featured_charts.json") +
      " --fetched-at 2026-06-05T14:23:00Z --request-id cli-test");
  ASSERT_EQ(result.exit_code, 0);
  const auto data = boost::json::parse(result.out).as_object();
  EXPECT_EQ(data.at("countryCode"), "US");
  EXPECT_EQ(data.at("sections").at(0).at("contentId"), "FEATURED_CHARTS");
  EXPECT_EQ(data.at("meta").at("fetchedAt"), "2026-06-05T14:23:00.000Z");
  EXPECT_EQ(data.at("meta").at("requestId"), "cli-test");
  EXPECT_EQ(data.at("supportedCountries").as_array().size(), 184u);
}

TEST(NormalizeCommand, PrettyOutputParsesToSameValue) {
  const std::string file = countryhub::testing::fixture_path("composed/hub_us.json");
  const std::string fixed = " --fetched-at 2026-06-05T14:23:00Z --request-id r";
  const auto compact = run_countryhub("normalize " + file + fixed);
  const auto pretty = run_countryhub("normalize " + file + fixed + " --pretty");
  ASSERT_EQ(pretty.exit_code, 0);
  EXPECT_NE(pretty.out.find("\n  \"countryCode\": \"US\""), std::string::npos);
  EXPECT_EQ(boost::json::parse(compact.out), boost::json::parse(pretty.out));
}

TEST(NormalizeCommand, UsesCountryOptionWhenHubNamesNone) {
  const auto result = run_countryhub(
      "normalize " + countryhub::testing::fixture_path("composed/hub_no_country.json") +
      " --country FR");
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_EQ(boost::json::parse(result.out).at("countryName"), "France");
}

TEST(NormalizeCommand, ExitsNonZeroWithOneLineReason) {
  const auto result = run_countryhub(
      "normalize " + countryhub::testing::fixture_path("composed/block_page.html"), true);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("html_page"), std::string::npos);
  EXPECT_EQ(result.out.find('\n'), result.out.size() - 1) << result.out;
}

TEST(NormalizeCommand, PrintsNothingOnStdoutForUnusableInput) {
  const auto result = run_countryhub(
      "normalize " +
      countryhub::testing::fixture_path("composed/errors_persisted_query_not_found.json"));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.out.empty());
}

TEST(NormalizeCommand, RejectsBadOptions) {
  const std::string file = countryhub::testing::fixture_path("composed/hub_us.json");
  EXPECT_EQ(run_countryhub("normalize " + file + " --country zz").exit_code, 2);
  EXPECT_EQ(run_countryhub("normalize " + file + " --fetched-at yesterday").exit_code, 2);
  EXPECT_NE(run_countryhub("normalize /nonexistent/file.json").exit_code, 0);
}

}  // namespace
