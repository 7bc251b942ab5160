#include "api/jws.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <fstream>
#include <sstream>

#include "crypto/hmac.hpp"
#include "net/base64.hpp"

namespace minutes {
namespace {

using nlohmann::json;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using DecoderPtr =
    std::unique_ptr<OSSL_DECODER_CTX, Deleter<OSSL_DECODER_CTX, OSSL_DECODER_CTX_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// OpenSSL's reason for the last failure on this thread, and the queue emptied (a failed
// verification must not leave errors for the next OpenSSL call on the thread to find).
std::string OpenSslError() {
  unsigned long e = ERR_peek_last_error();
  char buf[256] = "unknown error";
  if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

std::shared_ptr<EVP_PKEY> Share(PkeyPtr key) {
  return std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
}

// An RSA key of the `selection` (EVP_PKEY_PUBLIC_KEY or EVP_PKEY_KEYPAIR) from a PEM file.
Result<PkeyPtr> ReadRsaPem(const std::string& path, int selection) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::BadInput("cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  std::string pem = text.str();
  EVP_PKEY* raw = nullptr;
  DecoderPtr decoder(
      OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", nullptr, "RSA", selection, nullptr, nullptr));
  if (!decoder) return Status::Internal("OpenSSL: " + OpenSslError());
  // An encrypted key is refused, never prompted for.
  OSSL_DECODER_CTX_set_passphrase(decoder.get(), Bytes(""), 0);
  const unsigned char* data = Bytes(pem);
  size_t left = pem.size();
  if (OSSL_DECODER_from_data(decoder.get(), &data, &left) != 1 || raw == nullptr) {
    ERR_clear_error();
    return Status::BadInput("'" + path + "' holds no unencrypted RSA " +
                            (selection == EVP_PKEY_KEYPAIR ? "private" : "public") +
                            " key in PEM form");
  }
  return PkeyPtr(raw);
}

struct Parts {
  std::string_view header, payload, signature;  // base64url, as sent
  std::string_view signing_input;               // header '.' payload
};

Result<Parts> Split(std::string_view token) {
  size_t first = token.find('.');
  size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return Status::Unauthenticated("not a JWS in compact form (three parts)");
  return Parts{token.substr(0, first), token.substr(first + 1, second - first - 1),
               token.substr(second + 1), token.substr(0, second)};
}

Result<json> DecodeObject(std::string_view part, const char* what) {
  auto text = Base64UrlDecode(part);
  if (!text.ok())
    return Status::Unauthenticated(std::string(what) + ": " + text.status().message());
  json j = json::parse(*text, nullptr, false);
  if (!j.is_object()) return Status::Unauthenticated(std::string(what) + " is not a JSON object");
  return j;
}

}  // namespace

JwsKey JwsKey::Hs256(std::string secret) {
  JwsKey k;
  k.secret_ = std::move(secret);
  return k;
}

Result<JwsKey> JwsKey::Rs256FromPemFiles(const std::string& private_key_file,
                                         const std::string& public_key_file) {
  auto priv = ReadRsaPem(private_key_file, EVP_PKEY_KEYPAIR);
  if (!priv.ok()) return priv.status();
  auto pub = ReadRsaPem(public_key_file, EVP_PKEY_PUBLIC_KEY);
  if (!pub.ok()) return pub.status();
  if (EVP_PKEY_eq(priv->get(), pub->get()) != 1) {
    ERR_clear_error();
    return Status::BadInput("the public key in '" + public_key_file +
                            "' is not the public half of the private key in '" + private_key_file +
                            "'");
  }
  JwsKey k;
  k.rsa_ = true;
  k.key_ = Share(std::move(*priv));
  return k;
}

Result<JwsKey> JwsKey::Rs256FromPublicPemFile(const std::string& public_key_file) {
  auto pub = ReadRsaPem(public_key_file, EVP_PKEY_PUBLIC_KEY);
  if (!pub.ok()) return pub.status();
  JwsKey k;
  k.rsa_ = true;
  k.key_ = Share(std::move(*pub));
  return k;
}

Result<JwsKey> JwsKey::Rs256FromJwk(const json& jwk) {
  // Every member is checked for its type first: json::value() and get() throw for another
  // type, and JWKs come from outside.
  auto member = [&jwk](const char* name) -> const json* {
    auto it = jwk.find(name);
    return it != jwk.end() && it->is_string() ? &*it : nullptr;
  };
  if (!jwk.is_object() || !member("kty") || *member("kty") != "RSA" || !member("n") || !member("e"))
    return Status::BadInput("not an RSA key with n and e");
  auto n = Base64UrlDecode(member("n")->get<std::string>());
  auto e = Base64UrlDecode(member("e")->get<std::string>());
  if (!n.ok() || !e.ok() || n->empty() || e->empty())
    return Status::BadInput("n and e must be base64url big-endian integers");
  // A short modulus can be factored: such a key would let anyone sign (NIST: at least 2048).
  if (n->size() < 256) return Status::BadInput("the RSA modulus is shorter than 2048 bits");
  BnPtr bn(BN_bin2bn(Bytes(*n), static_cast<int>(n->size()), nullptr));
  BnPtr be(BN_bin2bn(Bytes(*e), static_cast<int>(e->size()), nullptr));
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bn || !be || !bld ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()) != 1)
    return Status::Internal("OpenSSL: " + OpenSslError());
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return Status::BadInput("cannot build an RSA key from n and e");
  }
  JwsKey k;
  k.rsa_ = true;
  k.key_ = Share(PkeyPtr(raw));
  return k;
}

