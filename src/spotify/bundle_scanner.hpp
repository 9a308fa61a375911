#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spotify/deadline_mutex.hpp"
#include "spotify/hub_client.hpp"
#include "spotify/learned_state.hpp"
#include "spotify/resilient_caller.hpp"
#include "spotify/totp.hpp"

namespace countryhub::spotify {

// Facts found by one scan of the web-player page and its bundle scripts.
struct BundleFacts {
  // The bundle scripts read, and the chunk that named a hash when one did.
  std::vector<std::string> script_urls;
  std::vector<std::string> hub_hashes;  // countryHubsPage hashes, in script order
  std::vector<TotpSecret> secrets;      // the TOTP table, newest version first
};

// The outcome of BundleScanner::scan.
struct BundleScan {
  FetchResult<BundleFacts> facts;
  // False when the result is a previous scan's, because that one started
  // less than kBundleRescanIntervalMs ago or another request is scanning
  // and the deadline came first.
  bool is_fresh = false;
};

// Reads `<web_url>/`, finds the `web-player.<hex>.js` scripts it loads and
// reads from them the countryHubsPage hashes and the TOTP secret table,
// which it hands to LearnedState. When the main scripts name no hash, it
// reads the lazily loaded chunks their chunk maps name (see
// find_chunk_urls), at most 40 per scan, until one names a hash. Scans at most once per
// kBundleRescanIntervalMs and one at a time; requests that need a scan
// meanwhile share the last result. Thread-safe.
class BundleScanner {
 public:
  // Both arguments must outlive the scanner.
  BundleScanner(ResilientCaller& caller, LearnedState& learned);

  // Scans, or returns the last scan's result as described above. `reason`
  // names the trigger in the log ("stale_hashes", "secret_rejected", ...).
  // Failures are at stage bundle.
  BundleScan scan(const CallContext& context, std::string_view reason);

 private:
  FetchResult<BundleFacts> download(const CallContext& context);
  void read_chunks(BundleFacts& facts, const std::vector<std::string>& chunk_urls,
                   const CallContext& context);
  FetchResult<std::string> fetch_text(UpstreamCall call, const std::string& url,
                                      const CallContext& context);

  ResilientCaller& caller_;
  LearnedState& learned_;
  DeadlineMutex mutex_;  // serializes scans and guards the members below
  std::optional<std::chrono::steady_clock::time_point> last_scan_;
  std::optional<FetchResult<BundleFacts>> last_result_;
};

}  // namespace countryhub::spotify
