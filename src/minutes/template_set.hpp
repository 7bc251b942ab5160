#pragma once
// Markdown minutes templates (Mustache): built-ins compiled into the binary, overridable from a
// directory of NAME.md.mustache files.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/minutes_doc.hpp"
#include "core/status.hpp"

namespace minutes {

/// What a template sees besides the minutes themselves.
struct RenderContext {
  std::string date;             ///< "2026-11-22"
  double duration_seconds = 0;  ///< recording length
  std::string source_name;      ///< recording file name
};

/// A validated set of templates by name. Copyable; Render is thread-safe.
class TemplateSet {
 public:
  /// The built-in templates: default, action-items, brief.
  static TemplateSet Builtin();
  /// The built-ins plus every NAME.md.mustache in `dir` (overriding built-ins of the same name).
  /// Fails on a missing directory or the first invalid template, naming it, its line and why.
  static Result<TemplateSet> LoadDirectory(const std::filesystem::path& dir);
  /// Parses one template; BadInput "template 'NAME' line N: reason" when it is invalid.
  static Status Validate(const std::string& name, const std::string& source);

  /// Adds or replaces one template after validating it (tenant templates from the database).
  Status Add(const std::string& name, const std::string& source);

  bool Has(const std::string& name) const { return sources_.count(name) > 0; }
  std::vector<std::string> Names() const;
  /// The template's source; NotFound listing the available names.
  Result<std::string> Source(const std::string& name) const;
  /// Renders minutes to Markdown. Values are Markdown-escaped, not HTML-escaped.
  Result<std::string> Render(const std::string& name, const MinutesDoc& doc,
                             const RenderContext& context) const;

 private:
  Status NotFoundError(const std::string& name) const;
  std::map<std::string, std::string> sources_;
};

/// Escapes characters that Markdown would otherwise interpret (*, _, `, [, ], <, >, |, \).
std::string EscapeMarkdown(const std::string& text);

/// The template's own instructions for a language model: the text of a leading
/// `{{! prompt: … }}` comment (a Mustache comment, so rendering ignores it); "" when none.
std::string TemplatePrompt(const std::string& source);

}  // namespace minutes
