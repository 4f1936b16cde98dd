#include "cli/output_target.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <vector>

#include "cli/progress.h"

namespace jirasql {

namespace {

std::string Errno(int e) { return std::strerror(e); }

std::string FolderOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Result<void> CheckStdout() {
  errno = 0;
  std::cout.flush();
  const bool stream_ok = std::cout.good();
  int e = errno;
  const bool flushed = std::fflush(stdout) == 0 && !std::ferror(stdout);
  if (stream_ok && flushed) return Ok();
  if (!e) e = errno;
  return Fail(ErrorCode::kIo,
              "cannot write to standard output" + (e ? ": " + Errno(e) : std::string()) + "; the output is not whole");
}

Result<std::unique_ptr<OutputTarget>> OutputTarget::Open(const std::string& path) {
  std::unique_ptr<OutputTarget> t(new OutputTarget());
  if (path.empty() || path == "-") return t;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Fail(ErrorCode::kInvalidArgument, "--output " + path + " is a folder; give a file name");
  }
  const std::string dir = FolderOf(path);
  const std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  std::string tmpl = dir + "/." + base + ".jirasql-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = ::mkstemp(buf.data());
  if (fd < 0) {
    return Fail(ErrorCode::kIo, "cannot write the --output file in " + dir + ": " + Errno(errno) +
                                    "; check that the folder exists and is writable");
  }
  // mkstemp makes 0600; an export gets the modes any new file would.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  ::close(fd);
  t->path_ = path;
  t->temp_ = buf.data();
  SetInterruptTempFile(t->temp_);  // Ctrl-C leaves no half-written file
  t->file_.open(t->temp_, std::ios::out | std::ios::trunc | std::ios::binary);
  if (!t->file_) {
    ::unlink(t->temp_.c_str());
    return Fail(ErrorCode::kIo, "cannot write " + t->temp_ + ": " + Errno(errno));
  }
  return t;
}

OutputTarget::~OutputTarget() {
  if (!temp_.empty()) SetInterruptTempFile("");
  if (!temp_.empty() && !committed_) {
    file_.close();
    ::unlink(temp_.c_str());
  }
}

std::ostream& OutputTarget::stream() { return path_.empty() ? std::cout : file_; }

Result<void> OutputTarget::Commit() {
  if (path_.empty()) return CheckStdout();
  errno = 0;
  file_.flush();
  const int flush_errno = errno;
  const bool ok = file_.good();
  file_.close();
  if (!ok || file_.fail()) {
    return Fail(ErrorCode::kIo, "cannot write " + path_ + (flush_errno ? ": " + Errno(flush_errno) : std::string()) +
                                    "; it was left as it was");
  }
  int fd = ::open(temp_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int e = errno;
    if (fd >= 0) ::close(fd);
    return Fail(ErrorCode::kIo, "cannot flush " + path_ + " to disk: " + Errno(e) + "; it was left as it was");
  }
  ::close(fd);
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    return Fail(ErrorCode::kIo, "cannot replace " + path_ + ": " + Errno(errno) + "; it was left as it was");
  }
  committed_ = true;
  SetInterruptTempFile("");
  int dfd = ::open(FolderOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Ok();
}

}  // namespace jirasql
