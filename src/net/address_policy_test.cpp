// The outbound address policy against a table of addresses in every encoding: the ranges of
// the IANA special-purpose registries, and the bypasses OWASP's SSRF prevention cheat sheet
// names (hex, octal, dword, URL and mixed encodings; its private-prefix list).
#include "net/address_policy.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

struct Case {
  const char* host;
  const char* address;  // what it means, as inet_ntop writes it
  AddressClass cls;
};

const Case kCases[] = {
    // Loopback in every IPv4 encoding.
    {"127.0.0.1", "127.0.0.1", AddressClass::kLoopback},
    {"127.1", "127.0.0.1", AddressClass::kLoopback},
    {"127.0.1", "127.0.0.1", AddressClass::kLoopback},
    {"127.000.000.1", "127.0.0.1", AddressClass::kLoopback},
    {"2130706433", "127.0.0.1", AddressClass::kLoopback},        // dword
    {"017700000001", "127.0.0.1", AddressClass::kLoopback},      // octal dword
    {"0x7f000001", "127.0.0.1", AddressClass::kLoopback},        // hex dword
    {"0x7f.0x0.0x0.0x1", "127.0.0.1", AddressClass::kLoopback},  // hex
    {"0X7F.1", "127.0.0.1", AddressClass::kLoopback},
    {"0x7f.1", "127.0.0.1", AddressClass::kLoopback},
    {"0177.0.0.1", "127.0.0.1", AddressClass::kLoopback},  // octal
    {"0177.0.0.01", "127.0.0.1", AddressClass::kLoopback},
    {"0177.0.0.0x1", "127.0.0.1", AddressClass::kLoopback},  // mixed
    {"127.0.0.1.", "127.0.0.1", AddressClass::kLoopback},    // trailing dot
    {"127.255.255.254", "127.255.255.254", AddressClass::kLoopback},
    {"[::1]", "::1", AddressClass::kLoopback},
    {"0:0:0:0:0:0:0:1", "::1", AddressClass::kLoopback},
    {"[::ffff:127.0.0.1]", "127.0.0.1", AddressClass::kLoopback},  // IPv4-mapped
    {"[::ffff:7f00:1]", "127.0.0.1", AddressClass::kLoopback},
    {"[::127.0.0.1]", "::127.0.0.1", AddressClass::kLoopback},             // IPv4-compatible
    {"[64:ff9b::127.0.0.1]", "64:ff9b::7f00:1", AddressClass::kLoopback},  // NAT64
    {"[2002:7f00:1::]", "2002:7f00:1::", AddressClass::kLoopback},         // 6to4
    // Unspecified, broadcast.
    {"0.0.0.0", "0.0.0.0", AddressClass::kUnspecified},
    {"0", "0.0.0.0", AddressClass::kUnspecified},
    {"0.1.2.3", "0.1.2.3", AddressClass::kUnspecified},
    {"[::]", "::", AddressClass::kUnspecified},
    {"[::ffff:0.0.0.0]", "0.0.0.0", AddressClass::kUnspecified},
    {"255.255.255.255", "255.255.255.255", AddressClass::kBroadcast},
    {"0xffffffff", "255.255.255.255", AddressClass::kBroadcast},
    // RFC 1918 and CGNAT, also encoded.
    {"10.0.0.1", "10.0.0.1", AddressClass::kPrivate},
    {"167772161", "10.0.0.1", AddressClass::kPrivate},
    {"012.1", "10.0.0.1", AddressClass::kPrivate},
    {"172.16.0.1", "172.16.0.1", AddressClass::kPrivate},
    {"172.31.255.255", "172.31.255.255", AddressClass::kPrivate},
    {"192.168.0.1", "192.168.0.1", AddressClass::kPrivate},
    {"0300.0250.0.1", "192.168.0.1", AddressClass::kPrivate},
    {"0xc0a80001", "192.168.0.1", AddressClass::kPrivate},
    {"[::ffff:10.1.2.3]", "10.1.2.3", AddressClass::kPrivate},
    {"[64:ff9b::10.0.0.1]", "64:ff9b::a00:1", AddressClass::kPrivate},
    {"[2002:c0a8:1::1]", "2002:c0a8:1::1", AddressClass::kPrivate},
    {"[64:ff9b:1::1]", "64:ff9b:1::1", AddressClass::kPrivate},
    {"[fec0::1]", "fec0::1", AddressClass::kPrivate},
    {"100.64.0.1", "100.64.0.1", AddressClass::kShared},
    {"100.127.255.255", "100.127.255.255", AddressClass::kShared},
    // Link-local, unique-local, multicast.
    {"169.254.1.1", "169.254.1.1", AddressClass::kLinkLocal},
    {"[fe80::1]", "fe80::1", AddressClass::kLinkLocal},
    {"[febf::1]", "febf::1", AddressClass::kLinkLocal},
    {"[fc00::1]", "fc00::1", AddressClass::kUniqueLocal},
    {"[fd12:3456::1]", "fd12:3456::1", AddressClass::kUniqueLocal},
    {"224.0.0.1", "224.0.0.1", AddressClass::kMulticast},
    {"239.255.255.250", "239.255.255.250", AddressClass::kMulticast},
    {"[ff02::1]", "ff02::1", AddressClass::kMulticast},
    // Cloud metadata in its encodings.
    {"169.254.169.254", "169.254.169.254", AddressClass::kMetadata},
    {"2852039166", "169.254.169.254", AddressClass::kMetadata},
    {"0xa9fea9fe", "169.254.169.254", AddressClass::kMetadata},
    {"0251.0376.0251.0376", "169.254.169.254", AddressClass::kMetadata},
    {"169.254.43518", "169.254.169.254", AddressClass::kMetadata},
    {"[::ffff:169.254.169.254]", "169.254.169.254", AddressClass::kMetadata},
    {"[::ffff:a9fe:a9fe]", "169.254.169.254", AddressClass::kMetadata},
    {"[fd00:ec2::254]", "fd00:ec2::254", AddressClass::kMetadata},
    {"169.254.170.2", "169.254.170.2", AddressClass::kMetadata},
    {"100.100.100.200", "100.100.100.200", AddressClass::kMetadata},
    // Reserved: documentation, benchmarking, future use, IETF, outside 2000::/3.
    {"192.0.2.1", "192.0.2.1", AddressClass::kReserved},
    {"198.51.100.7", "198.51.100.7", AddressClass::kReserved},
    {"203.0.113.9", "203.0.113.9", AddressClass::kReserved},
    {"198.18.0.1", "198.18.0.1", AddressClass::kReserved},
    {"192.0.0.8", "192.0.0.8", AddressClass::kReserved},
    {"192.88.99.1", "192.88.99.1", AddressClass::kReserved},
    {"240.0.0.1", "240.0.0.1", AddressClass::kReserved},
    {"[2001:db8::1]", "2001:db8::1", AddressClass::kReserved},
    {"[2001::1]", "2001::1", AddressClass::kReserved},  // Teredo
    {"[100::1]", "100::1", AddressClass::kReserved},
    {"[::8.8.8.8]", "::8.8.8.8", AddressClass::kReserved},  // deprecated IPv4-compatible
    {"[4000::1]", "4000::1", AddressClass::kReserved},
    // Public.
    {"8.8.8.8", "8.8.8.8", AddressClass::kPublic},
    {"134744072", "8.8.8.8", AddressClass::kPublic},
    {"93.184.216.34", "93.184.216.34", AddressClass::kPublic},
    {"172.32.0.1", "172.32.0.1", AddressClass::kPublic},
    {"100.128.0.1", "100.128.0.1", AddressClass::kPublic},
    {"[::ffff:8.8.8.8]", "8.8.8.8", AddressClass::kPublic},
    {"[2606:4700:4700::1111]", "2606:4700:4700::1111", AddressClass::kPublic},
    {"[64:ff9b::8.8.8.8]", "64:ff9b::808:808", AddressClass::kPublic},
    {"[2002:808:808::1]", "2002:808:808::1", AddressClass::kPublic},
};

