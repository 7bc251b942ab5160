#pragma once
// Minutes as a Word document (Office Open XML): headings, lists and a table of action items.
#include <string>

#include "core/minutes_doc.hpp"
#include "core/status.hpp"

namespace minutes {

/// What the document says about the meeting besides the minutes.
struct DocxInfo {
  std::string title;      ///< the heading; the minutes' own title when empty
  std::string date;       ///< "2026-11-23", or empty
  double duration_s = 0;  ///< recording length, 0 = unknown
  std::string language;   ///< "zh…" = Chinese headings and labels; otherwise English
  std::string engine;     ///< the speech engine that heard the recording; "" = not said
};

/// The .docx file's bytes. Speaker names are taken as given (apply display names first).
Result<std::string> RenderDocx(const MinutesDoc& doc, const DocxInfo& info);

}  // namespace minutes
