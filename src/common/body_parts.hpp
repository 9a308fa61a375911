#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace countryhub::common {

// A response body in three pieces sent one after another: a short opening
// (often empty), a large part shared by many responses, and a tail made for
// one request. The shared part is sent in place, never copied per request.
struct BodyParts {
  std::shared_ptr<const void> owner;  // keeps `shared` alive
  std::string_view opening;           // static text
  std::string_view shared;
  std::string tail;

  std::size_t size() const { return opening.size() + shared.size() + tail.size(); }
  // Returns the three pieces as one string, for a caller that must keep it.
  std::string joined() const {
    std::string text;
    text.reserve(size());
    text.append(opening).append(shared).append(tail);
    return text;
  }
};

}  // namespace countryhub::common
