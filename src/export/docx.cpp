#include "export/docx.hpp"

#include <cstdio>

#include "core/text.hpp"
#include "export/zip_writer.hpp"

namespace minutes {
namespace {

std::string Xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        // XML 1.0 has no place for other control characters.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') out += c;
    }
  }
  return out;
}

std::string Run(const std::string& text, bool bold = false) {
  return std::string("<w:r>") + (bold ? "<w:rPr><w:b/></w:rPr>" : "") +
         "<w:t xml:space=\"preserve\">" + Xml(text) + "</w:t></w:r>";
}
std::string Para(const std::string& text, const std::string& style = "") {
  std::string p = "<w:p>";
  if (!style.empty()) p += "<w:pPr><w:pStyle w:val=\"" + style + "\"/></w:pPr>";
  return p + Run(text) + "</w:p>";
}
// A list item: numId 1 is bullets, 2 is numbers (word/numbering.xml).
std::string Item(const std::string& text, int num_id) {
  return "<w:p><w:pPr><w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"0\"/>"
         "<w:numId w:val=\"" +
         std::to_string(num_id) + "\"/></w:numPr></w:pPr>" + Run(text) + "</w:p>";
}
std::string Cell(const std::string& text, bool header) {
  return "<w:tc><w:tcPr><w:tcW w:w=\"0\" w:type=\"auto\"/></w:tcPr><w:p>" + Run(text, header) +
         "</w:p></w:tc>";
}
std::string Row(const std::vector<std::string>& cells, bool header) {
  std::string r = "<w:tr>";
  for (auto& c : cells) r += Cell(c, header);
  return r + "</w:tr>";
}

// The document's fixed words, in English or Chinese.
struct Labels {
  const char *owner, *action, *due, *date, *length, *participants, *summary, *decisions,
      *no_decisions, *actions, *no_actions, *topics, *speakers, *untitled, *engine;
};
const Labels& LabelsFor(const std::string& language) {
  static const Labels kEn = {"Owner",
                             "Action",
                             "Due",
                             "Date: ",
                             "Length: ",
                             "Participants: ",
                             "Summary",
                             "Decisions",
                             "No decisions were recorded.",
                             "Action items",
                             "No action items were recorded.",
                             "Topics",
                             "Speakers",
                             "Meeting minutes",
                             "Transcribed by: "};
  static const Labels kZh = {"负责人",
                             "事项",
                             "截止",
                             "日期：",
                             "时长：",
                             "参会人：",
                             "会议摘要",
                             "决定事项",
                             "没有记录到决定事项。",
                             "待办事项",
                             "没有记录到待办事项。",
                             "议题",
                             "发言人",
                             "会议纪要",
                             "语音识别："};
  return language.rfind("zh", 0) == 0 ? kZh : kEn;
}

std::string ActionTable(const MinutesDoc& doc, const Labels& l) {
  std::string t =
      "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/>"
      "<w:tblBorders><w:top w:val=\"single\" w:sz=\"4\"/><w:left w:val=\"single\" w:sz=\"4\"/>"
      "<w:bottom w:val=\"single\" w:sz=\"4\"/><w:right w:val=\"single\" w:sz=\"4\"/>"
      "<w:insideH w:val=\"single\" w:sz=\"4\"/><w:insideV w:val=\"single\" w:sz=\"4\"/>"
      "</w:tblBorders></w:tblPr><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/>"
      "</w:tblGrid>";
  t += Row({"#", l.owner, l.action, l.due}, true);
  int n = 0;
  for (const auto& a : doc.action_items)
    t += Row({std::to_string(++n), a.owner, a.text, a.due.empty() ? "—" : a.due}, false);
  return t + "</w:tbl>";
}

