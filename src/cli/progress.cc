#include "cli/progress.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace jirasql {

namespace {

std::atomic<bool> g_line_shown{false};
char g_temp_file[4096] = "";
std::atomic<bool> g_temp_set{false};

constexpr const char kClear[] = "\r\033[K";

void OnSignal(int sig) {
  // Only async-signal-safe calls here.
  if (g_line_shown.load()) (void)!::write(STDERR_FILENO, kClear, sizeof kClear - 1);
  if (g_temp_set.load()) ::unlink(g_temp_file);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

std::string Thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

}  // namespace

void InstallInterruptHandler() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction sa {};
    sa.sa_handler = OnSignal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, nullptr);
  }
}

void SetInterruptTempFile(const std::string& path) {
  g_temp_set = false;
  if (path.empty() || path.size() >= sizeof g_temp_file) return;
  std::memcpy(g_temp_file, path.c_str(), path.size() + 1);
  g_temp_set = true;
}

ProgressLine::ProgressLine() : enabled_(::isatty(STDERR_FILENO)), stdout_is_terminal_(::isatty(STDOUT_FILENO)) {}

ProgressLine::~ProgressLine() { Clear(); }

std::string ProgressLine::Text(const std::string& table, int64_t rows, int64_t calls, int64_t expected) {
  std::string t = table + ": " + Thousands(rows) + (rows == 1 ? " row" : " rows");
  if (expected > 0) {
    const int64_t pct = std::min<int64_t>(100, rows * 100 / expected);
    t += " of about " + Thousands(expected) + " (" + std::to_string(pct) + "%)";
  }
  return t + ", " + Thousands(calls) + (calls == 1 ? " API call" : " API calls");
}

std::string ProgressLine::SyncText(const std::string& step, int64_t done, int64_t projects, int64_t rows,
                                   int64_t expected, int64_t requests, int64_t points, double seconds) {
  std::string t = "[" + std::to_string(std::min(done + 1, projects)) + "/" + std::to_string(projects) + "] " + step;
  double part = 0;  // of the current project
  if (rows >= 0) {
    t += ": " + Thousands(rows) + (rows == 1 ? " row" : " rows");
    if (expected > 0) {
      part = std::min(1.0, static_cast<double>(rows) / static_cast<double>(expected));
      t += " of about " + Thousands(expected) + " (" + std::to_string(static_cast<int>(part * 100)) + "%)";
    }
  }
  t += "; " + Thousands(requests) + (requests == 1 ? " request" : " requests") + ", about " + Thousands(points) +
       " points";
  const double finished = projects > 0 ? (static_cast<double>(done) + part) / static_cast<double>(projects) : 0;
  if (finished >= 0.01 && seconds >= 1) {
    const auto left = static_cast<int64_t>(seconds * (1 - finished) / finished + 0.5);
    t += "; about " + (left >= 120 ? std::to_string(left / 60) + " min" : std::to_string(left) + " s") + " left";
  }
  return t;
}

void ProgressLine::Update(const std::string& table, int64_t rows, int64_t calls, int64_t expected) {
  Show(Text(table, rows, calls, expected));
}

void ProgressLine::Show(const std::string& text) {
  if (!enabled_ || output_started_) return;
  const auto now = std::chrono::steady_clock::now();
  if (g_line_shown && now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  // One line: cut to the terminal's width (a wrapped line would not be
  // cleared whole).
  std::string fitted = text;
  struct winsize ws {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10 && fitted.size() >= ws.ws_col) {
    fitted.resize(ws.ws_col - 1);
  }
  const std::string line = std::string(kClear) + fitted;
  (void)!::write(STDERR_FILENO, line.data(), line.size());
  g_line_shown = true;
}

void ProgressLine::BeforeOutput() {
  Clear();
  // Results on the terminal show the progress themselves; drawing between
  // them would garble both.
  if (stdout_is_terminal_) output_started_ = true;
}

void ProgressLine::Clear() {
  if (!g_line_shown.exchange(false)) return;
  (void)!::write(STDERR_FILENO, kClear, sizeof kClear - 1);
}

}  // namespace jirasql
