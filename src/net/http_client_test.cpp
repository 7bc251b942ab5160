// The providers' HTTP client against a real local HTTP server.
#include "net/http_client.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "fake_http_server.hpp"

namespace minutes {
namespace {

using testing::FakeHttpServer;
using testing::ReceivedRequest;
using namespace std::chrono_literals;

TEST(HttpClient, PostsJsonAndReadsTheReply) {
  FakeHttpServer server([](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
    res.setContentType("application/json");
    res.set("X-Request-Id", "abc");
    res.send() << R"({"echo":)" << r.body << "}";
  });
  HttpClient http;
  for (int i = 0; i < 3; ++i) {  // kept-alive connections are reused
    auto r = http.Send(HttpRequest::Post(
        server.Url("/v1/x?y=1"),
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer k"}}, R"({"n":1})"));
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"echo":{"n":1}})");
    EXPECT_EQ(r->headers["x-request-id"], "abc");
  }
  auto got = server.Received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].uri, "/v1/x?y=1");
  EXPECT_EQ(got[0].header("authorization"), "Bearer k");
  EXPECT_EQ(got[0].header("content-type"), "application/json");
}

// A long request (a piece of minutes at a speech provider) stops soon after its cancel flag is
// set, while the server is still thinking, instead of at its timeout.
TEST(HttpClient, ACanceledRequestStopsWhileTheServerIsStillThinking) {
  std::atomic<bool> release{false};
  FakeHttpServer server([&](const ReceivedRequest&, Poco::Net::HTTPServerResponse& res) {
    for (int i = 0; i < 100 && !release; ++i) std::this_thread::sleep_for(50ms);
    res.send() << "{}";
  });
  HttpClient http;
  std::atomic<bool> cancel{false};
  HttpRequest r = HttpRequest::Post(server.Url("/slow"), {}, "{}");
  r.timeout = 30s;
  r.cancel = &cancel;
  std::thread canceler([&] {
    std::this_thread::sleep_for(300ms);
    cancel = true;
  });
  auto t0 = std::chrono::steady_clock::now();
  auto got = http.Send(r);
  auto took = std::chrono::steady_clock::now() - t0;
  canceler.join();
  release = true;
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().kind(), ErrorKind::kUnavailable);
  EXPECT_NE(got.status().message().find("canceled"), std::string::npos) << got.status().message();
  EXPECT_LT(took, 2500ms) << "libcurl asks about once a second while it waits";
  // Without a cancel flag (or with one never set) the same exchange completes.
  cancel = false;
  auto whole = http.Send(r);
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  EXPECT_EQ(whole->status, 200);
}

TEST(HttpClient, ErrorRepliesAreResponsesWithTheirRetryAfter) {
  FakeHttpServer server([](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
    res.setStatus(Poco::Net::HTTPResponse::HTTP_TOO_MANY_REQUESTS);
    res.set("Retry-After", r.uri == "/date" ? "Wed, 21 Oct 2015 07:28:00 GMT" : "7");
    res.send() << R"({"error":{"message":"slow down"}})";
  });
  HttpClient http;
  auto r = http.Send(HttpRequest::Post(server.Url("/secs"), {}, "{}"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 429);
  EXPECT_NE(r->body.find("slow down"), std::string::npos);
  EXPECT_EQ(RetryAfterSeconds(*r), 7);
  auto past = http.Send(HttpRequest::Post(server.Url("/date"), {}, "{}"));
  ASSERT_TRUE(past.ok());
  EXPECT_EQ(RetryAfterSeconds(*past), 0) << "a date in the past: now";
  HttpResponse none;
  EXPECT_EQ(RetryAfterSeconds(none), -1);
}

TEST(HttpClient, StreamsServerSentEventsWhateverTheChunking) {
  FakeHttpServer server([](const ReceivedRequest&, Poco::Net::HTTPServerResponse& res) {
    res.setContentType("text/event-stream");
    res.setChunkedTransferEncoding(true);
    std::ostream& out = res.send();
    for (const char* piece : {"data: {\"a\"", ":1}\n\n: keep-alive\n\nevent: done\nda",
                              "ta: x\ndata: y\n\n", "data: [DONE]\n\n"}) {
      out << piece;
      out.flush();
      std::this_thread::sleep_for(20ms);
    }
  });
  HttpClient http;
  std::vector<std::pair<std::string, std::string>> events;
  SseParser sse([&](const std::string& e, const std::string& d) { events.push_back({e, d}); });
  HttpRequest req = HttpRequest::Post(server.Url("/stream"), {}, "{}");
  req.on_data = [&](std::string_view chunk) {
    sse.Feed(chunk);
    return Status::Ok();
  };
  auto r = http.Send(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0], std::make_pair(std::string("message"), std::string("{\"a\":1}")));
  EXPECT_EQ(events[1], std::make_pair(std::string("done"), std::string("x\ny")));
  EXPECT_EQ(events[2].second, "[DONE]");
  EXPECT_TRUE(r->body.empty()) << "a streamed body is not also collected";
}

