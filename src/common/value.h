#pragma once
/// One SQL value as jirasql hands it to SQLite: NULL, INTEGER, REAL or TEXT
/// (and BLOB, which only SQL expressions make: no Jira column is one).
/// Timestamps are TEXT in ISO 8601 UTC ("2024-05-01T08:30:00.000Z"), dates
/// TEXT "yyyy-MM-dd", booleans INTEGER 0/1, lists TEXT holding a JSON array.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace jirasql {

struct SqlBlob {
  std::string bytes;
  bool operator==(const SqlBlob&) const = default;
};

using SqlValue = std::variant<std::monostate, int64_t, double, std::string, SqlBlob>;
using SqlRow = std::vector<SqlValue>;

inline bool IsNull(const SqlValue& v) { return std::holds_alternative<std::monostate>(v); }

}  // namespace jirasql
