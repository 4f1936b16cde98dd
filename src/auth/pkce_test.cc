#include "auth/pkce.h"

#include <gtest/gtest.h>

#include <set>

namespace jirasql {
namespace {

TEST(PkceTest, S256MatchesRfc7636AppendixB) {
  EXPECT_EQ(PkceS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(PkceTest, RandomTokensAreLongUrlSafeAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto t = RandomToken(32);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->size(), 43u);  // 256 bits, a valid RFC 7636 verifier length
    EXPECT_EQ(t->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    seen.insert(*t);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(RandomToken(16)->size(), 22u);  // 128 bits for state
}

}  // namespace
}  // namespace jirasql
