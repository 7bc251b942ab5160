// libFuzzer target for API Gateway events (`minutes lambda`): ParseGatewayEvent on arbitrary
// JSON. Checked: nothing throws, a refusal is BadInput, a read request has a method, a path
// starting with '/' and lower-case header names, and it round-trips: written back as a REST API
// (1.0) event with a base64 body and parsed again, it is the same request.
// Build: scripts/fuzz.sh (clang++-14 -fsanitize=fuzzer,address,undefined, liburiparser,
// OpenSSL's libcrypto for base64).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/gateway_event.hpp"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "gateway_event_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

std::string Base64(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t bits = 0;
  int have = 0;
  for (unsigned char c : in) {
    bits = (bits << 8) | c;
    have += 8;
    while (have >= 6) out.push_back(kAlphabet[(bits >> (have -= 6)) & 63]);
  }
  if (have > 0) out.push_back(kAlphabet[(bits << (6 - have)) & 63]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto event = nlohmann::json::parse(data, data + size, nullptr, false);
  if (event.is_discarded()) return 0;
  auto p = minutes::ParseGatewayEvent(event);
  if (!p.ok()) {
    if (p.status().kind() != minutes::ErrorKind::kBadInput)
      Fail("refused with an unexpected kind", p.status().message());
    return 0;
  }
  if (p->method.empty() || p->path.empty() || p->path[0] != '/') Fail("no method or path", "");
  for (const auto& [name, value] : p->headers)
    for (char c : name)
      if (c >= 'A' && c <= 'Z') Fail("a header name that is not lower-case", name);

  nlohmann::json back = {{"httpMethod", p->method},           {"path", p->path},
                         {"queryStringParameters", p->query}, {"headers", p->headers},
                         {"body", Base64(p->body)},           {"isBase64Encoded", true}};
  auto q = minutes::ParseGatewayEvent(back);
  if (!q.ok()) Fail("the request written back does not parse", q.status().message());
  if (q->method != p->method || q->path != p->path || q->query != p->query ||
      q->headers != p->headers || q->body != p->body)
    Fail("event -> request -> event -> request changed it", back.dump());
  return 0;
}
