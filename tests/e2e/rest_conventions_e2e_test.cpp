// What a generated client relies on, checked over the wire: every 201 names the new resource in
// Location (and GET on it answers), every 204 has neither a body nor a Content-Type.
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>

#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A response as it came off the socket: header names lower-cased, `body` every byte after the
// blank line (a 204 must have none, not even a chunked terminator).
struct RawReply {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
};

// One bodiless request on its own connection (Connection: close), read to the end. Unlike an
// HTTP client library, this does not skip whatever a server sends after a 204's headers.
RawReply RawCall(int port, const std::string& method, const std::string& path,
                 const std::string& bearer) {
  Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", static_cast<uint16_t>(port)));
  sock.setReceiveTimeout(Poco::Timespan(30, 0));
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                        "Authorization: Bearer " + bearer + "\r\nConnection: close\r\n\r\n";
  sock.sendBytes(request.data(), static_cast<int>(request.size()));
  std::string raw;
  char buf[4096];
  for (int n; (n = sock.receiveBytes(buf, sizeof buf)) > 0;) raw.append(buf, n);
  RawReply r;
  size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos || raw.size() < 12) return r;
  r.status = std::stoi(raw.substr(9, 3));  // "HTTP/1.1 204 …"
  r.body = raw.substr(end + 4);
  size_t line = raw.find("\r\n");
  while (line < end) {
    size_t next = raw.find("\r\n", line + 2);
    std::string h = raw.substr(line + 2, next - line - 2);
    if (size_t colon = h.find(':'); colon != std::string::npos)
      r.headers[Lower(h.substr(0, colon))] = h.substr(h.find_first_not_of(' ', colon + 1));
    line = next;
  }
  return r;
}

class RestConventions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Its webhook points at a closed port on loopback.
    setenv("MINUTES_WEBHOOKS_ALLOW_PRIVATE_NETWORKS", "true", 1);
    svc_ = new TestService("rest", {{"ada", "acme", true}});
    token_ = svc_->Token("ada");
  }
  static void TearDownTestSuite() {
    delete svc_;
    svc_ = nullptr;
  }
  int port() const { return svc_->port(); }

  struct Created {
    nlohmann::json body;   ///< of the 201
    std::string location;  ///< its Location header
    nlohmann::json shown;  ///< what GET on Location answered
  };

  // `method path body` answers 201 with a Location that GET answers with 200.
  Created ExpectCreated(const std::string& method, const std::string& path,
                        const std::string& body) {
    Created c;
    auto r = Call(port(), method, path, body, token_);
    EXPECT_EQ(r.status, 201) << method << " " << path << ": " << r.body;
    c.body = r.json();
    for (auto& [name, value] : r.headers)
      if (Lower(name) == "location") c.location = value;
    EXPECT_EQ(c.location.rfind("/api/v1/", 0), 0u) << method << " " << path << ": " << c.location;
    if (c.location.empty()) return c;
    auto got = Call(port(), "GET", c.location, "", token_);
    EXPECT_EQ(got.status, 200) << "GET " << c.location << ": " << got.body;
    c.shown = got.json();
    return c;
  }

  // A 204 with no body bytes and no Content-Type; afterwards GET `gone` answers 404.
  void ExpectNoContent(const std::string& path, const std::string& gone) {
    auto r = RawCall(port(), "DELETE", path, token_);
    EXPECT_EQ(r.status, 204) << "DELETE " << path;
    EXPECT_EQ(r.body, "") << "DELETE " << path;
    EXPECT_EQ(r.headers.count("content-type"), 0u)
        << "DELETE " << path << ": Content-Type " << r.headers["content-type"];
    EXPECT_EQ(r.headers.count("transfer-encoding"), 0u) << "DELETE " << path;
    EXPECT_TRUE(gone.empty() || Call(port(), "GET", gone, "", token_).status == 404) << gone;
  }

  static TestService* svc_;
  static std::string token_;
};

TestService* RestConventions::svc_ = nullptr;
std::string RestConventions::token_;

