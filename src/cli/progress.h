#pragma once
/// The progress line a long query shows on a terminal, on standard error
/// only: "Issues: 1,200 rows of about 5,000 (24%), 13 API calls". It is
/// redrawn at most four times a second, cleared before any result is
/// written, not drawn again once results appear on the same terminal, and
/// cleared when the run is interrupted (Ctrl-C).
///
/// The interrupt handler also removes the temporary file of a `--output`
/// that was not finished.

#include <chrono>
#include <cstdint>
#include <string>

namespace jirasql {

class ProgressLine {
 public:
  /// Draws only when standard error is a terminal.
  ProgressLine();
  ~ProgressLine();

  /// A scan of `table` has read `rows` rows in `calls` API calls; `expected`
  /// is Jira's count when it said (-1: unknown).
  void Update(const std::string& table, int64_t rows, int64_t calls, int64_t expected);
  /// A sync's line (SyncText).
  void Show(const std::string& text);
  /// Before anything is written to standard output.
  void BeforeOutput();
  void Clear();

  /// The text of the line (for tests).
  static std::string Text(const std::string& table, int64_t rows, int64_t calls, int64_t expected);
  /// A sync's line: "[2/3] BETA Issues: 1,200 rows of about 5,000 (24%);
  /// 230 requests, about 54,321 points; about 40 s left".
  /// `done`: projects finished before the current one; the time left is
  /// the time so far scaled by what is left (-1 rows: between scans).
  static std::string SyncText(const std::string& step, int64_t done, int64_t projects, int64_t rows, int64_t expected,
                              int64_t requests, int64_t points, double seconds);

 private:
  bool enabled_ = false;
  bool stdout_is_terminal_ = false;
  bool output_started_ = false;
  std::chrono::steady_clock::time_point last_{};
};

/// SIGINT, SIGTERM and SIGHUP: clear the progress line, remove the
/// unfinished --output file, then end as the signal would.
void InstallInterruptHandler();
/// The temporary file to remove on an interrupt ("" for none). Keeps a copy.
void SetInterruptTempFile(const std::string& path);

}  // namespace jirasql
