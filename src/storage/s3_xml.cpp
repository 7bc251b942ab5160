#include "storage/s3_xml.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/SAX/XMLReader.h>

namespace minutes {

std::vector<std::map<std::string, std::string>> XmlRecords(const std::string& xml,
                                                           const std::string& tag) {
  std::vector<std::map<std::string, std::string>> out;
  if (xml.empty()) return out;
  try {
    Poco::XML::DOMParser parser;
    // A reply is never trusted to name other documents.
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
    Poco::AutoPtr<Poco::XML::Document> doc = parser.parseString(xml);
    Poco::AutoPtr<Poco::XML::NodeList> nodes = doc->getElementsByTagName(tag);
    for (unsigned long i = 0; i < nodes->length(); ++i) {
      std::map<std::string, std::string> record;
      for (auto* c = nodes->item(i)->firstChild(); c; c = c->nextSibling())
        if (c->nodeType() == Poco::XML::Node::ELEMENT_NODE) record[c->nodeName()] = c->innerText();
      record[""] = nodes->item(i)->innerText();
      out.push_back(std::move(record));
    }
  } catch (const std::exception&) {  // not XML: no records
  }
  return out;
}

std::string XmlText(const std::string& xml, const std::string& tag) {
  auto records = XmlRecords(xml, tag);
  return records.empty() ? "" : records[0][""];
}

}  // namespace minutes
