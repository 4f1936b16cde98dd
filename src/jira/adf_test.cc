#include "jira/adf.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace jirasql {
namespace {

std::string Render(const std::string& content) {
  auto r = AdfToText(R"({"type":"doc","version":1,"content":[)" + content + "]}");
  EXPECT_TRUE(r) << r.error().message;
  return r ? *r : "";
}

TEST(AdfTest, ParagraphsHeadingsAndInlines) {
  EXPECT_EQ(Render(R"({"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Title"}]},
                      {"type":"paragraph","content":[{"type":"text","text":"Hi ","marks":[{"type":"strong"}]},
                        {"type":"mention","attrs":{"id":"5b1","text":"@Mia Krystof"}},{"type":"text","text":" see "},
                        {"type":"inlineCard","attrs":{"url":"https://x.atlassian.net/browse/A-1"}},{"type":"hardBreak"},
                        {"type":"emoji","attrs":{"shortName":":smile:","text":"😄"}},{"type":"text","text":" "},
                        {"type":"status","attrs":{"text":"IN REVIEW","color":"blue"}},{"type":"text","text":" by "},
                        {"type":"date","attrs":{"timestamp":"1709251199123"}}]})"),
            "Title\nHi @Mia Krystof see https://x.atlassian.net/browse/A-1\n😄 IN REVIEW by 2024-02-29");
}

TEST(AdfTest, NestedListsAndTasks) {
  EXPECT_EQ(Render(R"({"type":"bulletList","content":[
      {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"one"}]},
        {"type":"orderedList","attrs":{"order":3},"content":[
          {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"three"}]}]},
          {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"four"}]}]}]}]},
      {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"two"}]}]}]},
      {"type":"taskList","attrs":{"localId":"t"},"content":[
        {"type":"taskItem","attrs":{"localId":"a","state":"DONE"},"content":[{"type":"text","text":"done"}]},
        {"type":"taskItem","attrs":{"localId":"b","state":"TODO"},"content":[{"type":"text","text":"todo"}]}]})"),
            "- one\n  3. three\n  4. four\n- two\n[x] done\n[ ] todo");
}

TEST(AdfTest, CodeQuotesRulesTablesMedia) {
  EXPECT_EQ(
      Render(
          R"({"type":"codeBlock","attrs":{"language":"sql"},"content":[{"type":"text","text":"SELECT 1;\nSELECT 2;"}]},
      {"type":"blockquote","content":[{"type":"paragraph","content":[{"type":"text","text":"quoted"}]}]},
      {"type":"rule"},
      {"type":"table","content":[
        {"type":"tableRow","content":[{"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"k"}]}]},
                                     {"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"v"}]}]}]},
        {"type":"tableRow","content":[{"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]}]},
                                     {"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"1"}]},
                                                                    {"type":"paragraph","content":[{"type":"text","text":"2"}]}]}]}]},
      {"type":"mediaSingle","content":[{"type":"media","attrs":{"type":"file","id":"x","alt":"screen.png"}}]},
      {"type":"panel","attrs":{"panelType":"info"},"content":[{"type":"paragraph","content":[{"type":"text","text":"note"}]}]})"),
      "SELECT 1;\nSELECT 2;\n> quoted\n---\nk | v\na | 1 2\n[attachment: screen.png]\nnote");
}

TEST(AdfTest, UnknownNodesStillGiveTheirText) {
  EXPECT_EQ(Render(R"({"type":"futureWidget","content":[{"type":"text","text":"inside"}]})"), "inside");
}

TEST(AdfTest, NullEmptyAndPlainText) {
  EXPECT_EQ(*AdfToText("null"), "");
  EXPECT_EQ(*AdfToText(""), "");
  EXPECT_EQ(*AdfToText(R"("already plain")"), "already plain");
  EXPECT_EQ(*AdfToText(R"({"type":"doc","version":1,"content":[]})"), "");
}

TEST(AdfTest, MalformedInputIsAnErrorNotACrash) {
  EXPECT_FALSE(AdfToText("{not json"));
  EXPECT_FALSE(AdfToText(R"({"type":"paragraph"})"));
  EXPECT_FALSE(AdfToText("[1,2]"));
  // Wrong types inside are skipped.
  auto r = AdfToText(R"({"type":"doc","content":[{"type":"paragraph","content":"oops"},{"type":5},7,
                         {"type":"text","text":42},{"type":"paragraph","content":[{"type":"text","text":"ok"}]}]})");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "ok");
  std::string deep = R"({"type":"doc","content":[)";
  for (int i = 0; i < 200; ++i) deep += R"({"type":"blockquote","content":[)";
  for (int i = 0; i < 200; ++i) deep += "]}";
  deep += "]}";
  auto d = AdfToText(deep);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("nested too deeply"), std::string::npos);
}

// Found by fuzz_adf: a document whose "type" is not text threw out of the
// renderer (and would have ended the process). Kept in
// fuzz/regressions/adf/type-not-text as well.
TEST(AdfTest, ATypeThatIsNotTextIsAnError) {
  auto r = AdfToText(R"({"type": 1, "content": []})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("does not start with a \"doc\" node"), std::string::npos);
}

