#pragma once
// One client connection of the HttpServer: reads requests with Beast's parser under the
// timeouts, hands each to a handler fiber, feeds it the body and writes its response, or keeps
// an event stream. Every member is touched only on the connection's I/O thread, except while a
// handler fiber runs: then the fiber owns the exchange and asks the I/O thread for each read or
// write (suspended until it is done).
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "http/body_streams.hpp"
#include "http/server_impl.hpp"

namespace minutes {

class Fiber;
struct Exchange;

class Connection : public std::enable_shared_from_this<Connection>,
                   private BodySource,
                   private BodySink {
 public:
  /// `server` outlives the connection; `peer_counted`: it holds a per-address slot.
  Connection(HttpServer::Impl& server, boost::asio::ip::tcp::socket socket, std::string peer,
             bool trusted_peer);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// On the connection's I/O thread: starts reading the first request.
  void Start();
  /// On its I/O thread: graceful stop (idle: close; request in flight: close after it; event
  /// stream: end it).
  void Drain();
  /// On its I/O thread: close now.
  void Close();
  boost::asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  enum class State { kWaiting, kReadingBody, kHandling, kStreaming, kWriting, kEvents, kClosed };

  void ReadRequest(bool first);
  void ReadHeader();
  void OnHeader(boost::beast::error_code ec);
  void PrereadBody();
  void Dispatch();
  void RunHandler(const std::shared_ptr<Exchange>& ex);  // in the fiber
  void OnHandlerDone(const std::shared_ptr<Exchange>& ex);
  void OnDeadline();
  void DrainThenWrite(size_t drained);
  void WriteWhole(const Response& res);
  void OnWritten(boost::beast::error_code ec, bool keep);
  void FinishExchange(int status);
  void Reject(int status, const std::string& code, const std::string& message);
  void Linger();

  // Response streaming from the fiber (Response::stream).
  void StreamResponse(Exchange& ex);
  bool WriteStreamHeader(Exchange& ex);
  bool EndStream();
  bool WritePiece(const char* data, size_t n, bool more);
  void StartRead(char* dst, size_t n) override;
  std::ptrdiff_t CollectRead() override;
  void AbandonRead(std::shared_ptr<void> keep) override;
  void CompleteRead(std::ptrdiff_t result);  // on the I/O thread, when a read ends
  bool WriteBody(const char* data, size_t n) override;
  void StartBodyRead(char* dst, size_t n, size_t got);
  void FailBody(boost::beast::error_code ec);
  using BodyReadDone = std::function<void(boost::beast::error_code, size_t)>;
  void ReadSomeBody(char* dst, size_t n, BodyReadDone done);
  bool BodyDone() const;
  void ArmBodyIdle();
  void DisarmBodyIdle(boost::beast::error_code& ec);
  /// From the fiber: suspends it, runs `op` on the I/O thread; `op` must end by Resume().
  void Await(std::function<void()> op);
  void ResumeFiber();

  // Server-Sent Events (Response::events), on the I/O thread.
  void StartEvents();
  void QueueEvent(std::string text, bool last);
  void PumpEvents();
  void Heartbeat();

  std::unique_ptr<boost::beast::http::response<boost::beast::http::buffer_body>> StreamHeader(
      const Exchange& ex, bool chunked);

  HttpServer::Impl& server_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::buffer_body>> parser_;
  boost::asio::steady_timer timer_;
  std::string peer_;
  bool trusted_peer_;
  State state_ = State::kWaiting;
  bool waiting_idle_ = false;
  bool body_idle_fired_ = false;
  bool keep_alive_ = true;
  bool close_after_ = false;
  std::atomic<bool> deadline_fired_{false};
  std::unique_ptr<Response> deadline_res_;
  std::shared_ptr<Exchange> ex_;
  Fiber* fiber_ = nullptr;
  // A body read the fiber started (StartRead): the I/O thread does it and hands the result over.
  enum class ReadState { kIdle, kPending, kDone };
  std::mutex read_mu_;
  ReadState read_state_ = ReadState::kIdle;
  bool read_waiting_ = false;            // the fiber is suspended in CollectRead
  bool read_abandoned_ = false;          // nobody will collect it (the handler is done)
  std::shared_ptr<void> abandoned_buf_;  // what the abandoned read writes into
  std::function<void()> after_read_;     // the handler's end, waiting for the abandoned read
  std::ptrdiff_t read_result_ = 0;
  bool write_ok_ = false;
  // The response being written.
  std::unique_ptr<boost::beast::http::response<boost::beast::http::string_body>> whole_;
  std::unique_ptr<boost::beast::http::response<boost::beast::http::buffer_body>> streamed_;
  std::unique_ptr<boost::beast::http::response_serializer<boost::beast::http::buffer_body>>
      serializer_;
  int64_t streamed_bytes_ = 0;
  // Event stream.
  std::shared_ptr<void> subscription_;
  std::deque<std::string> events_;
  std::string event_writing_;
  size_t events_bytes_ = 0;
  bool events_busy_ = false, events_last_ = false;
  std::chrono::steady_clock::time_point last_event_write_ = std::chrono::steady_clock::now();
  // A body with a Content-Length is read past Beast's parser: how much of it is still to come.
  bool direct_ = false;
  uint64_t direct_left_ = 0;
};

}  // namespace minutes