std::string Document(const MinutesDoc& doc, const DocxInfo& info) {
  const Labels& l = LabelsFor(info.language);
  std::string b;
  b +=
      Para(info.title.empty() ? (doc.title.empty() ? l.untitled : doc.title) : info.title, "Title");
  std::string meta;
  if (!info.date.empty()) meta += l.date + info.date;
  if (info.duration_s > 0)
    meta += (meta.empty() ? "" : "   ") + std::string(l.length) + FormatClock(info.duration_s);
  if (!doc.speakers.empty()) {
    std::vector<std::string> names;
    for (auto& s : doc.speakers) names.push_back(s.name.empty() ? s.id : s.name);
    meta += (meta.empty() ? "" : "   ") + std::string(l.participants) + Join(names, ", ");
  }
  if (!info.engine.empty())
    meta += (meta.empty() ? "" : "   ") + std::string(l.engine) + info.engine;
  if (!meta.empty()) b += Para(meta);
  b += Para(l.summary, "Heading1");
  for (auto& s : doc.summary) b += Item(s, 1);
  b += Para(l.decisions, "Heading1");
  if (doc.decisions.empty()) b += Para(l.no_decisions);
  for (auto& d : doc.decisions) b += Item(d.text, 2);
  b += Para(l.actions, "Heading1");
  if (doc.action_items.empty())
    b += Para(l.no_actions);
  else
    b += ActionTable(doc, l);
  if (!doc.topics.empty()) {
    b += Para(l.topics, "Heading1");
    for (auto& t : doc.topics) b += Item(t, 1);
  }
  if (!doc.speakers.empty()) {
    b += Para(l.speakers, "Heading1");
    for (auto& s : doc.speakers) {
      char share[16];
      std::snprintf(share, sizeof share, "%.0f%%", s.share * 100);
      b += Item(
          (s.name.empty() ? s.id : s.name) + " — " + FormatClock(s.talk_time) + " (" + share + ")",
          1);
    }
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
         "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
         "<w:body>" +
         b +
         "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1440\" "
         "w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\"/></w:sectPr></w:body></w:document>";
}

const char* kContentTypes =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/numbering.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/></Types>";

const char* kRootRels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";

const char* kDocumentRels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"styles.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/numbering\" Target=\"numbering.xml\"/></Relationships>";

std::string Style(const std::string& id, const std::string& name, int size_half_pt, bool bold,
                  int space_before) {
  return "<w:style w:type=\"paragraph\" w:styleId=\"" + id + "\"><w:name w:val=\"" + name +
         "\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr>"
         "<w:keepNext/><w:spacing w:before=\"" +
         std::to_string(space_before) + "\" w:after=\"120\"/></w:pPr><w:rPr>" +
         (bold ? "<w:b/>" : "") + "<w:sz w:val=\"" + std::to_string(size_half_pt) +
         "\"/></w:rPr></w:style>";
}

std::string Styles() {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
         "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
         "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Calibri\" w:hAnsi=\"Calibri\" "
         "w:eastAsia=\"SimSun\"/><w:sz w:val=\"22\"/></w:rPr></w:rPrDefault></w:docDefaults>"
         "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name "
         "w:val=\"Normal\"/><w:qFormat/></w:style>" +
         Style("Title", "Title", 40, true, 0) + Style("Heading1", "heading 1", 30, true, 240) +
         "<w:style w:type=\"paragraph\" w:styleId=\"ListParagraph\"><w:name w:val=\"List "
         "Paragraph\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:ind w:left=\"720\"/></w:pPr>"
         "</w:style><w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table "
         "Grid\"/></w:style></w:styles>";
}

std::string Numbering() {
  auto level = [](const std::string& fmt, const std::string& text) {
    return "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"" + fmt +
           "\"/><w:lvlText w:val=\"" + text +
           "\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"720\" w:hanging=\"360\"/>"
           "</w:pPr></w:lvl>";
  };
  return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
         "<w:numbering xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
         "<w:abstractNum w:abstractNumId=\"0\">" +
         level("bullet", "•") +
         "</w:abstractNum>"
         "<w:abstractNum w:abstractNumId=\"1\">" +
         level("decimal", "%1.") +
         "</w:abstractNum>"
         "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>"
         "<w:num w:numId=\"2\"><w:abstractNumId w:val=\"1\"/></w:num></w:numbering>";
}

}  // namespace

Result<std::string> RenderDocx(const MinutesDoc& doc, const DocxInfo& info) {
  ZipWriter zip;
  zip.Add("[Content_Types].xml", kContentTypes);
  zip.Add("_rels/.rels", kRootRels);
  zip.Add("word/_rels/document.xml.rels", kDocumentRels);
  zip.Add("word/document.xml", Document(doc, info));
  zip.Add("word/styles.xml", Styles());
  zip.Add("word/numbering.xml", Numbering());
  auto bytes = zip.Finish();
  if (!bytes.ok())
    return Status::Internal("cannot write the Word document: " + bytes.status().message());
  return bytes;
}

}  // namespace minutes
