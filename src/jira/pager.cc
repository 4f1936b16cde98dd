#include "jira/pager.h"

#include <algorithm>

namespace jirasql {

namespace {

std::string Stop(const std::string& what, const std::string& why) {
  return what + ": " + why + "; stopping rather than looping or returning rows twice";
}

}  // namespace

OffsetPager::OffsetPager(std::string what, std::string noun, int64_t page_size, bool short_page_ends, bool remember_all)
    : what_(std::move(what)),
      noun_(std::move(noun)),
      page_size_(page_size),
      short_page_ends_(short_page_ends),
      remember_all_(remember_all) {}

Result<void> OffsetPager::Accept(const OffsetPage& page, const std::vector<std::string>& keys,
                                 std::vector<bool>* fresh) {
  if (done_) return Fail(ErrorCode::kInternal, what_ + ": a page was read after the last one");
  const int64_t asked = next_start_;
  const int64_t n = static_cast<int64_t>(keys.size());
  fresh->assign(keys.size(), true);
  std::set<std::string> page_keys;
  std::size_t repeated = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].empty()) continue;
    if (seen_.count(keys[i]) || !page_keys.insert(keys[i]).second) {
      (*fresh)[i] = false;
      ++repeated;
    }
  }
  if (n > 0 && repeated == keys.size()) {
    return Fail(ErrorCode::kBadResponse,
                Stop(what_, "Jira sent the same page of " + noun_ + " twice (startAt=" + std::to_string(asked) +
                                " held only " + noun_ + " it had sent before)"));
  }
  if (page.start_at && *page.start_at != asked) {
    return Fail(ErrorCode::kBadResponse, Stop(what_, "Jira answered the request for startAt=" + std::to_string(asked) +
                                                         " with the page at startAt=" + std::to_string(*page.start_at) +
                                                         " (the server does not page this list as asked)"));
  }
  next_start_ += n;
  if (page.total) {
    if (next_start_ > *page.total) {
      return Fail(ErrorCode::kBadResponse,
                  Stop(what_, "Jira reported " + std::to_string(*page.total) + " " + noun_ + " in all but sent " +
                                  std::to_string(next_start_) + " by startAt=" + std::to_string(asked)));
    }
    if (n == 0 && next_start_ < *page.total && !page.is_last.value_or(false)) {
      return Fail(ErrorCode::kBadResponse,
                  Stop(what_, "Jira reported " + std::to_string(*page.total) + " " + noun_ +
                                  " in all but sent an empty page at startAt=" + std::to_string(asked)));
    }
  }
  if (page.is_last) {
    if (!*page.is_last && n == 0) {
      return Fail(ErrorCode::kBadResponse,
                  Stop(what_, "Jira said more pages follow (isLast=false) but sent an empty page at startAt=" +
                                  std::to_string(asked)));
    }
    done_ = *page.is_last;
  } else if (page.total) {
    done_ = n == 0 || next_start_ >= *page.total;
  } else {
    done_ = n == 0 || (short_page_ends_ && n < page_size_);
  }
  if (!remember_all_) seen_.clear();
  seen_.merge(page_keys);
  return Ok();
}

Result<void> TokenPager::Accept(const std::optional<std::string>& next_token, std::optional<bool> is_last,
                                std::vector<std::string> keys) {
  if (done_) return Fail(ErrorCode::kInternal, what_ + ": a page was read after the last one");
  // A page every one of whose items the last page held: Jira is looping.
  // (A sorted vector, not a set: one allocation per page, not per item.)
  const bool repeated = !keys.empty() && std::all_of(keys.begin(), keys.end(), [&](const std::string& k) {
    return !k.empty() && std::binary_search(last_page_.begin(), last_page_.end(), k);
  });
  if (repeated) return Fail(ErrorCode::kBadResponse, Stop(what_, "Jira sent the same page of issues twice in a row"));
  keys.erase(std::remove(keys.begin(), keys.end(), std::string()), keys.end());
  std::sort(keys.begin(), keys.end());
  last_page_ = std::move(keys);
  const std::string next = next_token.value_or("");
  // Without isLast, a token means more pages (never stop early).
  if (is_last.value_or(next.empty())) {
    done_ = true;
    return Ok();
  }
  if (next.empty()) {
    return Fail(ErrorCode::kBadResponse,
                Stop(what_, "Jira said more pages follow (isLast=false) but sent no nextPageToken"));
  }
  if (!tokens_seen_.insert(next).second) {
    return Fail(ErrorCode::kBadResponse, Stop(what_, "Jira sent a nextPageToken it had sent before"));
  }
  token_ = next;
  return Ok();
}

}  // namespace jirasql
