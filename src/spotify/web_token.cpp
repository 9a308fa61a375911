#include "spotify/web_token.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/logging.hpp"
#include "common/time_format.hpp"
#include "spotify/client_defaults.hpp"

namespace countryhub::spotify {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string describe_versions(const std::vector<TotpSecret>& secrets) {
  std::vector<int> versions;
  for (const TotpSecret& secret : secrets) {
    versions.push_back(secret.version);
  }
  return fmt::format("{}", fmt::join(versions, ", "));
}

}  // namespace

WebTokenCache::WebTokenCache(ResilientCaller& caller, LearnedState& learned, BundleScanner& scanner)
    : caller_(caller), learned_(learned), scanner_(scanner) {}

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

void WebTokenCache::rescan(const CallContext& context, std::string_view reason,
                           SecretAttempts& attempts) {
  const BundleScan scan = scanner_.scan(context, reason);
  if (!scan.facts) {
    attempts.scan_note = "; the bundle scan failed: " + scan.facts.error().detail;
  } else if (scan.facts->secrets.empty()) {
    attempts.found_no_secret = true;
    attempts.scan_note = "; the web-player bundle lists no TOTP secret";
  } else if (!scan.is_fresh) {
    attempts.scan_note = fmt::format("; the bundle was last scanned less than {} s ago",
                                     kBundleRescanIntervalMs / 1000);
  } else {
    attempts.scan_note = fmt::format("; the bundle lists secret versions {}",
                                     describe_versions(scan.facts->secrets));
  }
}

WebTokenCache::SecretAttempts WebTokenCache::mint_with_secrets(const CallContext& context) {
  const ClientConfig& config = *context.config;
  SecretAttempts attempts;
  bool has_scanned = false;
  std::vector<SecretCandidate> candidates = learned_.secret_candidates(SteadyClock::now());
  if (candidates.empty() && config.scan_bundle) {
    rescan(context, "no_secret", attempts);
    has_scanned = true;
    candidates = learned_.secret_candidates(SteadyClock::now());
  }
  if (candidates.empty()) {
    return attempts;
  }
  const std::optional<std::int64_t> offset = fetch_server_offset(caller_, config, context);
  for (std::size_t tried = 0; tried < kMaxSecretsPerMint && !candidates.empty(); ++tried) {
    const SecretCandidate candidate = candidates.front();
    FetchResult<WebToken> token =
        fetch_totp_token(caller_, config, candidate.secret, offset, context);
    if (token) {
      learned_.record_secret_success(candidate);
      attempts.token = *std::move(token);
      return attempts;
    }
    if (!is_totp_rejection(token.error())) {
      attempts.upstream_failure = token.error();
      return attempts;
    }
    common::logger("spotify")->warn("totp_secret_rejected secret={} detail=\"{}\" request_id={}",
                                    describe_secret(candidate), token.error().detail,
                                    context.request_id);
    attempts.rejections.push_back(token.error().detail);
    learned_.record_secret_rejected(candidate, SteadyClock::now());
    if (!has_scanned && config.scan_bundle) {
      rescan(context, "secret_rejected", attempts);
      has_scanned = true;
    }
    candidates = learned_.secret_candidates(SteadyClock::now());
  }
  return attempts;
}

FetchFailure WebTokenCache::combine_failures(const SecretAttempts& attempts,
                                             const FetchFailure& embed) const {
  if (attempts.upstream_failure) {
    // The token endpoint itself failed, which operators fix differently from
    // a secret, so its failure is reported and the embed page's is kept.
    FetchFailure failure = *attempts.upstream_failure;
    failure.detail += "; embed page fallback also failed: " + embed.detail;
    return failure;
  }
  if (attempts.rejections.empty() && !attempts.found_no_secret) {
    FetchFailure failure = embed;
    failure.detail += attempts.scan_note;
    return failure;
  }
  const std::string secrets = attempts.rejections.empty()
                                  ? std::string("no TOTP secret was found")
                                  : fmt::format("{}", fmt::join(attempts.rejections, "; "));
  return FetchFailure{
      Error::kNoWorkingSecret, Stage::kToken,
      fmt::format("no TOTP secret works ({}){}; the embed page fallback failed too: {}. Configure "
                  "the current secret with --totp-secret and --totp-version",
                  secrets, attempts.scan_note, embed.detail),
      embed.retry_after_seconds, embed.http_status};
}

FetchResult<WebToken> WebTokenCache::mint(const CallContext& context) {
  const auto log = common::logger("spotify");
  SecretAttempts attempts = mint_with_secrets(context);
  if (attempts.token) {
    log->info("token_minted source=totp secret={} expires_in_s={} has_client_id={} request_id={}",
              learned_.secret_in_use(),
              (attempts.token->expires_at_ms - attempts.token->obtained_at_ms) / 1000,
              !attempts.token->client_id.empty(), context.request_id);
    return *std::move(attempts.token);
  }
  if (attempts.upstream_failure) {
    log->warn("token_source_failed source=totp kind={} detail=\"{}\" request_id={}",
              error_name(attempts.upstream_failure->kind), attempts.upstream_failure->detail,
              context.request_id);
  }
  FetchResult<WebToken> embed = fetch_embed_token(caller_, *context.config, context);
  if (embed) {
    learned_.record_embed_token();
    log->info("token_minted source=embed expires_in_s={} totp_rejections={} request_id={}",
              (embed->expires_at_ms - embed->obtained_at_ms) / 1000, attempts.rejections.size(),
              context.request_id);
    return embed;
  }
  log->warn("token_source_failed source=embed kind={} detail=\"{}\" request_id={}",
            error_name(embed.error().kind), embed.error().detail, context.request_id);
  return combine_failures(attempts, embed.error());
}

}  // namespace countryhub::spotify