// An ordered list may start anywhere, but not past what can be counted.
TEST(AdfTest, AHugeListStartDoesNotOverflow) {
  auto r = AdfToText(R"({"type":"doc","content":[{"type":"orderedList","attrs":{"order":9223372036854775807},"content":[
      {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]}]},
      {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}]}]})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_NE(r->find("1000000001. b"), std::string::npos) << *r;
}

// ---- plain text -> ADF

nlohmann::json Adf(const std::string& text) {
  auto r = TextToAdf(text);
  EXPECT_TRUE(r) << r.error().message;
  return r ? *r : nlohmann::json();
}

TEST(TextToAdfTest, ParagraphsAndLineBreaks) {
  auto doc = Adf("First line\nsecond line\r\n\n\nNext paragraph  ");
  EXPECT_EQ(doc, nlohmann::json::parse(R"({"type":"doc","version":1,"content":[
      {"type":"paragraph","content":[{"type":"text","text":"First line"},{"type":"hardBreak"},
                                     {"type":"text","text":"second line"}]},
      {"type":"paragraph","content":[{"type":"text","text":"Next paragraph"}]}]})"));
  EXPECT_EQ(Adf(""), nlohmann::json::parse(R"({"type":"doc","version":1,"content":[]})"));
  EXPECT_EQ(Adf("\n \n")["content"].size(), 0u);
}

TEST(TextToAdfTest, ListsOnlyWhenEveryLineIsAnItem) {
  auto doc = Adf("- one\n* two\n\n1. first\n2. second\n\n1. a\n3. skipped a number\n\n- item\nnot an item");
  const auto& c = doc["content"];
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0]["type"], "bulletList");
  EXPECT_EQ(c[0]["content"][1]["content"][0]["content"][0]["text"], "two");
  EXPECT_EQ(c[1]["type"], "orderedList");
  EXPECT_EQ(c[1]["content"].size(), 2u);
  EXPECT_EQ(c[2]["type"], "paragraph");  // 1, 3: not a list
  EXPECT_EQ(c[3]["type"], "paragraph");
}

TEST(TextToAdfTest, FencedCodeKeepsItsLinesAndLanguage) {
  auto doc = Adf("Run:\n```sql\nSELECT 1;\n\n  -- indented\n```\nDone");
  const auto& c = doc["content"];
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[1]["type"], "codeBlock");
  EXPECT_EQ(c[1]["attrs"]["language"], "sql");
  EXPECT_EQ(c[1]["content"][0]["text"], "SELECT 1;\n\n  -- indented");
  // A fence that never closes is text.
  EXPECT_EQ(Adf("```\nno end")["content"][0]["type"], "paragraph");
}

TEST(TextToAdfTest, RendersBackToTheText) {
  // The text's lines, less blank lines and fences.
  auto lines = [](const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
      std::size_t nl = std::min(s.find('\n', start), s.size());
      std::string l = s.substr(start, nl - start);
      if (!l.empty() && l.rfind("```", 0) != 0) out.push_back(l);
      start = nl + 1;
    }
    return out;
  };
  for (const std::string text : {"One\ntwo", "- a\n- b", "1. a\n2. b", "Intro\n\n```\ncode\n```", "Ünïcødé ✓"}) {
    auto back = AdfToText(Adf(text).dump());
    ASSERT_TRUE(back);
    EXPECT_EQ(lines(*back), lines(text)) << text;
  }
}

TEST(TextToAdfTest, InvalidUtf8IsAnErrorAndAdfIsRecognised) {
  for (const char* bad : {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    auto r = TextToAdf(bad);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("UTF-8"), std::string::npos);
  }
  EXPECT_TRUE(TextToAdf("\xc3\xa9\xe2\x9c\x93\xf0\x9f\x98\x84"));
  EXPECT_TRUE(LooksLikeAdfDocument(R"( {"type":"doc","version":1,"content":[]})"));
  EXPECT_FALSE(LooksLikeAdfDocument(R"({"type":"paragraph","content":[]})"));
  EXPECT_FALSE(LooksLikeAdfDocument("{not json"));
  EXPECT_FALSE(LooksLikeAdfDocument("plain"));
}

}  // namespace
}  // namespace jirasql
