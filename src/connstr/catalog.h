#pragma once
/// The catalog of connection properties: one table in code that drives
/// parsing, validation, `jirasql props`, command-line flags and (later)
/// `sys_connection_props`. SPEC §2 is its source.

#include <string>
#include <string_view>
#include <vector>

namespace jirasql {

enum class PropType { kString, kInt, kBool, kEnum };

std::string_view PropTypeName(PropType t);

/// One connection property.
struct PropertySpec {
  std::string_view name;  ///< canonical spelling, e.g. "OAuthClientId"
  PropType type = PropType::kString;
  std::string_view default_value;         ///< as text; empty means "not set"
  std::vector<std::string_view> allowed;  ///< enum values, canonical spelling
  long long min = 0;                      ///< for kInt
  long long max = 0;                      ///< for kInt
  bool secret = false;                    ///< never shown, logged or put in an error
  std::string_view category;              ///< "Authentication", "OAuth", "Connection", ...
  std::string_view description;           ///< one line
};

/// Every property, in display order.
const std::vector<PropertySpec>& PropertyCatalog();

/// Looks a property up by name, ignoring case; nullptr when unknown.
const PropertySpec* FindProperty(std::string_view name);

/// All canonical names (for "did you mean" suggestions).
const std::vector<std::string>& PropertyNames();

}  // namespace jirasql
