#include "jira/adf.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace jirasql
