// Throughput of the Pathfinder normalizer in input bytes per second, on every
// fixture listed in bench/normalize_fixtures.txt (captured and composed).
// Run: build/bench/normalize_bench; bench/normalize_compare.py runs it beside
// the Python peer and reports the ratios.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "common/json_writer.hpp"
#include "spotify/hub_json.hpp"
#include "spotify/normalizer.hpp"

namespace {

using countryhub::spotify::normalize_hub;
using countryhub::spotify::NormalizeOptions;

std::string read_file(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  std::ostringstream contents;
  contents << input.rdbuf();
  return std::move(contents).str();
}

// Returns the fixture paths of the list, relative to tests/fixtures.
std::vector<std::string> fixture_list() {
  std::istringstream list(read_file(COUNTRYHUB_BENCH_DIR "/normalize_fixtures.txt"));
  std::vector<std::string> fixtures;
  for (std::string line; std::getline(list, line);) {
    if (!line.empty() && line.front() != '#') {
      fixtures.push_back(line);
    }
  }
  return fixtures;
}

NormalizeOptions bench_options() {
  NormalizeOptions options;
  options.requested_country = "us";
  options.app_version = "1.2.93.74.g96d1110e";
  options.fetched_at_ms = 1780669380000;
  options.request_id = "bench";
  return options;
}

// Parses and normalizes into the model only.
void normalize_only(benchmark::State& state, const std::string& body) {
  const NormalizeOptions options = bench_options();
  for (auto _ : state) {
    auto document = normalize_hub(body, options);
    if (!document) {
      state.SkipWithError("fixture is unusable");
      return;
    }
    benchmark::DoNotOptimize(document->hub().meta.item_count);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}

// Parses, normalizes and writes the response JSON, as a cache miss does.
void normalize_and_write(benchmark::State& state, const std::string& body) {
  const NormalizeOptions options = bench_options();
  for (auto _ : state) {
    auto document = normalize_hub(body, options);
    if (!document) {
      state.SkipWithError("fixture is unusable");
      return;
    }
    countryhub::common::JsonWriter writer(64 * 1024);
    countryhub::spotify::write_hub(writer, document->hub());
    benchmark::DoNotOptimize(writer.str().data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}

}  // namespace

int main(int argc, char** argv) {
  // Benchmarks are named normalize/<fixture> and normalize_write/<fixture>,
  // which is how bench/normalize_compare.py finds them.
  const std::vector<std::string> fixtures = fixture_list();
  if (fixtures.empty()) {
    std::cerr << "normalize_bench: no fixtures listed in " COUNTRYHUB_BENCH_DIR
                 "/normalize_fixtures.txt; the file is missing or empty\n";
    return 1;
  }
  for (const std::string& fixture : fixtures) {
    const std::string body = read_file(COUNTRYHUB_FIXTURES_DIR "/" + fixture);
    if (body.empty()) {
      std::cerr << "normalize_bench: fixture " << fixture << " is missing or empty in "
                << COUNTRYHUB_FIXTURES_DIR << "\n";
      return 1;
    }
    benchmark::RegisterBenchmark(("normalize/" + fixture).c_str(), normalize_only, body);
    benchmark::RegisterBenchmark(("normalize_write/" + fixture).c_str(), normalize_and_write, body);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
