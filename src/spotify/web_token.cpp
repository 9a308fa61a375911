#include "spotify/web_token.hpp"

#include <fmt/format.h>

#include "common/logging.hpp"
#include "common/time_format.hpp"
#include "spotify/client_defaults.hpp"

namespace countryhub::spotify {

WebTokenCache::WebTokenCache(const ClientConfig& config, UpstreamCaller& caller)
    : config_(config), caller_(caller) {}

std::optional<WebToken> WebTokenCache::fresh_token() const {
  std::lock_guard lock(mutex_);
  if (token_ && token_->expires_at_ms - kTokenEarlyRefreshMs > common::now_epoch_ms()) {
    return token_;
  }
  return std::nullopt;
}

FetchResult<WebToken> WebTokenCache::get(const CallContext& context) {
  if (std::optional<WebToken> cached = fresh_token()) {
    return *std::move(cached);
  }
  std::uint64_t seen_mints = 0;
  {
    std::lock_guard lock(mutex_);
    seen_mints = mint_count_;
  }
  std::unique_lock mint_lock(mint_mutex_, std::defer_lock);
  if (!mint_lock.try_lock_until(context.deadline)) {
    return FetchFailure{Error::kTransport, Stage::kToken,
                        fmt::format("upstream time budget of {} ms ran out while another "
                                    "request was minting the web-player token",
                                    context.budget_ms)};
  }
  {
    // Another request minted while this one waited: share its outcome.
    std::lock_guard lock(mutex_);
    if (mint_count_ != seen_mints) {
      if (last_failure_) {
        return *last_failure_;
      }
      if (token_) {
        return *token_;
      }
    }
  }
  FetchResult<WebToken> minted = mint(context);
  std::lock_guard lock(mutex_);
  ++mint_count_;
  if (minted) {
    token_ = *minted;
    last_failure_.reset();
  } else {
    last_failure_ = minted.error();
  }
  return minted;
}

void WebTokenCache::invalidate(std::string_view rejected_access_token) {
  std::lock_guard lock(mutex_);
  if (token_ && token_->access_token == rejected_access_token) {
    token_.reset();
  }
}

std::optional<std::int64_t> WebTokenCache::age_seconds() const {
  std::lock_guard lock(mutex_);
  if (!token_) {
    return std::nullopt;
  }
  return (common::now_epoch_ms() - token_->obtained_at_ms) / 1000;
}

FetchResult<WebToken> WebTokenCache::mint(const CallContext& context) {
  const auto log = common::logger("spotify");
  FetchResult<WebToken> token = FetchFailure{Error::kAuthFailed, Stage::kToken, "no token source"};
  std::optional<FetchFailure> totp_failure;

  if (!config_.totp_secret.empty()) {
    token = fetch_totp_token(caller_, config_, context);
    if (!token) {
      totp_failure = token.error();
      log->warn("token_source_failed source=totp kind={} detail=\"{}\" request_id={}",
                error_name(totp_failure->kind), totp_failure->detail, context.request_id);
    }
  }
  if (!token) {
    token = fetch_embed_token(caller_, config_, context);
  }

  if (token) {
    log->info("token_minted source={} expires_in_s={} has_client_id={} request_id={}",
              token->source, (token->expires_at_ms - token->obtained_at_ms) / 1000,
              !token->client_id.empty(), context.request_id);
    return token;
  }
  log->warn("token_source_failed source=embed kind={} detail=\"{}\" request_id={}",
            error_name(token.error().kind), token.error().detail, context.request_id);
  if (!totp_failure) {
    return token;
  }
  // The configured TOTP source is the one operators fix, so its failure is
  // reported; the embed page's failure is kept in the detail.
  FetchFailure failure = *totp_failure;
  failure.detail += "; embed page fallback also failed: " + token.error().detail;
  return failure;
}

}  // namespace countryhub::spotify
