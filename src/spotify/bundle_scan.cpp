#include "spotify/bundle_scan.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <utility>

namespace countryhub::spotify {
namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_quote(char c) { return c == '"' || c == '\''; }

// Returns `text` from `at` on, without leading spaces.
std::string_view rest_after_space(std::string_view text, std::size_t at) {
  std::string_view rest = at < text.size() ? text.substr(at) : std::string_view();
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front()))) {
    rest.remove_prefix(1);
  }
  return rest;
}

// Consumes `word` at the front of `text`, optionally quoted, then optional
// spaces and `separator`; returns false when `text` does not start so.
bool consume_key(std::string_view& text, std::string_view word, char separator) {
  std::string_view rest = text;
  const bool is_quoted = !rest.empty() && is_quote(rest.front());
  if (is_quoted) {
    rest.remove_prefix(1);
  }
  if (!rest.starts_with(word)) {
    return false;
  }
  rest.remove_prefix(word.size());
  if (is_quoted) {
    if (rest.empty() || !is_quote(rest.front())) {
      return false;
    }
    rest.remove_prefix(1);
  }
  rest = rest_after_space(rest, 0);
  if (rest.empty() || rest.front() != separator) {
    return false;
  }
  text = rest_after_space(rest, 1);
  return true;
}

bool is_bundle_file_name(std::string_view url) {
  const std::size_t end = std::min(url.find('?'), url.find('#'));
  std::string_view path = url.substr(0, end);
  const std::size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  constexpr std::string_view kPrefix = "web-player.";
  constexpr std::string_view kSuffix = ".js";
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix) ||
      name.size() <= kPrefix.size() + kSuffix.size()) {
    return false;
  }
  const std::string_view digits =
      name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  return std::all_of(digits.begin(), digits.end(), is_hex);
}

void add_unique(std::vector<std::string>& list, std::string value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) {
    list.push_back(std::move(value));
  }
}

// Reads one `{secret:'..',version:N}` object whose `secret` key starts `text`.
bool read_secret_object(std::string_view text, TotpSecret& entry) {
  if (!consume_key(text, "secret", ':') || text.empty() || !is_quote(text.front())) {
    return false;
  }
  const char quote = text.front();
  const std::size_t close = text.find(quote, 1);
  if (close == std::string_view::npos || close == 1) {
    return false;
  }
  entry.secret = std::string(text.substr(1, close - 1));
  text = rest_after_space(text, close + 1);
  if (text.empty() || text.front() != ',') {
    return false;
  }
  text = rest_after_space(text, 1);
  if (!consume_key(text, "version", ':')) {
    return false;
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), entry.version);
  return error == std::errc() && end != text.data() && entry.version > 0;
}

using ChunkMap = std::map<std::string, std::string>;  // chunk id -> value

// Parses an object literal of chunk ids and quoted strings, such as
// `{4127:"xpui-routes-search",7093:"a1b2c3d4"}`, starting at `text[0] == '{'`.
std::optional<ChunkMap> read_chunk_map(std::string_view text) {
  ChunkMap entries;
  std::size_t at = 1;
  for (;;) {
    const std::size_t key_start = at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) {
      ++at;
    }
    if (at == key_start || at + 1 >= text.size() || text[at] != ':' || !is_quote(text[at + 1])) {
      return std::nullopt;
    }
    const char quote = text[at + 1];
    const std::size_t close = text.find(quote, at + 2);
    if (close == std::string_view::npos || close == at + 2) {
      return std::nullopt;
    }
    entries.emplace(std::string(text.substr(key_start, at - key_start)),
                    std::string(text.substr(at + 2, close - at - 2)));
    at = close + 1;
    if (at < text.size() && text[at] == '}') {
      return entries;
    }
    if (at >= text.size() || text[at] != ',') {
      return std::nullopt;
    }
    ++at;
  }
}

bool is_content_hash(const std::string& value) {
  return value.size() >= 6 && value.size() <= 32 && std::all_of(value.begin(), value.end(), is_hex);
}

