#include "core/shared_library.hpp"

#include <dlfcn.h>

namespace minutes {

Result<SharedLibrary> SharedLibrary::Open(const char* soname, const std::string& what) {
  void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    return Status(ErrorKind::kUnavailable,
                  "cannot load " + what + " (" + soname + "): " + (why ? why : "unknown"));
  }
  return SharedLibrary(handle, soname, what);
}

void* SharedLibrary::Find(const char* symbol) const { return dlsym(handle_, symbol); }

}  // namespace minutes
