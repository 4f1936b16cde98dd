#include "connstr/sources.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "testing/temp_dir.h"

namespace jirasql {
namespace {

using testing::TempDir;
using testing::WriteFile;

TEST(SourcesTest, PrecedenceIsDefaultsEnvProfileConnectFlags) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/jirasql/profiles");
  WriteFile(dir.path() + "/jirasql/profiles/work.conn",
            "# my work site\nUrl=https://profile.example\nTimeout=30\n\nVerbosity=3;MaxThreads=7\n");

  ConnectionSources s;
  s.config_home = dir.path();
  s.environment = "Url=https://env.example;Timeout=10;Verbosity=2;Pagesize=20;AuthScheme=PAT";
  s.profile = "work";
  s.connect = "Timeout=40;Verbosity=4";
  s.flags = {{"verbosity", "5"}};
  auto p = ResolveConnection(s);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->Get("AuthScheme"), "PAT");              // env only
  EXPECT_EQ(p->Get("Pagesize"), "20");                 // env only
  EXPECT_EQ(p->Get("Url"), "https://profile.example"); // profile beats env
  EXPECT_EQ(p->Get("MaxThreads"), "7");                // profile only
  EXPECT_EQ(p->Get("Timeout"), "40");                  // --connect beats profile
  EXPECT_EQ(p->Get("Verbosity"), "5");                 // flag beats all
  EXPECT_EQ(p->Get("MaxRows"), "-1");                  // default
  EXPECT_EQ(p->SourceOf("Url"), PropSource::kProfile);
  EXPECT_EQ(p->SourceOf("Verbosity"), PropSource::kFlag);
}

TEST(SourcesTest, ErrorsSayWhichSourceIsWrong) {
  ConnectionSources s;
  s.environment = "Timout=1";
  auto p = ResolveConnection(s);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message, "in JIRASQL_CONNECT: Unknown property 'Timout'; did you mean 'Timeout'?");

  s = {};
  s.connect = "Verbosity=x";
  p = ResolveConnection(s);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message.rfind("in --connect: ", 0), 0u) << p.error().message;

  s = {};
  s.flags = {{"MaxThreads", "0"}};
  p = ResolveConnection(s);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message.rfind("in --MaxThreads: ", 0), 0u) << p.error().message;
}

TEST(SourcesTest, EmptyValueInAHigherSourceClearsALowerOne) {
  ConnectionSources s;
  s.environment = "Logfile=/tmp/x.log";
  s.connect = "Logfile=";
  auto p = ResolveConnection(s);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->Get("Logfile"), "");
}

TEST(SourcesTest, ProfileErrors) {
  TempDir dir;
  ConnectionSources s;
  s.config_home = dir.path();
  s.profile = "../etc/passwd";
  auto p = ResolveConnection(s);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("must be a plain word"), std::string::npos);

  s.profile = "missing";
  p = ResolveConnection(s);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("profiles/missing.conn"), std::string::npos) << p.error().message;
  EXPECT_NE(p.error().message.find("does not exist"), std::string::npos) << p.error().message;
}

TEST(SourcesTest, ProfileWithASecretMustBePrivate) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/jirasql/profiles");
  const std::string path = dir.path() + "/jirasql/profiles/p.conn";
  WriteFile(path, "AuthScheme=PAT\nUrl=https://j\nPersonalAccessToken=abcdef123\n");
  ConnectionSources s;
  s.config_home = dir.path();
  s.profile = "p";
  ASSERT_TRUE(ResolveConnection(s));  // 0600: fine

  ::chmod(path.c_str(), 0644);
  auto p = ResolveConnection(s);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("chmod 600"), std::string::npos) << p.error().message;
  EXPECT_EQ(p.error().message.find("abcdef123"), std::string::npos);

  WriteFile(path, "Url=https://j\n");  // no secret: readable is fine
  ::chmod(path.c_str(), 0644);
  EXPECT_TRUE(ResolveConnection(s));
}

}  // namespace
}  // namespace jirasql
