#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "spotify/http_transport.hpp"
#include "spotify/hub_client.hpp"
#include "spotify/recording.hpp"

namespace countryhub::spotify {

// The upstream calls the client makes, named in logs and recorded file names.
enum class UpstreamCall {
  kServerTime,    // GET <web>/api/server-time
  kToken,         // GET <web>/api/token with TOTP codes
  kEmbedPage,     // GET <web>/embed/track/<id>, the fallback token source
  kClientToken,   // POST <clienttoken>/v1/clienttoken
  kPathfinderV2,  // POST <api>/pathfinder/v2/query
  kPathfinderV1,  // GET <api>/pathfinder/v1/query
  kWebPage,       // GET <web>/, the web-player page naming the bundle
  kBundle,        // GET of a web-player bundle script named by that page
};

// Returns "server_time", "token", "embed", "client_token", "pathfinder_v2",
// "pathfinder_v1", "web_page" or "bundle".
std::string_view call_name(UpstreamCall call);

// Returns the contract stage a failure of `call` is reported under.
Stage call_stage(UpstreamCall call);

// Returns false for the calls whose normal response is HTML or JavaScript.
bool expects_json(UpstreamCall call);

// Settings shared by all upstream calls of one fetch_hub.
struct CallContext {
  std::string request_id;
  std::string country;  // upper case; names the recorded Pathfinder files
  // The configuration the fetch started with; a reload does not change it.
  std::shared_ptr<const ClientConfig> config;
  std::chrono::steady_clock::time_point deadline;
  std::int64_t budget_ms = 0;  // the whole budget, for error details

  // Returns the milliseconds left before `deadline`, never negative.
  std::int64_t remaining_ms() const;
};

// Sends upstream calls through the transport within the fetch's deadline,
// logs one `upstream_call` line per call and records every response when a
// recorder is set. Thread-safe.
class UpstreamCaller {
 public:
  // `recorder` may be null (no recording); both must outlive the caller.
  UpstreamCaller(HttpTransport& transport, Recorder* recorder);

  // Sends `request` once, through `request.proxy`, with the time left
  // before the deadline, at most `cap_ms` when positive. Any HTTP status is
  // returned as a response. Fails with kTransport at the call's stage when
  // no response arrived or no time is left. `log_fields` is appended to the
  // log line (e.g. "hash=6c2e4b04").
  FetchResult<HttpResponse> send(UpstreamCall call, HttpRequest request, const CallContext& context,
                                 std::int64_t cap_ms = 0, std::string_view log_fields = {});

  // Records `body` as the replayable hub of `country`; does nothing when not
  // recording.
  void record_hub(std::string_view country, std::string_view body);

 private:
  HttpTransport& transport_;
  Recorder* recorder_;
};

}  // namespace countryhub::spotify
