#pragma once
/// ODBC's SQL escapes rewritten to the SQLite jirasql runs: what BI tools and
/// ODBC applications write instead of a dialect.
///
///   {d '2025-01-31'}            '2025-01-31'                 (jirasql's dates)
///   {t '08:30:00'}              '08:30:00'
///   {ts '2025-01-31 08:30:00'}  '2025-01-31T08:30:00.000Z'   (jirasql's UTC timestamps)
///   {fn UCASE(x)}               upper(x)   — and the string, numeric, date
///                               and conversion functions SQLGetInfo lists
///   {oj a LEFT OUTER JOIN b …}  a LEFT OUTER JOIN b …
///   LIKE 'a\_%' {escape '\'}    LIKE 'a\_%' ESCAPE '\'
///   SELECT TOP 10 …             SELECT … LIMIT 10            (Power BI, Access)
///   {call Name(?, 'x')}         CALL Name(?, 'x')            (run by the driver, not SQLite)
///
/// Quotes, quoted identifiers and comments are left as they are; escapes may
/// nest. `{? = call …}` is refused (procedures return a row, not a value).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace jirasql::odbc {

/// `sql` with its ODBC escapes rewritten; an error says which escape is
/// malformed or not supported.
Result<std::string> RewriteEscapes(std::string_view sql);

/// A procedure call as the driver runs it: `CALL Name(a, ?)` (what {call …}
/// becomes; arguments in the order of the procedure's inputs) or
/// `EXEC Name Param='value', Other=?` (jirasql's own form).
struct ProcedureCall {
  std::string procedure;             ///< the procedure's own spelling
  std::vector<std::string> inputs;   ///< the input each argument gives
  std::vector<std::string> outputs;  ///< the columns of its one row
  /// "SELECT a, ?": the arguments as one SQLite row, parameter markers kept
  /// (empty when there are none): SQLite evaluates them, the driver binds them.
  std::string arguments;
};

/// The call `sql` is (after RewriteEscapes); nullopt when it is no call; an
/// error that says what to write when it names no procedure, an input the
/// procedure lacks, or too many arguments.
Result<std::optional<ProcedureCall>> ParseProcedureCall(std::string_view sql);

}  // namespace jirasql::odbc
