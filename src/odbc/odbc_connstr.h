#pragma once
/// ODBC connection strings (`DRIVER={jirasql};DSN=…;UID=…;PWD=…;Url=…`) into
/// jirasql's own: the ODBC grammar (a value in braces may hold `;`, and `}}`
/// stands for `}`), ODBC's keys mapped (UID to User, PWD to the secret of
/// the AuthScheme), the DSN's keys read beneath the string's, and every
/// other key passed to jirasql's parser, which validates it as the CLI does.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace jirasql {

struct OdbcPair {
  std::string key;  ///< as written
  std::string value;
};

/// Splits an ODBC connection string into its pairs. Errors say where, and
/// never quote a value (it may be a secret).
Result<std::vector<OdbcPair>> ParseOdbcConnectionString(std::string_view text);

/// The keys and values of one DSN (from odbc.ini); nullopt when there is no
/// such DSN.
using DsnReader = std::function<std::optional<std::vector<OdbcPair>>(const std::string& dsn)>;

/// jirasql's connection string for an ODBC connection string: DRIVER,
/// FILEDSN and SAVEFILE dropped, DSN's keys under the string's, UID as User,
/// PWD as APIToken / Password / PersonalAccessToken by AuthScheme.
Result<std::string> JirasqlConnectionString(std::string_view odbc, const DsnReader& dsn);

}  // namespace jirasql
