#pragma once
/// JSON shapes of Jira's REST answers (v3 for Cloud, v2 for Data Center and
/// Cloud's v2), written with `JsonWriter`. Small shared pieces (users,
/// statuses, projects...) are rendered once per base URL and reused.

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/json_writer.h"
#include "model.h"

namespace jirasim {

struct RenderContext {
  const World& world;
  const Site& site;
  std::string base;  ///< what "self" links start with, e.g. http://127.0.0.1:1/site/acme
  int version = 3;   ///< REST API version: 3 (ADF) or 2 (plain text)
  bool datacenter = false;
  int tz_offset_minutes = 0;  ///< timestamps are shown in the requesting user's zone
  int caller = -1;            ///< the requesting user (isWatching, hasVoted); -1 none

  /// Users, statuses, types and priorities repeat on every issue of a page:
  /// each is rendered once per request and copied after that.
  mutable std::unordered_map<int64_t, std::string> fragments;
};

/// Which fields to include, from a `fields` parameter: "*all",
/// "*navigable", names, "-name" exclusions; default given by the caller.
class FieldSelection {
 public:
  static FieldSelection Parse(const std::vector<std::string>& params, const std::string& default_spec,
                              const Catalogs& catalogs);
  bool Has(const std::string& field) const;
  /// The same for the i-th of SystemFieldNames() or the i-th custom field:
  /// cheap enough to ask for every issue of a page.
  bool HasSystem(int i) const { return system_[i]; }
  bool HasCustom(int i) const { return custom_[i]; }
  /// Only "id" (and perhaps "key") asked for: the cheap page shape.
  bool IdOnly() const { return id_only_; }
  bool Empty() const { return fields_.empty(); }

 private:
  std::set<std::string> fields_;
  std::vector<bool> system_, custom_;
  bool id_only_ = false;
};

/// Every system field name jirasim serves, in output order.
const std::vector<std::string>& SystemFieldNames();

void WriteUser(jirasql::JsonWriter& w, const RenderContext& rc, int user);
/// `properties`: the entity properties asked for (search's `properties`).
void WriteIssue(jirasql::JsonWriter& w, const RenderContext& rc, int64_t index, const FieldSelection& fields,
                bool with_changelog = false, const std::vector<std::string>& properties = {});
void WriteProject(jirasql::JsonWriter& w, const RenderContext& rc, int project, bool full);
/// A project in a list (/project, /project/search) with what `expand` asks
/// for: "description" and "lead" (the other expansions are not served).
/// A priority as GET /priority lists it (with statusColor and description).
void WriteListedPriority(jirasql::JsonWriter& w, const RenderContext& rc, int priority);
void WriteListedProject(jirasql::JsonWriter& w, const RenderContext& rc, int project, const std::string& expand);
void WriteStatus(jirasql::JsonWriter& w, const RenderContext& rc, int status);
/// A version as the fixVersions/versions fields and /project/{id}/versions show it.
void WriteVersion(jirasql::JsonWriter& w, const RenderContext& rc, int project, int version);
/// A component: the short form of the components field, or (`full`) the
/// one /project/{id}/components lists, with its lead; `issue_count` >= 0
/// adds issueCount (the paged /project/{id}/component).
void WriteComponent(jirasql::JsonWriter& w, const RenderContext& rc, int project, int component, bool full,
                    int64_t issue_count = -1);
void WriteLinkType(jirasql::JsonWriter& w, const RenderContext& rc, int type);
/// A link as the issuelinks field of issue `index` shows it (the other end
/// only), or as GET /issueLink/{id} does (`index` -1: both ends). False,
/// and nothing written, when the link or one of its issues is gone.
bool WriteIssueLink(jirasql::JsonWriter& w, const RenderContext& rc, const IssueLink& link, int64_t index);
void WriteIssueType(jirasql::JsonWriter& w, const RenderContext& rc, int type);
void WritePriority(jirasql::JsonWriter& w, const RenderContext& rc, int priority);
void WriteResolution(jirasql::JsonWriter& w, const RenderContext& rc, int resolution);
void WriteStatusCategory(jirasql::JsonWriter& w, const RenderContext& rc, int category);
/// `with_properties`: expand=properties.
void WriteComment(jirasql::JsonWriter& w, const RenderContext& rc, int64_t index, const Comment& c,
                  bool with_properties = false);
void WriteWorklog(jirasql::JsonWriter& w, const RenderContext& rc, int64_t index, const Worklog& wl,
                  bool with_properties = false);
void WriteHistory(jirasql::JsonWriter& w, const RenderContext& rc, const History& h);
/// An attachment as the issue's `attachment` field and the upload's answer
/// show it (id as text), or as GET /attachment/{id} does (`metadata`: id as a number).
void WriteAttachment(jirasql::JsonWriter& w, const RenderContext& rc, const Attachment& a, bool metadata = false);
void WriteSprint(jirasql::JsonWriter& w, const RenderContext& rc, int sprint);
void WriteFieldList(jirasql::JsonWriter& w, const RenderContext& rc);
/// A custom field's schema as /field shows it.
struct CustomSchema {
  const char* type;
  const char* items;  ///< null when not an array
  const char* custom;
};
CustomSchema SchemaOf(const CustomField& cf);
/// The fields a create (create = true) or an edit of an issue of `project`
/// may set, as createmeta (`as_list`: a list with fieldId) or editmeta (an
/// object by field id) shows them, allowed values included.
void WriteFieldMetadata(jirasql::JsonWriter& w, const RenderContext& rc, int project, int type, bool create,
                        bool as_list);
/// An ADF body as the version shows it: the document (v3) or its plain text (v2).
void WriteRichText(jirasql::JsonWriter& w, const RenderContext& rc, const std::string& adf);

}  // namespace jirasim
