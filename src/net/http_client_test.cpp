// The providers' HTTP client against a real local HTTP server.
#include "net/http_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
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
    return true;
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

TEST(HttpClient, UrlsForMessagesHaveNoUserInfoAndNoQuery) {
  EXPECT_EQ(UrlForMessages("https://bob:hunter2@hooks.example.com:8443/in?token=x#f"),
            "https://hooks.example.com:8443/in");
  EXPECT_EQ(UrlForMessages("http://a:b@c@host/p"), "http://host/p");
  EXPECT_EQ(UrlForMessages("http://host/p@q"), "http://host/p@q");
  EXPECT_EQ(UrlForMessages("http://user@host"), "http://host");
  EXPECT_EQ(UrlForMessages("http://host:1/x"), "http://host:1/x");
}

}  // namespace
}  // namespace minutes
