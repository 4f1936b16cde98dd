#include "common/secure.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

TEST(SecureWipe, ZeroesTheWholeBufferAndEmptiesTheString) {
  std::string s = "rt-0123456789abcdef0123456789abcdef";
  s.reserve(100);
  const char* buffer = s.data();
  const std::size_t capacity = s.capacity();
  SecureWipe(s);
  EXPECT_TRUE(s.empty());
  ASSERT_EQ(s.data(), buffer) << "the buffer moved: the wipe would miss the old one";
  for (std::size_t i = 0; i < capacity; ++i) ASSERT_EQ(buffer[i], '\0') << "byte " << i;
}

TEST(SecureWipe, ShortStringsInPlaceToo) {
  std::string s = "short";  // in the string object itself (small-string optimisation)
  const char* buffer = s.data();
  SecureWipe(s);
  EXPECT_EQ(s.data(), buffer);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(buffer[i], '\0');
}

TEST(SecureWipe, JsonStringsAreWipedInPlace) {
  auto j = nlohmann::json::parse(
      R"({"access_token":"at-secret-value-long-enough-for-the-heap","n":[1,"rt-another-secret-long-enough-too"]})");
  std::string& token = j["access_token"].get_ref<std::string&>();
  std::string& nested = j["n"][1].get_ref<std::string&>();
  const char* p1 = token.data();
  const char* p2 = nested.data();
  const std::size_t n1 = token.size(), n2 = nested.size();
  SecureWipe(j);
  EXPECT_EQ(j["access_token"], "");
  EXPECT_EQ(j["n"][1], "");
  EXPECT_EQ(j["n"][0], 1);
  for (std::size_t i = 0; i < n1; ++i) ASSERT_EQ(p1[i], '\0');
  for (std::size_t i = 0; i < n2; ++i) ASSERT_EQ(p2[i], '\0');
}

TEST(WipeOnExit, WipesAtTheEndOfTheScope) {
  std::string a = "first-secret-that-lives-on-the-heap-1", b = "second-secret-that-lives-on-the-heap-2";
  {
    WipeOnExit w(&a, &b);
    EXPECT_FALSE(a.empty());
  }
  EXPECT_TRUE(a.empty());
  EXPECT_TRUE(b.empty());
}

}  // namespace
}  // namespace jirasql
