#pragma once
/// Sprint reports from Jira's documented APIs only: what was committed to a
/// sprint at its start, added after it, removed before its end, completed
/// and not — issues and estimates — worked out from each issue's Sprint
/// field history (its changelog), its status at the sprint's end and the
/// board's columns. The pure part (a field's value over time, an issue's
/// place in one sprint) is here; JiraClient::SprintReports reads Jira.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace jirasql {

/// One field's value over an issue's life, rebuilt from its change
/// histories: its value before the first change (that change's "from"; with
/// no change, its value now), then each change's value in time order.
class FieldTimeline {
 public:
  /// `histories`: Jira's change histories ({"created", "items": […]});
  /// `matches`: whether an item is a change of this field; `strings`: read
  /// fromString/toString (numbers' text) rather than from/to (ids);
  /// `current`: the value now, for an issue the field never changed on.
  static FieldTimeline Build(const std::vector<nlohmann::json>& histories,
                             const std::function<bool(const nlohmann::json& item)>& matches, bool strings,
                             std::string current);

  /// The value at `ms` (a change at `ms` applied).
  const std::string& At(int64_t ms) const;
  /// The changes: (time, value after), in time order.
  const std::vector<std::pair<int64_t, std::string>>& changes() const { return changes_; }

 private:
  std::string initial_;
  std::vector<std::pair<int64_t, std::string>> changes_;
};

/// Whether a Sprint field value as the changelog writes it ("12, 13") holds sprint `id`.
bool HoldsSprint(const std::string& ids, int64_t id);

/// A sprint's span: from its start to its end (its completion; while it is
/// active, now).
struct SprintWindow {
  int64_t id = 0;
  int64_t start_ms = 0, end_ms = 0;
};

/// An issue's part in one sprint.
struct SprintPart {
  bool in_window = false;  ///< in the sprint at some time from its start to its end
  bool committed = false;  ///< in it at the start (existing then)
  bool added = false;      ///< joined after the start (or was created into it)
  bool removed = false;    ///< in it during the window, not at the end
  bool in_at_end = false;
  int64_t added_ms = -1;    ///< when it first joined after the start
  int64_t removed_ms = -1;  ///< when it last left
};

/// Where an issue created at `created_ms` whose Sprint field went as
/// `sprints` stood in sprint `w`.
SprintPart PlaceInSprint(const SprintWindow& w, int64_t created_ms, const FieldTimeline& sprints);

/// The sprint ids of an issue's Sprint field as a search returns it, in the
/// changelog's form ("12, 13"): Cloud's array of sprint objects, or Data
/// Center's strings ("com.atlassian.greenhopper.service.sprint.Sprint@…[id=12,…]").
std::string SprintIdsOf(const nlohmann::json& field);

}  // namespace jirasql
