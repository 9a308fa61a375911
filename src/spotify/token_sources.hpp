#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "spotify/hub_client.hpp"
#include "spotify/resilient_caller.hpp"
#include "spotify/totp.hpp"
#include "spotify/upstream_caller.hpp"

namespace countryhub::spotify {

// An anonymous web-player access token.
struct WebToken {
  std::string access_token;
  std::string client_id;            // empty when the source names none (embed pages do not)
  std::int64_t expires_at_ms = 0;   // Unix epoch ms, Spotify's expiry time
  std::int64_t obtained_at_ms = 0;  // Unix epoch ms
  std::string_view source;          // "totp" or "embed"
};

// Reads `accessToken`, `accessTokenExpirationTimestampMs` and `clientId` from
// a token object: the `/api/token` body or an embed page's session. Fails with
// kAuthFailed when there is no non-empty access token. A missing expiry time
// gives the token five minutes.
FetchResult<WebToken> read_token_object(const boost::json::value& object, std::string_view call,
                                        std::int64_t now_ms);

// Returns the text inside the page's `<script id="__NEXT_DATA__" ...>`
// element; nullopt when the page has none.
std::optional<std::string_view> find_next_data(std::string_view html);

// Returns Spotify's clock minus the local clock in seconds, from
// `<web>/api/server-time`; nullopt (logged) when that call fails, and the
// local clock is used instead.
std::optional<std::int64_t> fetch_server_offset(ResilientCaller& caller, const ClientConfig& config,
                                                const CallContext& context);

// Mints a token at `<web>/api/token` with TOTP codes from `secret`: `totp`
// from the local clock, `totpServer` from the local clock plus
// `server_offset_seconds` (0 when nullopt). Fails at stage token; a rejected
// code or secret version is kAuthFailed with HTTP status 400 (see
// is_totp_rejection).
FetchResult<WebToken> fetch_totp_token(ResilientCaller& caller, const ClientConfig& config,
                                       const TotpSecret& secret,
                                       std::optional<std::int64_t> server_offset_seconds,
                                       const CallContext& context);

// Returns true when `failure` is the token endpoint rejecting the TOTP code
// or its secret version (HTTP 400 with a JSON error), because then another
// secret may work. Returns false for transport errors, blocks and the like.
bool is_totp_rejection(const FetchFailure& failure);

// Reads the session token of the public embed page of `config.embed_track_id`,
// a source that needs no secret. Fails at stage token. A page without the
// Next.js data script is kHtmlPage, because block and challenge pages have none.
FetchResult<WebToken> fetch_embed_token(ResilientCaller& caller, const ClientConfig& config,
                                        const CallContext& context);

}  // namespace countryhub::spotify
