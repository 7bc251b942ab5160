// libFuzzer target for the edge's request framing: Boost.Beast's request parser configured as
// connection.cpp configures it (header limit, then the body: Content-Length or chunked), fed in
// pieces as a socket delivers them, then our request-target reading (ParseRequestTarget).
// Input: one byte for the piece size (0: all at once), then the bytes a client sent. Checked:
// nothing crashes; a read target's path starts with '/'; and a request that parses completely
// round-trips: serialized again and re-parsed, it has the same method, target, version, header
// fields and body.
// Build: scripts/fuzz.sh (clang++-14 -fsanitize=fuzzer,address,undefined, Beast headers,
// liburiparser),
// with -DBOOST_DISABLE_ASSERTS: Boost 1.74's parse_chunk_header asserts n >= 5 where 3 bytes
// ("0\r\n", then more later) are valid and handled (boostorg/beast#2861, fixed in 2024); the
// server is built with NDEBUG, where the assertion is not compiled.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "http/request_target.hpp"

namespace bhttp = boost::beast::http;

namespace {

using Parser = bhttp::request_parser<bhttp::string_body>;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "http_head_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

// Feeds `bytes` to `p` `piece` bytes at a time (all when 0), keeping what the parser did not take,
// as beast::http::read does with its buffer. False when the parser refused the input.
bool Feed(Parser& p, std::string_view bytes, size_t piece) {
  if (piece == 0) piece = bytes.size();
  std::string pending;
  size_t given = 0;
  while (!p.is_done()) {
    if (given < bytes.size()) {
      size_t n = std::min(piece, bytes.size() - given);
      pending.append(bytes.data() + given, n);
      given += n;
    } else if (pending.empty()) {
      if (!p.got_some()) return false;  // as beast::http::read: end_of_stream before a byte
      boost::beast::error_code ec;
      p.put_eof(ec);
      return !ec && p.is_done();
    }
    boost::beast::error_code ec;
    size_t used = p.put(boost::asio::buffer(pending), ec);
    if (ec == bhttp::error::need_more) {
      if (given == bytes.size()) {  // no more is coming
        if (!p.got_some()) return false;
        p.put_eof(ec);
        return !ec && p.is_done();
      }
      pending.erase(0, used);
      continue;
    }
    if (ec) return false;
    pending.erase(0, used);
  }
  return true;
}

void Configure(Parser& p) {
  p.header_limit(16 * 1024);  // the server's max_header_bytes
  p.body_limit(64 * 1024);    // the fuzz run's cap; the server streams larger bodies
  p.eager(true);
}

// The header fields in order, but for the framing ones.
std::string Fields(const bhttp::request<bhttp::string_body>& m) {
  std::string out;
  for (const auto& f : m)
    if (f.name() != bhttp::field::transfer_encoding && f.name() != bhttp::field::content_length)
      out += std::string(f.name_string()) + ": " + std::string(f.value()) + "\n";
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t piece = data[0];
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  Parser p;
  Configure(p);
  bool complete = Feed(p, bytes, piece);
  if (!p.is_header_done()) return 0;
  const auto& m = p.get();
  auto target =
      minutes::ParseRequestTarget(std::string_view(m.target().data(), m.target().size()), 8 * 1024);
  if (target.ok() && (target->path.empty() || target->path[0] != '/'))
    Fail("a target read without a leading '/'", std::string(m.target()));
  if (!target.ok() && target.status().kind() != minutes::ErrorKind::kBadInput &&
      target.status().kind() != minutes::ErrorKind::kTooLarge)
    Fail("target refused with an unexpected kind", target.status().message());
  if (!complete) return 0;

  // Serialized again with the framing the parser decided on (chunked, or the body's length), as
  // a proxy in front would forward it; the framing fields themselves are not compared (a request
  // may repeat them: "Transfer-Encoding: gzip" then "Transfer-Encoding: chunked").
  bhttp::request<bhttp::string_body> out{m.method(), m.target(), m.version()};
  if (m.method() == bhttp::verb::unknown) out.method_string(m.method_string());
  for (const auto& f : m)
    if (f.name() != bhttp::field::transfer_encoding && f.name() != bhttp::field::content_length)
      out.insert(f.name_string(), f.value());
  out.body() = m.body();
  if (p.chunked()) {
    out.chunked(true);
  } else if (!m.body().empty() || p.content_length()) {
    out.content_length(m.body().size());
  }
  std::ostringstream again;
  again << out;
  Parser q;
  Configure(q);
  q.body_limit(1024 * 1024);  // chunk framing may make the body's wire form longer
  if (!Feed(q, again.str(), 0)) Fail("a parsed request does not re-parse", again.str());
  const auto& n = q.get();
  if (n.method_string() != m.method_string() || n.target() != m.target() ||
      n.version() != m.version() || n.body() != m.body() || q.chunked() != p.chunked())
    Fail("parse -> serialize -> parse changed the request", again.str());
  if (Fields(n) != Fields(m)) Fail("header fields changed", again.str());
  return 0;
}
