// Broken request heads and framing sent over raw sockets: every response
// follows the contract, the connection closes when the framing cannot be
// trusted, and other clients keep being served.
#include <cstdio>

#include "hostile/hostile_fixture.hpp"

namespace countryhub::testing {
namespace {

// Encodes `data` as one chunk of the chunked transfer coding.
std::string as_chunk(std::string_view data) {
  char size[32];
  std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
  return size + std::string(data) + "\r\n";
}

class MalformedHeadTest : public HostileTest {
 protected:
  void SetUp() override { start_hostile_service(); }

  // Sends `bytes` on a new connection and checks that the response is
  // `400 invalid_request` and that the connection is closed after it.
  void expect_rejected_and_closed(const std::string& bytes, const std::string& label) {
    RawConnection connection = connect();
    connection.send(bytes);
    const auto reply = connection.read_response(kResponseTimeout);
    ASSERT_TRUE(reply.has_value()) << label;
    EXPECT_EQ(reply->status, 400) << label;
    EXPECT_EQ(error_code_of(*reply), "invalid_request") << label;
    EXPECT_TRUE(follows_contract(*reply)) << label;
    EXPECT_EQ(reply->header("connection"), "close") << label;
    EXPECT_TRUE(connection.wait_closed(kResponseTimeout)) << label;
  }
};

TEST_F(MalformedHeadTest, OversizedHeaderIsRejectedAndClosed) {
  expect_rejected_and_closed(
      get_request(kDataPath, key_header() + "X-Padding: " + std::string(9000, 'a') + "\r\n"),
      "one 9000-byte header");
  expect_still_serving();
}

TEST_F(MalformedHeadTest, ManySmallHeadersAreRejected) {
  std::string headers;
  for (int i = 0; i < 600; ++i) {
    headers += "X-Header-" + std::to_string(i) + ": value\r\n";
  }
  expect_rejected_and_closed(get_request(kDataPath, headers), "600 small headers, 12 KiB");
  expect_still_serving();
}

TEST_F(MalformedHeadTest, OversizedRequestLineIsRejected) {
  expect_rejected_and_closed(get_request(std::string(kDataPath) + "?pad=" + std::string(9000, 'a')),
                             "9000-byte request target");
}

TEST_F(MalformedHeadTest, EndlessHeaderIsCutOffAtTheLimit) {
  RawConnection connection = connect();
  connection.send("GET /healthz HTTP/1.1\r\nX-Endless: ");
  // A server that buffered the whole header would read all 4 MiB; this one
  // must respond after 8 KiB and close, so the sends start failing.
  const std::string chunk(64 * 1024, 'b');
  int sent_chunks = 0;
  while (sent_chunks < 64 && !connection.has_input(std::chrono::milliseconds(0))) {
    if (!connection.send(chunk)) {
      break;
    }
    ++sent_chunks;
  }
  EXPECT_LT(sent_chunks, 64);
  // The response was queued before the server's reset, and Linux delivers
  // queued bytes before reporting the reset.
  const auto reply = connection.read_response(kResponseTimeout);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 400);
  EXPECT_TRUE(follows_contract(*reply));
  EXPECT_TRUE(connection.wait_closed(kResponseTimeout));
  expect_still_serving();
}

TEST_F(MalformedHeadTest, GarbageRequestLinesAreRejected) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"HELLO\r\n\r\n", "a bare word"},
      {"GET\r\n\r\n", "a method alone"},
      {"GET /healthz HTTP/9.9\r\n\r\n", "an unknown HTTP version"},
      {"GET /healthz HTTP/1.1 extra\r\n\r\n", "a fourth request-line field"},
      {"GET  /healthz HTTP/1.1\r\n\r\n", "two spaces after the method"},
      {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + "\r\n\r\n",
       "a TLS ClientHello"},
      {std::string("G\x00T /healthz HTTP/1.1\r\n\r\n", 25), "a NUL in the method"},
      {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "the HTTP/2 connection preface"},
      {"GET /healthz http/1.1\r\n\r\n", "a lower-case protocol name"},
      {"GET /healthz HTTP/1.1\n\n", "bare line feeds"},
      {"GET /healthz\r\n\r\n", "an HTTP/0.9 request line"},
      {"GET /hea\x01lthz HTTP/1.1\r\n\r\n", "a control character in the target"},
  };
  for (const auto& [bytes, label] : cases) {
    expect_rejected_and_closed(bytes, label);
  }
  expect_still_serving();
}