TEST(HttpClient, ASlowServerTimesOutAndErrorsNeverShowTheQuery) {
  FakeHttpServer server([](const ReceivedRequest&, Poco::Net::HTTPServerResponse& res) {
    std::this_thread::sleep_for(1500ms);
    res.send() << "late";
  });
  HttpClient http;
  HttpRequest req =
      HttpRequest::Post(server.Url("/v1/slow?key=SECRET-KEY"), {{"x-api-key", "SECRET-KEY"}}, "{}");
  req.timeout = 300ms;
  auto r = http.Send(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kUnavailable);
  EXPECT_NE(r.status().message().find("within 300 ms"), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().find("SECRET"), std::string::npos) << r.status().message();
  int port = server.port();
  HttpRequest refused = HttpRequest::Post("http://127.0.0.1:1/x?key=SECRET-KEY", {}, "{}");
  auto down = http.Send(refused);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.status().kind(), ErrorKind::kUnavailable);
  EXPECT_NE(down.status().message().find("127.0.0.1:1/x"), std::string::npos);
  EXPECT_EQ(down.status().message().find("SECRET"), std::string::npos);
  (void)port;
}

TEST(HttpClient, UserGivenDestinationsOnLoopbackGetNothingUnlessPrivateNetworksAreAllowed) {
  FakeHttpServer server([](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
    if (r.uri == "/redirect") {
      res.redirect("/elsewhere");  // a 302 that must not be followed
      return;
    }
    res.send() << "got it";
  });
  HttpClient http;
  DestinationPolicy strict, open{.allow_private_networks = true};
  for (std::string host : {"127.0.0.1", "127.1", "0x7f.1", "2130706433", "localhost"}) {
    HttpRequest req = HttpRequest::Post(
        "http://" + host + ":" + std::to_string(server.port()) + "/hook", {}, "{}");
    req.destinations = &strict;
    auto r = http.Send(req);
    ASSERT_FALSE(r.ok()) << host;
    EXPECT_EQ(r.status().kind(), ErrorKind::kFailedPrecondition) << r.status().message();
    EXPECT_NE(r.status().message().find("loopback"), std::string::npos) << r.status().message();
  }
  EXPECT_TRUE(server.Received().empty()) << "a refused destination gets no connection";

  HttpRequest req = HttpRequest::Post(server.Url("/hook"), {}, "{}");
  req.destinations = &open;
  auto r = http.Send(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->body, "got it");
  req.url = server.Url("/redirect");
  auto redirected = http.Send(req);
  ASSERT_TRUE(redirected.ok()) << redirected.status().message();
  EXPECT_EQ(redirected->status, 302);
  ASSERT_EQ(server.Received().size(), 2u) << "the redirect was not followed";
  req.url = "http://169.254.169.254/latest/meta-data/";
  auto meta = http.Send(req);
  ASSERT_FALSE(meta.ok());
  EXPECT_EQ(meta.status().kind(), ErrorKind::kFailedPrecondition);
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// Downloads (objects, models) go to the caller's sink only when the reply is a success; an
// error page stays in memory for the message, bounded whatever its size.
TEST(HttpClient, ASinkGetsOnlyA2xxBodyAndAnErrorBodyIsKeptBounded) {
  const std::string object = RandomBytes(700 << 10, 1);
  FakeHttpServer server([&](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
    if (r.uri == "/moved") return res.redirect("/object");
    if (r.uri == "/object") {
      res.set("ETag", "\"v1\"");
      res.setContentLength64(static_cast<Poco::Int64>(object.size()));
      res.send().write(object.data(), static_cast<std::streamsize>(object.size()));
      return;
    }
    res.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
    res.send() << "<Error>" << std::string(3 << 20, 'e') << "</Error>";
  });
  HttpClient http;
  std::string sunk;
  std::vector<long> starts;
  std::vector<std::pair<int64_t, int64_t>> progress;
  HttpRequest req;
  req.method = "GET";
  req.url = server.Url("/moved");
  req.max_redirects = 2;
  req.on_data_start = [&](const HttpResponse& head) {
    starts.push_back(head.status);
    EXPECT_EQ(head.headers.at("etag"), "\"v1\"") << "the headers are there before the body";
    return Status::Ok();
  };
  req.on_data = [&](std::string_view piece) {
    sunk.append(piece);
    return Status::Ok();
  };
  req.on_progress = [&](int64_t done, int64_t total) { progress.emplace_back(done, total); };
  auto ok = http.Send(req);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->status, 200);
  EXPECT_TRUE(sunk == object) << "the redirect's own body is not part of the object";
  EXPECT_TRUE(ok->body.empty()) << "a sunk body is not also collected";
  EXPECT_EQ(ok->headers["etag"], "\"v1\"");
  EXPECT_EQ(starts, std::vector<long>{200});
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), std::make_pair(int64_t(object.size()), int64_t(object.size())));

  sunk.clear();
  req.url = server.Url("/missing");
  auto missing = http.Send(req);
  ASSERT_TRUE(missing.ok()) << missing.status().message();
  EXPECT_EQ(missing->status, 404);
  EXPECT_TRUE(sunk.empty()) << "an error page never reaches the sink";
  EXPECT_EQ(missing->body.size(), size_t{1} << 20) << "kept up to max_error_body";
  EXPECT_EQ(missing->body.rfind("<Error>eee", 0), 0u);
  req.on_data = nullptr;
  req.max_error_body = 100;
  auto collected = http.Send(req);
  ASSERT_TRUE(collected.ok());
  EXPECT_EQ(collected->body.size(), 100u) << "collected error bodies are bounded too";
}

