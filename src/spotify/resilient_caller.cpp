#include "spotify/resilient_caller.hpp"

#include <chrono>
#include <ctime>
#include <thread>

#include <fmt/format.h>

#include "common/logging.hpp"
#include "spotify/upstream_classifier.hpp"

namespace countryhub::spotify {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::int64_t ceil_seconds(std::int64_t ms) { return (ms + 999) / 1000; }

std::int64_t retry_after_ms_of(const FetchResult<HttpResponse>& result) {
  if (!result || result->status != 429) {
    return 0;
  }
  return parse_retry_after(result->retry_after, std::time(nullptr)) * 1000;
}

std::string_view verdict_name(CallVerdict verdict) {
  switch (verdict) {
    case CallVerdict::kServerError:
      return "server_error";
    case CallVerdict::kTransport:
      return "transport";
    case CallVerdict::kBlocked:
      return "blocked";
    case CallVerdict::kRateLimited:
      return "rate_limited";
    default:
      return "answered";
  }
}

FetchFailure paused_failure(Stage stage, const RoutePick& pick) {
  return FetchFailure{Error::kRateLimited, stage,
                      fmt::format("Spotify rate limited the {} calls and its Retry-After keeps "
                                  "every route paused for {} s more (first free: {}), so no call "
                                  "was made",
                                  stage_name(stage), ceil_seconds(pick.wait_ms), pick.route.label),
                      ceil_seconds(pick.wait_ms), 0};
}

FetchFailure open_failure(Stage stage, const BreakerPermit& permit, const ClientConfig& config) {
  return FetchFailure{
      Error::kCircuitOpen, stage,
      fmt::format("the {} circuit breaker is open after {} failed calls in a row, so no call was "
                  "made; the next trial call goes in {} s",
                  stage_name(stage), config.breaker_failures, ceil_seconds(permit.retry_in_ms)),
      ceil_seconds(permit.retry_in_ms), 0};
}

}  // namespace

ResilientCaller::ResilientCaller(UpstreamCaller& caller, const std::vector<std::string>& proxies)
    : caller_(caller), pool_(proxies) {}

CircuitBreaker& ResilientCaller::breaker(Stage stage) {
  return breakers_[static_cast<std::size_t>(stage)];
}

FetchResult<ResilientCaller::Attempt> ResilientCaller::prepare(
    Stage stage, const std::optional<std::string>& avoid, const CallContext& context) {
  const ClientConfig& config = *context.config;
  const RoutePick pick = pool_.pick(stage, SteadyClock::now(), avoid,
                                    config.max_retry_after_wait_ms, context.remaining_ms());
  if (pick.kind == RoutePick::Kind::kPaused) {
    return paused_failure(stage, pick);
  }
  if (pick.kind == RoutePick::Kind::kWait) {
    common::logger("spotify")->warn(
        "upstream_waiting stage={} route={} wait_ms={} reason=retry_after request_id={}",
        stage_name(stage), pick.route.label, pick.wait_ms, context.request_id);
    std::this_thread::sleep_for(std::chrono::milliseconds(pick.wait_ms));
  }
  const BreakerPermit permit = breaker(stage).acquire(SteadyClock::now());
  if (!permit.is_allowed) {
    return open_failure(stage, permit, config);
  }
  if (permit.is_trial) {
    common::logger("spotify")->info("breaker_half_open stage={} action=trial_call request_id={}",
                                    stage_name(stage), context.request_id);
  }
  return Attempt{pick.route, permit};
}

void ResilientCaller::note_outcome(Stage stage, const Attempt& attempt, CallVerdict verdict,
                                   std::int64_t retry_after_ms, const CallContext& context) {
  const ClientConfig& config = *context.config;
  const auto now = SteadyClock::now();
  const bool is_failure = is_breaker_failure(verdict);
  const bool has_opened = breaker(stage).record(attempt.permit, is_failure, now,
                                                config.breaker_failures, config.breaker_open_ms);
  const auto log = common::logger("spotify");
  if (has_opened) {
    log->warn("breaker_opened stage={} failures_in_a_row={} open_ms={} request_id={}",
              stage_name(stage), config.breaker_failures, config.breaker_open_ms,
              context.request_id);
  } else if (attempt.permit.is_trial && !is_failure) {
    log->info("breaker_closed stage={} request_id={}", stage_name(stage), context.request_id);
  }
  pool_.record(attempt.route.proxy, stage, verdict, retry_after_ms, now, config.proxy_cooldown_ms);
}

