#include "common/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace jirasql {
namespace {

TEST(JsonWriterTest, WritesNestedValuesWithCommas) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject()
      .Field("a", 1)
      .Field("s", "x")
      .Key("arr")
      .BeginArray()
      .Int(1)
      .Null()
      .Bool(false)
      .BeginObject()
      .EndObject()
      .EndArray()
      .Key("d")
      .Double(1.5)
      .Key("raw")
      .Raw("{\"k\":[]}")
      .EndObject();
  EXPECT_EQ(out, R"({"a":1,"s":"x","arr":[1,null,false,{}],"d":1.5,"raw":{"k":[]}})");
  EXPECT_FALSE(nlohmann::json::parse(out, nullptr, false).is_discarded());
}

TEST(JsonWriterTest, EscapesStringsSoTheyParseBack) {
  const std::string tricky = std::string("quote\" back\\ nl\n tab\t ctl\x01 uni é 🙂 nul") + '\0' + "end";
  std::string out;
  JsonWriter(out).String(tricky);
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j.get<std::string>(), tricky);
}

TEST(JsonWriterTest, EscapesAtEveryOffsetOfTheWordAtATimeScan) {
  // Special characters at each position relative to the 8-byte words the
  // fast path reads, and high bytes that must pass through untouched.
  for (char special : {'"', '\\', '\n', '\x1f', '\0'}) {
    for (std::size_t at = 0; at < 24; ++at) {
      std::string s(24, 'a');
      s[at] = special;
      s += "\xc3\xa9tail";
      std::string out;
      JsonWriter(out).String(s);
      EXPECT_EQ(out, nlohmann::json(s).dump()) << "offset " << at;
    }
  }
}

TEST(JsonWriterTest, NonFiniteDoublesBecomeNull) {
  std::string out;
  JsonWriter w(out);
  w.BeginArray().Double(1.0 / 0.0).EndArray();
  EXPECT_EQ(out, "[null]");
}

}  // namespace
}  // namespace jirasql