TEST(AddressPolicy, ClassifiesEveryEncoding) {
  for (const Case& c : kCases) {
    auto ip = ParseIpLiteral(c.host);
    ASSERT_TRUE(ip.has_value()) << c.host;
    EXPECT_EQ(ip->ToString(), c.address) << c.host;
    EXPECT_EQ(ClassifyAddress(*ip), c.cls) << c.host << " = " << ip->ToString();
  }
}

TEST(AddressPolicy, OwaspPrivatePrefixesAreAllRefused) {
  // The cheat sheet's list: 127., 0., 10., 172.16–31., 192.168., 169.254., fc, fd, fe, ::1.
  DestinationPolicy strict;
  for (const char* host :
       {"127.3.4.5", "0.0.0.1", "10.9.8.7", "172.16.0.9", "172.20.1.1", "172.31.0.1",
        "192.168.44.1", "169.254.0.1", "[fc01::2]", "[fd00::1]", "[fe80::abcd]", "[::1]"}) {
    auto ip = ParseIpLiteral(host);
    ASSERT_TRUE(ip) << host;
    EXPECT_FALSE(AddressAllowed(ClassifyAddress(*ip), strict)) << host;
  }
}

TEST(AddressPolicy, NamesAndInvalidNumbersAreNotLiterals) {
  for (const char* host :
       {"example.com", "localhost", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "127.0.0.1.nip.io",
        "0189.1.1.1", "1.2.16777216", "", ".", "[::1", "[fe80::1%25eth0]", "0x1g.1"})
    EXPECT_FALSE(ParseIpLiteral(host).has_value()) << host;
  EXPECT_TRUE(EndsInNumber("1.2.3.256"));
  EXPECT_TRUE(EndsInNumber("example.0x10"));
  EXPECT_TRUE(EndsInNumber("1.2.3.4.5."));
  EXPECT_FALSE(EndsInNumber("127.0.0.1.nip.io"));
  EXPECT_FALSE(EndsInNumber("example.com"));
  EXPECT_FALSE(EndsInNumber("0x1g"));
}

