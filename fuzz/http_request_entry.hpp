#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/gzip_parts.hpp"
#include "fuzz/entry_support.hpp"
#include "http/envelope.hpp"
#include "http/idempotency.hpp"
#include "http/message.hpp"
#include "http/popular_handler.hpp"
#include "http/query.hpp"

namespace countryhub::fuzz {

inline std::string to_ascii_upper(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return upper;
}

// Returns an empty string when `failure`'s error envelope is valid UTF-8 JSON,
// which the server needs since the body goes to the client as sent.
inline std::string check_failure_body(const http::ApiFailure& failure, std::string_view label) {
  const std::string body = http::error_body(failure, "fuzz");
  if (!is_valid_utf8(body)) {
    return std::string(label) + " error body is not valid UTF-8";
  }
  return check_parses_as_json(body, std::string(label) + " error body");
}

// Parses `query` the way the popular handler does: the one country_code,
// then its validation. Failures must render as a valid error envelope.
inline std::string check_country_query(std::string_view query) {
  auto code = http::single_parameter(query, "country_code");
  if (!code) {
    return check_failure_body(code.error(), "single_parameter");
  }
  auto country = http::validate_country(*code);
  if (!country) {
    return check_failure_body(country.error(), "validate_country");
  }
  if (country->code.size() != 2) {
    return "validate_country accepted a country whose code is not two letters";
  }
  return {};
}

// Returns an empty string when the key found in a request whose header
// `name` is `value` is empty or lies inside the stored header value.
inline std::string check_presented_key(std::string_view name, std::string_view value) {
  http::Request request{boost::beast::http::verb::get, "/", 11};
  request.set(name, value);
  const auto stored = request[name];
  const std::string_view key = http::presented_api_key(request);
  if (key.empty()) {
    return {};
  }
  const bool is_inside = key.data() >= stored.data() &&
                         key.data() + key.size() <= stored.data() + stored.size();
  if (!is_inside) {
    return "presented_api_key returned a view outside the " + std::string(name) + " header";
  }
  return {};
}

// Feeds `input` to every request-parsing function as a target, a query and a
// header value. None may crash, and every failure must render as a valid
// error envelope.
inline std::string check_http_request(std::string_view input) {
  if (auto target = http::parse_target(input); target) {
    if (auto violation = check_country_query(target->query); !violation.empty()) {
      return violation;
    }
  } else if (auto violation = check_failure_body(target.error(), "parse_target");
             !violation.empty()) {
    return violation;
  }
  if (auto violation = check_country_query(input); !violation.empty()) {
    return violation;
  }
  if (auto country = http::validate_country(std::string(input)); !country) {
    if (auto violation = check_failure_body(country.error(), "validate_country");
        !violation.empty()) {
      return violation;
    }
  }
  // HTTP content codings and parameter names such as q are case-insensitive.
  if (common::accepts_gzip(input) != common::accepts_gzip(to_ascii_upper(input))) {
    return "accepts_gzip depends on letter case";
  }
  if (const auto rejected = http::check_idempotency_key(input); !rejected) {
    if (input.empty() || input.size() > 255) {
      return "check_idempotency_key accepted a key outside 1 to 255 bytes";
    }
  }
  // The server rejects header blocks over 8 KiB, and Beast 1.81 throws on
  // values over 64 KiB, so longer inputs exercise no more header parsing.
  const std::string_view header_value = input.substr(0, 8192);
  if (auto violation = check_presented_key("x-api-key", header_value); !violation.empty()) {
    return violation;
  }
  return check_presented_key("authorization", header_value);
}

}  // namespace countryhub::fuzz
