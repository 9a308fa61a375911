#pragma once

#include <string>

namespace countryhub::spotify {

// The two ways to send a persisted query: v2 POST with a JSON body (what the
// web player sends) and v1 GET with the same members in the query string.
enum class QueryForm { kV2Post, kV1Get };

struct QueryRoute {
  QueryForm form = QueryForm::kV2Post;
  std::string hash;

  bool operator==(const QueryRoute&) const = default;
};

}  // namespace countryhub::spotify
