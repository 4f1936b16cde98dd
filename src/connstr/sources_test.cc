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
  EXPECT_EQ(p->Get("AuthScheme"), "PAT");               // env only
  EXPECT_EQ(p->Get("Pagesize"), "20");                  // env only
  EXPECT_EQ(p->Get("Url"), "https://profile.example");  // profile beats env
  EXPECT_EQ(p->Get("MaxThreads"), "7");                 // profile only
  EXPECT_EQ(p->Get("Timeout"), "40");                   // --connect beats profile
  EXPECT_EQ(p->Get("Verbosity"), "5");                  // flag beats all
  EXPECT_EQ(p->Get("MaxRows"), "-1");                   // default
  EXPECT_EQ(p->SourceOf("Url"), PropSource::kProfile);
  EXPECT_EQ(p->SourceOf("Verbosity"), PropSource::kFlag);
}

TEST(SourcesTest, ErrorsSayWhichSourceIsWrong) {
  ConnectionSources s;
  s.environment = "Timout=1";
  auto p = ResolveConnection(s);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message, "in JIRASQL_CONNECT: Unknown property 'Timout'; did you mean 'Timeout'?");

  ConnectionSources c;
  c.connect = "Verbosity=x";
  p = ResolveConnection(c);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message.rfind("in --connect: ", 0), 0u) << p.error().message;

  ConnectionSources f;
  f.flags = {{"MaxThreads", "0"}};
  p = ResolveConnection(f);
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

TEST(SourcesTest, ProfileCommentsLineNumbersAndDuplicates) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/jirasql/profiles");
  const std::string path = dir.path() + "/jirasql/profiles/p.conn";
  WriteFile(path,
            "# work\nUrl=https://j.example/#frag   # the site\nPassword='a #b'\t# quoted\nAuthScheme=Basic # why\n");
  ::chmod(path.c_str(), 0600);
  ConnectionSources s;
  s.config_home = dir.path();
  s.profile = "p";
  auto p = ResolveConnection(s);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->Get("Url"), "https://j.example/#frag");  // a '#' inside a value stays
  EXPECT_EQ(p->Get("Password"), "a #b");
  EXPECT_EQ(p->Get("AuthScheme"), "Basic");

  WriteFile(path, "Url=https://j\n\nTimeout=\"3\n");
  p = ResolveConnection(s);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("in profile " + path + ", line 3"), std::string::npos) << p.error().message;

  WriteFile(path, "Url=https://j\nTimeout=3\ntimeout=4\n");
  p = ResolveConnection(s);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("'timeout' is given twice (lines 2 and 3)"), std::string::npos) << p.error().message;

  WriteFile(path, "Url=https://j\nTimout=3\n");
  p = ResolveConnection(s);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("did you mean 'Timeout'"), std::string::npos) << p.error().message;
}

TEST(SourcesTest, TheDefaultProfileAndJirasqlProfile) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/jirasql/profiles");
  WriteFile(dir.path() + "/jirasql/profiles/default.conn", "Url=https://default.example\n");
  WriteFile(dir.path() + "/jirasql/profiles/other.conn", "Url=https://other.example\n");
  setenv("XDG_CONFIG_HOME", dir.path().c_str(), 1);
  unsetenv("JIRASQL_CONNECT");
  unsetenv("JIRASQL_PROFILE");
  auto p = ResolveConnection(SourcesFromEnvironment());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->Get("Url"), "https://default.example");
  EXPECT_EQ(p->SourceOf("Url"), PropSource::kProfile);
  setenv("JIRASQL_PROFILE", "other", 1);
  p = ResolveConnection(SourcesFromEnvironment());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->Get("Url"), "https://other.example");
  auto named = SourcesFromEnvironment();
  named.profile = "default";  // --profile beats JIRASQL_PROFILE
  EXPECT_EQ(ResolveConnection(named)->Get("Url"), "https://default.example");
  unsetenv("JIRASQL_PROFILE");
  std::filesystem::remove(dir.path() + "/jirasql/profiles/default.conn");
  p = ResolveConnection(SourcesFromEnvironment());
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->AnyGiven());
  EXPECT_FALSE(p->CheckConfigured());
  EXPECT_NE(p->CheckConfigured().error().message.find("no Jira connection is configured"), std::string::npos);
  unsetenv("XDG_CONFIG_HOME");
}

TEST(SourcesTest, ConnectErrorsNameTheirSource) {
  ConnectionSources s;
  s.connect = "Timout=3";
  s.connect_label = "jirasql_connect()";
  auto p = ResolveConnection(s);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message.rfind("in jirasql_connect(): Unknown property 'Timout'", 0), 0u) << p.error().message;
}

}  // namespace
}  // namespace jirasql
