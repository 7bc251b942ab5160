#include "minutes/template_outline.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

#include "core/text.hpp"

namespace minutes {
namespace {

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// kainjow's parse_set_delimiter_tag: "=BEGIN END=", neither part holding '=' or whitespace.
bool ParseDelimiters(const std::string& contents, std::string* begin, std::string* end) {
  if (contents.size() < 5 || contents.back() != '=') return false;
  std::string inner = TrimSpace(contents.substr(1, contents.size() - 2));
  size_t space = inner.find(' ');
  if (space == std::string::npos) return false;
  size_t rest = inner.find_first_not_of(' ', space + 1);
  if (rest == std::string::npos) return false;
  std::string b = inner.substr(0, space), e = inner.substr(rest);
  auto valid = [](const std::string& d) {
    return std::none_of(d.begin(), d.end(), [](char c) { return c == '=' || IsSpace(c); });
  };
  if (!valid(b) || !valid(e)) return false;
  *begin = b;
  *end = e;
  return true;
}

struct Token {
  enum class Type { kText, kVariable, kOpen, kOpenInverted, kClose, kPartial, kOther };
  Type type = Type::kText;
  std::string name;
  size_t bytes = 0;
  int line = 1;
};

// The tag sequence, following kainjow::mustache::parser step by step.
Result<std::vector<Token>> Tokenize(const std::string& in) {
  std::vector<Token> tokens;
  std::string open = "{{", close = "}}";
  bool brace = true;
  int line = 1;
  auto text = [&](size_t n) {
    if (tokens.empty() || tokens.back().type != Token::Type::kText)
      tokens.push_back({Token::Type::kText, "", 0, line});
    tokens.back().bytes += n;
  };
  size_t pos = 0;
  const size_t n = in.size();
  while (pos < n) {
    if (in.compare(pos, open.size(), open) != 0) {
      if (in[pos] == '\n') ++line;
      text(1);
      ++pos;
      continue;
    }
    const size_t start = pos;
    size_t contents_at = start + open.size();
    const bool triple = brace && start != n - 2 && contents_at < n && in[contents_at] == open[0];
    const std::string end_delim = triple ? "}}}" : close;
    if (triple) ++contents_at;
    size_t end = in.find(end_delim, contents_at);
    if (end == std::string::npos)
      return Status::BadInput("line " + std::to_string(line) + ": unclosed tag");
    std::string contents = TrimSpace(in.substr(contents_at, end - contents_at));
    Token t{Token::Type::kOther, "", 0, line};
    if (!contents.empty() && contents[0] == '=') {
      if (!ParseDelimiters(contents, &open, &close))
        return Status::BadInput("line " + std::to_string(line) + ": invalid set delimiter tag");
      brace = open == "{{" && close == "}}";
    } else if (triple) {
      t.type = Token::Type::kVariable;
      t.name = contents;
    } else if (contents.empty()) {
      t.type = Token::Type::kVariable;
    } else {
      char sigil = contents[0];
      t.name = TrimSpace(contents.substr(1));
      switch (sigil) {
        case '#':
          t.type = Token::Type::kOpen;
          break;
        case '^':
          t.type = Token::Type::kOpenInverted;
          break;
        case '/':
          t.type = Token::Type::kClose;
          break;
        case '>':
          t.type = Token::Type::kPartial;
          break;
        case '&':
          t.type = Token::Type::kVariable;
          break;
        case '!':
          t.type = Token::Type::kOther;
          break;
        default:
          t.type = Token::Type::kVariable;
          t.name = contents;
      }
    }
    tokens.push_back(t);
    pos = end + end_delim.size();
    line += static_cast<int>(std::count(in.begin() + static_cast<std::ptrdiff_t>(start),
                                        in.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
  }
  return tokens;
}

// Builds the children of the section that starts after token `i` (or of the root).
void Build(const std::vector<Token>& tokens, size_t* i, std::vector<TemplateNode>* out) {
  while (*i < tokens.size()) {
    const Token& t = tokens[(*i)++];
    switch (t.type) {
      case Token::Type::kClose:
        return;
      case Token::Type::kText:
        out->push_back({TemplateNode::Kind::kText, "", t.bytes, t.line, {}});
        break;
      case Token::Type::kVariable:
        out->push_back({TemplateNode::Kind::kVariable, t.name, 0, t.line, {}});
        break;
      case Token::Type::kPartial:
        out->push_back({TemplateNode::Kind::kPartial, t.name, 0, t.line, {}});
        break;
      case Token::Type::kOpen:
      case Token::Type::kOpenInverted: {
        TemplateNode node{t.type == Token::Type::kOpen ? TemplateNode::Kind::kSection
                                                       : TemplateNode::Kind::kInverted,
                          t.name,
                          0,
                          t.line,
                          {}};
        Build(tokens, i, &node.children);
        out->push_back(std::move(node));
        break;
      }
      case Token::Type::kOther:
        break;
    }
  }
}

constexpr double kSaturated = 1e300;

double Add(double a, double b) { return std::min(a + b, kSaturated); }
double Mul(double a, double b) { return a == 0 || b == 0 ? 0 : std::min(a * b, kSaturated); }

size_t Lookup(const std::map<std::string, size_t>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

// `dot` bounds what `{{.}}` prints here: the string items (or string value) of the innermost
// section that pushed something; inverted sections push only false or an empty list.
double Bound(const std::vector<TemplateNode>& nodes, const DataShape& shape, double dot) {
  double total = 0;
  for (const auto& node : nodes) {
    const bool dotted = node.name != "." && node.name.find('.') != std::string::npos;
    switch (node.kind) {
      case TemplateNode::Kind::kText:
        total = Add(total, static_cast<double>(node.bytes));
        break;
      case TemplateNode::Kind::kVariable:
        if (node.name == ".")
          total = Add(total, dot);
        else
          total = Add(total, static_cast<double>(dotted ? shape.longest_any_string
                                                        : Lookup(shape.longest_string, node.name)));
        break;
      case TemplateNode::Kind::kSection: {
        double times = 1;
        double inner_dot = dot;
        if (dotted) {
          times = std::max<double>(1, static_cast<double>(shape.longest_any_list));
          inner_dot = static_cast<double>(shape.longest_any_string);
        } else if (node.name != ".") {
          times = std::max<double>(1, static_cast<double>(Lookup(shape.longest_list, node.name)));
          inner_dot = static_cast<double>(std::max(Lookup(shape.longest_item, node.name),
                                                   Lookup(shape.longest_string, node.name)));
        }
        total = Add(total, Mul(times, Bound(node.children, shape, inner_dot)));
        break;
      }
      case TemplateNode::Kind::kInverted:
        total = Add(total, Bound(node.children, shape, dot));
        break;
      case TemplateNode::Kind::kPartial:
        break;  // never rendered: the renderer has no partials
    }
  }
  return total;
}

// The first node (document order) for which `bad` returns a message.
Status FirstBad(const std::vector<TemplateNode>& nodes,
                const std::function<std::string(const TemplateNode&)>& bad) {
  for (const auto& node : nodes) {
    if (std::string why = bad(node); !why.empty())
      return Status::BadInput("line " + std::to_string(node.line) + ": " + why);
    if (Status s = FirstBad(node.children, bad); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

void DataShape::String(const std::string& name, size_t length) {
  names.insert(name);
  size_t& longest = longest_string[name];
  longest = std::max(longest, length);
  longest_any_string = std::max(longest_any_string, length);
}

void DataShape::List(const std::string& name, size_t items) {
  names.insert(name);
  size_t& longest = longest_list[name];
  longest = std::max(longest, items);
  longest_any_list = std::max(longest_any_list, items);
}

void DataShape::Item(const std::string& list, size_t length) {
  size_t& longest = longest_item[list];
  longest = std::max(longest, length);
  longest_any_string = std::max(longest_any_string, length);
}

Result<TemplateOutline> OutlineTemplate(const std::string& source, int max_depth) {
  auto tokens = Tokenize(source);
  if (!tokens.ok()) return tokens.status();
  // Balance and depth first, with an explicit stack: nothing recurses until both are known good.
  struct Open {
    std::string name;
    int line;
  };
  std::vector<Open> open;
  int depth = 0;
  for (const auto& t : *tokens) {
    if (t.type == Token::Type::kOpen || t.type == Token::Type::kOpenInverted) {
      open.push_back({t.name, t.line});
      depth = std::max(depth, static_cast<int>(open.size()));
    } else if (t.type == Token::Type::kClose) {
      if (open.empty())
        return Status::BadInput("line " + std::to_string(t.line) + ": unopened section \"" +
                                t.name + "\"");
      if (open.back().name != t.name)
        return Status::BadInput("line " + std::to_string(open.back().line) +
                                ": unclosed section \"" + open.back().name + "\"");
      open.pop_back();
    }
  }
  if (!open.empty())
    return Status::BadInput("line " + std::to_string(open.back().line) + ": unclosed section \"" +
                            open.back().name + "\"");
  if (depth > max_depth) {
    int level = 0;
    for (const auto& t : *tokens) {  // name the line where the limit is first passed
      if (t.type == Token::Type::kOpen || t.type == Token::Type::kOpenInverted) {
        if (++level > max_depth)
          return Status::BadInput("line " + std::to_string(t.line) + ": sections nested " +
                                  std::to_string(depth) + " deep; the limit is " +
                                  std::to_string(max_depth));
      } else if (t.type == Token::Type::kClose) {
        --level;
      }
    }
  }
  TemplateOutline outline;
  outline.depth = depth;
  size_t i = 0;
  Build(*tokens, &i, &outline.nodes);
  return outline;
}

double OutputBound(const TemplateOutline& outline, const DataShape& shape) {
  return Bound(outline.nodes, shape, 0);  // at the top `.` is the root object: prints nothing
}

Status CheckNames(const TemplateOutline& outline, const std::set<std::string>& known) {
  return FirstBad(outline.nodes, [&known](const TemplateNode& node) -> std::string {
    if (node.kind == TemplateNode::Kind::kText || node.kind == TemplateNode::Kind::kPartial ||
        node.name == ".")
      return "";
    size_t start = 0;
    while (true) {
      size_t dot = node.name.find('.', start);
      std::string part = node.name.substr(start, dot - start);
      if (!known.count(part)) return "unknown name '" + node.name + "'";
      if (dot == std::string::npos) return "";
      start = dot + 1;
    }
  });
}

Status CheckNoPartials(const TemplateOutline& outline) {
  return FirstBad(outline.nodes, [](const TemplateNode& node) -> std::string {
    return node.kind == TemplateNode::Kind::kPartial
               ? "partials ({{>" + node.name + "}}) are not supported"
               : "";
  });
}

}  // namespace minutes
