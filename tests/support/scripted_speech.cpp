#include "scripted_speech.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace minutes::testing {

std::vector<ScriptWord> ScriptWords(const std::vector<ScriptLine>& script, double seconds) {
  std::vector<ScriptWord> out;
  for (const auto& l : script) {
    if (l.end > seconds) continue;
    std::istringstream in(l.text);
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    double step = words.empty() ? 0 : (l.end - l.start) / static_cast<double>(words.size());
    for (size_t i = 0; i < words.size(); ++i)
      out.push_back({l.speaker, words[i], l.start + step * static_cast<double>(i),
                     l.start + step * static_cast<double>(i + 1) - 0.01});
  }
  return out;
}

std::vector<ScriptLine> ScriptFromReference(const std::string& reference_json,
                                            const std::string& prefix) {
  std::ifstream in(reference_json);
  auto j = nlohmann::json::parse(in);
  std::map<std::string, std::string> labels;
  std::vector<ScriptLine> out;
  for (auto& u : j["utterances"]) {
    std::string who = u["speaker"];
    auto it = labels.emplace(who, prefix + std::to_string(labels.size())).first;
    out.push_back({it->second, u["start"], u["end"], u["text"]});
  }
  return out;
}

std::string CheckWav(const std::string& wav, int rate, double* seconds) {
  if (wav.size() < 44 || wav.compare(0, 4, "RIFF") != 0 || wav.compare(8, 4, "WAVE") != 0)
    return "the media is not a WAV file";
  uint16_t format, channels, bits;
  uint32_t sample_rate, data;
  std::memcpy(&format, wav.data() + 20, 2);
  std::memcpy(&channels, wav.data() + 22, 2);
  std::memcpy(&sample_rate, wav.data() + 24, 4);
  std::memcpy(&bits, wav.data() + 34, 2);
  std::memcpy(&data, wav.data() + 40, 4);
  if (format != 1 || bits != 16) return "the WAV is not 16-bit PCM";
  if (static_cast<int>(sample_rate) != rate)
    return "the sample rate is " + std::to_string(sample_rate) + ", not " + std::to_string(rate);
  if (data != wav.size() - 44) return "the WAV's data size does not match the file";
  *seconds = data / 2.0 / channels / sample_rate;
  return "";
}

std::string HttpGet(const std::string& url, int* status) {
  Poco::URI uri(url);
  Poco::Net::HTTPClientSession s(uri.getHost(), uri.getPort());
  s.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest req("GET", uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
  s.sendRequest(req);
  Poco::Net::HTTPResponse res;
  std::istream& in = s.receiveResponse(res);
  std::string body((std::istreambuf_iterator<char>(in)), {});
  *status = res.getStatus();
  return *status == 200 ? body : "";
}

}  // namespace minutes::testing
