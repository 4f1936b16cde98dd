#pragma once
/// The connection's log: `Logfile` and `Verbosity` (0 nothing, 1 errors and
/// warnings, 2 one line per request, 3 headers, 4 bodies truncated to 2 KiB,
/// 5 full wire log). Every line passes through the `Redactor` on its way
/// out, so no secret reaches the file whatever a caller writes.

#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "common/error.h"
#include "http/redact.h"

namespace jirasql {

class Logger {
 public:
  /// A logger that writes nothing (Verbosity 0 or no Logfile).
  Logger() = default;
  /// Writes to `file` (not owned when it is stderr) at `verbosity`.
  Logger(std::FILE* file, bool owned, int verbosity);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  /// Opens `path` for appending (created 0600), or standard error for "-".
  /// An empty path gives a logger that writes nothing.
  static Result<std::shared_ptr<Logger>> Open(const std::string& path, int verbosity);

  bool Enabled(int level) const { return file_ != nullptr && level <= verbosity_; }
  int verbosity() const { return verbosity_; }

  /// Writes one line (a timestamp, the level, the message) if `level` is
  /// enabled; literal secrets are masked first.
  void Log(int level, std::string_view message);

  /// A warning the user must see whatever the log settings (a settings
  /// file that others could read, TLS checks turned off): logged at level 1
  /// and handed to the warning sink, which writes "jirasql: warning: …" to
  /// standard error unless a front end installed another. Secrets are
  /// masked first. Each distinct warning is shown once per logger. Safe to
  /// call from any thread.
  void Warn(std::string_view message);
  using WarningSink = std::function<void(const std::string&)>;
  void SetWarningSink(WarningSink sink);

  Redactor& redactor() { return redactor_; }
  const Redactor& redactor() const { return redactor_; }

 private:
  std::mutex mu_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  int verbosity_ = 0;
  Redactor redactor_;
  WarningSink warning_sink_;  ///< empty: standard error
  std::set<std::string> warned_;
};

}  // namespace jirasql
