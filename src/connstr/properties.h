#pragma once
/// Validated connection properties: every value checked against the catalog
/// when it is set, normalised (enum values in canonical case, booleans as
/// "true"/"false"), and remembered with the source it came from.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "connstr/catalog.h"

namespace jirasql {

/// Where a value came from, lowest precedence first.
enum class PropSource { kDefault, kEnvironment, kProfile, kConnectString, kFlag, kProgram };

std::string_view PropSourceName(PropSource s);

class ConnectionProperties {
 public:
  /// Validates and stores one property. An empty value clears it back to the
  /// default. Errors name the property and say what is allowed; they never
  /// echo a secret's value.
  Result<void> Set(std::string_view name, std::string_view value, PropSource source);

  /// Parses a connection string and sets each of its properties. On error
  /// nothing is changed.
  Result<void> Apply(std::string_view connection_string, PropSource source);

  /// The effective value as text: the value set, else the default, else "".
  std::string Get(std::string_view name) const;
  /// Whether a value was set (by any source other than the default).
  bool IsSet(std::string_view name) const;
  /// Whether the user gave any property (environment, profile, --connect,
  /// flags); defaults and what a program set do not count.
  bool AnyGiven() const;
  /// An error when nothing was given at all: no connection is configured,
  /// and the message lists the ways to give one.
  Result<void> CheckConfigured() const;
  /// Typed accessors for kInt / kBool properties; nullopt when neither set
  /// nor defaulted.
  std::optional<long long> GetInt(std::string_view name) const;
  bool GetBool(std::string_view name) const;
  PropSource SourceOf(std::string_view name) const;

  /// The properties that were set, as a connection string that parses back
  /// to the same values; secrets replaced by "********" when `mask_secrets`.
  std::string ToConnectionString(bool mask_secrets) const;

  /// The values of every secret property that is set, for log redaction.
  std::vector<std::string> SecretValues() const;

  /// Properties that only make sense together (ProxyUser needs ProxyServer,
  /// …). What each AuthScheme needs is auth's to say: CheckComplete() in
  /// auth/credentials.h checks both.
  Result<void> CheckProxy() const;

 private:
  struct Value {
    std::string text;
    PropSource source;
  };
  // Canonical name -> value.
  std::map<std::string, Value, std::less<>> values_;
};

/// Normalises `value` for `spec`, or says why it is not allowed.
Result<std::string> ValidatePropertyValue(const PropertySpec& spec, std::string_view value);

/// The error for a name the catalog does not know, with the closest valid
/// name when there is a plausible one.
Error UnknownPropertyError(std::string_view name);

}  // namespace jirasql
