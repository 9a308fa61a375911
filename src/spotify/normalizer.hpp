#pragma once

#include <cstdint>
#include <memory>
#include <memory_resource>
#include <string_view>

#include "spotify/error.hpp"
#include "spotify/model.hpp"

namespace countryhub::spotify {

struct NormalizeOptions {
  // Country the caller asked for, any case; used when the hub names none.
  std::string_view requested_country;
  // Accept only `countryHubsPage` documents. The service sets it; `countryhub
  // normalize` leaves it off to also read home, browse and other sections.
  bool hub_only = false;
  std::string_view app_version;
  std::int64_t fetched_at_ms = 0;
  std::string_view request_id;
};

// A normalized hub together with the parsed upstream document and the arena
// its strings point into. Movable, not copyable; not thread-safe.
class HubDocument {
 public:
  HubDocument();
  HubDocument(HubDocument&&) noexcept;
  HubDocument& operator=(HubDocument&&) noexcept;
  ~HubDocument();

  CountryHub& hub();
  const CountryHub& hub() const;
  // Arena for strings that must live as long as the hub.
  std::pmr::memory_resource* memory();

 private:
  struct State;
  std::unique_ptr<State> state_;

  friend Result<HubDocument> normalize_hub(std::string_view body, const NormalizeOptions& options);
};

// Parses a raw Pathfinder response and normalizes it. Fails, never returning
// an empty hub, on an HTML page, invalid UTF-8 or JSON, GraphQL `errors`
// without data, a document without shelves, or shelves that are all empty
// after null and unknown items are dropped.
Result<HubDocument> normalize_hub(std::string_view body, const NormalizeOptions& options);

// Derives a section id from a display title: ASCII letters upper-cased, each
// run of other ASCII characters replaced by one '_', leading and trailing '_'
// removed ("Featured Charts" gives "FEATURED_CHARTS"). Other bytes are kept.
std::string derive_content_id(std::string_view title);

}  // namespace countryhub::spotify
