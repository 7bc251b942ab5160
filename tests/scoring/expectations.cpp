#include "scoring/expectations.hpp"

#include <algorithm>
#include <fstream>

#include "core/text.hpp"

namespace minutes::scoring {

MeetingExpectations ReadExpectations(const std::string& script_path, std::string* error) {
  auto fail = [&](std::string message) {
    if (error) *error = std::move(message);
    return MeetingExpectations{};
  };
  std::ifstream in(script_path);
  if (!in) return fail("cannot open " + script_path);
  MeetingExpectations out;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const std::string where = script_path + ":" + std::to_string(lineno) + ": ";
    size_t hash = line.find_first_not_of(" \t");
    if (hash == std::string::npos || line[hash] != '#') continue;
    std::string body = line.substr(hash + 1);
    body.erase(0, body.find_first_not_of(" \t"));
    for (const bool action : {false, true}) {
      const std::string_view kind = action ? "expect-action:" : "expect-decision:";
      if (body.rfind(kind, 0) != 0) continue;
      std::string value = body.substr(kind.size());
      ExpectedItem item;
      if (action) {  // expect-action: owner | words
        size_t bar = value.find('|');
        if (bar == std::string::npos) return fail(where + "expected 'owner | key words'");
        auto owner = NormalizeWords(value.substr(0, bar));
        if (owner.size() != 1) return fail(where + "the owner must be one word");
        item.owner = owner[0];
        value = value.substr(bar + 1);
      }
      item.words = NormalizeWords(value);
      if (item.words.empty()) return fail(where + "no key words");
      (action ? out.actions : out.decisions).push_back(std::move(item));
    }
  }
  if (in.bad()) return fail("error reading " + script_path);
  if (error) error->clear();
  return out;
}

bool ContainsKeyWords(std::string_view text, const std::vector<std::string>& words) {
  auto have = NormalizeWords(text);
  return std::all_of(words.begin(), words.end(), [&](const std::string& w) {
    return std::find(have.begin(), have.end(), w) != have.end();
  });
}

}  // namespace minutes::scoring
