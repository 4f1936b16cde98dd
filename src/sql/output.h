#pragma once
/// Writing result sets: an aligned table, CSV (RFC 4180), TSV, JSON, NDJSON
/// or a Markdown table. One writer per output stream; it may write several
/// result sets (one per statement).
///
/// A result set cut short by an error is marked so that it can never pass
/// for a whole one (docs/sql.md, "Output"): the table and Markdown footers
/// say "(incomplete: error after N rows)"; a JSON document is left unclosed;
/// NDJSON ends with a line that is not JSON and CSV/TSV with a quote that is
/// never closed, both without a final line break.

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/value.h"

namespace jirasql {

enum class OutputFormat { kTable, kCsv, kTsv, kJson, kNdjson, kMarkdown };
/// Format names are case-insensitive ("CSV", "csv").
Result<OutputFormat> ParseOutputFormat(const std::string& name);
/// "table, csv, tsv, json, ndjson or markdown".
const char* OutputFormatNames();

struct OutputOptions {
  bool header = true;    ///< csv, tsv, table and markdown: print the column names
  bool several = false;  ///< more than one statement: JSON writes one document holding each result
};

class ResultWriter {
 public:
  virtual ~ResultWriter() = default;
  /// A result set begins.
  virtual void Begin(const std::vector<std::string>& columns) = 0;
  virtual void Row(const SqlRow& row) = 0;
  /// The result set is complete.
  virtual void End() = 0;
  /// The result set stopped with an error after `rows` rows.
  virtual void Incomplete(int64_t rows) = 0;
  /// After the last result set, when every one was complete.
  virtual void Finish() {}
};

std::unique_ptr<ResultWriter> MakeResultWriter(OutputFormat format, std::ostream& out, OutputOptions options = {});

/// JSON object keys for result columns: a name that came before gets a
/// suffix ("Key", "Key_2"), so no object holds a key twice.
std::vector<std::string> UniqueKeys(const std::vector<std::string>& columns);

}  // namespace jirasql