bool is_chunk_name(const std::string& value) {
  return std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '~' ||
           c == '.';
  });
}

bool mentions_hub(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name.find("country") != std::string::npos || name.find("hub") != std::string::npos ||
         name.find("popular") != std::string::npos;
}

std::size_t shared_keys(const ChunkMap& left, const ChunkMap& right) {
  return static_cast<std::size_t>(std::count_if(
      left.begin(), left.end(), [&](const auto& entry) { return right.contains(entry.first); }));
}

// Returns "scheme://authority" of `url`, lower-cased; empty when it has no scheme.
std::string origin_of(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return {};
  }
  const std::size_t end = std::min({url.find('/', scheme_end + 3), url.find('?', scheme_end + 3),
                                    url.find('#', scheme_end + 3), url.size()});
  std::string origin(url.substr(0, end));
  std::transform(origin.begin(), origin.end(), origin.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return origin;
}

// Returns the chunk maps of a bundle: the largest map of content hashes, and
// the map of names sharing most chunk ids with it (empty when none does).
std::optional<std::pair<ChunkMap, ChunkMap>> find_chunk_maps(std::string_view script) {
  std::vector<ChunkMap> hash_maps;
  std::vector<ChunkMap> name_maps;
  for (std::size_t at = script.find('{'); at != std::string_view::npos;
       at = script.find('{', at + 1)) {
    std::optional<ChunkMap> map = read_chunk_map(script.substr(at));
    if (!map || map->size() < 2) {
      continue;
    }
    const auto all_values = [&](auto&& check) {
      return std::all_of(map->begin(), map->end(),
                         [&](const auto& entry) { return check(entry.second); });
    };
    if (all_values(is_content_hash)) {
      hash_maps.push_back(*std::move(map));
    } else if (all_values(is_chunk_name)) {
      name_maps.push_back(*std::move(map));
    }
  }
  if (hash_maps.empty()) {
    return std::nullopt;
  }

  const auto bigger = [](const ChunkMap& a, const ChunkMap& b) { return a.size() < b.size(); };
  ChunkMap hashes = *std::max_element(hash_maps.begin(), hash_maps.end(), bigger);
  ChunkMap names;
  for (const ChunkMap& candidate : name_maps) {
    if (shared_keys(candidate, hashes) > shared_keys(names, hashes)) {
      names = candidate;
    }
  }
  return std::make_pair(std::move(hashes), std::move(names));
}

}  // namespace

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), is_hex);
}

std::string resolve_url(std::string_view base, std::string_view reference) {
  if (reference.starts_with("http://") || reference.starts_with("https://")) {
    return std::string(reference);
  }
  const std::size_t scheme_end = base.find("://");
  const std::size_t authority = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  if (reference.starts_with("//")) {
    return std::string(base.substr(0, scheme_end == std::string_view::npos ? 0 : scheme_end + 1)) +
           std::string(reference);
  }
  const std::size_t path_start = std::min(base.find('/', authority), base.size());
  const std::string_view origin = base.substr(0, path_start);
  if (reference.starts_with("/")) {
    return std::string(origin) + std::string(reference);
  }
  std::string_view path = base.substr(path_start);
  path = path.substr(0, std::min(path.find('?'), path.find('#')));
  const std::size_t last_slash = path.rfind('/');
  const std::string_view folder =
      last_slash == std::string_view::npos ? std::string_view("/") : path.substr(0, last_slash + 1);
  return std::string(origin) + std::string(folder) + std::string(reference);
}

bool is_trusted_script_url(std::string_view url, std::string_view web_url) {
  const std::string origin = origin_of(url);
  if (origin.empty()) {
    return false;
  }
  if (origin == origin_of(web_url)) {
    return true;
  }
  constexpr std::string_view kCdnScheme = "https://";
  if (!origin.starts_with(kCdnScheme) || origin.find('@') != std::string::npos) {
    return false;
  }
  std::string_view host = std::string_view(origin).substr(kCdnScheme.size());
  host = host.substr(0, host.find(':'));
  return host == "spotifycdn.com" || host.ends_with(".spotifycdn.com");
}

