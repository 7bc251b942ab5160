#pragma once
// The request target of an HTTP request head, read into a path and query parameters: a pure
// function of the target's text, shared by the edge (connection.cpp) and http_head_fuzz. URLs,
// escapes and query strings are read by net/url (liburiparser).
#include <map>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace minutes {

struct RequestTarget {
  std::string path;                          ///< percent-decoded; always starts with '/'
  std::map<std::string, std::string> query;  ///< decoded; the last of a repeated name wins
};

/// Reads an origin-form ("/p?q", taken as sent, without a fragment) or absolute-form
/// ("http://h/p?q", parsed as a URL) target. TooLarge (the edge answers 414) when it is longer
/// than `max_bytes`; BadInput (400) for a malformed escape, a malformed absolute URL, or a target
/// that is neither ("*", "a/b", "http://host"). Never throws.
Result<RequestTarget> ParseRequestTarget(std::string_view target, size_t max_bytes);

}  // namespace minutes
