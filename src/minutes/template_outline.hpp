#pragma once
// What a Mustache template can cost before it is run: its tags read the way kainjow's parser
// reads them (delimiters, triple braces, set-delimiter tags), its section nesting, and an upper
// bound of the bytes it can render for given data. TemplateSet uses it to refuse a template
// (or a render) before kainjow does any work: kainjow itself has no limits, recurses once per
// nesting level and keeps a whole line of output in memory.
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// Caps on templates and on rendering them. Every renderer call obeys them.
struct TemplateLimits {
  size_t max_source_bytes = 64 * 1024;    ///< a template's text
  int max_depth = 8;                      ///< sections inside sections
  size_t max_output_bytes = 1024 * 1024;  ///< one rendered document
  int max_render_ms = 1000;               ///< one render's wall time
};

/// One piece of a template: literal text, a variable, or a section with its contents.
struct TemplateNode {
  enum class Kind { kText, kVariable, kSection, kInverted, kPartial };
  Kind kind = Kind::kText;
  std::string name;                    ///< tag name as kainjow looks it up ("" for text)
  size_t bytes = 0;                    ///< text: its length
  int line = 0;                        ///< 1-based line of the tag
  std::vector<TemplateNode> children;  ///< sections: their contents
};

/// A template's tags as a tree. Its depth never exceeds the limit it was outlined with.
struct TemplateOutline {
  std::vector<TemplateNode> nodes;
  int depth = 0;  ///< deepest section nesting (0 = no sections)
};

/// Reads `source` as kainjow would. BadInput "line N: reason" for an unclosed tag, a bad
/// set-delimiter tag, a section closed without being opened or never closed, and sections nested
/// deeper than `max_depth` ("line N: sections nested D deep; the limit is M"). Iterative: any
/// input is safe to give it.
Result<TemplateOutline> OutlineTemplate(const std::string& source, int max_depth);

/// The sizes that matter for bounding output, gathered while the render data is built: per
/// name, the longest string and the longest list stored under it anywhere.
struct DataShape {
  std::map<std::string, size_t> longest_string;  ///< name -> longest string value
  std::map<std::string, size_t> longest_list;    ///< name -> most items of a list
  std::map<std::string, size_t> longest_item;    ///< list name -> longest string item
  std::set<std::string> names;                   ///< every name set, whatever its type
  size_t longest_any_string = 0;
  size_t longest_any_list = 0;

  void String(const std::string& name, size_t length);
  void List(const std::string& name, size_t items);
  void Item(const std::string& list, size_t length);  ///< a string item of `list`
  void Other(const std::string& name) { names.insert(name); }
};

/// An upper bound of the bytes kainjow can emit rendering `outline` over data of `shape`
/// (before blank lines are tidied). Saturates instead of overflowing.
double OutputBound(const TemplateOutline& outline, const DataShape& shape);

/// The first variable or section whose name (or any dotted part of it) is not in `known`:
/// BadInput "line N: unknown name 'x'". Ok when every name is known.
Status CheckNames(const TemplateOutline& outline, const std::set<std::string>& known);

/// The first partial tag ({{>name}}): BadInput "line N: partials are not supported". Templates
/// have nothing to include, and a partial would render data (a meeting title) as a template.
Status CheckNoPartials(const TemplateOutline& outline);

}  // namespace minutes