// A sink that cannot take more (a full disk, a closed client) stops the download at once and
// its own error is the answer — not a transport error that would invite a retry.
TEST(HttpClient, AFailingSinkAbortsTheTransferWithItsOwnError) {
  const std::string big(32 << 20, 'b');
  FakeHttpServer server([&](const ReceivedRequest&, Poco::Net::HTTPServerResponse& res) {
    res.setContentLength64(static_cast<Poco::Int64>(big.size()));
    try {
      res.send().write(big.data(), static_cast<std::streamsize>(big.size())).flush();
    } catch (...) {  // the client hung up, as it should
    }
  });
  HttpClient http;
  int pieces = 0;
  HttpRequest req;
  req.method = "GET";
  req.url = server.Url("/big");
  req.on_data = [&](std::string_view) {
    ++pieces;
    return Status(ErrorKind::kInsufficientStorage, "the disk is full");
  };
  auto r = http.Send(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kInsufficientStorage);
  EXPECT_EQ(r.status().message(), "the disk is full");
  EXPECT_EQ(pieces, 1) << "nothing more is read after the sink failed";

  std::ostringstream broken;
  broken.setstate(std::ios::badbit);
  req.on_data = SinkTo(broken, "writing the copy failed");
  auto to_stream = http.Send(req);
  ASSERT_FALSE(to_stream.ok());
  EXPECT_EQ(to_stream.status().kind(), ErrorKind::kIo);
  EXPECT_EQ(to_stream.status().message(), "writing the copy failed");
}

