#include "net/address_policy.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

#include "core/blocking.hpp"
#include "core/text.hpp"
#include "net/curl_api.hpp"

namespace minutes {
namespace {

constexpr uint64_t kTooBig = UINT64_MAX;

// One part of an IPv4 literal: decimal, 0x-hex or 0-led octal; nullopt when it is not a
// number, kTooBig past 32 bits.
std::optional<uint64_t> Ipv4Number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  unsigned base = 10;
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() >= 2 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  uint64_t v = 0;
  for (char ch : s) {
    unsigned d;
    if (ch >= '0' && ch <= '9')
      d = static_cast<unsigned>(ch - '0');
    else if (ch >= 'a' && ch <= 'f')
      d = static_cast<unsigned>(ch - 'a' + 10);
    else if (ch >= 'A' && ch <= 'F')
      d = static_cast<unsigned>(ch - 'A' + 10);
    else
      return std::nullopt;
    if (d >= base) return std::nullopt;
    if (v != kTooBig) v = v * base + d;
    if (v > 0xFFFFFFFFull) v = kTooBig;
  }
  return v;
}

std::string_view WithoutTrailingDot(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host;
}

std::optional<IpAddress> ParseIpv4(std::string_view host) {
  host = WithoutTrailingDot(host);
  if (host.empty()) return std::nullopt;
  std::vector<uint64_t> parts;
  for (size_t start = 0;;) {
    size_t dot = host.find('.', start);
    auto n = Ipv4Number(host.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (!n || parts.size() == 4) return std::nullopt;
    parts.push_back(*n);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  uint64_t value = 0;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] > 255) return std::nullopt;
    value |= parts[i] << (8 * (3 - i));
  }
  // The last part fills the bytes the others left: "127.1" is 127.0.0.1.
  const uint64_t last_max = (1ull << (8 * (5 - parts.size()))) - 1;
  if (parts.back() > last_max) return std::nullopt;
  return IpAddress::V4(static_cast<uint32_t>(value | parts.back()));
}

bool InV4(uint32_t v, uint32_t net, int bits) {
  return bits == 0 || (v >> (32 - bits)) == (net >> (32 - bits));
}

constexpr uint32_t Quad(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return a << 24 | b << 16 | c << 8 | d;
}

AddressClass ClassifyV4(uint32_t v) {
  for (uint32_t m : {Quad(169, 254, 169, 254),  // AWS, GCP, Azure, OCI, DigitalOcean…
                     Quad(169, 254, 170, 2),    // AWS ECS task metadata
                     Quad(169, 254, 170, 23),   // AWS EKS pod identity
                     Quad(100, 100, 100, 200),  // Alibaba Cloud
                     Quad(192, 0, 0, 192)})     // Oracle Cloud Classic
    if (v == m) return AddressClass::kMetadata;
  if (v == 0xFFFFFFFFu) return AddressClass::kBroadcast;
  struct Range {
    uint32_t net;
    int bits;
    AddressClass c;
  };
  static constexpr Range kRanges[] = {
      {Quad(0, 0, 0, 0), 8, AddressClass::kUnspecified},  // "this network"; 0.0.0.0 is local
      {Quad(10, 0, 0, 0), 8, AddressClass::kPrivate},
      {Quad(100, 64, 0, 0), 10, AddressClass::kShared},
      {Quad(127, 0, 0, 0), 8, AddressClass::kLoopback},
      {Quad(169, 254, 0, 0), 16, AddressClass::kLinkLocal},
      {Quad(172, 16, 0, 0), 12, AddressClass::kPrivate},
      {Quad(192, 0, 0, 0), 24, AddressClass::kReserved},    // IETF protocol assignments
      {Quad(192, 0, 2, 0), 24, AddressClass::kReserved},    // TEST-NET-1
      {Quad(192, 88, 99, 0), 24, AddressClass::kReserved},  // 6to4 relay anycast
      {Quad(192, 168, 0, 0), 16, AddressClass::kPrivate},
      {Quad(198, 18, 0, 0), 15, AddressClass::kReserved},    // benchmarking
      {Quad(198, 51, 100, 0), 24, AddressClass::kReserved},  // TEST-NET-2
      {Quad(203, 0, 113, 0), 24, AddressClass::kReserved},   // TEST-NET-3
      {Quad(224, 0, 0, 0), 4, AddressClass::kMulticast},
      {Quad(240, 0, 0, 0), 4, AddressClass::kReserved},
  };
  for (const Range& r : kRanges)
    if (InV4(v, r.net, r.bits)) return r.c;
  return AddressClass::kPublic;
}

// Whether the first `bits` bits of `b` equal those of `prefix`.
bool InV6(const std::array<uint8_t, 16>& b, std::initializer_list<uint8_t> prefix, int bits) {
  for (int i = 0; i < bits; i += 8) {
    int take = std::min(8, bits - i);
    uint8_t mask = static_cast<uint8_t>(0xFF << (8 - take));
    size_t at = static_cast<size_t>(i / 8);
    uint8_t want = at < prefix.size() ? prefix.begin()[at] : 0;
    if ((b[i / 8] & mask) != (want & mask)) return false;
  }
  return true;
}