std::optional<std::int64_t> ResilientCaller::retry_delay(Stage stage, const Attempt& attempt,
                                                         CallVerdict verdict,
                                                         std::int64_t retry_after_ms, int retry,
                                                         const CallContext& context) {
  if (verdict == CallVerdict::kRateLimited && retry_after_ms > 0) {
    // The pause recorded for this route decides: another route at once, a
    // short sleep in prepare(), or no further call.
    return 0;
  }
  if (verdict == CallVerdict::kBlocked) {
    // A block lasts far longer than a backoff, so only another route helps.
    if (pool_.has_alternative(attempt.route.proxy, stage, SteadyClock::now())) {
      return 0;
    }
    return std::nullopt;
  }
  const std::int64_t delay =
      backoff_delay_ms(retry, context.config->retry_base_ms, thread_random());
  if (delay >= context.remaining_ms()) {
    return std::nullopt;
  }
  return delay;
}

ResilientCaller::Outcome ResilientCaller::call_once(UpstreamCall call, HttpRequest& request,
                                                    const Attempt& attempt,
                                                    const CallContext& context, std::int64_t cap_ms,
                                                    std::string_view log_fields) {
  request.proxy = attempt.route.proxy;
  const std::string fields = log_fields.empty()
                                 ? fmt::format("route={}", attempt.route.label)
                                 : fmt::format("{} route={}", log_fields, attempt.route.label);
  Outcome outcome{caller_.send(call, request, context, cap_ms, fields), CallVerdict::kAnswered, 0};
  outcome.verdict = judge_call(outcome.result, expects_json(call));
  outcome.retry_after_ms = retry_after_ms_of(outcome.result);
  note_outcome(call_stage(call), attempt, outcome.verdict, outcome.retry_after_ms, context);
  return outcome;
}

FetchResult<HttpResponse> ResilientCaller::send(UpstreamCall call, HttpRequest request,
                                                const CallContext& context, std::int64_t cap_ms,
                                                std::string_view log_fields) {
  const Stage stage = call_stage(call);
  // The server time is optional (the local clock replaces it), so a failure
  // is not worth a second call.
  const int max_attempts =
      call == UpstreamCall::kServerTime ? 1 : std::max(1, context.config->max_attempts);
  std::optional<Outcome> last;
  std::optional<std::string> avoid;
  for (int attempt_number = 1;; ++attempt_number) {
    if (context.remaining_ms() <= 0) {
      // No time left: UpstreamCaller reports that without a call, and an
      // attempt that never went out must not count against breaker or route.
      return last ? std::move(last->result)
                  : caller_.send(call, request, context, cap_ms, log_fields);
    }
    FetchResult<Attempt> attempt = prepare(stage, avoid, context);
    if (!attempt) {
      // When a pause or an open breaker stops a retry, the caller gets what
      // Spotify last sent, which is more useful than the refusal.
      return last ? std::move(last->result) : FetchResult<HttpResponse>(attempt.error());
    }
    if (last) {
      common::logger("spotify")->warn(
          "upstream_retry stage={} call={} attempt={} max_attempts={} reason={} route={} "
          "request_id={}",
          stage_name(stage), call_name(call), attempt_number, max_attempts,
          verdict_name(last->verdict), attempt->route.label, context.request_id);
    }
    Outcome outcome = call_once(call, request, *attempt, context, cap_ms, log_fields);
    if (outcome.verdict == CallVerdict::kAnswered || attempt_number >= max_attempts) {
      return std::move(outcome.result);
    }
    const std::optional<std::int64_t> delay = retry_delay(
        stage, *attempt, outcome.verdict, outcome.retry_after_ms, attempt_number, context);
    if (!delay) {
      return std::move(outcome.result);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(*delay));
    last = std::move(outcome);
    avoid = attempt->route.proxy;
  }
}

void ResilientCaller::record_hub(std::string_view country, std::string_view body) {
  caller_.record_hub(country, body);
}

void ResilientCaller::configure_routes(const std::vector<std::string>& proxies) {
  pool_.configure(proxies);
}

void ResilientCaller::fill(UpstreamStatus& status) const {
  const auto now = SteadyClock::now();
  status.proxies_total = pool_.proxies_total();
  status.proxies_healthy = pool_.proxies_healthy(now);
  status.breakers.clear();
  for (Stage stage : {Stage::kToken, Stage::kClientToken, Stage::kPathfinder, Stage::kBundle}) {
    const CircuitBreaker& stage_breaker = breakers_[static_cast<std::size_t>(stage)];
    status.breakers.emplace_back(std::string(stage_name(stage)),
                                 std::string(breaker_state_name(stage_breaker.state(now))));
  }
}

}  // namespace countryhub::spotify
