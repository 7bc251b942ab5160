#pragma once
// Rendering one Mustache template of Markdown minutes with kainjow, under TemplateLimits: the
// only place templates are run, so the API, the worker, `minutes run`/`render` and every export
// get the same caps.
#include <string>

#include "core/minutes_doc.hpp"
#include "core/status.hpp"
#include "minutes/template_outline.hpp"

namespace minutes {

/// What a template sees besides the minutes themselves.
struct RenderContext {
  std::string date;             ///< "2026-11-22"
  double duration_seconds = 0;  ///< recording length
  std::string source_name;      ///< recording file name
};

/// What a render cost; filled by RenderTemplate when asked (tests and the fuzz target).
struct RenderReport {
  double output_bound = 0;     ///< OutputBound for this template and these minutes
  size_t raw_bytes = 0;        ///< what kainjow emitted, before blank lines were tidied
  bool output_capped = false;  ///< rendering was stopped at max_output_bytes
};

/// What saving a template checks: TooLarge past max_source_bytes; BadInput "template 'NAME'
/// line N: reason" for a syntax error, sections nested deeper than max_depth, a partial, or a
/// name the minutes do not have.
Status ValidateTemplate(const std::string& name, const std::string& source,
                        const TemplateLimits& limits);

/// Renders `source` over `doc`. FailedPrecondition, and no document, when the template breaks
/// today's rules (depth, size, syntax), when its output for these minutes could pass
/// max_output_bytes (checked before rendering), or when rendering passes max_render_ms or the
/// output cap. Values are Markdown-escaped, not HTML-escaped. Thread-safe.
Result<std::string> RenderTemplate(const std::string& name, const std::string& source,
                                   const MinutesDoc& doc, const RenderContext& context,
                                   const TemplateLimits& limits, RenderReport* report = nullptr);

/// Escapes characters that Markdown would otherwise interpret (*, _, `, [, ], <, >, |, \).
std::string EscapeMarkdown(const std::string& text);

}  // namespace minutes
