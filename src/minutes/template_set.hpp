#pragma once
// Markdown minutes templates (Mustache, rendered by kainjow under TemplateLimits): built-ins
// compiled into the binary, overridable from a directory of NAME.md.mustache files.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/minutes_doc.hpp"
#include "core/status.hpp"
#include "minutes/template_outline.hpp"
#include "minutes/template_render.hpp"

namespace minutes {

/// A set of templates by name. Copyable; Render is thread-safe.
///
/// Every render obeys `limits()`: the template is outlined first (nesting depth, balanced
/// sections, no partials), an upper bound of its output for these minutes must fit
/// max_output_bytes, and kainjow runs under a deadline and an output cap. A render that would
/// pass a cap is FailedPrecondition saying which; no partial document is returned.
class TemplateSet {
 public:
  /// The built-in templates: default, action-items, brief, zh.
  static TemplateSet Builtin(const TemplateLimits& limits = {});
  /// The built-ins plus every NAME.md.mustache in `dir` (overriding built-ins of the same name).
  /// Fails on a missing directory or the first invalid template, naming it, its line and why.
  static Result<TemplateSet> LoadDirectory(const std::filesystem::path& dir,
                                           const TemplateLimits& limits = {});
  /// What saving a template checks: TooLarge past max_source_bytes; BadInput "template 'NAME'
  /// line N: reason" for a syntax error, sections nested deeper than max_depth, a partial, or a
  /// name the minutes do not have.
  static Status Validate(const std::string& name, const std::string& source,
                         const TemplateLimits& limits = {});
  /// Renders `source` (a template kept with a minutes version) under `limits`.
  static Result<std::string> RenderSource(const std::string& name, const std::string& source,
                                          const MinutesDoc& doc, const RenderContext& context,
                                          const TemplateLimits& limits);

  /// Adds or replaces one template after validating it (Validate).
  Status Add(const std::string& name, const std::string& source);
  /// Adds or replaces one stored template without validating it: a template saved under older
  /// rules stays listed, and rendering it says what is wrong with it.
  void AddStored(const std::string& name, const std::string& source) { sources_[name] = source; }

  bool Has(const std::string& name) const { return sources_.count(name) > 0; }
  std::vector<std::string> Names() const;
  /// The template's source; NotFound listing the available names.
  Result<std::string> Source(const std::string& name) const;
  /// Renders minutes to Markdown. Values are Markdown-escaped, not HTML-escaped.
  Result<std::string> Render(const std::string& name, const MinutesDoc& doc,
                             const RenderContext& context) const;
  const TemplateLimits& limits() const { return limits_; }

 private:
  Status NotFoundError(const std::string& name) const;
  std::map<std::string, std::string> sources_;
  TemplateLimits limits_;
};

/// The template's own instructions for a language model: the text of a leading
/// `{{! prompt: … }}` comment (a Mustache comment, so rendering ignores it); "" when none.
std::string TemplatePrompt(const std::string& source);

}  // namespace minutes
