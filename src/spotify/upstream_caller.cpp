#include "spotify/upstream_caller.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/logging.hpp"

namespace countryhub::spotify {
namespace {

bool has_tokens(UpstreamCall call) {
  return call == UpstreamCall::kToken || call == UpstreamCall::kEmbedPage ||
         call == UpstreamCall::kClientToken;
}

}  // namespace

std::string_view call_name(UpstreamCall call) {
  switch (call) {
    case UpstreamCall::kServerTime:
      return "server_time";
    case UpstreamCall::kToken:
      return "token";
    case UpstreamCall::kEmbedPage:
      return "embed";
    case UpstreamCall::kClientToken:
      return "client_token";
    case UpstreamCall::kPathfinderV2:
      return "pathfinder_v2";
    case UpstreamCall::kPathfinderV1:
      return "pathfinder_v1";
    case UpstreamCall::kWebPage:
      return "web_page";
    case UpstreamCall::kBundle:
      return "bundle";
  }
  return "unknown";
}

bool expects_json(UpstreamCall call) {
  return call != UpstreamCall::kEmbedPage && call != UpstreamCall::kWebPage &&
         call != UpstreamCall::kBundle;
}

Stage call_stage(UpstreamCall call) {
  switch (call) {
    case UpstreamCall::kClientToken:
      return Stage::kClientToken;
    case UpstreamCall::kPathfinderV2:
    case UpstreamCall::kPathfinderV1:
      return Stage::kPathfinder;
    case UpstreamCall::kWebPage:
    case UpstreamCall::kBundle:
      return Stage::kBundle;
    default:
      return Stage::kToken;
  }
}

std::int64_t CallContext::remaining_ms() const {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return std::max<std::int64_t>(0, left.count());
}

UpstreamCaller::UpstreamCaller(HttpTransport& transport, Recorder* recorder)
    : transport_(transport), recorder_(recorder) {}

FetchResult<HttpResponse> UpstreamCaller::send(UpstreamCall call, HttpRequest request,
                                               const CallContext& context, std::int64_t cap_ms,
                                               std::string_view log_fields) {
  const auto log = common::logger("spotify");
  const std::string_view name = call_name(call);
  const Stage stage = call_stage(call);
  const std::int64_t remaining = context.remaining_ms();
  if (remaining <= 0) {
    log->warn("upstream_skipped stage={} call={} reason=deadline budget_ms={} request_id={}",
              stage_name(stage), name, context.budget_ms, context.request_id);
    return FetchFailure{Error::kTransport, stage,
                        fmt::format("upstream time budget of {} ms used up before the {} call",
                                    context.budget_ms, name)};
  }
  const std::string extra = log_fields.empty() ? "" : fmt::format(" {}", log_fields);
  request.timeout_ms = cap_ms > 0 ? std::min(remaining, cap_ms) : remaining;

  Result<HttpResponse> result = transport_.perform(request);
  if (!result) {
    log->warn("upstream_call stage={} call={} status=0 error=\"{}\"{} request_id={}",
              stage_name(stage), name, result.error().detail, extra, context.request_id);
    return FetchFailure{Error::kTransport, stage,
                        fmt::format("{} call failed: {}", name, result.error().detail)};
  }
  const HttpResponse& response = *result;
  const bool is_success = response.status >= 200 && response.status < 300;
  log->log(is_success ? spdlog::level::debug : spdlog::level::warn,
           "upstream_call stage={} call={} status={} latency_ms={} reused_connection={}{} "
           "request_id={}",
           stage_name(stage), name, response.status, response.latency_ms,
           response.reused_connection, extra, context.request_id);
  if (recorder_ != nullptr) {
    const bool is_pathfinder = stage == Stage::kPathfinder;
    recorder_->write_response(name, is_pathfinder ? std::string_view(context.country) : "",
                              response.status, response.body, has_tokens(call));
  }
  return std::move(*result);
}

void UpstreamCaller::record_hub(std::string_view country, std::string_view body) {
  if (recorder_ != nullptr) {
    recorder_->write_hub(country, body);
  }
}

}  // namespace countryhub::spotify
