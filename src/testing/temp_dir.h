#pragma once
/// A temporary folder for a test, removed with everything in it.

#include <string>

namespace jirasql::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Writes `content` to `path` (mode 0600), replacing it.
void WriteFile(const std::string& path, const std::string& content);
/// The whole file, or "" if it cannot be read.
std::string ReadFile(const std::string& path);

}  // namespace jirasql::testing
