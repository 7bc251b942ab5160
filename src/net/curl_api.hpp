#pragma once
// libcurl's functions, loaded with dlopen on first outbound call. libcurl brings LDAP, Kerberos,
// SSH, RTMP and GnuTLS with it (~25 libraries, ~5 MB mapped and relocated at start together with
// libpq's); an API server that never calls out should not carry them.
#include <curl/curl.h>

#include "core/status.hpp"

namespace minutes {

// X(name) for every curl_<name> function the service calls. The members drop the `curl_` prefix:
// curl_easy_setopt and curl_easy_getinfo are also type-checking macros in <curl/curl.h>.
#define MINUTES_CURL_FUNCTIONS(X) \
  X(global_init)                  \
  X(easy_init)                    \
  X(easy_reset)                   \
  X(easy_cleanup)                 \
  X(easy_setopt)                  \
  X(easy_getinfo)                 \
  X(easy_perform)                 \
  X(easy_strerror)                \
  X(slist_append)                 \
  X(slist_free_all)               \
  X(url)                          \
  X(url_set)                      \
  X(url_get)                      \
  X(url_cleanup)                  \
  X(free)

/// Pointers to the libcurl functions above.
struct CurlApi {
#define MINUTES_CURL_POINTER(name) decltype(&::curl_##name) name = nullptr;
  MINUTES_CURL_FUNCTIONS(MINUTES_CURL_POINTER)
#undef MINUTES_CURL_POINTER
};

/// Loads libcurl and runs its global initialisation once per process (thread-safe); later calls
/// return the same table or error.
Result<const CurlApi*> LoadCurl();

/// The table LoadCurl returned; call only after LoadCurl has succeeded.
const CurlApi& Curl();

}  // namespace minutes
