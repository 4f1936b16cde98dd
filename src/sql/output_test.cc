#include "sql/output.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace jirasql {
namespace {

using nlohmann::json;

SqlValue T(const char* s) { return SqlValue(std::string(s)); }
SqlValue I(int64_t i) { return SqlValue(i); }

// One result set written whole, or cut by an error after its rows when
// `incomplete`.
std::string Write(OutputFormat f, const std::vector<std::string>& cols, const std::vector<SqlRow>& rows,
                  bool incomplete = false, OutputOptions o = {}) {
  std::ostringstream out;
  auto w = MakeResultWriter(f, out, o);
  w->Begin(cols);
  for (const auto& r : rows) w->Row(r);
  if (incomplete) {
    w->Incomplete(static_cast<int64_t>(rows.size()));
  } else {
    w->End();
    w->Finish();
  }
  return out.str();
}

TEST(Output, CsvFollowsRfc4180) {
  std::string csv =
      Write(OutputFormat::kCsv, {"a", "b,c"}, {{I(1), T("say \"hi\"\nthere")}, {SqlValue{}, SqlValue(2.5)}});
  EXPECT_EQ(csv, "a,\"b,c\"\r\n1,\"say \"\"hi\"\"\nthere\"\r\n,2.5\r\n");
  OutputOptions no_header;
  no_header.header = false;
  EXPECT_EQ(Write(OutputFormat::kCsv, {"a"}, {{I(1)}}, false, no_header), "1\r\n");
}

TEST(Output, TsvEscapesWhatWouldBreakALine) {
  EXPECT_EQ(Write(OutputFormat::kTsv, {"a", "b"}, {{T("x\ty"), T("1\n2\\3")}}), "a\tb\nx\\ty\t1\\n2\\\\3\n");
}

TEST(Output, JsonKeepsTypes) {
  std::string out = Write(OutputFormat::kJson, {"i", "r", "t", "n"}, {{I(7), SqlValue(0.5), T("x\"y"), SqlValue{}}});
  auto j = json::parse(out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_TRUE(j[0]["i"].is_number_integer());
  EXPECT_EQ(j[0]["i"], 7);
  EXPECT_EQ(j[0]["r"], 0.5);
  EXPECT_EQ(j[0]["t"], "x\"y");
  EXPECT_TRUE(j[0]["n"].is_null());
  EXPECT_EQ(json::parse(Write(OutputFormat::kJson, {"a"}, {})), json::array());
  std::string nd = Write(OutputFormat::kNdjson, {"a"}, {{I(1)}, {I(2)}});
  EXPECT_EQ(nd, "{\"a\":1}\n{\"a\":2}\n");
}

TEST(Output, JsonKeysAreUniqueAndBlobsAreBase64) {
  auto j = json::parse(Write(OutputFormat::kJson, {"Key", "Key", "Key_2", "b"},
                             {{T("A-1"), T("A-2"), T("x"), SqlValue(SqlBlob{std::string("\x00\xff", 2)})}}));
  ASSERT_EQ(j[0].size(), 4u);
  EXPECT_EQ(j[0]["Key"], "A-1");
  EXPECT_EQ(j[0]["Key_3"], "A-2");  // Key_2 is taken by a column of that name
  EXPECT_EQ(j[0]["Key_2"], "x");
  EXPECT_EQ(j[0]["b"], "AP8=");
  EXPECT_EQ(Write(OutputFormat::kCsv, {"b"}, {{SqlValue(SqlBlob{"\x01\xab"})}}), "b\r\nX'01ab'\r\n");
}

TEST(Output, SeveralStatementsMakeOneJsonDocument) {
  std::ostringstream out;
  OutputOptions o;
  o.several = true;
  auto w = MakeResultWriter(OutputFormat::kJson, out, o);
  w->Begin({"a"});
  w->Row({I(1)});
  w->End();
  w->Begin({"b"});
  w->End();
  w->Finish();
  auto j = json::parse(out.str());
  EXPECT_EQ(j, json::parse(R"([[{"a":1}],[]])"));
}

TEST(Output, TableAlignsColumnsAndTellsNullFromTheTextNull) {
  std::string t =
      Write(OutputFormat::kTable, {"Key", "N"}, {{T("ABC-1"), I(1)}, {T("X"), SqlValue{}}, {T("NULL"), T("null")}});
  EXPECT_EQ(t, "Key     N\n------  ------\nABC-1   1\nX       NULL\n'NULL'  'null'\n(3 rows)\n");
  OutputOptions no_header;
  no_header.header = false;
  EXPECT_EQ(Write(OutputFormat::kTable, {"Key"}, {{T("A")}}, false, no_header), "A\n");
}

TEST(Output, TableColumnsStayAlignedPastTheMemoryBudget) {
  // 9 MiB of rows: the later ones go to a temporary file, and a wide value
  // near the end still widens the first column of every line.
  std::vector<SqlRow> rows;
  const std::string filler(1000, 'f');
  for (int i = 0; i < 9000; ++i) rows.push_back({T("k"), T(filler.c_str())});
  rows.push_back({T("a-much-wider-key"), T("z")});
  std::string t = Write(OutputFormat::kTable, {"Key", "Text"}, rows);
  std::istringstream in(t);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    if (line.rfind("(", 0) == 0) break;
    ++lines;
    EXPECT_EQ(line.substr(16, 2), "  ") << "line " << lines;
  }
  EXPECT_EQ(lines, 2 + 9001);
  EXPECT_NE(t.find("(9001 rows)"), std::string::npos);
}

TEST(Output, MarkdownIsATable) {
  EXPECT_EQ(Write(OutputFormat::kMarkdown, {"Key", "Summary"}, {{T("A-1"), T("a|b")}}),
            "| Key | Summary |\n| --- | ------- |\n| A-1 | a\\|b    |\n(1 row)\n");
}

// A result cut short never passes for a whole one, in any format.
TEST(Output, AnIncompleteResultCannotPassForAWholeOne) {
  const std::vector<SqlRow> rows = {{I(1)}, {I(2)}};
  std::string table = Write(OutputFormat::kTable, {"n"}, rows, true);
  EXPECT_NE(table.find("(incomplete: error after 2 rows)"), std::string::npos) << table;
  EXPECT_EQ(table.find("(2 rows)"), std::string::npos) << table;
  EXPECT_NE(Write(OutputFormat::kMarkdown, {"n"}, rows, true).find("(incomplete: error after 2 rows)"),
            std::string::npos);

  std::string j = Write(OutputFormat::kJson, {"n"}, rows, true);
  EXPECT_TRUE(json::parse(j, nullptr, false).is_discarded()) << j;

  std::string nd = Write(OutputFormat::kNdjson, {"n"}, rows, true);
  ASSERT_NE(nd.back(), '\n');
  EXPECT_TRUE(json::parse(nd.substr(nd.rfind('\n') + 1), nullptr, false).is_discarded()) << nd;

  for (auto f : {OutputFormat::kCsv, OutputFormat::kTsv}) {
    std::string csv = Write(f, {"n"}, rows, true);
    ASSERT_NE(csv.back(), '\n');
    std::string last = csv.substr(csv.rfind('\n') + 1);
    EXPECT_EQ(last[0], '"') << csv;
    EXPECT_EQ(std::count(last.begin(), last.end(), '"'), 1) << "the quote must stay open: " << csv;
    EXPECT_NE(last.find("incomplete: error after 2 rows"), std::string::npos);
  }
}

TEST(Output, FormatNamesIgnoreCase) {
  EXPECT_EQ(*ParseOutputFormat("CSV"), OutputFormat::kCsv);
  EXPECT_EQ(*ParseOutputFormat("Markdown"), OutputFormat::kMarkdown);
  EXPECT_EQ(*ParseOutputFormat("tsv"), OutputFormat::kTsv);
  auto bad = ParseOutputFormat("xml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("use table, csv, tsv, json, ndjson or markdown"), std::string::npos);
}

}  // namespace
}  // namespace jirasql