// Uploads (S3 parts) are read from the caller's file or callback as they go out, and arrive
// byte for byte: with a known size as Content-Length, without one chunked.
TEST(HttpClient, ASourceFedUploadOfAFewMegabytesArrivesIntact) {
  FakeHttpServer server([](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
    res.send() << r.body.size();
  });
  const std::string content = RandomBytes(6 << 20, 2);
  const auto path = std::filesystem::temp_directory_path() /
                    ("minutes-http-upload-" + std::to_string(getpid()) + ".bin");
  std::ofstream(path, std::ios::binary) << content;
  HttpClient http;

  auto file = BodyFromFile(path.string(), 1000, 5 << 20);
  ASSERT_TRUE(file.ok()) << file.status().message();
  HttpRequest put;
  put.method = "PUT";
  put.url = server.Url("/part");
  put.body_source = *file;
  auto sent = http.Send(put);
  ASSERT_TRUE(sent.ok()) << sent.status().message();
  EXPECT_EQ(sent->body, std::to_string(5 << 20));

  size_t at = 0;
  HttpRequest post;
  post.method = "POST";
  post.url = server.Url("/stream");
  post.body_source.read = [&](char* buf, size_t max) -> Result<size_t> {
    size_t take = std::min({max, content.size() - at, size_t{7777}});  // odd pieces
    std::memcpy(buf, content.data() + at, take);
    at += take;
    return take;
  };
  auto streamed = http.Send(post);
  ASSERT_TRUE(streamed.ok()) << streamed.status().message();

  auto got = server.Received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].method, "PUT");
  EXPECT_EQ(got[0].header("content-length"), std::to_string(5 << 20));
  EXPECT_TRUE(got[0].body == content.substr(1000, 5 << 20)) << "the file range, byte for byte";
  EXPECT_EQ(got[1].header("transfer-encoding"), "chunked");
  EXPECT_TRUE(got[1].body == content) << "the callback's pieces, byte for byte";

  EXPECT_EQ(BodyFromFile(path.string(), 1000, 7 << 20).status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(BodyFromFile(path.string() + ".gone").status().kind(), ErrorKind::kNotFound);
  std::filesystem::remove(path);
}

TEST(HttpClient, AFailingSourceAbortsTheUploadWithItsOwnError) {
  FakeHttpServer server([](const ReceivedRequest&, Poco::Net::HTTPServerResponse& res) {
    res.send() << "should not have been complete";
  });
  HttpClient http;
  HttpRequest put;
  put.method = "PUT";
  put.url = server.Url("/part");
  int calls = 0;
  put.body_source.size = 1 << 20;
  put.body_source.read = [&](char* buf, size_t max) -> Result<size_t> {
    if (++calls > 1) return Status::Io("the upload's file went away");
    std::memset(buf, 'x', max);
    return max;
  };
  auto r = http.Send(put);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kIo);
  EXPECT_EQ(r.status().message(), "the upload's file went away");
}

// HEAD answers carry headers and no body: the exchange ends at the headers.
TEST(HttpClient, HeadRepliesGiveTheirHeaders) {
  FakeHttpServer server([](const ReceivedRequest&, Poco::Net::HTTPServerResponse& res) {
    res.setContentLength64(12345);
    res.set("X-Amz-Meta-Sha256", "abc");
    res.send();
  });
  HttpClient http;
  HttpRequest head;
  head.method = "HEAD";
  head.url = server.Url("/object");
  head.timeout = std::chrono::milliseconds(3000);
  auto r = http.Send(head);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers["content-length"], "12345");
  EXPECT_EQ(r->headers["x-amz-meta-sha256"], "abc");
  EXPECT_TRUE(r->body.empty());
}

TEST(HttpClient, UrlsForMessagesHaveNoUserInfoAndNoQuery) {
  EXPECT_EQ(UrlForMessages("https://bob:hunter2@hooks.example.com:8443/in?token=x#f"),
            "https://****@hooks.example.com:8443/in");
  EXPECT_EQ(UrlForMessages("http://a:b@c@host/p"), "http://****@host/p");
  EXPECT_EQ(UrlForMessages("http://host/p@q"), "http://host/p@q");
  EXPECT_EQ(UrlForMessages("http://user@host"), "http://****@host");
  EXPECT_EQ(UrlForMessages("http://host:1/x"), "http://host:1/x");
}

}  // namespace
}  // namespace minutes
