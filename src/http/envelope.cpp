#include "http/envelope.hpp"

#include <boost/beast/http/field.hpp>

#include "common/json_writer.hpp"

namespace countryhub::http {

namespace beast_http = boost::beast::http;

std::string success_body(std::string_view data_json) {
  std::string body;
  body.reserve(data_json.size() + 48);
  body += kSuccessPrefix;
  body += data_json;
  body += '}';
  return body;
}

std::string error_body(const ApiFailure& failure, std::string_view request_id) {
  common::JsonWriter writer(256);
  writer.begin_object();
  writer.field("code", static_cast<std::int64_t>(status_of(failure.kind)));
  writer.field("msg", std::string_view(failure.message));
  writer.key("data");
  writer.begin_object();
  writer.field("error", code_of(failure.kind));
  writer.field("requestId", request_id);
  if (failure.retry_after_seconds > 0) {
    writer.field("retryAfterSeconds", failure.retry_after_seconds);
  }
  for (const auto& [name, value] : failure.context) {
    writer.field(name, std::string_view(value));
  }
  writer.end_object();
  writer.end_object();
  return std::move(writer).take();
}

Response json_response(unsigned status, std::string body, unsigned http_version) {
  Response response{static_cast<beast_http::status>(status), http_version};
  response.set(beast_http::field::content_type, kJsonContentType);
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response error_response(const ApiFailure& failure, const RequestContext& context,
                        unsigned http_version) {
  Response response = json_response(status_of(failure.kind),
                                    error_body(failure, context.request_id), http_version);
  if (failure.retry_after_seconds > 0) {
    response.set(beast_http::field::retry_after, std::to_string(failure.retry_after_seconds));
  }
  return response;
}

}  // namespace countryhub::http