TEST_F(MalformedHeadTest, RawNonAsciiTargetIsInvalidRequest) {
  // Beast frames this request, so the response is a 400 on a connection that
  // stays usable.
  RawConnection connection = connect();
  connection.send("GET /healthz?x=\xff\xfe HTTP/1.1\r\n\r\n" + get_request("/healthz"));
  const auto reply = connection.read_response(kResponseTimeout);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 400);
  EXPECT_EQ(error_code_of(*reply), "invalid_request");
  EXPECT_TRUE(follows_contract(*reply));
  const auto next = connection.read_response(kResponseTimeout);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, 200);
}

TEST_F(MalformedHeadTest, BrokenHeaderLinesAreRejected) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"No-Colon-Here\r\n", "a line without a colon"},
      {"Bad Name: x\r\n", "a space in the name"},
      {": no name\r\n", "an empty name"},
      {std::string("X-Nul: a\0b\r\n", 11), "a NUL in the value"},
      {"X-Control: a\x01b\r\n", "a control character in the value"},
      {"Host : 127.0.0.1\r\n", "a space before the colon"},
  };
  for (const auto& [line, label] : cases) {
    expect_rejected_and_closed("GET /healthz HTTP/1.1\r\n" + line + "\r\n", label);
  }
  expect_still_serving();
}

TEST_F(MalformedHeadTest, ObsoleteLineFoldingIsUnfolded) {
  // RFC 9112 lets a server replace obs-fold with spaces instead of
  // rejecting it; Beast does, so the folded key still authenticates.
  const RawResponse reply =
      exchange(get_request(kDataPath, "X-Folded: a\r\n b\r\n" + key_header()));
  EXPECT_EQ(reply.status, 200);
  EXPECT_TRUE(follows_contract(reply));
}

TEST_F(MalformedHeadTest, TrickledHeadersAreStillLimited) {
  // Complete header lines sent a kilobyte at a time: a parser that checked
  // the limit per read only would store them without end.
  RawConnection connection = connect();
  connection.send("GET /healthz HTTP/1.1\r\n");
  std::size_t sent_bytes = 0;
  for (int piece = 0; piece < 256 && !connection.has_input(std::chrono::milliseconds(5)); ++piece) {
    std::string lines;
    for (int i = 0; i < 10; ++i) {
      lines += "X-Piece-" + std::to_string(piece * 10 + i) + ": " + std::string(80, 'v') + "\r\n";
    }
    if (!connection.send(lines)) {
      break;
    }
    sent_bytes += lines.size();
  }
  EXPECT_LT(sent_bytes, 16u * 1024);
  const auto reply = connection.read_response(kResponseTimeout);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 400);
  EXPECT_TRUE(follows_contract(*reply));
  EXPECT_TRUE(connection.wait_closed(kResponseTimeout));
}

TEST_F(MalformedHeadTest, ContradictoryLengthsAreRejectedAndClosed) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Content-Length: 3\r\nContent-Length: 5\r\n", "two different lengths"},
      {"Content-Length: -1\r\n", "a negative length"},
      {"Content-Length: 99999999999999999999999\r\n", "a length past 64 bits"},
      {"Content-Length: 1x\r\n", "a length with letters"},
      {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "a length and chunked"},
      {"Transfer-Encoding: gzip\r\n", "a transfer coding other than chunked"},
      {"Transfer-Encoding: chunked, gzip\r\n", "chunked not the last coding"},
      {"Content-Length: 100000\r\n", "a body over the 64 KiB limit"},
  };
  for (const auto& [lines, label] : cases) {
    expect_rejected_and_closed(get_request(kDataPath, key_header() + lines), label);
  }
  expect_still_serving();
}