TEST(AddressPolicy, AllowPrivateNetworksOpensOnlyPrivateClasses) {
  DestinationPolicy strict, open{.allow_private_networks = true};
  for (AddressClass c : {AddressClass::kLoopback, AddressClass::kPrivate, AddressClass::kShared,
                         AddressClass::kLinkLocal, AddressClass::kUniqueLocal}) {
    EXPECT_FALSE(AddressAllowed(c, strict)) << DescribeAddressClass(c);
    EXPECT_TRUE(AddressAllowed(c, open)) << DescribeAddressClass(c);
  }
  for (AddressClass c :
       {AddressClass::kMetadata, AddressClass::kUnspecified, AddressClass::kMulticast,
        AddressClass::kBroadcast, AddressClass::kReserved}) {
    EXPECT_FALSE(AddressAllowed(c, strict)) << DescribeAddressClass(c);
    EXPECT_FALSE(AddressAllowed(c, open)) << DescribeAddressClass(c);
  }
  EXPECT_TRUE(AddressAllowed(AddressClass::kPublic, strict));
}

TEST(AddressPolicy, MetadataAndLoopbackNamesAreRefusedWithoutResolving) {
  DestinationPolicy strict, open{.allow_private_networks = true};
  for (const char* name : {"metadata.google.internal", "METADATA.google.internal.", "metadata.goog",
                           "instance-data"}) {
    EXPECT_NE(RefusedName(name, strict), "") << name;
    EXPECT_NE(RefusedName(name, open), "") << name;
  }
  EXPECT_NE(RefusedName("localhost", strict), "");
  EXPECT_NE(RefusedName("api.localhost", strict), "");
  EXPECT_EQ(RefusedName("localhost", open), "");
  EXPECT_EQ(RefusedName("hooks.example.com", strict), "");
}

