// jirasim: an issue's watchers, voters and remote links; deleted worklogs.

#include <algorithm>
#include <bit>

#include "api.h"
#include "common/strings.h"

namespace jirasim {

using nlohmann::json;

namespace {

// Jira's "View voters and watchers" project permission: jirasim's
// browse-only users lack it, and see only themselves among the watchers
// and no voter at all (the counts stay), as Jira shows it.
bool MayViewVoters(const World& world, int caller) {
  return caller < 0 || !world.users[static_cast<std::size_t>(caller)].browse_only;
}

}  // namespace

void ApiCall::IssueWatchers() {
  const int64_t idx = find_issue(c[0]);
  if (idx < 0) return;
  Issue& x = site.issues[static_cast<std::size_t>(idx)];
  const std::string self = base + "/rest/api/" + std::to_string(version) + "/issue/" + site.Key(x) + "/watchers";
  if (req.method == "GET") {
    const bool all = MayViewVoters(world, caller.user);
    w.BeginObject()
        .Field("self", self)
        .Field("isWatching", caller.user >= 0 && caller.user < 32 && (x.watchers >> caller.user & 1u))
        .Field("watchCount", static_cast<int64_t>(std::popcount(x.watchers)))
        .Key("watchers")
        .BeginArray();
    for (int u = 0; u < 32; ++u) {
      if ((x.watchers >> u & 1u) && (all || u == caller.user)) WriteUser(w, rc, u);
    }
    w.EndArray().EndObject();
    return ok();
  }
  // POST: the body is the account id (Data Center: the user name) as a JSON
  // string; none means the caller. DELETE: ?accountId= (Data Center ?username=).
  std::string who;
  if (req.method == "POST") {
    if (!req.body.empty()) {
      auto j = json::parse(req.body, nullptr, false);
      if (j.is_discarded() || !j.is_string()) {
        return JiraError(res, 400, "The request body must be the user's account id as a JSON string.");
      }
      who = j.get<std::string>();
    }
  } else {
    who = req.get_param_value(options.datacenter ? "username" : "accountId");
    if (who.empty()) {
      return JiraError(res, 400, options.datacenter ? "username is required." : "accountId is required.");
    }
  }
  int user = who.empty() ? caller.user : -1;
  for (std::size_t u = 0; u < world.users.size() && user < 0; ++u) {
    const User& us = world.users[u];
    if (options.datacenter ? us.name == who : us.account_id == who) user = static_cast<int>(u);
  }
  if (user < 0) return JiraError(res, 404, "The user '" + who + "' does not exist.");
  if (user >= 32) return JiraError(res, 400, "jirasim keeps watchers among its first 32 users only.");
  if (req.method == "POST")
    x.watchers |= 1u << user;
  else
    x.watchers &= ~(1u << user);
  ++site.version;
  res.status = 204;
}

void ApiCall::IssueVotes() {
  const int64_t idx = find_issue(c[0]);
  if (idx < 0) return;
  const Issue& x = site.issues[static_cast<std::size_t>(idx)];
  w.BeginObject()
      .Field("self", base + "/rest/api/" + std::to_string(version) + "/issue/" + site.Key(x) + "/votes")
      .Field("votes", static_cast<int64_t>(std::popcount(x.voters)))
      .Field("hasVoted", caller.user >= 0 && caller.user < 32 && (x.voters >> caller.user & 1u))
      .Key("voters")
      .BeginArray();
  if (MayViewVoters(world, caller.user)) {
    for (int u = 0; u < 32; ++u) {
      if (x.voters >> u & 1u) WriteUser(w, rc, u);
    }
  }
  w.EndArray().EndObject();
  return ok();
}

void ApiCall::DeletedWorklogs() { WorklogChanges(site.deleted_worklogs, "deleted"); }
void ApiCall::UpdatedWorklogs() { WorklogChanges(site.updated_worklogs, "updated"); }

// Jira serves the deletions (and the updates) 1,000 a page,
// oldest first, each page's nextPage asking since= its last one's time.
void ApiCall::WorklogChanges(const std::vector<Site::WorklogChange>& all, const std::string& which) {
  const auto since = jirasql::ParseInt(req.get_param_value("since"));
  const int64_t from = req.has_param("since") ? (since ? *since : -1) : 0;
  if (from < 0) return JiraError(res, 400, "since must be a time in epoch milliseconds.");
  auto it = std::upper_bound(all.begin(), all.end(), from,
                             [](int64_t t, const Site::WorklogChange& d) { return t < d.at_ms; });
  const std::string self = base + "/rest/api/" + std::to_string(version) + "/worklog/" + which;
  // 1,000 a page, but a page never splits one instant: the next starts after it.
  auto end = all.end() - it > 1000 ? it + 1000 : all.end();
  if (end != all.end() && end->at_ms == std::prev(end)->at_ms) {
    auto first =
        std::lower_bound(it, end, end->at_ms, [](const Site::WorklogChange& d, int64_t t) { return d.at_ms < t; });
    end = first != it ? first
                      : std::upper_bound(end, all.end(), end->at_ms,
                                         [](int64_t t, const Site::WorklogChange& d) { return t < d.at_ms; });
  }
  w.BeginObject().Key("values").BeginArray();
  int64_t until = from;
  for (; it != end; ++it) {
    w.BeginObject()
        .Field("worklogId", it->id)
        .Field("updatedTime", it->at_ms)
        .Key("properties")
        .BeginArray()
        .EndArray()
        .EndObject();
    until = it->at_ms;
  }
  const bool last = it == all.end();
  w.EndArray().Field("since", from).Field("until", until).Field("self", self + "?since=" + std::to_string(from));
  if (!last) w.Field("nextPage", self + "?since=" + std::to_string(until));
  w.Field("lastPage", last).EndObject();
  return ok();
}

void ApiCall::IssueRemoteLinks() {
  const int64_t idx = find_issue(c[0]);
  if (idx < 0) return;
  const Issue& x = site.issues[static_cast<std::size_t>(idx)];
  const std::string key = site.Key(x);
  const std::string self = base + "/rest/api/" + std::to_string(version) + "/issue/" + key + "/remotelink/";
  // ?globalId=: that one link as an object (404 when none), else the list.
  const std::string global = req.get_param_value("globalId");
  bool found = false;
  if (global.empty()) w.BeginArray();
  for (int k = 0; k < x.remote_links; ++k) {
    const int64_t id = RemoteLinkId(x, k);
    const bool wiki = k == 0;
    const std::string url = wiki ? "https://wiki.example.com/display/ENG/" + key
                                 : "https://support.example.com/ticket/" + std::to_string(x.id * 7 % 100000);
    const std::string gid = "system=" + url;
    if (!global.empty() && (global != gid || found)) continue;
    found = true;
    w.BeginObject()
        .Field("id", id)
        .Field("self", self + std::to_string(id))
        .Field("globalId", gid)
        .Key("application")
        .BeginObject()
        .Field("type", wiki ? "com.atlassian.confluence" : "com.example.support")
        .Field("name", wiki ? "Confluence" : "Example Support")
        .EndObject()
        .Field("relationship", wiki ? "mentioned in" : "relates to")
        .Key("object")
        .BeginObject()
        .Field("url", url)
        .Field("title", wiki ? "Design notes for " + key : "Support ticket " + std::to_string(x.id * 7 % 100000))
        .Field("summary", wiki ? "The page that discusses " + key : "A customer's report")
        .Key("icon")
        .BeginObject()
        .Field("url16x16", wiki ? "https://wiki.example.com/favicon.ico" : "https://support.example.com/t.png")
        .Field("title", wiki ? "Page" : "Ticket")
        .EndObject()
        .Key("status")
        .BeginObject()
        .Field("resolved", !wiki && x.status == 3)
        .Key("icon")
        .BeginObject()
        .EndObject()
        .EndObject()
        .EndObject()
        .EndObject();
  }
  if (global.empty()) {
    w.EndArray();
  } else if (!found) {
    return JiraError(res, 404, "No remote link with global id '" + global + "' exists on " + key + ".");
  }
  return ok();
}

}  // namespace jirasim