TEST_F(MalformedHeadTest, BodyOnGetKeepsFraming) {
  // The body is a whole request of its own: a server that lost track of
  // the framing would serve it as a second request.
  const std::string hidden = get_request("/api/v1/account/usage", key_header());
  const std::string with_length = get_request(
      kDataPath, key_header() + "Content-Length: " + std::to_string(hidden.size()) + "\r\n");
  const std::string chunked =
      get_request(kDataPath, key_header() + "Transfer-Encoding: chunked\r\n") + as_chunk(hidden) +
      "0\r\n\r\n";
  for (const std::string& request : {with_length + hidden, chunked}) {
    RawConnection connection = connect();
    connection.send(request);
    const auto reply = connection.read_response(kResponseTimeout);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->status, 400);
    EXPECT_EQ(error_code_of(*reply), "invalid_request");
    EXPECT_TRUE(follows_contract(*reply));
    EXPECT_FALSE(connection.has_input(std::chrono::milliseconds(300)));
    // The connection stays usable, and the next request is read from
    // where the body ended.
    connection.send(get_request("/healthz"));
    const auto next = connection.read_response(kResponseTimeout);
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->status, 200);
    EXPECT_TRUE(follows_contract(*next));
  }
}

TEST_F(MalformedHeadTest, UnknownLengthBodyClosesConnection) {
  // With a transfer coding other than chunked, the end of the body is
  // unknown. A server that read on would serve the hidden request.
  const std::string hidden = get_request("/api/v1/account/usage", key_header());
  RawConnection connection = connect();
  connection.send(get_request(kDataPath, key_header() + "Transfer-Encoding: gzip\r\n") + hidden);
  const auto reply = connection.read_response(kResponseTimeout);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 400);
  EXPECT_EQ(error_code_of(*reply), "invalid_request");
  EXPECT_TRUE(follows_contract(*reply));
  EXPECT_TRUE(connection.wait_closed(kResponseTimeout));
}

TEST_F(MalformedHeadTest, UnknownMethodsAreMethodNotAllowed) {
  for (const std::string method : {"BREW", "get", "PROPFIND", "TRACE"}) {
    const RawResponse reply =
        exchange(method + " " + std::string(kDataPath) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(reply.status, 405) << method;
    EXPECT_EQ(error_code_of(reply), "method_not_allowed") << method;
    EXPECT_TRUE(follows_contract(reply)) << method;
    EXPECT_EQ(reply.header("allow"), "GET") << method;
  }
}

TEST_F(MalformedHeadTest, OtherTargetFormsGetContractErrors) {
  const std::vector<std::string> requests = {
      "GET http://127.0.0.1" + std::string(kDataPath) + " HTTP/1.1\r\nHost: x\r\n\r\n",
      "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
      "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET api/v1/spotify/popular-by-country HTTP/1.1\r\nHost: x\r\n\r\n",
  };
  for (const std::string& request : requests) {
    const RawResponse reply = exchange(request);
    EXPECT_GE(reply.status, 400) << request;
    EXPECT_LT(reply.status, 500) << request;
    EXPECT_TRUE(follows_contract(reply)) << request;
  }
  expect_still_serving();
}

TEST_F(MalformedHeadTest, HostileHeaderValuesGetContractErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"x-api-key: \xff\xfe\xc0\xaf\r\n", "invalid_api_key"},
      {"x-api-key: " + key_ + "\xff\r\n", "invalid_api_key"},
      {"x-api-key: " + std::string(4000, 'k') + "\r\n", "invalid_api_key"},
      {"Authorization: Bearer\r\n", "missing_api_key"},
      {"Authorization: Basic " + key_ + "\r\n", "missing_api_key"},
  };
  for (const auto& [line, error] : cases) {
    const RawResponse reply = exchange(get_request(kDataPath, line));
    EXPECT_EQ(reply.status, 401) << line;
    EXPECT_EQ(error_code_of(reply), error) << line;
    EXPECT_TRUE(follows_contract(reply)) << line;
  }
}

TEST_F(MalformedHeadTest, HostileRequestIdIsReplaced) {
  for (const std::string id : {std::string(65, 'a'), std::string("a b"), std::string("\xff\xfe"),
                               std::string("x\"}],{\"y")}) {
    const RawResponse reply = exchange(get_request("/nowhere", "X-Request-Id: " + id + "\r\n"));
    EXPECT_EQ(reply.status, 404);
    EXPECT_TRUE(follows_contract(reply));
    EXPECT_NE(reply.header("x-request-id"), id);
  }
}

}  // namespace
}  // namespace countryhub::testing