TEST(AddressPolicy, OutboundUrlsAreReadAsLibcurlReadsThem) {
  DestinationPolicy strict;
  struct {
    const char* url;
    ErrorKind kind;
  } refused[] = {
      {"http://169.254.169.254/latest/meta-data/", ErrorKind::kFailedPrecondition},
      {"http://metadata.google.internal/computeMetadata/v1/", ErrorKind::kFailedPrecondition},
      {"http://10.0.0.1/hook", ErrorKind::kFailedPrecondition},
      {"http://0x7f.1/hook", ErrorKind::kFailedPrecondition},
      {"http://0177.0.0.1:8080/hook", ErrorKind::kFailedPrecondition},
      {"http://2130706433/hook", ErrorKind::kFailedPrecondition},
      {"https://127.1/hook", ErrorKind::kFailedPrecondition},
      {"http://[::ffff:169.254.169.254]/", ErrorKind::kFailedPrecondition},
      {"http://[::1]:9/", ErrorKind::kFailedPrecondition},
      {"http://[fe80::1%25eth0]/", ErrorKind::kFailedPrecondition},
      {"http://%31%32%37.0.0.1/", ErrorKind::kFailedPrecondition},  // URL-encoded
      {"http://localhost:8000/", ErrorKind::kFailedPrecondition},
      {"http://1.2.3.4.5/", ErrorKind::kFailedPrecondition},
      {"http://user:pw@8.8.8.8/", ErrorKind::kFailedPrecondition},
      {"http://user@8.8.8.8/", ErrorKind::kFailedPrecondition},
      {"ftp://8.8.8.8/", ErrorKind::kBadInput},
      {"file:///etc/passwd", ErrorKind::kBadInput},
      {"gopher://8.8.8.8/", ErrorKind::kBadInput},
      {"//8.8.8.8/x", ErrorKind::kBadInput},
      {"not a url", ErrorKind::kBadInput},
  };
  for (auto& r : refused) {
    auto checked = CheckOutboundUrl(r.url, strict);
    ASSERT_FALSE(checked.ok()) << r.url;
    EXPECT_EQ(checked.status().kind(), r.kind) << r.url << ": " << checked.status().message();
  }
  auto meta = CheckOutboundUrl("http://0xa9fea9fe/latest", strict);
  ASSERT_FALSE(meta.ok());
  EXPECT_NE(meta.status().message().find("169.254.169.254"), std::string::npos);
  EXPECT_NE(meta.status().message().find("metadata"), std::string::npos);
  auto creds = CheckOutboundUrl("https://bob:hunter2@8.8.8.8/", strict);
  EXPECT_EQ(creds.status().message().find("hunter2"), std::string::npos);

  auto ok = CheckOutboundUrl("https://8.8.8.8/hook?x=1", strict);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->scheme, "https");
  EXPECT_EQ(ok->port, 443);
  ASSERT_EQ(ok->addresses.size(), 1u);
  EXPECT_EQ(ok->addresses[0].ToString(), "8.8.8.8");

  DestinationPolicy open{.allow_private_networks = true};
  auto local = CheckOutboundUrl("http://127.0.0.1:8123/hook", open);
  ASSERT_TRUE(local.ok()) << local.status().message();
  EXPECT_EQ(local->port, 8123);
  EXPECT_FALSE(CheckOutboundUrl("http://169.254.169.254/", open).ok());
  EXPECT_FALSE(CheckOutboundUrl("http://0.0.0.0:8000/", open).ok());
}

}  // namespace
}  // namespace minutes
