#include "http/server.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <variant>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>

#include "common/logging.hpp"
#include "common/request_id.hpp"
#include "common/time_format.hpp"
#include "http/envelope.hpp"

namespace countryhub::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using tcp = asio::ip::tcp;

class Session;

struct Server::State : std::enable_shared_from_this<Server::State> {
  ServerConfig config;
  Handler handler;
  NonBlockingHandler non_blocking;
  asio::io_context io;
  asio::thread_pool workers;
  tcp::acceptor acceptor;
  asio::steady_timer drain_timer;
  asio::steady_timer accept_pause;
  std::atomic<bool> is_draining{false};
  // Set once stop() has closed the acceptor. Only then may the last session
  // to end stop `io`, because stop work still queued in `io` would never run.
  std::atomic<bool> is_acceptor_closed{false};
  std::atomic<std::size_t> connection_count{0};
  std::mutex sessions_mutex;
  std::unordered_set<Session*> sessions;

  State(ServerConfig c, Handler h, NonBlockingHandler n)
      : config(std::move(c)),
        handler(std::move(h)),
        non_blocking(std::move(n)),
        io(config.io_threads),
        workers(static_cast<std::size_t>(config.worker_threads)),
        acceptor(asio::make_strand(io)),
        drain_timer(io),
        accept_pause(acceptor.get_executor()) {}

  void accept();
  void close_idle_sessions();
  void maybe_finish_drain();
};

namespace {

const auto& http_log() {
  static const auto log = common::logger("http");
  return log;
}

std::string request_id_of(const Request& request) {
  const auto given = request["X-Request-Id"];
  const std::string_view id{given.data(), given.size()};
  return common::is_sane_request_id(id) ? std::string(id) : common::new_request_id();
}

// Builds the 400 for a request that could not be parsed; the connection closes after it.
Response unparsable_response(const beast::error_code& ec, std::string_view request_id) {
  ApiFailure failure{ApiError::kInvalidRequest, "The request is not valid HTTP/1.1"};
  if (ec == beast_http::error::header_limit) {
    failure.message = "Request headers are larger than 8 KiB; send fewer or shorter headers";
  } else if (ec == beast_http::error::body_limit) {
    failure.message = "The request body is too large; this API takes no request body";
  }
  return json_response(400, error_body(failure, request_id), 11);
}

// Returns the response to a request that must not reach the handler, after
// which the connection closes: the server is draining, or the request names a
// transfer coding other than chunked last. The length of such a body cannot
// be known (RFC 9112, section 6.3), and Beast would read the body as the next
// request, so it must be refused with 400 and the connection closed.
std::optional<Response> closing_response(const Request& request, const RequestContext& context,
                                         bool is_draining) {
  if (is_draining) {
    return error_response(
        ApiFailure{ApiError::kUnavailable, "The server is shutting down; retry shortly"}, context,
        request.version());
  }
  if (request.find(beast_http::field::transfer_encoding) != request.end() && !request.chunked()) {
    return error_response(ApiFailure{ApiError::kInvalidRequest,
                                     "Transfer-Encoding must end with chunked; this API takes no "
                                     "request body"},
                          context, request.version());
  }
  return std::nullopt;
}

}  // namespace

