#pragma once
/// What the ODBC driver says of jirasql's values: each column's ODBC type
/// from its SqlType, and a value's conversion to the C type an application
/// asks for — with ODBC's rules for pieces, truncation and NULL. No ODBC
/// handle here: the driver (driver.cc) calls these, and the tests call them
/// without a driver manager.

#include <sql.h>
#include <sqlext.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "sql/schema.h"

namespace jirasql::odbc {

/// A result column as ODBC describes it.
struct ColumnType {
  SQLSMALLINT sql_type = SQL_WVARCHAR;
  SQLULEN size = 0;          ///< characters (text), digits (numbers), 23 for timestamps
  SQLSMALLINT decimals = 0;  ///< fractional digits of timestamps
  SQLLEN octets = 0;         ///< SQL_DESC_OCTET_LENGTH
  SQLLEN display = 0;        ///< SQL_DESC_DISPLAY_SIZE
  std::string type_name;     ///< SQL_DESC_TYPE_NAME
};

/// Text columns that are not long: the length ODBC is told (characters).
inline constexpr SQLULEN kTextLength = 4000;
/// Keys, ids and names: Jira keeps each to 255 characters (a summary, an
/// issue or project key, a version, component, label or option, an e-mail
/// address; account ids are 128). A BI tool sizes such a column as a name,
/// not as a memo.
inline constexpr SQLULEN kNameLength = 255;
/// Long text (SQL_WLONGVARCHAR): the length ODBC is told.
inline constexpr SQLULEN kLongTextLength = 1073741823;

/// The ODBC type of a jirasql column named `name` (short text: kNameLength
/// for a key, id or name — a name ending in Key, Id or Name, Summary,
/// Label, EmailAddress — kTextLength for the rest).
ColumnType TypeOfColumn(SqlType t, bool long_text, std::string_view name = {});
/// The ODBC type of an expression, from SQLite's type of its first value
/// (SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB, SQLITE_NULL).
ColumnType TypeOfValue(int sqlite_type);

/// The C type SQL_C_DEFAULT stands for, for a column of `sql_type`.
SQLSMALLINT DefaultCType(SQLSMALLINT sql_type);

/// One value read from SQLite: its storage class and its text or number.
struct Cell {
  int type = 5;  ///< SQLITE_NULL (5, the default), SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB
  int64_t i = 0;
  double d = 0;
  std::string_view text;  ///< text or blob bytes
};

/// What a conversion did, for the driver's diagnostics.
enum class Outcome {
  kOk,
  kNull,             ///< NULL: the indicator says SQL_NULL_DATA
  kTruncated,        ///< 01004: text or binary cut to the buffer (more to come by pieces)
  kFractionLost,     ///< 01S07: a number's fraction dropped
  kNoMoreData,       ///< SQL_NO_DATA: every piece given already
  kOutOfRange,       ///< 22003
  kNotANumber,       ///< 22018: text that is not a number, date or timestamp
  kUnsupportedType,  ///< HYC00 / 07006: a C type the driver cannot give
  kNeedIndicator,    ///< 22002: NULL with no indicator to say so
};

/// Converts `cell` of a column of ODBC type `sql_type` into `ctype` at
/// `target` (`capacity` bytes for text and binary). `offset` is how much of
/// a text or binary value earlier pieces took (in bytes of the C type's
/// text; updated). `indicator` receives the length left or SQL_NULL_DATA.
Outcome Convert(const Cell& cell, SQLSMALLINT sql_type, SQLSMALLINT ctype, void* target, SQLLEN capacity,
                SQLLEN* indicator, std::size_t* offset);

/// A value's text as ODBC shows it: timestamps as "yyyy-mm-dd hh:mm:ss.fff"
/// (jirasql's ISO 8601 "…T…Z" with the T and Z dropped), others as they are.
std::string DisplayText(const Cell& cell, SQLSMALLINT sql_type);

/// UTF-8 to UTF-16 (SQLWCHAR), invalid bytes as U+FFFD; and back.
std::u16string Utf16(std::string_view utf8);
std::string Utf8(const char16_t* s, std::size_t n);

}  // namespace jirasql::odbc
