#pragma once
// SigV4 verification for the local AWS services (Bedrock runtime, Transcribe): the signature
// is recomputed from what arrived (method, path, query, signed headers, SHA-256 of the body)
// with net/sigv4, whose signer is checked against AWS's published examples, the way AWS does.
#include <string>

#include "net/sigv4.hpp"
#include "received_request.hpp"

namespace minutes::testing {

/// "" when `r` carries a valid SigV4 signature for `service` in `region` made with `creds`, else
/// AWS's reason (the words AWS answers with).
std::string CheckSigV4(const ReceivedRequest& r, const AwsCredentials& creds_,
                       const std::string& region_, const std::string& service);

}  // namespace minutes::testing
