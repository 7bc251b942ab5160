#include "storage/s3_xml.hpp"

#include <pugixml.hpp>

namespace minutes {
namespace {

// Every piece of text under `node`, in document order (the DOM's innerText). A walk without
// recursion: a deeply nested reply cannot exhaust the stack.
std::string InnerText(const pugi::xml_node& node) {
  std::string out;
  pugi::xml_node c = node.first_child();
  while (c) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
    if (c.first_child()) {
      c = c.first_child();
      continue;
    }
    while (c != node && !c.next_sibling()) c = c.parent();
    if (c == node) break;
    c = c.next_sibling();
  }
  return out;
}

}  // namespace

std::vector<std::map<std::string, std::string>> XmlRecords(const std::string& xml,
                                                           const std::string& tag) {
  std::vector<std::map<std::string, std::string>> out;
  if (xml.empty()) return out;
  pugi::xml_document doc;
  // Whitespace-only text is kept, as S3 sent it; no DTD is ever loaded.
  if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata))
    return out;  // not XML: no records
  // Every <tag> element in document order, nested ones included (the DOM's
  // getElementsByTagName).
  struct Collect : pugi::xml_tree_walker {
    const std::string* tag;
    std::vector<std::map<std::string, std::string>>* out;
    bool for_each(pugi::xml_node& node) override {
      if (node.type() != pugi::node_element || node.name() != *tag) return true;
      std::map<std::string, std::string> record;
      for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element) record[c.name()] = InnerText(c);
      record[""] = InnerText(node);
      out->push_back(std::move(record));
      return true;
    }
  } walker;
  walker.tag = &tag;
  walker.out = &out;
  doc.traverse(walker);
  return out;
}

std::string XmlText(const std::string& xml, const std::string& tag) {
  auto records = XmlRecords(xml, tag);
  return records.empty() ? "" : records[0][""];
}

}  // namespace minutes
