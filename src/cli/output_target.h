#pragma once
/// Where `jirasql` writes its results, and the check that they arrived.
///
/// Standard output: every write and the final flush are checked, so a full
/// disk or a closed pipe is an error (exit 1), never a silent success.
/// `--output FILE`: the result goes to a temporary file in FILE's folder,
/// which replaces FILE only when the whole result was written and flushed
/// to disk. A failed query, a failed write or an interrupted run leaves no
/// file behind, or the previous one untouched.

#include <fstream>
#include <iosfwd>
#include <memory>
#include <string>

#include "common/error.h"

namespace jirasql {

class OutputTarget {
 public:
  /// "" (or "-") for standard output, else a file path.
  static Result<std::unique_ptr<OutputTarget>> Open(const std::string& path);
  ~OutputTarget();
  OutputTarget(const OutputTarget&) = delete;
  OutputTarget& operator=(const OutputTarget&) = delete;

  std::ostream& stream();
  bool is_file() const { return !path_.empty(); }

  /// Flushes and checks that everything was written; a file is then synced
  /// and renamed into place. An error names what failed.
  Result<void> Commit();

 private:
  OutputTarget() = default;
  std::string path_, temp_;
  std::ofstream file_;
  bool committed_ = false;
};

/// Flushes standard output and says whether every write to it succeeded
/// (the last check of every command).
Result<void> CheckStdout();

}  // namespace jirasql