TEST_F(RestConventions, UploadsTemplatesHotwordsWebhooksUsers) {
  ASSERT_GT(port(), 0);
  auto upload = ExpectCreated("POST", "/api/v1/uploads",
                              R"({"filename":"a.wav","size":100,"content_type":"audio/wav"})");
  std::string upload_id = upload.body.value("id", "");
  EXPECT_EQ(upload.location, "/api/v1/uploads/" + upload_id);
  EXPECT_EQ(upload.shown["id"], upload_id);

  auto tmpl = ExpectCreated("PUT", "/api/v1/templates/team", R"({"body":"# {{title}}\n"})");
  EXPECT_EQ(tmpl.location, "/api/v1/templates/team");
  EXPECT_EQ(tmpl.shown["version"], 1);
  auto second =
      Call(port(), "PUT", "/api/v1/templates/team", R"({"body":"# {{title}}\nv2\n"})", token_);
  EXPECT_EQ(second.status, 200) << "the next version of a template: " << second.body;

  auto set =
      ExpectCreated("POST", "/api/v1/hotword-sets", R"({"name":"Product","words":["Kafka"]})");
  std::string set_id = set.body.value("id", "");
  EXPECT_EQ(set.location, "/api/v1/hotword-sets/" + set_id);
  EXPECT_EQ(set.shown["name"], "Product");

  auto hook = ExpectCreated("POST", "/api/v1/webhooks", R"({"url":"http://127.0.0.1:9/hook"})");
  std::string hook_id = hook.body.value("id", "");
  EXPECT_EQ(hook.location, "/api/v1/webhooks/" + hook_id);
  EXPECT_EQ(hook.shown["url"], "http://127.0.0.1:9/hook");
  EXPECT_TRUE(hook.body.contains("secret"));
  EXPECT_FALSE(hook.shown.contains("secret")) << "the secret is shown once, when created";

  auto user =
      ExpectCreated("POST", "/api/v1/users",
                    R"({"username":"bob","password":"correct-battery-43","role":"member"})");
  std::string user_id = user.body.value("id", "");
  EXPECT_EQ(user.location, "/api/v1/users/" + user_id);
  EXPECT_EQ(user.shown["username"], "bob");
  EXPECT_EQ(Call(port(), "GET", "/api/v1/users/nobody", "", token_).status, 404);

  ExpectNoContent("/api/v1/uploads/" + upload_id, "");
  EXPECT_EQ(Call(port(), "GET", "/api/v1/uploads/" + upload_id, "", token_).json()["state"],
            "aborted");
  ExpectNoContent("/api/v1/templates/team", "");
  EXPECT_EQ(Call(port(), "GET", "/api/v1/templates/team", "", token_).status, 404);
  ExpectNoContent("/api/v1/hotword-sets/" + set_id, "/api/v1/hotword-sets/" + set_id);
  ExpectNoContent("/api/v1/webhooks/" + hook_id, "/api/v1/webhooks/" + hook_id);
}

TEST_F(RestConventions, EditedMinutesVersionAndDeletedTask) {
  ASSERT_GT(port(), 0);
  std::ifstream in(TestData("standup") / "meeting.wav", std::ios::binary);
  std::string wav((std::istreambuf_iterator<char>(in)), {});
  auto task = Call(port(), "POST", "/api/v1/tasks", wav, token_, "audio/wav");
  ASSERT_EQ(task.status, 201) << task.body;
  std::string id = task.json()["id"];
  ASSERT_EQ(svc_->WaitDone(id, token_, 300)["state"], "succeeded");
  std::string base = "/api/v1/tasks/" + id;

  auto edited = ExpectCreated("PUT", base + "/minutes", R"({"title":"Standup, corrected"})");
  EXPECT_EQ(edited.body["version"], 2);
  EXPECT_EQ(edited.location, base + "/minutes?version=2");
  auto version = Call(port(), "GET", edited.location + "&format=json", "", token_);
  EXPECT_EQ(version.json()["version"], 2) << version.body;
  EXPECT_EQ(version.json()["title"], "Standup, corrected") << version.body;

  ExpectNoContent(base, base);  // a finished task is deleted
}

}  // namespace
}  // namespace minutes