uint32_t V4At(const std::array<uint8_t, 16>& b, size_t at) {
  return uint32_t{b[at]} << 24 | uint32_t{b[at + 1]} << 16 | uint32_t{b[at + 2]} << 8 |
         uint32_t{b[at + 3]};
}

Status Refused(const std::string& host, const IpAddress& ip, AddressClass c) {
  std::string what = ip.ToString();
  std::string shown = host == what ? what : host + " resolves to " + what + ", which";
  return Status::FailedPrecondition(shown + " is " + DescribeAddressClass(c) +
                                    "; only public addresses may be used");
}

}  // namespace

IpAddress IpAddress::V4(uint32_t v) {
  IpAddress ip;
  ip.bytes[10] = ip.bytes[11] = 0xFF;
  ip.bytes[12] = static_cast<uint8_t>(v >> 24);
  ip.bytes[13] = static_cast<uint8_t>(v >> 16);
  ip.bytes[14] = static_cast<uint8_t>(v >> 8);
  ip.bytes[15] = static_cast<uint8_t>(v);
  return ip;
}

std::optional<IpAddress> IpAddress::FromSockaddr(const sockaddr* sa) {
  if (sa == nullptr) return std::nullopt;
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    return V4(ntohl(in->sin_addr.s_addr));
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    IpAddress ip;
    std::memcpy(ip.bytes.data(), &in6->sin6_addr, 16);
    return ip;
  }
  return std::nullopt;
}

bool IpAddress::IsV4() const { return InV6(bytes, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, 96); }

uint32_t IpAddress::V4Value() const { return V4At(bytes, 12); }

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (IsV4()) {
    in_addr a{htonl(V4Value())};
    inet_ntop(AF_INET, &a, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

AddressClass ClassifyAddress(const IpAddress& ip) {
  const auto& b = ip.bytes;
  if (ip.IsV4()) return ClassifyV4(ip.V4Value());
  if (InV6(b, {0xfd, 0x00, 0x0e, 0xc2}, 32) && (V4At(b, 12) == 0x254 || V4At(b, 12) == 0x23) &&
      V4At(b, 4) == 0 && V4At(b, 8) == 0)
    return AddressClass::kMetadata;  // fd00:ec2::254 (AWS IMDS), fd00:ec2::23 (EKS)
  if (InV6(b, {}, 128)) return AddressClass::kUnspecified;
  if (InV6(b, {}, 127) && b[15] == 1) return AddressClass::kLoopback;
  if (InV6(b, {}, 96)) {  // IPv4-compatible ::a.b.c.d (deprecated)
    AddressClass c = ClassifyV4(V4At(b, 12));
    return c == AddressClass::kPublic ? AddressClass::kReserved : c;
  }
  if (InV6(b, {0x00, 0x64, 0xff, 0x9b}, 96)) return ClassifyV4(V4At(b, 12));  // NAT64
  if (InV6(b, {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48)) return AddressClass::kPrivate;
  if (InV6(b, {0x20, 0x02}, 16)) return ClassifyV4(V4At(b, 2));               // 6to4
  if (InV6(b, {0x20, 0x01, 0x00, 0x00}, 23)) return AddressClass::kReserved;  // Teredo, IETF
  if (InV6(b, {0x20, 0x01, 0x0d, 0xb8}, 32)) return AddressClass::kReserved;  // documentation
  if (InV6(b, {0x3f, 0xff}, 20)) return AddressClass::kReserved;              // documentation
  if (InV6(b, {0x01, 0x00}, 64)) return AddressClass::kReserved;              // discard-only
  if (InV6(b, {0xfc}, 7)) return AddressClass::kUniqueLocal;
  if (InV6(b, {0xfe, 0x80}, 10)) return AddressClass::kLinkLocal;
  if (InV6(b, {0xfe, 0xc0}, 10)) return AddressClass::kPrivate;  // site-local (deprecated)
  if (InV6(b, {0xff}, 8)) return AddressClass::kMulticast;
  if (!InV6(b, {0x20}, 3)) return AddressClass::kReserved;  // outside global unicast 2000::/3
  return AddressClass::kPublic;
}

const char* DescribeAddressClass(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic:
      return "a public address";
    case AddressClass::kLoopback:
      return "a loopback address";
    case AddressClass::kPrivate:
      return "a private address";
    case AddressClass::kShared:
      return "a carrier-grade NAT (shared) address";
    case AddressClass::kLinkLocal:
      return "a link-local address";
    case AddressClass::kUniqueLocal:
      return "a unique-local address";
    case AddressClass::kMulticast:
      return "a multicast address";
    case AddressClass::kUnspecified:
      return "an unspecified address";
    case AddressClass::kBroadcast:
      return "the broadcast address";
    case AddressClass::kReserved:
      return "a reserved address";
    case AddressClass::kMetadata:
      return "a cloud metadata address";
  }
  return "an unknown address";
}

bool AddressAllowed(AddressClass c, const DestinationPolicy& policy) {
  switch (c) {
    case AddressClass::kPublic:
      return true;
    case AddressClass::kLoopback:
    case AddressClass::kPrivate:
    case AddressClass::kShared:
    case AddressClass::kLinkLocal:
    case AddressClass::kUniqueLocal:
      return policy.allow_private_networks;
    default:
      return false;
  }
}

std::optional<IpAddress> ParseIpLiteral(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.find(':') != std::string_view::npos) {
    std::string text(host);
    IpAddress ip;
    if (inet_pton(AF_INET6, text.c_str(), ip.bytes.data()) != 1) return std::nullopt;
    return ip;
  }
  return ParseIpv4(host);
}

bool EndsInNumber(std::string_view host) {
  host = WithoutTrailingDot(host);
  if (host.empty() || host.find(':') != std::string_view::npos) return false;
  size_t dot = host.rfind('.');
  std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (!last.empty() &&
      std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return true;
  return Ipv4Number(last).has_value();  // "0x", "0x7f"
}

std::string RefusedName(std::string_view host, const DestinationPolicy& policy) {
  std::string name = AsciiLower(WithoutTrailingDot(host));
  for (const char* m : {"metadata.google.internal", "metadata.goog", "metadata", "instance-data",
                        "instance-data.ec2.internal", "metadata.azure.internal"})
    if (name == m) return std::string(host) + " is a cloud metadata service";
  if (!policy.allow_private_networks && (name == "localhost" || name.ends_with(".localhost")))
    return std::string(host) + " is a loopback name; only public addresses may be used";
  return "";
}

Result<std::vector<IpAddress>> ResolveAllowed(const std::string& host_in,
                                              const DestinationPolicy& policy) {
  std::string host = host_in;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) return Status::BadInput("the URL has no host");
  if (host.find('%') != std::string::npos)
    return Status::FailedPrecondition(host + ": IPv6 zone ids are not allowed");
  if (auto ip = ParseIpLiteral(host)) {
    AddressClass c = ClassifyAddress(*ip);
    if (!AddressAllowed(c, policy)) return Refused(host, *ip, c);
    return std::vector<IpAddress>{*ip};
  }
  if (EndsInNumber(host))
    return Status::FailedPrecondition(host + " is neither a host name nor a valid IPv4 address");
  if (std::string why = RefusedName(host, policy); !why.empty())
    return Status::FailedPrecondition(why);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = 0;
  RunBlocking([&] { rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); });
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(found, freeaddrinfo);
  if (rc == EAI_NONAME || rc == EAI_NODATA || rc == EAI_FAIL)
    return Status::FailedPrecondition(host + " does not resolve to an address");
  if (rc != 0) return Status::Unavailable("cannot resolve " + host + ": " + gai_strerror(rc));
  std::vector<IpAddress> out;
  // Every address must pass: a name that also points inside would otherwise be a way in.
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    auto ip = IpAddress::FromSockaddr(a->ai_addr);
    if (!ip) continue;
    AddressClass c = ClassifyAddress(*ip);
    if (!AddressAllowed(c, policy)) return Refused(host, *ip, c);
    if (std::find(out.begin(), out.end(), *ip) == out.end()) out.push_back(*ip);
  }
  if (out.empty()) return Status::FailedPrecondition(host + " does not resolve to an address");
  return out;
}

