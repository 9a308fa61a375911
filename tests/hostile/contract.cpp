#include "hostile/contract.hpp"

#include <map>
#include <optional>
#include <set>

#include <boost/json.hpp>

namespace countryhub::testing {
namespace {

// The error table of the contract: every data.error a status may carry.
const std::map<int, std::set<std::string>>& error_table() {
  static const std::map<int, std::set<std::string>> table = {
      {400, {"invalid_country_code", "invalid_request"}},
      {401, {"missing_api_key", "invalid_api_key"}},
      {403, {"key_revoked", "account_disabled"}},
      {404, {"not_found"}},
      {405, {"method_not_allowed"}},
      {429, {"rate_limited", "daily_cap_reached", "credits_exhausted"}},
      {500, {"internal_error"}},
      {502,
       {"upstream_failed", "upstream_rate_limited", "upstream_challenge", "upstream_unusable",
        "upstream_auth_failed", "upstream_country_mismatch"}},
      {503, {"unavailable"}},
  };
  return table;
}

bool is_sane_request_id(const std::string& id) {
  if (id.empty() || id.size() > 64) {
    return false;
  }
  for (const char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

// Parses `body` strictly: invalid UTF-8 and raw control characters in
// strings are errors. Returns nullopt for anything but a JSON object.
std::optional<boost::json::object> parse_object(const std::string& body) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) {
    return std::nullopt;
  }
  return std::move(parsed.as_object());
}

::testing::AssertionResult check_error_data(const RawResponse& response,
                                            const boost::json::object& data) {
  const auto* error = data.if_contains("error");
  if (error == nullptr || !error->is_string()) {
    return ::testing::AssertionFailure() << "error response without data.error: " << response.body;
  }
  const auto row = error_table().find(response.status);
  if (row == error_table().end() || !row->second.contains(std::string(error->as_string()))) {
    return ::testing::AssertionFailure()
           << "data.error " << error->as_string() << " is not a row of status " << response.status;
  }
  const auto* request_id = data.if_contains("requestId");
  if (request_id == nullptr || !request_id->is_string() ||
      request_id->as_string() != response.headers.at("x-request-id")) {
    return ::testing::AssertionFailure() << "data.requestId differs from X-Request-Id";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

::testing::AssertionResult follows_contract(const RawResponse& response) {
  if (!response.headers.contains("content-length")) {
    return ::testing::AssertionFailure() << "no Content-Length";
  }
  const auto type = response.headers.find("content-type");
  if (type == response.headers.end() || type->second != "application/json; charset=utf-8") {
    return ::testing::AssertionFailure() << "Content-Type is not JSON";
  }
  const auto id = response.headers.find("x-request-id");
  if (id == response.headers.end() || !is_sane_request_id(id->second)) {
    return ::testing::AssertionFailure() << "X-Request-Id missing or malformed";
  }
  const auto body = parse_object(response.body);
  if (!body) {
    return ::testing::AssertionFailure() << "body is not strict JSON: " << response.body;
  }
  const auto* code = body->if_contains("code");
  const auto* msg = body->if_contains("msg");
  const auto* data = body->if_contains("data");
  if (body->size() != 3 || code == nullptr || !code->is_int64() || msg == nullptr ||
      !msg->is_string() || data == nullptr || !data->is_object()) {
    return ::testing::AssertionFailure() << "body is not {code, msg, data}: " << response.body;
  }
  if (code->as_int64() != response.status || msg->as_string().empty()) {
    return ::testing::AssertionFailure()
           << "code " << code->as_int64() << " for status " << response.status << " or empty msg";
  }
  if (response.status >= 400) {
    return check_error_data(response, data->as_object());
  }
  return ::testing::AssertionSuccess();
}

std::string data_string(const RawResponse& response, std::string_view name) {
  const auto body = parse_object(response.body);
  if (!body) {
    return "";
  }
  const auto* data = body->if_contains("data");
  if (data == nullptr || !data->is_object()) {
    return "";
  }
  const auto* field = data->as_object().if_contains(name);
  return field != nullptr && field->is_string() ? std::string(field->as_string()) : "";
}

std::string error_code_of(const RawResponse& response) { return data_string(response, "error"); }

std::string message_of(const RawResponse& response) {
  const auto body = parse_object(response.body);
  if (!body) {
    return "";
  }
  const auto* msg = body->if_contains("msg");
  return msg != nullptr && msg->is_string() ? std::string(msg->as_string()) : "";
}

}  // namespace countryhub::testing