const char* JwsKey::alg() const { return rsa_ ? "RS256" : "HS256"; }

Result<std::string> JwsKey::Sign(const json& payload) const {
  const auto replace = json::error_handler_t::replace;  // never throw on bad UTF-8
  std::string input = Base64UrlEncode(json{{"alg", alg()}, {"typ", "JWT"}}.dump()) + "." +
                      Base64UrlEncode(payload.dump(-1, ' ', false, replace));
  std::string signature;
  if (!rsa_) {
    signature = HmacSha256(secret_, input);
  } else {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, Bytes(input), input.size()) != 1)
      return Status::Internal("cannot sign a token: " + OpenSslError());
    signature.resize(len);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len,
                       Bytes(input), input.size()) != 1)
      return Status::Internal("cannot sign a token: " + OpenSslError());
    signature.resize(len);
  }
  return input + "." + Base64UrlEncode(signature);
}

Result<JwsToken> JwsKey::Verify(std::string_view token) const {
  auto parts = Split(token);
  if (!parts.ok()) return parts.status();
  auto header = DecodeObject(parts->header, "the header");
  if (!header.ok()) return header.status();
  auto named = header->find("alg");
  if (named == header->end() || !named->is_string() || named->get<std::string>() != alg())
    return Status::Unauthenticated(std::string("the token is not ") + alg());
  auto signature = Base64UrlDecode(parts->signature);
  if (!signature.ok()) return Status::Unauthenticated("the signature is not base64url");
  bool good;
  if (!rsa_) {
    std::string mac = HmacSha256(secret_, parts->signing_input);
    good = signature->size() == mac.size() &&
           CRYPTO_memcmp(signature->data(), mac.data(), mac.size()) == 0;
  } else {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    good = ctx &&
           EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
           EVP_DigestVerify(ctx.get(), Bytes(*signature), signature->size(),
                            Bytes(parts->signing_input), parts->signing_input.size()) == 1;
    if (!good) ERR_clear_error();
  }
  if (!good) return Status::Unauthenticated("bad signature");
  auto payload = DecodeObject(parts->payload, "the payload");
  if (!payload.ok()) return payload.status();
  return JwsToken{std::move(*header), std::move(*payload)};
}

Result<json> PeekJwsHeader(std::string_view token) {
  auto parts = Split(token);
  if (!parts.ok()) return parts.status();
  return DecodeObject(parts->header, "the header");
}

}  // namespace minutes
