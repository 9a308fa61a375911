#include "spotify/normalizer.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "spotify/countries.hpp"
#include "spotify/item_builder.hpp"
#include "spotify/json_access.hpp"
#include "spotify/section_reader.hpp"

namespace countryhub::spotify {
namespace {

using simdjson::dom::element;

// First bytes of a body quoted in error details; enough to tell a block page
// from a captcha without flooding logs.
constexpr std::size_t kQuotedPrefix = 120;

std::string_view skip_leading_space(std::string_view body) {
  if (body.starts_with("\xEF\xBB\xBF")) {
    body.remove_prefix(3);
  }
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) {
    body.remove_prefix(1);
  }
  return body;
}

std::string quote_prefix(std::string_view body) {
  std::string quoted;
  for (char c : body.substr(0, kQuotedPrefix)) {
    const auto byte = static_cast<unsigned char>(c);
    quoted.push_back(byte >= 0x20 && byte < 0x7F ? c : ' ');
  }
  return quoted;
}

UpstreamError fail(Error kind, std::string detail) { return UpstreamError{kind, std::move(detail)}; }

struct GraphqlErrors {
  std::vector<std::string_view> messages;
  bool has_persisted_query_not_found = false;
};

GraphqlErrors read_errors(element root) {
  GraphqlErrors errors;
  const auto list = json::array(root["errors"]);
  if (!list) {
    return errors;
  }
  for (element error : *list) {
    std::string_view message = json::text(error["message"]);
    const std::string_view code = json::text(error["extensions"]["code"]);
    if (message == "PersistedQueryNotFound" || code == "PERSISTED_QUERY_NOT_FOUND") {
      errors.has_persisted_query_not_found = true;
    }
    if (message.empty()) {
      message = code.empty() ? std::string_view("GraphQL error without a message") : code;
    }
    errors.messages.push_back(message);
  }
  return errors;
}

std::string join_messages(const std::vector<std::string_view>& messages) {
  return fmt::format("{}", fmt::join(messages, "; "));
}

}  // namespace

struct HubDocument::State {
  simdjson::dom::parser parser;
  std::pmr::monotonic_buffer_resource arena{16 * 1024};
  CountryHub hub{&arena};
};

HubDocument::HubDocument() : state_(std::make_unique<State>()) {}
HubDocument::HubDocument(HubDocument&&) noexcept = default;
HubDocument& HubDocument::operator=(HubDocument&&) noexcept = default;
HubDocument::~HubDocument() = default;

CountryHub& HubDocument::hub() { return state_->hub; }
const CountryHub& HubDocument::hub() const { return state_->hub; }
std::pmr::memory_resource* HubDocument::memory() { return &state_->arena; }

std::string derive_content_id(std::string_view title) {
  std::string id;
  bool pending_separator = false;
  for (char c : title) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || std::isalpha(byte)) {
      if (pending_separator && !id.empty()) {
        id.push_back('_');
      }
      pending_separator = false;
      id.push_back(static_cast<char>(std::toupper(byte)));
    } else {
      pending_separator = true;
    }
  }
  return id;
}

Result<HubDocument> normalize_hub(std::string_view body, const NormalizeOptions& options) {
  const std::string_view trimmed = skip_leading_space(body);
  if (trimmed.empty()) {
    return fail(Error::kInvalidJson, "empty body");
  }
  if (trimmed.front() == '<') {
    return fail(Error::kHtmlPage, "HTML where JSON was expected: " + quote_prefix(trimmed));
  }
  if (!simdjson::validate_utf8(body.data(), body.size())) {
    return fail(Error::kInvalidUtf8, "body is not valid UTF-8");
  }

  HubDocument document;
  HubDocument::State& state = *document.state_;
  element root;
  if (const auto error = state.parser.parse(body.data(), body.size()).get(root); error) {
    const Error kind = error == simdjson::UTF8_ERROR ? Error::kInvalidUtf8 : Error::kInvalidJson;
    return fail(kind, fmt::format("body is not valid JSON ({}): {}",
                                  simdjson::error_message(error), quote_prefix(trimmed)));
  }
  if (!root.is_object()) {
    return fail(Error::kInvalidJson, "JSON body is not an object");
  }

  const GraphqlErrors errors = read_errors(root);
  const auto data = json::object(root["data"]);
  if (!data) {
    if (errors.has_persisted_query_not_found) {
      return fail(Error::kPersistedQueryNotFound, join_messages(errors.messages));
    }
    if (!errors.messages.empty()) {
      return fail(Error::kGraphqlErrors, join_messages(errors.messages));
    }
    return fail(Error::kNoShelves, "response has neither data nor errors");
  }

  CountryHub& hub = state.hub;
  ItemBuilder builder(&state.arena);
  SectionReader reader(hub, builder);
  const json::Node country_hub = root["data"]["countryHub"];
  if (json::object(country_hub)) {
    reader.read_country_hub(country_hub.value_unsafe(), options.requested_country);
  } else if (!errors.messages.empty() && !errors.has_persisted_query_not_found &&
             country_hub.error() == simdjson::SUCCESS) {
    // `countryHub: null` beside errors: the errors say why there is no hub.
    return fail(Error::kGraphqlErrors, join_messages(errors.messages));
  } else if (errors.has_persisted_query_not_found) {
    return fail(Error::kPersistedQueryNotFound, join_messages(errors.messages));
  } else if (country_hub.error() == simdjson::SUCCESS) {
    return fail(Error::kNoShelves, "data.countryHub is null or not an object");
  } else if (options.hub_only) {
    return fail(Error::kNoShelves, "response has no data.countryHub object");
  } else {
    reader.read_other_document(root["data"].value_unsafe(), options.requested_country);
  }

  if (hub.sections.empty()) {
    return fail(Error::kNoShelves, "response has no shelves");
  }
  const bool has_items = std::any_of(hub.sections.begin(), hub.sections.end(),
                                     [](const Section& section) { return !section.items.empty(); });
  if (!has_items) {
    return fail(Error::kEmptyHub,
                fmt::format("all {} shelves are empty after dropping {} unusable items",
                            hub.sections.size(), reader.dropped_count()));
  }

  Meta& meta = hub.meta;
  meta.app_version = builder.store(options.app_version);
  meta.request_id = builder.store(options.request_id);
  meta.fetched_at_ms = options.fetched_at_ms;
  meta.section_count = static_cast<std::int64_t>(hub.sections.size());
  meta.dropped_item_count = reader.dropped_count();
  for (const Section& section : hub.sections) {
    meta.item_count += static_cast<std::int64_t>(section.items.size());
  }
  for (std::string_view message : errors.messages) {
    meta.partial_errors.push_back(message);
  }
  return document;
}

}  // namespace countryhub::spotify
