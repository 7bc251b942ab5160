#include "export/docx.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "run_command.hpp"

namespace minutes {
namespace {

MinutesDoc Sample() {
  MinutesDoc d;
  d.title = "Planning";
  d.summary = {"We reviewed the <launch> plan & budget."};
  d.decisions = {{"Ship on Friday", "S1", "seg-1"}};
  d.action_items = {{"Send the notes", "Alice", "by Monday", "seg-2"},
                    {"Book the room", "Bob", "", "seg-3"}};
  d.topics = {"launch"};
  d.speakers = {{"S1", "Alice", 60, 0.6}, {"S2", "Bob", 40, 0.4}};
  return d;
}

// Unpacks with Debian's unzip (a real, independent reader of the zip container).
std::string Unzip(const std::string& bytes, const std::string& member) {
  auto path = std::filesystem::temp_directory_path() / ("docx-" + std::to_string(getpid()));
  std::ofstream(path, std::ios::binary) << bytes;
  auto r = testing::RunCommand("unzip -p " + path.string() + " '" + member + "'");
  std::filesystem::remove(path);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

TEST(Docx, IsAZipWithTheWordPartsAndTheMinutes) {
  auto bytes = RenderDocx(Sample(), {"Weekly planning", "2026-11-23", 100, "en", "whisper:small"});
  ASSERT_TRUE(bytes.ok());
  ASSERT_EQ(bytes->substr(0, 2), "PK");
  EXPECT_NE(Unzip(*bytes, "[[]Content_Types].xml").find("wordprocessingml.document.main+xml"),
            std::string::npos);
  std::string xml = Unzip(*bytes, "word/document.xml");
  EXPECT_NE(xml.find("Weekly planning"), std::string::npos);
  EXPECT_NE(xml.find("<w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t xml:space=\"preserve\">"
                     "Action items"),
            std::string::npos);
  EXPECT_NE(xml.find("&lt;launch&gt; plan &amp; budget"), std::string::npos);  // escaped
  EXPECT_NE(xml.find("<w:tbl>"), std::string::npos);
  // Header row + two action rows.
  size_t rows = 0;
  for (size_t at = xml.find("<w:tr>"); at != std::string::npos; at = xml.find("<w:tr>", at + 1))
    ++rows;
  EXPECT_EQ(rows, 3u);
  EXPECT_NE(xml.find("by Monday"), std::string::npos);
  EXPECT_NE(xml.find("Transcribed by: whisper:small"), std::string::npos) << "the engine named";
  EXPECT_NE(xml.find("<w:numId w:val=\"2\"/>"), std::string::npos);  // numbered decisions
  EXPECT_NE(Unzip(*bytes, "word/numbering.xml").find("bullet"), std::string::npos);
  // Well-formed XML, checked by Python's parser.
  auto check = testing::RunCommand("printf %s " + testing::ShellQuote(xml) +
                                   " | python3 -c 'import sys, xml.dom.minidom as m; "
                                   "m.parseString(sys.stdin.buffer.read())'");
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

}  // namespace
}  // namespace minutes
