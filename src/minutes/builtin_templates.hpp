#pragma once
// The templates in the repository's templates/ folder, compiled into the binary.
#include <vector>

namespace minutes {

struct BuiltinTemplate {
  const char* name;
  const char* source;
};

/// Generated at build time from templates/*.md.mustache.
const std::vector<BuiltinTemplate>& BuiltinTemplates();

}  // namespace minutes