// One client connection. Reads a request, runs the handler on the worker
// pool, writes the response, and repeats while keep-alive lasts. All socket
// work runs on the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Server::State> server)
      : stream_(std::move(socket)), server_(std::move(server)) {}

  ~Session() {
    {
      std::lock_guard lock(server_->sessions_mutex);
      server_->sessions.erase(this);
    }
    server_->connection_count.fetch_sub(1);
    server_->maybe_finish_drain();
  }

  void start() {
    {
      std::lock_guard lock(server_->sessions_mutex);
      server_->sessions.insert(this);
    }
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_request(); });
  }

  // Closes the connection when it waits for a request; a busy one closes
  // after its response because draining turns keep-alive off.
  void close_if_idle() {
    asio::post(stream_.get_executor(), [weak = weak_from_this()] {
      if (auto self = weak.lock(); self && !self->is_busy_) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        self->stream_.close();
      }
    });
  }

  // Answers 503 at once and closes, without reading a request.
  void reject_overload() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      const std::string request_id = common::new_request_id();
      Response response = json_response(
          503,
          error_body(ApiFailure{ApiError::kUnavailable,
                                "The server has too many open connections; retry shortly"},
                     request_id),
          11);
      response.keep_alive(false);
      self->write(std::move(response), request_id);
    });
  }

 private:
  void read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->config.header_limit_bytes));
    parser_->body_limit(server_->config.body_limit_bytes);
    stream_.expires_after(std::chrono::milliseconds(server_->config.request_timeout_ms));
    beast_http::async_read(stream_, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             self->on_read(ec);
                           });
  }

  void on_read(beast::error_code ec) {
    if (ec == beast_http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof || ec == asio::error::bad_descriptor) {
      return close();
    }
    if (ec) {
      const std::string request_id = common::new_request_id();
      http_log()->debug("request_unparsable request_id={} reason=\"{}\"", request_id,
                        ec.message());
      Response response = unparsable_response(ec, request_id);
      response.keep_alive(false);
      return write(std::move(response), request_id);
    }
    Request request = parser_->release();
    RequestContext context{request_id_of(request), common::now_epoch_ms()};
    if (auto response = closing_response(request, context, server_->is_draining.load())) {
      response->keep_alive(false);
      return write(std::move(*response), context.request_id);
    }
    is_busy_ = true;
    if (try_non_blocking(request, context)) {
      return;
    }
    asio::post(server_->workers, [self = shared_from_this(), request = std::move(request),
                                  context = std::move(context)]() mutable {
      Response response = self->run_handler(request, context);
      response.keep_alive(request.keep_alive() && !self->server_->is_draining.load());
      asio::post(self->stream_.get_executor(),
                 [self, response = std::move(response), id = std::move(context.request_id)]() mutable {
                   self->write(std::move(response), id);
                 });
    });
  }

  // Offers the request to the non-blocking handler; returns whether it took it.
  bool try_non_blocking(const Request& request, const RequestContext& context) {
    if (!server_->non_blocking) {
      return false;
    }
    const bool is_keep_alive = request.keep_alive();
    const unsigned version = request.version();
    Reply reply = [self = shared_from_this(), is_keep_alive, version,
                   id = context.request_id](std::function<Outgoing()> build) {
      asio::post(self->stream_.get_executor(), [self, is_keep_alive, version, id,
                                                build = std::move(build)] {
        Outgoing outgoing = self->run_safely(build, id, version);
        std::visit(
            [&](auto& response) {
              response.keep_alive(is_keep_alive && !self->server_->is_draining.load());
              self->write(std::move(response), id);
            },
            outgoing);
      });
    };
    try {
      return server_->non_blocking(request, context, reply);
    } catch (const std::exception& error) {
      // Nothing was sent: the worker pool's handler gets the request instead.
      http_log()->error("non_blocking_handler_threw request_id={} what=\"{}\"",
                        context.request_id, error.what());
    }
    return false;
  }

  Outgoing run_safely(const std::function<Outgoing()>& build, const std::string& request_id,
                      unsigned version) {
    try {
      return build();
    } catch (const std::exception& error) {
      http_log()->error("handler_threw request_id={} what=\"{}\"", request_id, error.what());
    }
    return error_response(
        ApiFailure{ApiError::kInternalError,
                   "Internal error; it was logged with this request id, please report it"},
        RequestContext{request_id, 0}, version);
  }

  Response run_handler(const Request& request, const RequestContext& context) {
    try {
      return server_->handler(request, context);
    } catch (const std::exception& error) {
      http_log()->error("handler_threw request_id={} what=\"{}\"", context.request_id,
                        error.what());
    }
    return error_response(
        ApiFailure{ApiError::kInternalError,
                   "Internal error; it was logged with this request id, please report it"},
        context, request.version());
  }

  template <class Message>
  void write(Message response, const std::string& request_id) {
    response.set("X-Request-Id", request_id);
    response.prepare_payload();
    is_keep_alive_ = response.keep_alive();
    Message& pending = response_.emplace<Message>(std::move(response));
    stream_.expires_after(std::chrono::milliseconds(server_->config.write_timeout_ms));
    beast_http::async_write(stream_, pending,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_write(ec);
                            });
  }

  void on_write(beast::error_code ec) {
    is_busy_ = false;
    const bool is_keep_alive = is_keep_alive_;
    response_.emplace<std::monostate>();
    if (ec || !is_keep_alive || server_->is_draining.load()) {
      return close();
    }
    read_request();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  std::shared_ptr<Server::State> server_;
  beast::flat_buffer buffer_;
  std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
  // The response being written; kept alive until the write completes.
  std::variant<std::monostate, Response, SplicedResponse> response_;
  bool is_keep_alive_ = false;
  bool is_busy_ = false;  // a handler or a write is running; touched on the strand only
};

