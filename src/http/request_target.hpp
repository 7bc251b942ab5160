#pragma once
// The request target of an HTTP request head, read into a path and query parameters: a pure
// function of the target's text, shared by the edge (connection.cpp) and http_head_fuzz.
#include <map>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace minutes {

struct RequestTarget {
  std::string path;                          ///< percent-decoded; always starts with '/'
  std::map<std::string, std::string> query;  ///< decoded; the last of a repeated name wins
};

/// Reads an origin-form ("/p?q") or absolute-form ("http://h/p?q") target. TooLarge (the edge
/// answers 414) when it is longer than `max_bytes`; BadInput (400) when it is not a URI or its
/// path is not absolute.
Result<RequestTarget> ParseRequestTarget(std::string_view target, size_t max_bytes);

}  // namespace minutes
