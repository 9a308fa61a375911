#pragma once

#include <array>
#include <cstdint>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

#include "common/body_parts.hpp"

namespace countryhub::http {

// A Beast body that writes common::BodyParts as three buffers in one
// gathered write, so a cached hub goes to the socket without being copied
// into a string for each response.
struct SplicedBody {
  using value_type = common::BodyParts;

  static std::uint64_t size(const value_type& body) { return body.size(); }

  class writer {
   public:
    using const_buffers_type = std::array<boost::asio::const_buffer, 3>;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& body)
        : body_(body) {}

    void init(boost::beast::error_code& ec) { ec = {}; }

    // Returns all three pieces at once, with no more body after them.
    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      return std::pair<const_buffers_type, bool>{
          const_buffers_type{boost::asio::buffer(body_.opening.data(), body_.opening.size()),
                             boost::asio::buffer(body_.shared.data(), body_.shared.size()),
                             boost::asio::buffer(body_.tail.data(), body_.tail.size())},
          false};
    }

   private:
    const value_type& body_;
  };
};

}  // namespace countryhub::http
