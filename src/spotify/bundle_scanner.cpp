#include "spotify/bundle_scanner.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/logging.hpp"
#include "spotify/bundle_scan.hpp"
#include "spotify/client_defaults.hpp"
#include "spotify/upstream_classifier.hpp"
#include "spotify/url_building.hpp"

namespace countryhub::spotify {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view kHubOperation = "countryHubsPage";

// The page loads one web-player script today. A few more are read in case a
// build splits it, but an unexpected page cannot make the scan read more.
constexpr std::size_t kMaxScripts = 4;

// Chunks read in one scan when the main scripts name no countryHubsPage
// hash. A build has about 160; those named after the hub are read first,
// and the scan stops at the first chunk that names a hash.
constexpr std::size_t kMaxChunkScripts = 40;

FetchFailure bundle_failure(std::string detail, int http_status = 0) {
  return FetchFailure{Error::kUpstreamStatus, Stage::kBundle, std::move(detail), 0, http_status};
}

std::vector<int> versions_of(const std::vector<TotpSecret>& secrets) {
  std::vector<int> versions;
  for (const TotpSecret& secret : secrets) {
    versions.push_back(secret.version);
  }
  return versions;
}

void merge_script(BundleFacts& facts, std::string_view script) {
  for (std::string& hash : find_operation_hashes(script, kHubOperation)) {
    if (std::find(facts.hub_hashes.begin(), facts.hub_hashes.end(), hash) ==
        facts.hub_hashes.end()) {
      facts.hub_hashes.push_back(std::move(hash));
    }
  }
  if (facts.secrets.empty()) {
    facts.secrets = find_totp_secrets(script);
  }
}

}  // namespace

BundleScanner::BundleScanner(ResilientCaller& caller, LearnedState& learned)
    : caller_(caller), learned_(learned) {}

FetchResult<std::string> BundleScanner::fetch_text(UpstreamCall call, const std::string& url,
                                                   const CallContext& context) {
  HttpRequest request;
  request.url = url;
  request.headers = {call == UpstreamCall::kWebPage ? "accept: text/html" : "accept: */*"};
  FetchResult<HttpResponse> response = caller_.send(call, std::move(request), context);
  if (!response) {
    return response.error();
  }
  if (response->status < 200 || response->status >= 300) {
    return classify_status(Stage::kBundle, call_name(call), *response);
  }
  return std::move(response->body);
}

FetchResult<BundleFacts> BundleScanner::download(const CallContext& context) {
  const std::string page_url = join_url(context.config->web_url, "/");
  FetchResult<std::string> page = fetch_text(UpstreamCall::kWebPage, page_url, context);
  if (!page) {
    return page.error();
  }

  BundleFacts facts;
  for (std::string& url : find_bundle_urls(*page, page_url)) {
    if (is_trusted_script_url(url, page_url)) {
      facts.script_urls.push_back(std::move(url));
    } else {
      common::logger("spotify")->warn("bundle_script_skipped url={} reason=untrusted_host", url);
    }
  }
  if (facts.script_urls.empty()) {
    return bundle_failure("the web-player page names no web-player.<hash>.js script: " +
                          quote_body(*page));
  }
  if (facts.script_urls.size() > kMaxScripts) {
    facts.script_urls.resize(kMaxScripts);
  }

  std::optional<FetchFailure> last_failure;
  std::vector<std::string> chunk_urls;
  for (const std::string& url : facts.script_urls) {
    FetchResult<std::string> script = fetch_text(UpstreamCall::kBundle, url, context);
    if (!script) {
      last_failure = script.error();
      continue;
    }
    merge_script(facts, *script);
    // Chunks live in their bundle's folder, so they share its trusted host.
    for (std::string& chunk : find_chunk_urls(*script, url)) {
      chunk_urls.push_back(std::move(chunk));
    }
  }
  if (facts.hub_hashes.empty()) {
    read_chunks(facts, chunk_urls, context);
  }

  if (facts.hub_hashes.empty() && facts.secrets.empty()) {
    if (last_failure) {
      return *last_failure;
    }
    return bundle_failure(fmt::format(
        "the web-player bundle ({}) contains no {} hash and no TOTP secret table; its layout may "
        "have changed",
        fmt::join(facts.script_urls, ", "), kHubOperation));
  }
  return facts;
}

void BundleScanner::read_chunks(BundleFacts& facts, const std::vector<std::string>& chunk_urls,
                                const CallContext& context) {
  std::size_t read = 0;
  for (const std::string& url : chunk_urls) {
    if (read == kMaxChunkScripts || context.remaining_ms() <= 0) {
      break;
    }
    ++read;
    const FetchResult<std::string> chunk = fetch_text(UpstreamCall::kBundle, url, context);
    if (chunk) {
      merge_script(facts, *chunk);
    }
    if (!facts.hub_hashes.empty()) {
      facts.script_urls.push_back(url);
      break;
    }
  }
  common::logger("spotify")->info(
      "bundle_chunks_read chunks_named={} chunks_read={} hub_hashes={} request_id={}",
      chunk_urls.size(), read, facts.hub_hashes.size(), context.request_id);
}

BundleScan BundleScanner::scan(const CallContext& context, std::string_view reason) {
  const auto log = common::logger("spotify");
  std::unique_lock lock(mutex_, std::defer_lock);
  if (!lock.try_lock_until(context.deadline)) {
    return BundleScan{bundle_failure(fmt::format("the upstream time budget of {} ms ran out while "
                                                 "another request was scanning the bundle",
                                                 context.budget_ms)),
                      false};
  }
  const auto now = SteadyClock::now();
  if (last_scan_ && last_result_ &&
      now - *last_scan_ < std::chrono::milliseconds(kBundleRescanIntervalMs)) {
    log->debug("bundle_scan_skipped reason={} last_scan_age_s={} request_id={}", reason,
               std::chrono::duration_cast<std::chrono::seconds>(now - *last_scan_).count(),
               context.request_id);
    return BundleScan{*last_result_, false};
  }
  last_scan_ = now;
  FetchResult<BundleFacts> facts = download(context);
  if (facts) {
    const std::size_t new_hashes = learned_.absorb_hashes(facts->hub_hashes);
    learned_.absorb_secrets(facts->secrets);
    log->info(
        "bundle_scanned reason={} scripts={} hub_hashes={} new_hashes={} secret_versions=[{}] "
        "request_id={}",
        reason, facts->script_urls.size(), facts->hub_hashes.size(), new_hashes,
        fmt::join(versions_of(facts->secrets), ","), context.request_id);
  } else {
    log->warn("bundle_scan_failed reason={} kind={} detail=\"{}\" request_id={}", reason,
              error_name(facts.error().kind), facts.error().detail, context.request_id);
  }
  last_result_ = facts;
  return BundleScan{std::move(facts), true};
}

}  // namespace countryhub::spotify
