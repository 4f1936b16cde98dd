#include "adf_text.h"

#include <nlohmann/json.hpp>

namespace jirasim {

namespace {

using nlohmann::json;

std::string Text(const json& node, const char* key) {
  auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : "";
}

void NewLine(std::string& out) {
  if (!out.empty() && out.back() != '\n') out += '\n';
}

void Render(const json& node, std::string& out, int depth) {
  if (!node.is_object() || depth > 100) return;
  const std::string type = Text(node, "type");
  const json empty = json::array();
  auto c = node.find("content");
  const json& kids = c != node.end() && c->is_array() ? *c : empty;
  if (type == "text") {
    out += Text(node, "text");
  } else if (type == "mention") {
    auto a = node.find("attrs");
    out += a != node.end() && a->is_object() ? Text(*a, "text") : "";
  } else if (type == "hardBreak") {
    out += '\n';
  } else if (type == "paragraph" || type == "heading" || type == "codeBlock") {
    NewLine(out);
    for (const auto& k : kids) Render(k, out, depth + 1);
    NewLine(out);
  } else if (type == "bulletList" || type == "orderedList") {
    int n = 1;
    for (const auto& item : kids) {
      NewLine(out);
      out += type == "bulletList" ? std::string("- ") : std::to_string(n++) + ". ";
      // An item's paragraphs run on after its marker.
      std::string inner;
      auto ic = item.find("content");
      if (item.is_object() && ic != item.end() && ic->is_array()) {
        for (const auto& k : *ic) Render(k, inner, depth + 2);
      }
      while (!inner.empty() && inner.front() == '\n') inner.erase(inner.begin());
      out += inner;
      NewLine(out);
    }
  } else {
    for (const auto& k : kids) Render(k, out, depth + 1);
  }
}

}  // namespace

std::string AdfToPlainText(const std::string& adf_json) {
  auto doc = json::parse(adf_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || Text(doc, "type") != "doc") return "";
  std::string out;
  Render(doc, out, 0);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace jirasim
