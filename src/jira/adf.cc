#include "jira/adf.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace jirasql {

namespace {

using nlohmann::json;

constexpr int kMaxDepth = 64;  // deeper documents are refused, not recursed into

struct Renderer {
  std::string out;
  bool too_deep = false;

  static std::string Str(const json& node, const char* key) {
    if (!node.is_object()) return "";
    auto it = node.find(key);
    return it != node.end() && it->is_string() ? it->get<std::string>() : "";
  }
  static const json* Attrs(const json& node) {
    if (!node.is_object()) return nullptr;
    auto it = node.find("attrs");
    return it != node.end() && it->is_object() ? &*it : nullptr;
  }

  void EndLine() {
    if (!out.empty() && out.back() != '\n') out += '\n';
  }

  void Children(const json& node, const std::string& indent, int depth) {
    if (!node.is_object()) return;
    auto it = node.find("content");
    if (it == node.end() || !it->is_array()) return;
    for (const auto& child : *it) Node(child, indent, depth + 1);
  }

  void Line(const std::string& indent) {
    EndLine();
    out += indent;
  }

  void Node(const json& node, const std::string& indent, int depth) {
    if (depth > kMaxDepth) {
      too_deep = true;
      return;
    }
    if (!node.is_object()) return;
    const std::string type = Str(node, "type");
    const json* attrs = Attrs(node);
    if (type == "text") {
      out += Str(node, "text");
    } else if (type == "hardBreak") {
      out += '\n' + indent;
    } else if (type == "mention") {
      std::string t = attrs ? Str(*attrs, "text") : "";
      out += t.empty() ? "@someone" : (t[0] == '@' ? t : "@" + t);
    } else if (type == "emoji") {
      std::string t = attrs ? Str(*attrs, "text") : "";
      out += t.empty() && attrs ? Str(*attrs, "shortName") : t;
    } else if (type == "date") {
      std::string ts = attrs ? Str(*attrs, "timestamp") : "";
      char* end = nullptr;
      long long ms = std::strtoll(ts.c_str(), &end, 10);
      if (!ts.empty() && end && *end == '\0') {
        time_t secs = static_cast<time_t>(ms / 1000);
        std::tm tm{};
        gmtime_r(&secs, &tm);
        char buf[16];
        std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
        out += buf;
      }
    } else if (type == "status") {
      out += attrs ? Str(*attrs, "text") : "";
    } else if (type == "inlineCard" || type == "blockCard" || type == "embedCard") {
      if (type != "inlineCard") Line(indent);
      out += attrs ? Str(*attrs, "url") : "";
    } else if (type == "paragraph" || type == "heading") {
      Line(indent);
      Children(node, indent, depth);
      EndLine();
    } else if (type == "bulletList" || type == "orderedList" || type == "taskList" || type == "decisionList") {
      long long n = 1;
      if (type == "orderedList" && attrs && attrs->contains("order") && (*attrs)["order"].is_number_integer()) {
        // Clamped: a hostile start near the largest integer must not overflow.
        n = std::clamp<long long>((*attrs)["order"].get<long long>(), 0, 1000000000);
      }
      auto it = node.find("content");
      if (it == node.end() || !it->is_array()) return;
      for (const auto& item : *it) {
        std::string marker = "- ";
        if (type == "orderedList") marker = std::to_string(n++) + ". ";
        if (Str(item, "type") == "taskItem") {
          const json* a = Attrs(item);
          marker = (a && Str(*a, "state") == "DONE") ? "[x] " : "[ ] ";
        }
        Line(indent);
        out += marker;
        ListItem(item, indent + std::string(marker.size(), ' '), depth + 1);
      }
      EndLine();
    } else if (type == "codeBlock") {
      Line(indent);
      std::string code;
      auto it = node.find("content");
      if (it != node.end() && it->is_array()) {
        for (const auto& t : *it) code += Str(t, "text");
      }
      for (char c : code) {
        out += c;
        if (c == '\n') out += indent;
      }
      EndLine();
    } else if (type == "blockquote") {
      Children(node, indent + "> ", depth);
    } else if (type == "rule") {
      Line(indent);
      out += "---\n";
    } else if (type == "table") {
      auto rows = node.find("content");
      if (rows == node.end() || !rows->is_array()) return;
      for (const auto& row : *rows) {
        Line(indent);
        auto cells = row.find("content");
        if (!row.is_object() || cells == row.end() || !cells->is_array()) continue;
        bool first = true;
        for (const auto& cell : *cells) {
          if (!first) out += " | ";
          first = false;
          Renderer inner;
          inner.Children(cell, "", depth + 1);
          too_deep |= inner.too_deep;
          std::string text = inner.out;
          while (!text.empty() && text.back() == '\n') text.pop_back();
          for (char& c : text) {
            if (c == '\n') c = ' ';
          }
          out += text;
        }
        EndLine();
      }
    } else if (type == "mediaSingle" || type == "mediaGroup" || type == "media") {
      if (type == "media") {
        Line(indent);
        std::string alt = attrs ? Str(*attrs, "alt") : "";
        out += "[attachment" + (alt.empty() ? std::string() : ": " + alt) + "]";
        EndLine();
      } else {
        Children(node, indent, depth);
      }
    } else if (type == "panel" || type == "expand" || type == "nestedExpand") {
      std::string title = attrs ? Str(*attrs, "title") : "";
      if (!title.empty()) {
        Line(indent);
        out += title;
        EndLine();
      }
      Children(node, indent, depth);
    } else {
      Children(node, indent, depth);  // doc, listItem, unknown: their children
    }
  }

