#include "http/logger.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "common/time.h"

namespace jirasql {

Logger::Logger(std::FILE* file, bool owned, int verbosity) : file_(file), owned_(owned), verbosity_(verbosity) {}

Logger::~Logger() {
  if (owned_ && file_) std::fclose(file_);
}

Result<std::shared_ptr<Logger>> Logger::Open(const std::string& path, int verbosity) {
  if (path.empty() || verbosity <= 0) return std::make_shared<Logger>();
  if (path == "-") return std::make_shared<Logger>(stderr, false, verbosity);
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Fail(ErrorCode::kIo, "cannot open Logfile " + path + ": " + std::strerror(errno) +
                                    "; check the folder exists and is writable");
  }
  std::FILE* f = ::fdopen(fd, "a");
  if (!f) {
    ::close(fd);
    return Fail(ErrorCode::kIo, "cannot open Logfile " + path + ": " + std::strerror(errno));
  }
  return std::make_shared<Logger>(f, true, verbosity);
}

void Logger::Log(int level, std::string_view message) {
  if (!Enabled(level)) return;
  std::string safe = redactor_.Text(message);
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = EpochMs(now) % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::lock_guard<std::mutex> lock(mu_);
  std::fprintf(file_, "%s.%03dZ [%d] %.*s\n", stamp, static_cast<int>(ms), level, static_cast<int>(safe.size()),
               safe.data());
  std::fflush(file_);
}

void Logger::Warn(std::string_view message) {
  std::string safe = redactor_.Text(message);
  WarningSink sink;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!warned_.insert(safe).second) return;
    sink = warning_sink_;
  }
  Log(1, "WARNING: " + safe);
  if (sink) {
    sink(safe);
    return;
  }
  // Not when the log is standard error already: the line is there.
  if (file_ == stderr && Enabled(1)) return;
  std::fprintf(stderr, "jirasql: warning: %s\n", safe.c_str());
  std::fflush(stderr);
}

void Logger::SetWarningSink(WarningSink sink) {
  std::lock_guard<std::mutex> lock(mu_);
  warning_sink_ = std::move(sink);
}

}  // namespace jirasql
