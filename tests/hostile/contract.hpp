#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "hostile/raw_http.hpp"

namespace countryhub::testing {

// Checks that a response of the API follows the contract: Content-Length and
// the JSON content type, an X-Request-Id of the sane form, a body of strict
// UTF-8 JSON holding exactly {code, msg, data} with code equal to the
// status, and for errors a data.error of the status's row in the error
// table and data.requestId equal to X-Request-Id.
::testing::AssertionResult follows_contract(const RawResponse& response);

// Returns the string data.`name` of a response, or "" when it has none.
std::string data_string(const RawResponse& response, std::string_view name);

// Returns data.error of an error response, or "" when the body has none.
std::string error_code_of(const RawResponse& response);

// Returns the `msg` of a response, or "" when the body has none.
std::string message_of(const RawResponse& response);

}  // namespace countryhub::testing