std::vector<std::string> find_bundle_urls(std::string_view html, std::string_view page_url) {
  std::vector<std::string> urls;
  for (std::string_view attribute : {"src=", "href="}) {
    for (std::size_t at = html.find(attribute); at != std::string_view::npos;
         at = html.find(attribute, at + 1)) {
      const std::size_t value_start = at + attribute.size();
      if (value_start >= html.size() || !is_quote(html[value_start])) {
        continue;
      }
      const std::size_t close = html.find(html[value_start], value_start + 1);
      if (close == std::string_view::npos) {
        break;
      }
      const std::string_view value = html.substr(value_start + 1, close - value_start - 1);
      if (is_bundle_file_name(value)) {
        add_unique(urls, resolve_url(page_url, value));
      }
    }
  }
  return urls;
}

std::vector<std::string> find_operation_hashes(std::string_view script,
                                               std::string_view operation) {
  std::vector<std::string> hashes;
  for (std::size_t at = script.find(operation); at != std::string_view::npos;
       at = script.find(operation, at + 1)) {
    if (at == 0 || !is_quote(script[at - 1])) {
      continue;
    }
    const char q = script[at - 1];
    const std::string middle = std::string(1, q) + "," + q + "query" + q + "," + q;
    std::string_view rest = script.substr(at + operation.size());
    if (!rest.starts_with(middle) || rest.size() < middle.size() + 65) {
      continue;
    }
    const std::string_view hash = rest.substr(middle.size(), 64);
    if (is_sha256_hex(hash) && rest[middle.size() + 64] == q) {
      std::string lower(hash);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      add_unique(hashes, std::move(lower));
    }
  }
  return hashes;
}

std::vector<std::string> find_chunk_urls(std::string_view script, std::string_view script_url) {
  const std::optional<std::pair<ChunkMap, ChunkMap>> maps = find_chunk_maps(script);
  if (!maps) {
    return {};
  }
  const auto& [hashes, names] = *maps;

  const std::string folder = resolve_url(script_url, "");
  std::vector<std::string> hub_urls;
  std::vector<std::string> other_urls;
  for (const auto& [id, hash] : hashes) {
    const auto name = names.find(id);
    const std::string stem = name == names.end() ? id : name->second;
    (mentions_hub(stem) ? hub_urls : other_urls).push_back(folder + stem + "." + hash + ".js");
  }
  hub_urls.insert(hub_urls.end(), other_urls.begin(), other_urls.end());
  return hub_urls;
}

std::vector<TotpSecret> find_totp_secrets(std::string_view script) {
  std::vector<TotpSecret> secrets;
  for (std::size_t at = script.find("secret"); at != std::string_view::npos;
       at = script.find("secret", at + 1)) {
    // The object starts right before the key, possibly with a quote.
    const std::size_t key_start = at > 0 && is_quote(script[at - 1]) ? at - 1 : at;
    std::size_t brace = key_start;
    while (brace > 0 && std::isspace(static_cast<unsigned char>(script[brace - 1]))) {
      --brace;
    }
    if (brace == 0 || script[brace - 1] != '{') {
      continue;
    }
    TotpSecret entry;
    if (!read_secret_object(script.substr(key_start), entry)) {
      continue;
    }
    const bool is_known = std::any_of(secrets.begin(), secrets.end(), [&](const TotpSecret& other) {
      return other.version == entry.version;
    });
    if (!is_known) {
      secrets.push_back(std::move(entry));
    }
  }
  std::stable_sort(secrets.begin(), secrets.end(),
                   [](const TotpSecret& a, const TotpSecret& b) { return a.version > b.version; });
  return secrets;
}

}  // namespace countryhub::spotify
