// libFuzzer target for the S3 reply readers (XmlRecords, XmlText) on arbitrary bytes. Input: one
// byte choosing the element asked for, then the reply. Checked: nothing throws or crashes,
// XmlText is the first record's text, and each child element's text lies within its record's
// whole text (innerText concatenates the descendants' texts in order).
// Build: scripts/fuzz.sh (clang++-14 -fsanitize=fuzzer,address,undefined, pugixml).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "storage/s3_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const kTags[] = {"Contents", "Code",   "Message",
                                      "UploadId", "Key",    "NextContinuationToken",
                                      "Error",    "Upload", "IsTruncated"};
  if (size < 1) return 0;
  const std::string tag = kTags[data[0] % (sizeof kTags / sizeof kTags[0])];
  const std::string xml(reinterpret_cast<const char*>(data + 1), size - 1);
  auto records = minutes::XmlRecords(xml, tag);
  std::string text = minutes::XmlText(xml, tag);
  if (text != (records.empty() ? "" : records[0][""])) std::abort();
  for (auto& record : records) {
    if (!record.count("")) std::abort();
    const std::string& whole = record[""];
    for (const auto& [name, value] : record)
      if (!name.empty() && whole.find(value) == std::string::npos) std::abort();
  }
  return 0;
}
