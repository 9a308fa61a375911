#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "fuzz/api_key_entry.hpp"
#include "fuzz/config_file_entry.hpp"
#include "fuzz/http_request_entry.hpp"
#include "fuzz/normalize_hub_entry.hpp"
#include "fuzz/printable_excerpt_entry.hpp"

namespace {

namespace fs = std::filesystem;
using Check = std::function<std::string(std::string_view)>;

// Returns the files of fuzz/<folder>/<target>/ in name order; none when the
// folder does not exist (a target without saved crashes has no folder).
std::vector<fs::path> fuzz_inputs(std::string_view folder, std::string_view target) {
  const fs::path directory = fs::path(COUNTRYHUB_FUZZ_DIR) / folder / target;
  std::vector<fs::path> files;
  if (!fs::is_directory(directory)) {
    return files;
  }
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.is_regular_file()) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Reads a file into a buffer of exactly its size, as libFuzzer passes
// inputs: no NUL after the last byte, so a read past the end is caught
// under AddressSanitizer instead of finding a terminator.
std::vector<char> read_exact(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// Feeds every saved crash and every seed of `target` to `check`.
void expect_all_inputs_pass(std::string_view target, const Check& check) {
  const auto seeds = fuzz_inputs("corpus", target);
  ASSERT_FALSE(seeds.empty()) << "no seeds in fuzz/corpus/" << target;
  auto inputs = fuzz_inputs("regressions", target);
  inputs.insert(inputs.end(), seeds.begin(), seeds.end());
  for (const auto& path : inputs) {
    const std::vector<char> bytes = read_exact(path);
    EXPECT_EQ(check(std::string_view(bytes.data(), bytes.size())), "") << path;
  }
}

TEST(FuzzRegressions, NormalizeHubInputs) {
  expect_all_inputs_pass("normalize_hub", countryhub::fuzz::check_normalize_hub);
}

TEST(FuzzRegressions, HttpRequestInputs) {
  expect_all_inputs_pass("http_request", countryhub::fuzz::check_http_request);
}

TEST(FuzzRegressions, ApiKeyInputs) {
  expect_all_inputs_pass("api_key", countryhub::fuzz::check_api_key);
}

TEST(FuzzRegressions, ConfigFileInputs) {
  expect_all_inputs_pass("config_file", countryhub::fuzz::check_config_file);
}

TEST(FuzzRegressions, PrintableExcerptInputs) {
  expect_all_inputs_pass("printable_excerpt", countryhub::fuzz::check_printable_excerpt);
}

// libFuzzer passes an empty input as an empty view without a buffer. The
// query parser once ran strlen on that null pointer.
TEST(FuzzRegressions, EmptyViewWithoutBuffer) {
  EXPECT_EQ(countryhub::fuzz::check_http_request(std::string_view()), "");
  EXPECT_EQ(countryhub::fuzz::check_normalize_hub(std::string_view()), "");
  EXPECT_EQ(countryhub::fuzz::check_config_file(std::string_view()), "");
}

// A query that is a prefix of a longer buffer is parsed up to its end only.
// The parser once read on to the buffer's NUL and saw a second country_code.
TEST(FuzzRegressions, QueryViewEndsAtItsSize) {
  const std::string buffer = "country_code=gb&country_code=us";
  const std::string_view first = std::string_view(buffer).substr(0, buffer.find('&'));
  const auto value = countryhub::http::single_parameter(first, "country_code");
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(value->value_or(""), "gb");
}

// Every single-byte substitution of one generated key is rejected, which
// the fuzzer samples a few positions at a time.
TEST(FuzzRegressions, EverySubstitutionOfKeyRejected) {
  std::string edits;
  for (std::size_t position = 0; position < countryhub::billing::kKeyLength; ++position) {
    for (int byte = 0; byte < 256; ++byte) {
      edits.push_back(static_cast<char>(position));
      edits.push_back(static_cast<char>(byte));
    }
  }
  const auto generated = countryhub::billing::generate_key();
  EXPECT_EQ(countryhub::fuzz::check_generated_key(generated), "");
  EXPECT_EQ(countryhub::fuzz::check_substitutions(generated.key, edits), "");
}

}  // namespace
