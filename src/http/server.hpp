#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "http/message.hpp"

namespace countryhub::http {

struct ServerConfig {
  boost::asio::ip::tcp::endpoint listen;
  int io_threads = 2;       // threads running sockets; sized to the cores
  int worker_threads = 16;  // threads running blocking handlers (store, upstream)
  std::size_t header_limit_bytes = 8 * 1024;
  std::size_t body_limit_bytes = 64 * 1024;
  // Maximum wait for one whole request, idle keep-alive time included, so a
  // client sending a byte a second cannot hold a connection for long.
  std::int64_t request_timeout_ms = 15000;
  std::int64_t write_timeout_ms = 15000;
  // Maximum time in-flight requests get to finish after SIGTERM.
  std::int64_t drain_timeout_ms = 30000;
  // Connections beyond this get 503 and are closed, which bounds descriptors.
  std::size_t max_connections = 4096;
};

// Runs a handler on the worker pool. It gets the parsed request and its
// context and returns the response; it may block.
using Handler = std::function<Response(const Request&, const RequestContext&)>;

// Runs first, on the connection's I/O thread, and must not block. It either
// takes the request, promising to call the Reply once, or returns false, and
// the Handler then runs on the worker pool.
using NonBlockingHandler =
    std::function<bool(const Request&, const RequestContext&, const Reply&)>;

// HTTP/1.1 server on Boost.Beast: keep-alive, header and body limits,
// timeouts, X-Request-Id on every response, and a graceful drain on stop().
class Server {
 public:
  Server(ServerConfig config, Handler handler, NonBlockingHandler non_blocking = {});
  ~Server();

  // Binds the listen address; fails with a message when it cannot.
  std::string bind();
  // The bound address (the real port when configured with port 0).
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // Serves until stop() drains; blocks the calling thread.
  void run();
  // Stops accepting, responds 503 to new requests on open connections,
  // closes idle connections and lets in-flight requests finish (up to the
  // drain timeout). Thread-safe; callable from a signal handler's completion.
  void stop();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace countryhub::http
