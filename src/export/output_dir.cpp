#include "export/output_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>

namespace minutes {

namespace fs = std::filesystem;
using Files = std::vector<std::pair<std::string, std::string>>;

namespace {

Status IoError(const std::string& what, const fs::path& path, int err) {
  return Status::Io(what + " " + path.string() + ": " + std::strerror(err));
}

Status CheckNames(const Files& files) {
  std::set<std::string> seen;
  for (const auto& [name, content] : files) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
      return Status::BadInput("output file name '" + name + "' is not a plain file name");
    if (!seen.insert(name).second)
      return Status::BadInput("output file name '" + name + "' appears twice");
  }
  return Status::Ok();
}

// `dir` without trailing slashes, and absolute when it ends in "." or ".." so that
// "<dir>.tmp-XXXXXX" really is beside it.
fs::path Normalise(const fs::path& dir) {
  std::string s = dir.empty() ? "." : dir.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  fs::path p = s;
  if (p.filename() == "." || p.filename() == "..") {
    std::error_code ec;
    fs::path abs = fs::weakly_canonical(fs::absolute(p, ec), ec);
    if (!ec) p = abs;
  }
  return p;
}

// Staging beside `dir` unless `dir` is a mount point: rename() cannot cross file systems.
std::string StagingTemplate(const fs::path& dir) {
  struct stat d {
  }, parent{};
  fs::path up = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
  if (::stat(dir.c_str(), &d) == 0 && S_ISDIR(d.st_mode) && ::stat(up.c_str(), &parent) == 0 &&
      d.st_dev != parent.st_dev)
    return (dir / ".tmp-XXXXXX").string();
  return dir.string() + ".tmp-XXXXXX";
}

Status WriteFile(const fs::path& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("cannot create", path, errno);
  for (size_t done = 0; done < content.size();) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return IoError("cannot write", path, err);
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return IoError("cannot write", path, errno);
  return Status::Ok();
}

// One all-or-nothing write. The staging directory holds new/ (the files to install) and old/
// (hard links to files they replace, for rollback). Unless committed, the destructor undoes
// every install and removes a target directory it created; it always removes the staging.
class Transaction {
 public:
  Transaction(fs::path staging, fs::path target)
      : staging_(std::move(staging)), target_(std::move(target)) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (!committed_) Rollback();
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }

  Status Stage(const Files& files) {
    for (const char* sub : {"new", "old"})
      if (::mkdir((staging_ / sub).c_str(), 0700) != 0)
        return IoError("cannot create", staging_ / sub, errno);
    for (const auto& [name, content] : files)
      if (Status s = WriteFile(staging_ / "new" / name, content); !s.ok()) return s;
    return Status::Ok();
  }

  Status CreateTarget() {
    if (::mkdir(target_.c_str(), 0777) == 0) {
      created_target_ = true;
      return Status::Ok();
    }
    int err = errno;
    struct stat st {};
    if (err == EEXIST && ::stat(target_.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) err = ENOTDIR;
    if (err != EEXIST) return IoError("cannot create directory", target_, err);
    return Status::Ok();
  }

  Status Install(const Files& files) {
    for (const auto& [name, content] : files) {
      // Best effort: a file system without hard links just loses the restore on failure.
      if (::link((target_ / name).c_str(), (staging_ / "old" / name).c_str()) == 0)
        backed_up_.insert(name);
    }
    for (const auto& [name, content] : files) {
      if (::rename((staging_ / "new" / name).c_str(), (target_ / name).c_str()) != 0)
        return IoError("cannot move into place", target_ / name, errno);
      installed_.push_back(name);
    }
    return Status::Ok();
  }

  void Commit() { committed_ = true; }

 private:
  void Rollback() {
    for (auto it = installed_.rbegin(); it != installed_.rend(); ++it) {
      fs::path dest = target_ / *it;
      if (backed_up_.count(*it))
        ::rename((staging_ / "old" / *it).c_str(), dest.c_str());
      else
        ::unlink(dest.c_str());
    }
    if (created_target_) ::rmdir(target_.c_str());
  }

  fs::path staging_;
  fs::path target_;
  bool committed_ = false;
  bool created_target_ = false;
  std::set<std::string> backed_up_;
  std::vector<std::string> installed_;
};

}  // namespace

Status WriteOutputFiles(const fs::path& dir, const Files& files) {
  if (Status s = CheckNames(files); !s.ok()) return s;
  fs::path target = Normalise(dir);
  // Like `mkdir -p`: a missing parent of the output directory is created (and stays).
  if (target.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec)
      return Status::Io("cannot create " + target.parent_path().string() + ": " + ec.message());
  }
  std::string staging = StagingTemplate(target);
  if (::mkdtemp(staging.data()) == nullptr)
    return IoError("cannot create temporary directory", staging, errno);
  Transaction tx(staging, target);
  if (Status s = tx.Stage(files); !s.ok()) return s;
  if (Status s = tx.CreateTarget(); !s.ok()) return s;
  if (Status s = tx.Install(files); !s.ok()) return s;
  tx.Commit();
  return Status::Ok();
}

}  // namespace minutes
