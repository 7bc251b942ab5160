#include "llm/model_factory.hpp"

#include <cstdlib>

#include "llm/bedrock_model.hpp"
#include "llm/gemini_model.hpp"
#include "llm/openai_chat_model.hpp"
#include "net/url.hpp"

namespace minutes {
namespace {

Result<int> Number(const std::string& url, const std::string& key, const std::string& v, int lo,
                   int hi) {
  try {
    size_t used = 0;
    int n = std::stoi(v, &used);
    if (used == v.size() && n >= lo && n <= hi) return n;
  } catch (const std::exception&) {
  }
  return Status::BadInput("llm.chain: " + key + " must be a whole number from " +
                          std::to_string(lo) + " to " + std::to_string(hi) + " in " + MaskUrl(url));
}

}  // namespace

Result<ChainLink> OpenChainLink(const std::string& url, int* context_tokens) {
  auto uri = ParseUrl(url);
  if (!uri.ok())
    return Status::BadInput("llm.chain: not a URL (" + uri.status().message() +
                            "): " + MaskUrl(url));
  std::string scheme = uri->scheme;
  bool gemini = scheme == "gemini" || scheme == "gemini+http";
  bool bedrock = scheme == "bedrock";
  if (scheme != "openai" && scheme != "openai+http" && !gemini && !bedrock)
    return Status::BadInput("llm.chain: unknown provider \"" + scheme + "\" in " + MaskUrl(url) +
                            " (openai://, openai+http://, gemini://, bedrock://)");
  std::string endpoint;
  OpenAiChatOptions o;
  o.provider = "openai";
  // openai://:KEY@host (or openai://KEY@host): the key is the password, or the whole user info.
  o.api_key = uri->user_info.find(':') == std::string::npos ? uri->User() : uri->Password();
  ChainLink link;
  int context = 8192;
  auto params = uri->Params();
  if (!params.ok())
    return Status::BadInput("llm.chain: " + params.status().message() + " in " + MaskUrl(url));
  for (const auto& [k, v] : *params) {
    if (k == "model") {
      o.model = v;
    } else if (k == "name") {
      o.provider = v;
    } else if (k == "stream") {
      o.stream = v == "true" || v == "1";
    } else if (k == "endpoint" && bedrock) {
      endpoint = v;
    } else if (k == "api_version") {
      o.azure_api_version = v;
    } else if (k == "key_env") {
      const char* env = std::getenv(v.c_str());
      if (env == nullptr || !*env)
        return Status::BadInput("llm.chain: key_env names " + v + ", which is not set");
      o.api_key = env;
    } else if (k == "timeout_s") {
      auto n = Number(url, k, v, 1, 3600);
      if (!n.ok()) return n.status();
      o.timeout = std::chrono::seconds(*n);
    } else if (k == "retries") {
      auto n = Number(url, k, v, 0, 10);
      if (!n.ok()) return n.status();
      link.max_retries = *n;
    } else if (k == "in_flight") {
      auto n = Number(url, k, v, 1, 1000);
      if (!n.ok()) return n.status();
      link.max_in_flight = *n;
    } else if (k == "context") {
      auto n = Number(url, k, v, 1024, 10'000'000);
      if (!n.ok()) return n.status();
      context = *n;
    } else {
      return Status::BadInput("llm.chain: unknown parameter \"" + k + "\" in " + MaskUrl(url));
    }
  }
  if (o.model.empty()) return Status::BadInput("llm.chain: no model= in " + MaskUrl(url));
  bool tls = scheme == "openai" || scheme == "gemini";
  o.base_url = std::string(tls ? "https" : "http") + "://" + uri->HostPort() + uri->path;
  if (context_tokens) *context_tokens = context;
  if (bedrock) {  // bedrock://REGION?model=…; credentials from the AWS_* environment
    auto env = [](const char* n) {
      const char* v = std::getenv(n);
      return std::string(v ? v : "");
    };
    BedrockOptions b;
    b.region = uri->host;
    b.model = o.model;
    b.timeout = o.timeout;
    b.endpoint = endpoint;
    b.credentials = {env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"),
                     env("AWS_SESSION_TOKEN")};
    if (b.region.empty()) return Status::BadInput("llm.chain: no region in " + MaskUrl(url));
    link.model = std::make_shared<BedrockModel>(b);
    return link;
  }
  if (gemini) {  // a key pool: keys separated by commas
    GeminiOptions g;
    g.base_url = o.base_url;
    g.model = o.model;
    g.timeout = o.timeout;
    for (size_t start = 0; start <= o.api_key.size();) {
      size_t comma = std::min(o.api_key.find(',', start), o.api_key.size());
      if (comma > start) g.keys.push_back(o.api_key.substr(start, comma - start));
      start = comma + 1;
    }
    if (g.keys.empty()) return Status::BadInput("llm.chain: no API key in " + MaskUrl(url));
    link.model = std::make_shared<GeminiModel>(g);
    return link;
  }
  if (context_tokens) *context_tokens = context;
  link.model = std::make_shared<OpenAiChatModel>(o);
  return link;
}

Result<ConfiguredModels> OpenModels(const std::vector<std::string>& urls) {
  ConfiguredModels out;
  if (urls.empty()) return out;
  std::vector<ChainLink> links;
  out.context_tokens = 1 << 30;
  for (const auto& url : urls) {
    int context = 0;
    auto link = OpenChainLink(url, &context);
    if (!link.ok()) return link.status();
    links.push_back(*link);
    out.context_tokens = std::min(out.context_tokens, context);
  }
  out.chain = std::make_shared<ModelChain>(std::move(links));
  return out;
}

}  // namespace minutes
