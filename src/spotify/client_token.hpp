#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "spotify/deadline_mutex.hpp"
#include "spotify/hub_client.hpp"
#include "spotify/resilient_caller.hpp"
#include "spotify/upstream_caller.hpp"

namespace countryhub::spotify {

// A token granted by clienttoken.spotify.com, sent as the `client-token` header.
struct ClientToken {
  std::string token;
  std::string client_id;           // the web-player client id it was minted for
  std::int64_t refresh_at_ms = 0;  // Unix epoch ms after which a new one is minted
};

// Builds the JSON body of `POST /v1/clienttoken` for a web player of
// `app_version` with `client_id` and a random `device_id`.
std::string build_client_token_request(std::string_view app_version, std::string_view client_id,
                                       std::string_view device_id);

// Reads a `RESPONSE_GRANTED_TOKEN_RESPONSE` response. Fails with kAuthFailed
// for any other response type (a hash-cash challenge) or a missing token,
// and with kInvalidJson or kHtmlPage when the body is not JSON.
FetchResult<ClientToken> read_client_token_response(const HttpResponse& response,
                                                    std::string_view client_id,
                                                    std::int64_t now_ms);

// Caches the client token. The web player sends one, but Pathfinder has
// served reads without it, so it is optional: a failed mint is logged, the
// request goes on without the header, and no new mint is tried for a minute.
// Thread-safe.
class ClientTokenCache {
 public:
  // `caller` must outlive the cache.
  explicit ClientTokenCache(ResilientCaller& caller);

  // Returns a client token minted for `client_id`, minting one when needed.
  // Returns an empty string when none can be had or `client_id` is empty.
  std::string get(std::string_view client_id, const CallContext& context);

  // Drops the cached token if it is still `rejected`.
  void invalidate(std::string_view rejected);

 private:
  FetchResult<ClientToken> mint(std::string_view client_id, const CallContext& context);

  ResilientCaller& caller_;
  const std::string device_id_;
  DeadlineMutex mutex_;  // guards the members below and serializes mints
  std::optional<ClientToken> token_;
  std::int64_t retry_after_ms_ = 0;  // Unix epoch ms before which no mint is tried
};

}  // namespace countryhub::spotify
