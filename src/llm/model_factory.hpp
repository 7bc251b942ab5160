#pragma once
// Language models from configuration: one URL per provider, in the order they are tried.
//   openai://[:KEY@]host[:port]/base/path?model=M      an OpenAI-compatible server over https
//   openai+http://host:port/v1?model=llama3.1           the same over plain http (Ollama, vLLM,
//                                                       llama.cpp on a private network)
//   gemini://:KEY1,KEY2@generativelanguage.googleapis.com/v1beta?model=gemini-2.0-flash
//                                                       Gemini with a key pool (keys_env may
//                                                       name a variable holding "k1,k2")
//   bedrock://eu-central-1?model=amazon.nova-pro-v1:0   Bedrock Converse, SigV4 with the AWS_*
//                                                       credentials (endpoint= for a VPC one)
// Parameters: model (required), name (audited provider name; default the scheme, e.g.
// "deepseek"), stream=true, timeout_s (120), retries (2), in_flight (4), context (8192 tokens),
// api_version (Azure OpenAI), key_env (read the key from this environment variable instead).
#include <memory>
#include <string>
#include <vector>

#include "llm/model_chain.hpp"

namespace minutes {

struct ConfiguredModels {
  std::shared_ptr<ModelChain> chain;  ///< null when no provider is configured
  int context_tokens = 8192;          ///< the smallest context of the chain's models
};

/// One link; BadInput naming what is wrong with the URL (the key never appears).
Result<ChainLink> OpenChainLink(const std::string& url, int* context_tokens = nullptr);
/// The chain of `urls` (empty: no chain).
Result<ConfiguredModels> OpenModels(const std::vector<std::string>& urls);

}  // namespace minutes
