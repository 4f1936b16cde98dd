#pragma once
/// A small streaming JSON writer that appends straight to a string: no tree,
/// no allocation per value. Used where JSON is produced in bulk (jirasim's
/// pages, `jirasql query --format json`); nlohmann::json serves everywhere
/// else. Commas are placed automatically; the caller keeps keys and values
/// paired and nesting balanced.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jirasql {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  /// An object key; the next call writes its value.
  JsonWriter& Key(std::string_view key);
  /// An object key already quoted by AppendQuoted (keys written on every
  /// row are quoted once).
  JsonWriter& QuotedKey(std::string_view quoted);

  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Double(double v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  /// Pre-serialised JSON, written as one value.
  JsonWriter& Raw(std::string_view json);

  /// Shorthands for `Key(k).String(v)` and friends.
  JsonWriter& Field(std::string_view k, std::string_view v) { return Key(k).String(v); }
  JsonWriter& Field(std::string_view k, const char* v) { return Key(k).String(v); }
  JsonWriter& Field(std::string_view k, const std::string& v) { return Key(k).String(v); }
  JsonWriter& Field(std::string_view k, int64_t v) { return Key(k).Int(v); }
  JsonWriter& Field(std::string_view k, int v) { return Key(k).Int(v); }
  JsonWriter& Field(std::string_view k, bool v) { return Key(k).Bool(v); }

  /// Appends `s` to `out` as a quoted JSON string.
  static void AppendQuoted(std::string& out, std::string_view s);

 private:
  void Separate();
  std::string& out_;
  // One entry per open container: whether it already holds an element.
  std::vector<unsigned char> has_element_;
  bool after_key_ = false;
};

}  // namespace jirasql