void Server::State::accept() {
  acceptor.async_accept(
      asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
          return;
        }
        if (ec) {
          // Out of descriptors, most likely: pause so the loop does not spin,
          // and let closing connections free some.
          http_log()->warn("accept_failed reason=\"{}\"", ec.message());
          accept_pause.expires_after(std::chrono::milliseconds(50));
          accept_pause.async_wait([this](beast::error_code) { accept(); });
          return;
        }
        const std::size_t open_count = connection_count.fetch_add(1) + 1;
        auto session = std::make_shared<Session>(std::move(socket), shared_from_this());
        if (open_count > config.max_connections) {
          session->reject_overload();
        } else {
          session->start();
        }
        accept();
      });
}

void Server::State::close_idle_sessions() {
  std::vector<std::shared_ptr<Session>> open;
  {
    std::lock_guard lock(sessions_mutex);
    for (Session* session : sessions) {
      // A session being destroyed has no owner left; skip it.
      if (auto owner = session->weak_from_this().lock()) {
        open.push_back(std::move(owner));
      }
    }
  }
  for (const auto& session : open) {
    session->close_if_idle();
  }
}

void Server::State::maybe_finish_drain() {
  if (!is_acceptor_closed.load()) {
    return;
  }
  std::lock_guard lock(sessions_mutex);
  if (sessions.empty()) {
    io.stop();
  }
}

Server::Server(ServerConfig config, Handler handler, NonBlockingHandler non_blocking)
    : state_(std::make_shared<State>(std::move(config), std::move(handler),
                                     std::move(non_blocking))) {}

Server::~Server() { state_->workers.join(); }

std::string Server::bind() {
  beast::error_code ec;
  tcp::acceptor& acceptor = state_->acceptor;
  const tcp::endpoint& endpoint = state_->config.listen;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return fmt::format("cannot listen on {}:{}: {}", endpoint.address().to_string(),
                       endpoint.port(), ec.message());
  }
  return {};
}

tcp::endpoint Server::local_endpoint() const {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec);
}

void Server::run() {
  state_->accept();
  std::vector<std::thread> threads;
  for (int i = 1; i < state_->config.io_threads; ++i) {
    threads.emplace_back([this] { state_->io.run(); });
  }
  state_->io.run();
  for (std::thread& thread : threads) {
    thread.join();
  }
  state_->workers.join();
}

void Server::stop() {
  if (state_->is_draining.exchange(true)) {
    return;
  }
  std::shared_ptr<State> state = state_;
  asio::post(state->acceptor.get_executor(), [state] {
    beast::error_code ignored;
    state->acceptor.close(ignored);
    state->is_acceptor_closed = true;
    state->close_idle_sessions();
    state->drain_timer.expires_after(std::chrono::milliseconds(state->config.drain_timeout_ms));
    // The wait captures a weak pointer because a clean drain stops `io` with
    // this wait still queued inside it. A strong pointer from there would
    // keep State, and so `io` itself, alive forever (a leak at exit).
    state->drain_timer.async_wait([weak = std::weak_ptr<State>(state)](beast::error_code ec) {
      const auto alive = weak.lock();
      if (!ec && alive) {
        http_log()->warn("drain_timeout open_connections={}", alive->connection_count.load());
        alive->io.stop();
      }
    });
    state->maybe_finish_drain();
  });
}

}  // namespace countryhub::http
