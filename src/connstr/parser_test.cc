#include "connstr/parser.h"

#include <gtest/gtest.h>

namespace jirasql {
namespace {

std::vector<std::pair<std::string, std::string>> Pairs(std::string_view s) {
  auto r = ParseConnectionString(s);
  EXPECT_TRUE(r) << r.error().message;
  std::vector<std::pair<std::string, std::string>> out;
  if (r)
    for (auto& p : *r) out.emplace_back(p.name, p.value);
  return out;
}

std::string ErrorOf(std::string_view s) {
  auto r = ParseConnectionString(s);
  EXPECT_FALSE(r) << "expected an error for: " << s;
  return r ? "" : r.error().message;
}

using P = std::vector<std::pair<std::string, std::string>>;

TEST(ParserTest, PlainPairs) { EXPECT_EQ(Pairs("A=1;B=two"), (P{{"A", "1"}, {"B", "two"}})); }

TEST(ParserTest, WhitespaceEmptySegmentsAndTrailingSemicolon) {
  EXPECT_EQ(Pairs("  A = 1 ; ;B=  two words  ;"), (P{{"A", "1"}, {"B", "two words"}}));
  EXPECT_EQ(Pairs(""), P{});
  EXPECT_EQ(Pairs(" ; ;; "), P{});
}

TEST(ParserTest, EmptyValues) { EXPECT_EQ(Pairs("A=;B=\"\";C=''"), (P{{"A", ""}, {"B", ""}, {"C", ""}})); }

TEST(ParserTest, UnquotedValueMayHoldEquals) {
  EXPECT_EQ(Pairs("Url=https://x/?a=b;T=abc=="), (P{{"Url", "https://x/?a=b"}, {"T", "abc=="}}));
}

TEST(ParserTest, QuotedValuesKeepSemicolonsSpacesAndDoubledQuotes) {
  EXPECT_EQ(Pairs("A=\"x;y=z\";B=' padded '"), (P{{"A", "x;y=z"}, {"B", " padded "}}));
  EXPECT_EQ(Pairs("A=\"say \"\"hi\"\"\""), (P{{"A", "say \"hi\""}}));
  EXPECT_EQ(Pairs("A='it''s'"), (P{{"A", "it's"}}));
  EXPECT_EQ(Pairs("A=\"it's\";B='say \"hi\"'"), (P{{"A", "it's"}, {"B", "say \"hi\""}}));
  EXPECT_EQ(Pairs("A = \"v\"  ;B=1"), (P{{"A", "v"}, {"B", "1"}}));
}

TEST(ParserTest, UnicodeIsKept) {
  EXPECT_EQ(Pairs("User=zoë@example.com;Scope=\"ü ß\""), (P{{"User", "zoë@example.com"}, {"Scope", "ü ß"}}));
}

TEST(ParserTest, UnterminatedQuoteNamesPropertyAndPosition) {
  std::string e = ErrorOf("Url=x;Scope=\"read:jira-work");
  EXPECT_NE(e.find("unterminated \" quote"), std::string::npos) << e;
  EXPECT_NE(e.find("'Scope'"), std::string::npos) << e;
  EXPECT_NE(e.find("position 13"), std::string::npos) << e;
  // The quote character of the message follows the one used.
  EXPECT_NE(ErrorOf("A='abc").find("unterminated ' quote"), std::string::npos);
}

TEST(ParserTest, TextAfterClosingQuoteIsAnError) {
  std::string e = ErrorOf("A=\"abc\"def;B=1");
  EXPECT_NE(e.find("position 8"), std::string::npos) << e;
  EXPECT_NE(e.find("inside the quotes"), std::string::npos) << e;
  EXPECT_EQ(e.find("def"), std::string::npos) << "must not echo value text: " << e;
}

TEST(ParserTest, MissingEqualsOrName) {
  std::string e = ErrorOf("Url=x;Verbose");
  EXPECT_NE(e.find("expected '=' after 'Verbose' at position 7"), std::string::npos) << e;
  e = ErrorOf("=x");
  EXPECT_NE(e.find("missing property name"), std::string::npos) << e;
  e = ErrorOf("My Name=x");
  EXPECT_NE(e.find("contains a quote or a space"), std::string::npos) << e;
}

TEST(ParserTest, RepeatedNameIsAnErrorIgnoringCase) {
  std::string e = ErrorOf("Url=a;Timeout=5;URL=b");
  EXPECT_NE(e.find("'URL' is given twice (positions 1 and 17)"), std::string::npos) << e;
}

TEST(ParserTest, QuoteValueRoundTrips) {
  for (std::string v : {"plain", "with;semi", "say \"hi\"", "it's", " spaced ", "a=b", "", "ü"}) {
    std::string s = "K=" + QuoteValue(v);
    auto r = ParseConnectionString(s);
    ASSERT_TRUE(r) << s;
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].value, v) << s;
  }
  EXPECT_EQ(QuoteValue("plain"), "plain");
}

}  // namespace
}  // namespace jirasql
