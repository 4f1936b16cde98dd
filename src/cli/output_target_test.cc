#include "cli/output_target.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "testing/temp_dir.h"

namespace jirasql {
namespace {

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> out;
  for (auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(OutputTargetTest, AFileAppearsOnlyWhenCommitted) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/out.csv";
  testing::WriteFile(path, "previous\n");
  {
    auto t = OutputTarget::Open(path);
    ASSERT_TRUE(t) << t.error().message;
    (*t)->stream() << "half a result";
    EXPECT_EQ(testing::ReadFile(path), "previous\n");  // not yet
    // Not committed (a failed query): the previous file stays, no temporary.
  }
  EXPECT_EQ(testing::ReadFile(path), "previous\n");
  EXPECT_EQ(Files(dir.path()), std::vector<std::string>{"out.csv"});
  {
    auto t = OutputTarget::Open(path);
    ASSERT_TRUE(t);
    (*t)->stream() << "a,b\r\n1,2\r\n";
    ASSERT_TRUE((*t)->Commit());
  }
  EXPECT_EQ(testing::ReadFile(path), "a,b\r\n1,2\r\n");
  EXPECT_EQ(Files(dir.path()), std::vector<std::string>{"out.csv"});
  struct stat st {};
  ::stat(path.c_str(), &st);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0666u & ~mask);  // the modes of any new file, not 0600
}

TEST(OutputTargetTest, BadPlacesAreClearErrors) {
  testing::TempDir dir;
  auto folder = OutputTarget::Open(dir.path());
  ASSERT_FALSE(folder);
  EXPECT_NE(folder.error().message.find("is a folder"), std::string::npos);
  auto missing = OutputTarget::Open(dir.path() + "/no/such/out.csv");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("cannot write the --output file in " + dir.path() + "/no/such"),
            std::string::npos)
      << missing.error().message;
}

}  // namespace
}  // namespace jirasql
