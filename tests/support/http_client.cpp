#include "http_client.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include "contract_guard.hpp"

namespace minutes::testing {

Reply Call(int port, const std::string& method, const std::string& path, const std::string& body,
           const std::string& bearer, const std::string& type,
           const std::map<std::string, std::string>& extra, int timeout_s) {
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
  CheckReplyAgainstContract(port, method, path, r);
  return r;
}

}  // namespace minutes::testing
