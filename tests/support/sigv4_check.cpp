#include "sigv4_check.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <set>
#include <vector>

#include "crypto/sha256.hpp"

namespace minutes::testing {

std::string CheckSigV4(const ReceivedRequest& r, const AwsCredentials& creds_,
                       const std::string& region_, const std::string& service) {
  std::string auth = r.header("authorization");
  const std::string algo = "AWS4-HMAC-SHA256 ";
  if (auth.rfind(algo, 0) != 0) return "Missing Authentication Token";
  auto field = [&](const std::string& name) {
    auto at = auth.find(name + "=");
    if (at == std::string::npos) return std::string();
    auto end = auth.find(',', at);
    return auth.substr(at + name.size() + 1,
                       end == std::string::npos ? end : end - at - name.size() - 1);
  };
  std::string credential = field("Credential"), signed_headers = field("SignedHeaders"),
              signature = field("Signature");
  // AKID/20250101/us-east-1/bedrock/aws4_request
  std::vector<std::string> parts;
  for (size_t s = 0, e; s <= credential.size(); s = e + 1) {
    e = std::min(credential.find('/', s), credential.size());
    parts.push_back(credential.substr(s, e - s));
  }
  if (parts.size() != 5 || parts[4] != "aws4_request") return "malformed Credential";
  if (parts[0] != creds_.access_key)
    return "The security token included in the request is invalid.";
  if (parts[2] != region_) return "Credential should be scoped to a valid region.";
  if (parts[3] != service)
    return "Credential should be scoped to correct service: '" + service + "'.";
  std::string date = r.header("x-amz-date");
  if (date.size() != 16 || date.substr(0, 8) != parts[1])
    return "x-amz-date does not match the credential scope";
  std::tm tm{};
  strptime(date.c_str(), "%Y%m%dT%H%M%SZ", &tm);
  if (std::abs(std::difftime(timegm(&tm), std::time(nullptr))) > 15 * 60)
    return "Signature expired";
  std::string body_hash = Sha256Hex(r.body);
  if (!r.header("x-amz-content-sha256").empty() && r.header("x-amz-content-sha256") != body_hash)
    return "The provided 'x-amz-content-sha256' header does not match what was computed.";
  // Recompute from what arrived. The path is signed as received, encoded once more.
  std::string path = r.uri.substr(0, r.uri.find('?'));
  SigV4Request req{r.method, r.header("host"), path, {}, {}, body_hash};
  std::set<std::string> own = {"host", "x-amz-date", "x-amz-content-sha256",
                               "x-amz-security-token"};
  for (size_t s = 0, e; s <= signed_headers.size(); s = e + 1) {
    e = std::min(signed_headers.find(';', s), signed_headers.size());
    std::string h = signed_headers.substr(s, e - s);
    if (!own.count(h)) req.headers.push_back({h, r.header(h)});
  }
  SignedRequest expected = SignV4(req, creds_, {region_, service, date});
  std::string expected_auth;
  for (auto& [k, v] : expected.headers)
    if (k == "Authorization") expected_auth = v;
  if (expected.signature != signature ||
      expected_auth.find("SignedHeaders=" + signed_headers + ",") == std::string::npos)
    return "The request signature we calculated does not match the signature you provided. "
           "Check your AWS Secret Access Key and signing method.";
  return "";
}

}  // namespace minutes::testing
