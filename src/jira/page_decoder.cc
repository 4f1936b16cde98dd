#include "jira/page_decoder.h"

#include <simdjson.h>

namespace jirasql {

namespace {

using json = nlohmann::json;

bool Dropped(std::string_view key) {
  return key == "self" || key == "avatarUrls" || key == "iconUrl" || key == "expand";
}

json Convert(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      json out = json::object();
      for (auto [key, value] : simdjson::dom::object(e)) {
        if (!Dropped(key)) out.emplace(std::string(key), Convert(value));
      }
      return out;
    }
    case simdjson::dom::element_type::ARRAY: {
      json out = json::array();
      for (auto value : simdjson::dom::array(e)) out.push_back(Convert(value));
      return out;
    }
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(e));
    case simdjson::dom::element_type::INT64:
      return int64_t(e);
    case simdjson::dom::element_type::UINT64:
      return uint64_t(e);
    case simdjson::dom::element_type::DOUBLE:
      return double(e);
    case simdjson::dom::element_type::BOOL:
      return bool(e);
    default:
      return nullptr;
  }
}

json ConvertKept(simdjson::dom::element e, const KeepTree& keep) {
  if (keep.whole) return Convert(e);
  if (e.type() == simdjson::dom::element_type::ARRAY) {  // a path through a list: each element keeps it
    json out = json::array();
    for (auto value : simdjson::dom::array(e)) out.push_back(ConvertKept(value, keep));
    return out;
  }
  if (e.type() != simdjson::dom::element_type::OBJECT) return Convert(e);
  json out = json::object();
  for (auto [key, value] : simdjson::dom::object(e)) {
    auto it = keep.children.find(key);
    if (it != keep.children.end()) out.emplace(std::string(key), ConvertKept(value, it->second));
  }
  return out;
}

// What every issue of a page must be for its row to mean anything: an
// object whose "id" is a positive decimal integer that fits in 64 bits (Jira
// sends it as a string), whose "key" is text and whose "fields" an object.
// Empty when it is; else what is wrong.
std::string IssueProblem(simdjson::dom::element issue) {
  simdjson::dom::object obj;
  if (issue.get(obj)) return "is not a JSON object";
  simdjson::dom::element id;
  if (obj["id"].get(id)) return "has no \"id\"";
  if (id.is_int64() || id.is_uint64()) {
    if (!id.is_int64() || int64_t(id) <= 0) return "has an \"id\" out of range";
  } else {
    std::string_view text;
    if (id.get(text)) return "has an \"id\" that is neither text nor a number";
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string_view::npos ||
        text.find_first_not_of('0') == std::string_view::npos) {
      std::string shown(text.substr(0, 40));
      return "has the \"id\" \"" + shown + (text.size() > 40 ? "…" : "") +
             "\", which is not a Jira issue id (a positive whole number)";
    }
  }
  simdjson::dom::element member;
  if (!obj["key"].get(member) && !member.is_string()) return "has a \"key\" that is not text";
  if (!obj["fields"].get(member) && !member.is_object()) return "has \"fields\" that are not a JSON object";
  return "";
}

// One parser per thread: it keeps its buffers between pages.
simdjson::dom::parser& Parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace

Result<json> ParseTrimmed(std::string_view body) {
  simdjson::dom::element root;
  auto err = Parser().parse(body.data(), body.size(), true).get(root);
  if (err) return Fail(ErrorCode::kBadResponse, std::string("not JSON: ") + simdjson::error_message(err));
  return Convert(root);
}

void KeepTree::Graft(const std::vector<std::string>& path, const KeepTree& below) {
  KeepTree* node = this;
  for (const auto& k : path) {
    if (node->whole) return;
    node = &node->children[k];
  }
  if (node->whole) return;
  if (below.whole) {
    node->whole = true;
    node->children.clear();
    return;
  }
  for (const auto& [k, child] : below.children) node->Graft({k}, child);
}

void KeepTree::Add(const std::vector<std::string>& path) {
  KeepTree* node = this;
  for (const auto& k : path) {
    if (node->whole) return;
    node = &node->children[k];
  }
  node->whole = true;
  node->children.clear();
}

namespace {

// The values of `plan` for one issue; false when one cannot be read straight.
bool ReadStraight(simdjson::dom::element issue, const StraightPlan& plan, std::vector<SqlValue>* out) {
  out->resize(plan.columns.size());
  try {
    for (std::size_t i = 0; i < plan.columns.size(); ++i) {
      simdjson::dom::element at = issue;
      bool present = true;
      for (const auto& key : plan.columns[i].path) {
        simdjson::dom::object obj;
        if (at.get(obj)) return false;  // a member on the way that is not an object: the reader says what is wrong
        if (obj.at_key(key).get(at) || at.is_null()) {
          present = false;
          break;
        }
      }
      (*out)[i] = present ? plan.columns[i].read(at) : SqlValue{};
    }
  } catch (...) {  // not what the column reads: the kept JSON's reader says what is wrong
    return false;
  }
  return true;
}

}  // namespace

namespace {

Result<IssuePage> DecodeParsed(simdjson::simdjson_result<simdjson::dom::element> parsed, std::size_t bytes,
                               const std::string& what, const KeepTree* keep) {
  const StraightPlan* straight = keep ? keep->straight.get() : nullptr;
  simdjson::dom::element root;
  if (auto err = std::move(parsed).get(root)) {
    return Fail(ErrorCode::kBadResponse, what + ": the answer is not JSON (" + simdjson::error_message(err) + ", " +
                                             std::to_string(bytes) +
                                             " bytes); the page cannot be read, so the query stops here");
  }
  simdjson::dom::object obj;
  simdjson::dom::array issues;
  if (root.get(obj) || obj["issues"].get(issues)) {
    return Fail(ErrorCode::kBadResponse, what + ": the answer has no \"issues\" array");
  }
  IssuePage page;
  page.issues.reserve(issues.size());
  std::size_t n = 0;
  for (auto issue : issues) {
    ++n;
    if (std::string problem = IssueProblem(issue); !problem.empty()) {
      return Fail(ErrorCode::kBadResponse, what + ": issue " + std::to_string(n) + " of the page " + problem +
                                               "; the page cannot be read, so the query stops here");
    }
    if (straight) {
      std::vector<SqlValue> values;
      if (ReadStraight(issue, *straight, &values)) {
        page.issues.push_back(ConvertKept(issue, *keep));
        page.values.push_back(std::move(values));
      } else {
        page.issues.push_back(ConvertKept(issue, straight->whole));
        page.values.emplace_back();
      }
      continue;
    }
    page.issues.push_back(keep ? ConvertKept(issue, *keep) : Convert(issue));
  }
  std::string_view token;
  if (!obj["nextPageToken"].get(token)) page.next_page_token = std::string(token);
  bool last = false;
  if (!obj["isLast"].get(last)) page.is_last = last;
  int64_t total = 0;
  if (!obj["total"].get(total)) page.total = total;
  int64_t start_at = 0;
  if (!obj["startAt"].get(start_at)) page.start_at = start_at;
  return page;
}

}  // namespace

Result<IssuePage> DecodeIssuePage(std::string_view body, const std::string& what, const KeepTree* keep) {
  return DecodeParsed(Parser().parse(body.data(), body.size(), true), body.size(), what, keep);
}

Result<IssuePage> DecodeIssuePage(std::string& body, const std::string& what, const KeepTree* keep) {
  if (body.capacity() - body.size() < simdjson::SIMDJSON_PADDING)
    body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  return DecodeParsed(Parser().parse(body.data(), body.size(), false), body.size(), what, keep);
}

}  // namespace jirasql
