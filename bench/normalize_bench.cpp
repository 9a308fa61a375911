// Throughput of the Pathfinder normalizer in input bytes per second, on the
// captured and composed fixtures. Run: build/bench/normalize_bench
#include <fstream>
#include <sstream>
#include <string>

#include <benchmark/benchmark.h>

#include "common/json_writer.hpp"
#include "spotify/hub_json.hpp"
#include "spotify/normalizer.hpp"

namespace {

using countryhub::spotify::normalize_hub;
using countryhub::spotify::NormalizeOptions;

std::string read_fixture(const std::string& relative) {
  std::ifstream input(std::string(COUNTRYHUB_FIXTURES_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream contents;
  contents << input.rdbuf();
  return std::move(contents).str();
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
void BM_Normalize(benchmark::State& state, const std::string& fixture) {
  const std::string body = read_fixture(fixture);
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
void BM_NormalizeAndWrite(benchmark::State& state, const std::string& fixture) {
  const std::string body = read_fixture(fixture);
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

BENCHMARK_CAPTURE(BM_Normalize, search_radiohead_446KB, "real/search_desktop_radiohead.json");
BENCHMARK_CAPTURE(BM_Normalize, top50_global_210KB, "real/fetch_playlist_top50_global.json");
BENCHMARK_CAPTURE(BM_Normalize, artist_overview_154KB, "real/artist_overview.json");
BENCHMARK_CAPTURE(BM_Normalize, hub_us_composed, "composed/hub_us.json");
BENCHMARK_CAPTURE(BM_NormalizeAndWrite, search_radiohead_446KB,
                  "real/search_desktop_radiohead.json");
BENCHMARK_CAPTURE(BM_NormalizeAndWrite, hub_us_composed, "composed/hub_us.json");

}  // namespace

BENCHMARK_MAIN();