  void ListItem(const json& item, const std::string& indent, int depth) {
    // The first paragraph continues the marker's line; later blocks indent.
    auto it = item.find("content");
    if (!item.is_object() || it == item.end() || !it->is_array()) return;
    bool first = true;
    for (const auto& child : *it) {
      const std::string type = Str(child, "type");
      if (first && (type == "paragraph" || type == "text")) {
        if (type == "text")
          out += Str(child, "text");
        else
          Children(child, indent, depth);
        EndLine();
      } else {
        Node(child, indent, depth + 1);
      }
      first = false;
    }
    EndLine();
  }
};

}  // namespace

Result<std::string> AdfToText(std::string_view adf_json) {
  if (adf_json.empty() || adf_json == "null") return std::string();
  auto doc = json::parse(adf_json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Fail(ErrorCode::kBadResponse, "rich text (ADF) is not valid JSON");
  if (doc.is_null()) return std::string();
  if (doc.is_string()) return doc.get<std::string>();  // API v2 already gives plain text
  if (!doc.is_object() || Renderer::Str(doc, "type") != "doc") {
    return Fail(ErrorCode::kBadResponse, "rich text (ADF) does not start with a \"doc\" node");
  }
  Renderer r;
  try {
    r.Node(doc, "", 0);
  } catch (const json::exception& e) {
    // The renderer checks every member's type; this is the net under it.
    return Fail(ErrorCode::kBadResponse,
                std::string("rich text (ADF) has a member of an unexpected type: ") + e.what());
  }
  if (r.too_deep) return Fail(ErrorCode::kBadResponse, "rich text (ADF) is nested too deeply to render");
  std::string out = std::move(r.out);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace jirasql

// ---- plain text -> ADF -------------------------------------------------------

namespace jirasql {

namespace {

bool ValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || (extra == 1 && c < 0xC2) || i + static_cast<std::size_t>(extra) >= s.size() + (extra ? 0 : 1))
      return false;
    uint32_t cp = extra == 0 ? c : c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      const auto d = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
      return false;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

bool Blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

std::string_view RightTrimmed(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line;
}

json Text(std::string_view s) { return json{{"type", "text"}, {"text", std::string(s)}}; }

json Paragraph(const std::vector<std::string_view>& lines) {
  json content = json::array();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) content.push_back(json{{"type", "hardBreak"}});
    if (!lines[i].empty()) content.push_back(Text(lines[i]));
  }
  return json{{"type", "paragraph"}, {"content", std::move(content)}};
}

// "- x" / "* x" -> "x"; nullopt when the line is not a bullet item.
std::optional<std::string_view> Bullet(std::string_view line) {
  if (line.size() >= 2 && (line[0] == '-' || line[0] == '*') && line[1] == ' ') return line.substr(2);
  return std::nullopt;
}

// "12. x" numbered `want` -> "x".
std::optional<std::string_view> Numbered(std::string_view line, int want) {
  const std::string prefix = std::to_string(want) + ". ";
  if (line.substr(0, prefix.size()) == prefix) return line.substr(prefix.size());
  return std::nullopt;
}

json List(const char* type, const std::vector<std::string_view>& items) {
  json content = json::array();
  for (auto item : items) {
    json para = json{{"type", "paragraph"}, {"content", json::array()}};
    if (!item.empty()) para["content"].push_back(Text(item));
    content.push_back(json{{"type", "listItem"}, {"content", json::array({std::move(para)})}});
  }
  json list{{"type", type}, {"content", std::move(content)}};
  if (std::string_view(type) == "orderedList") list["attrs"] = json{{"order", 1}};
  return list;
}

json Block(const std::vector<std::string_view>& lines) {
  std::vector<std::string_view> items;
  for (auto l : lines) {
    auto b = Bullet(l);
    if (!b) break;
    items.push_back(*b);
  }
  if (items.size() == lines.size()) return List("bulletList", items);
  items.clear();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto n = Numbered(lines[i], static_cast<int>(i) + 1);
    if (!n) break;
    items.push_back(*n);
  }
  if (items.size() == lines.size()) return List("orderedList", items);
  return Paragraph(lines);
}

}  // namespace

Result<json> TextToAdf(std::string_view text) {
  if (!ValidUtf8(text)) return Fail(ErrorCode::kInvalidArgument, "the text is not valid UTF-8");
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(RightTrimmed(text.substr(start, nl - start)));
    start = nl + 1;
  }
  json content = json::array();
  std::vector<std::string_view> block;
  auto flush = [&] {
    if (!block.empty()) content.push_back(Block(block));
    block.clear();
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = lines[i];
    if (l.substr(0, 3) == "```") {
      // A fence opens a code block only when a closing fence follows.
      std::size_t close = i + 1;
      while (close < lines.size() && lines[close] != "```") ++close;
      if (close < lines.size()) {
        flush();
        std::string code;
        for (std::size_t k = i + 1; k < close; ++k) code += std::string(lines[k]) + (k + 1 < close ? "\n" : "");
        json node{{"type", "codeBlock"}, {"content", json::array()}};
        std::string_view lang = l.substr(3);
        if (!lang.empty() && lang.find(' ') == std::string_view::npos)
          node["attrs"] = json{{"language", std::string(lang)}};
        if (!code.empty()) node["content"].push_back(Text(code));
        content.push_back(std::move(node));
        i = close;
        continue;
      }
    }
    if (Blank(l)) {
      flush();
      continue;
    }
    block.push_back(l);
  }
  flush();
  return json{{"type", "doc"}, {"version", 1}, {"content", std::move(content)}};
}

bool LooksLikeAdfDocument(std::string_view text) {
  std::size_t i = text.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos || text[i] != '{') return false;
  json j = json::parse(text, nullptr, false);
  return j.is_object() && j.value("type", "") == "doc" && j.contains("content") && j["content"].is_array();
}

}  // namespace jirasql
