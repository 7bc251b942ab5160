#pragma once
// libpq's functions, loaded with dlopen when a PostgreSQL database is first opened. libpq brings
// LDAP, Kerberos and GnuTLS with it (~25 libraries, ~5 MB mapped at start together with
// libcurl's); a service on SQLite never needs them.
#include <libpq-fe.h>

#include "core/status.hpp"

namespace minutes {

// X(function) for every libpq function the db room calls.
#define MINUTES_PQ_FUNCTIONS(X) \
  X(PQconnectdb)                \
  X(PQfinish)                   \
  X(PQstatus)                   \
  X(PQtransactionStatus)        \
  X(PQerrorMessage)             \
  X(PQsetNoticeProcessor)       \
  X(PQexec)                     \
  X(PQexecParams)               \
  X(PQprepare)                  \
  X(PQexecPrepared)             \
  X(PQresultStatus)             \
  X(PQresultErrorMessage)       \
  X(PQresultErrorField)         \
  X(PQntuples)                  \
  X(PQnfields)                  \
  X(PQftype)                    \
  X(PQgetisnull)                \
  X(PQgetvalue)                 \
  X(PQgetlength)                \
  X(PQclear)

/// Pointers to the libpq functions above.
struct PqApi {
#define MINUTES_PQ_POINTER(fn) decltype(&::fn) fn = nullptr;
  MINUTES_PQ_FUNCTIONS(MINUTES_PQ_POINTER)
#undef MINUTES_PQ_POINTER
};

/// Loads libpq once per process (thread-safe); later calls return the same table or error.
Result<const PqApi*> LoadPq();

/// The table LoadPq returned; call only after LoadPq has succeeded.
const PqApi& Pq();

}  // namespace minutes