Result<CheckedUrl> CheckOutboundUrl(const std::string& url, const DestinationPolicy& policy) {
  if (auto curl = LoadCurl(); !curl.ok()) return curl.status();
  std::unique_ptr<CURLU, void (*)(CURLU*)> u(Curl().url(), Curl().url_cleanup);
  if (!u) return Status::Internal("out of memory");
  const Status bad = Status::BadInput("must be an absolute http:// or https:// URL with a host");
  if (Curl().url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return bad;
  auto part = [&](CURLUPart which, unsigned flags) -> std::optional<std::string> {
    char* text = nullptr;
    if (Curl().url_get(u.get(), which, &text, flags) != CURLUE_OK || text == nullptr)
      return std::nullopt;
    std::string out(text);
    Curl().free(text);
    return out;
  };
  CheckedUrl checked;
  checked.scheme = AsciiLower(part(CURLUPART_SCHEME, 0).value_or(""));
  if (checked.scheme != "http" && checked.scheme != "https") return bad;
  if (part(CURLUPART_USER, 0) || part(CURLUPART_PASSWORD, 0) || part(CURLUPART_OPTIONS, 0))
    return Status::FailedPrecondition(
        "must not contain user:password@ (credentials in a URL end up in logs; the receiver "
        "can check the signature instead)");
  if (part(CURLUPART_ZONEID, 0)) return Status::FailedPrecondition("IPv6 zone ids are not allowed");
  auto host = part(CURLUPART_HOST, CURLU_URLDECODE);
  if (!host || host->empty()) return bad;
  checked.host = *host;
  auto port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  checked.port = port ? std::atoi(port->c_str()) : 0;
  if (checked.port <= 0 || checked.port > 65535) return bad;
  auto addresses = ResolveAllowed(checked.host, policy);
  if (!addresses.ok()) return addresses.status();
  checked.addresses = std::move(addresses).value();
  return checked;
}

}  // namespace minutes
