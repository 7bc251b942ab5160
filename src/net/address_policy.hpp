#pragma once
// Where user-given URLs (webhooks, and any later ones) may send requests: public addresses only,
// unless private networks are allowed on purpose. Pure functions, except ResolveAllowed and
// CheckOutboundUrl, which ask the system resolver.
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// An IP address in 16 bytes; IPv4 is held as IPv4-mapped IPv6 (::ffff:a.b.c.d).
struct IpAddress {
  std::array<uint8_t, 16> bytes{};

  static IpAddress V4(uint32_t host_order);
  /// From a sockaddr_in / sockaddr_in6; nullopt for other families.
  static std::optional<IpAddress> FromSockaddr(const sockaddr* sa);
  bool IsV4() const;             ///< an IPv4 address (mapped form)
  uint32_t V4Value() const;      ///< host order; meaningful when IsV4()
  std::string ToString() const;  ///< "127.0.0.1", "::1"
  bool operator==(const IpAddress&) const = default;
};

/// What an address is, for deciding whether it may be connected to.
enum class AddressClass {
  kPublic,       ///< globally reachable unicast
  kLoopback,     ///< 127/8, ::1
  kPrivate,      ///< RFC 1918, fec0::/10 site-local, 64:ff9b:1::/48 local NAT64
  kShared,       ///< 100.64/10 carrier-grade NAT
  kLinkLocal,    ///< 169.254/16, fe80::/10
  kUniqueLocal,  ///< fc00::/7
  kMulticast,    ///< 224/4, ff00::/8
  kUnspecified,  ///< 0/8, ::
  kBroadcast,    ///< 255.255.255.255
  kReserved,     ///< documentation, benchmarking, 240/4, IETF protocol assignments, not 2000::/3
  kMetadata,     ///< cloud instance metadata (169.254.169.254, fd00:ec2::254, …)
};

/// Classifies `ip`. IPv6 forms that carry an IPv4 address (IPv4-mapped ::ffff:0:0/96,
/// IPv4-compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are classed by that address;
/// an IPv4-compatible address of a public IPv4 address is kReserved (the form is deprecated).
AddressClass ClassifyAddress(const IpAddress& ip);

/// "a loopback address", "a private address", … for messages.
const char* DescribeAddressClass(AddressClass c);

/// Which destinations outbound requests for users may reach.
struct DestinationPolicy {
  /// Also loopback, private, shared (CGNAT), link-local and unique-local addresses, for
  /// self-hosted receivers. Metadata, unspecified, multicast, broadcast and reserved addresses
  /// stay refused.
  bool allow_private_networks = false;
};

/// Whether `c` may be connected to under `policy`.
bool AddressAllowed(AddressClass c, const DestinationPolicy& policy);

/// Parses a URL host as an IP address literal in every form resolvers and URL parsers accept:
/// IPv4 with one to four parts, each decimal, 0x-hex or 0-led octal ("2130706433", "0x7f.1",
/// "0177.0.0.1", "127.1"; a trailing dot is ignored); IPv6 with or without brackets, with an
/// embedded IPv4 tail. nullopt when `host` is not such a literal (a name, or an invalid number).
std::optional<IpAddress> ParseIpLiteral(std::string_view host);

/// Whether `host` must be an IPv4 address because its last label is a number ("1.2.3.999",
/// "x.0x10"): URL parsers then refuse or reinterpret it, so it is never a name.
bool EndsInNumber(std::string_view host);

/// Why a connection to the name `host` is refused before resolving it ("" when it is not):
/// metadata names (metadata.google.internal, metadata.goog, …) always; "localhost" and
/// "*.localhost" unless private networks are allowed.
std::string RefusedName(std::string_view host, const DestinationPolicy& policy);

/// Resolves `host` (a name or any literal) and checks every address it has: all of them, or
/// kFailedPrecondition naming the host and the first refused address with its class;
/// kFailedPrecondition when the name does not exist, kUnavailable when resolving failed for now.
Result<std::vector<IpAddress>> ResolveAllowed(const std::string& host,
                                              const DestinationPolicy& policy);

/// A URL that passed CheckOutboundUrl, with the addresses requests to it may connect to.
struct CheckedUrl {
  std::string scheme;  ///< "http" | "https"
  std::string host;    ///< as the URL parser reads it (IPv6 in brackets)
  int port = 0;        ///< explicit or the scheme's default
  std::vector<IpAddress> addresses;
};

/// Checks a user-given URL for outbound requests: an absolute http:// or https:// URL (kBadInput
/// otherwise) without user:password@ (credentials belong in headers or the webhook's secret),
/// whose host resolves only to addresses `policy` allows (kFailedPrecondition with the reason,
/// kUnavailable when resolving failed for now). The host is read by libcurl's own URL parser,
/// the one that will send the request.
Result<CheckedUrl> CheckOutboundUrl(const std::string& url, const DestinationPolicy& policy);

}  // namespace minutes
