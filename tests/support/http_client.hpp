#pragma once
// A small HTTP client for black-box tests against `minutes serve`.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace minutes::testing {

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

/// One request; `bearer` becomes "Authorization: Bearer …" when not empty.
inline Reply Call(int port, const std::string& method, const std::string& path,
                  const std::string& body = "", const std::string& bearer = "",
                  const std::string& type = "application/json",
                  const std::map<std::string, std::string>& extra = {}, int timeout_s = 60) {
  Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
  s.setTimeout(Poco::Timespan(timeout_s, 0));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!bearer.empty()) req.set("Authorization", "Bearer " + bearer);
  for (auto& [k, v] : extra) req.set(k, v);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    req.setContentType(type);
  }
  s.sendRequest(req) << body;
  Poco::Net::HTTPResponse res;
  std::istream& in = s.receiveResponse(res);
  Reply r{res.getStatus(), std::string((std::istreambuf_iterator<char>(in)), {}), {}};
  for (auto& [k, v] : res) r.headers[k] = v;
  return r;
}

}  // namespace minutes::testing
