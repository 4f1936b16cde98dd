#include "jira/adf.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

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
