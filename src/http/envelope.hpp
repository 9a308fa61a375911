#pragma once

#include <string>
#include <string_view>

#include "http/api_error.hpp"
#include "http/message.hpp"

namespace countryhub::http {

// The success envelope up to the `data` value; the body closes with '}'.
inline constexpr std::string_view kSuccessPrefix = R"({"code":200,"msg":"Request successful","data":)";

// Wraps an already serialized `data` object as {"code":200,"msg":...,"data":...}.
std::string success_body(std::string_view data_json);

// Builds the error envelope: `data` holds `error`, `requestId`, the
// failure's context and `retryAfterSeconds` when set; never partial results.
std::string error_body(const ApiFailure& failure, std::string_view request_id);

// Builds the whole error response: status from the error table, JSON body,
// and Retry-After when the failure has one.
Response error_response(const ApiFailure& failure, const RequestContext& context,
                        unsigned http_version);

// Builds a 200 response carrying `body` as JSON.
Response json_response(unsigned status, std::string body, unsigned http_version);

}  // namespace countryhub::http
