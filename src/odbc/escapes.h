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
///
/// Quotes, quoted identifiers and comments are left as they are; escapes may
/// nest. `{call …}` is refused with what to write instead.

#include <string>
#include <string_view>

#include "common/error.h"

namespace jirasql::odbc {

/// `sql` with its ODBC escapes rewritten; an error says which escape is
/// malformed or not supported.
Result<std::string> RewriteEscapes(std::string_view sql);

}  // namespace jirasql::odbc
