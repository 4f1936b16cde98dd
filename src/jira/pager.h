#pragma once
/// The rules of Jira's two kinds of paging, in one place for every list
/// jirasql reads. A server that ignores paging — answers every request with
/// the same page, or with `isLast: false` for ever — must not make a scan
/// loop, and a page must never pass a row twice: each pager checks every
/// answer against what it asked and what came before, and stops with an
/// error that says what Jira did.
///
/// Offset paging (`startAt` / `maxResults`: Data Center searches, Cloud
/// project, user, board, sprint, comment, worklog and changelog lists):
///  - the `startAt` Jira echoes must be the one asked;
///  - a page whose items all came before (the same page again) is an error;
///    a single item seen before (moved by an edit while the list was read) is
///    dropped, so no row is emitted twice;
///  - `total`, when sent, must not be passed, and an empty page before it is
///    reached is an error; `isLast`, when sent, ends the list (an empty page
///    with `isLast: false` is an error);
///  - without either, the list ends at an empty page, or at a page shorter
///    than asked when the caller says short pages end it (bare arrays).
///
/// Token paging (Cloud's issue search, `nextPageToken` / `isLast`):
///  - a token must never come twice, `isLast: false` needs a token, and
///    without `isLast` a token means more pages (never stop early);
///  - a page whose items all came on the page before is an error.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"

namespace jirasql {

/// What a page of an offset-paged list said about itself.
struct OffsetPage {
  std::optional<int64_t> start_at;  ///< echoed by Jira
  std::optional<int64_t> total;
  std::optional<bool> is_last;
};

class OffsetPager {
 public:
  /// `what` names the list in errors ("GET https://…/rest/api/3/project/search"),
  /// `noun` its items ("issues", "projects"). `remember_all`: drop any item seen before in this list (small lists);
  /// otherwise only items of the page before are checked (issue searches,
  /// which may hold millions of rows).
  OffsetPager(std::string what, std::string noun, int64_t page_size, bool short_page_ends, bool remember_all = true);

  int64_t next_start() const { return next_start_; }
  bool done() const { return done_; }

  /// Checks one answer to the request for `next_start()`: `keys` are its
  /// items' identities in order ("" for an item without one). On success
  /// `fresh[i]` says whether item i is to be emitted, and the pager moves on.
  Result<void> Accept(const OffsetPage& page, const std::vector<std::string>& keys, std::vector<bool>* fresh);

 private:
  std::string what_, noun_;
  int64_t page_size_;
  bool short_page_ends_, remember_all_;
  int64_t next_start_ = 0;
  bool done_ = false;
  std::set<std::string> seen_;  ///< every key (remember_all) or the last page's
};

class TokenPager {
 public:
  explicit TokenPager(std::string what) : what_(std::move(what)) {}

  /// The token to send next ("" for the first page).
  const std::string& token() const { return token_; }
  bool done() const { return done_; }

  /// Checks one answer; `keys` are its items' identities (taken: the
  /// pager keeps them, sorted, to compare with the next page's).
  Result<void> Accept(const std::optional<std::string>& next_token, std::optional<bool> is_last,
                      std::vector<std::string> keys);

 private:
  std::string what_;
  std::string token_;
  bool done_ = false;
  std::set<std::string> tokens_seen_;
  std::vector<std::string> last_page_;  ///< sorted
};

}  // namespace jirasql
