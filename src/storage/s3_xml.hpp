#pragma once
// The few facts read from S3's XML replies (error codes, upload ids, listings). Pure functions
// of the reply's text (pugixml, which never loads a DTD or an external entity), apart from the
// client so they can be fuzzed alone.
#include <map>
#include <string>
#include <vector>

namespace minutes {

/// The text of the first <tag> element in `xml` ("" when absent or not XML).
std::string XmlText(const std::string& xml, const std::string& tag);
/// Every <tag> element of `xml`: its child elements' names → texts, and "" → its whole text.
/// Empty when `xml` is not well-formed XML; never throws.
std::vector<std::map<std::string, std::string>> XmlRecords(const std::string& xml,
                                                           const std::string& tag);

}  // namespace minutes
