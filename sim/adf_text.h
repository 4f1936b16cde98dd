#pragma once
// jirasim's own ADF-to-text rendering, for what Data Center (REST v2) shows
// as plain text and what JQL's `text ~` searches. Written apart from the
// product's renderer (src/jira/adf) on purpose: the emulator must not copy
// the product's mistakes, it must catch them.

#include <string>

namespace jirasim {

/// Paragraphs and headings on lines of their own, list items as "- " or
/// "N. ", mentions as their text, code blocks as they are; "" for anything
/// that is not an ADF document.
std::string AdfToPlainText(const std::string& adf_json);

}  // namespace jirasim
