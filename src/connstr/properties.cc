#include "connstr/properties.h"

#include "common/strings.h"
#include "connstr/parser.h"

namespace jirasql {

std::string_view PropSourceName(PropSource s) {
  switch (s) {
    case PropSource::kDefault:
      return "default";
    case PropSource::kEnvironment:
      return "JIRASQL_CONNECT";
    case PropSource::kProfile:
      return "profile";
    case PropSource::kConnectString:
      return "--connect";
    case PropSource::kFlag:
      return "flag";
    case PropSource::kProgram:
      return "program";
  }
  return "?";
}

Error UnknownPropertyError(std::string_view name) {
  std::string msg = "Unknown property '" + std::string(name) + "'";
  if (auto best = ClosestMatch(name, PropertyNames())) {
    msg += "; did you mean '" + *best + "'?";
  } else {
    msg += "; `jirasql props` lists the valid names";
  }
  return Error{ErrorCode::kInvalidArgument, msg};
}

Result<std::string> ValidatePropertyValue(const PropertySpec& spec, std::string_view raw) {
  const std::string name(spec.name);
  // Secrets are never echoed back, even when the value is wrong.
  const std::string shown = spec.secret ? "" : "'" + std::string(raw) + "' ";
  switch (spec.type) {
    case PropType::kString:
      return std::string(raw);
    case PropType::kInt: {
      auto v = ParseInt(raw);
      if (!v || *v < spec.min || *v > spec.max) {
        return Fail(ErrorCode::kInvalidArgument, "Invalid value " + shown + "for " + name +
                                                     ": expected a whole number from " + std::to_string(spec.min) +
                                                     " to " + std::to_string(spec.max));
      }
      return std::to_string(*v);
    }
    case PropType::kBool: {
      std::string v = ToLower(raw);
      if (v == "true" || v == "1" || v == "yes" || v == "on") return std::string("true");
      if (v == "false" || v == "0" || v == "no" || v == "off") return std::string("false");
      return Fail(ErrorCode::kInvalidArgument,
                  "Invalid value " + shown + "for " + name + ": expected true or false (1/0, yes/no, on/off)");
    }
    case PropType::kEnum: {
      std::vector<std::string> allowed;
      for (auto a : spec.allowed) {
        if (EqualsIgnoreCase(a, raw)) return std::string(a);
        allowed.emplace_back(a);
      }
      return Fail(ErrorCode::kInvalidArgument,
                  "Invalid value " + shown + "for " + name + "; allowed values: " + Join(allowed, ", "));
    }
  }
  return Fail(ErrorCode::kInternal, "unknown property type");
}

Result<void> ConnectionProperties::Set(std::string_view name, std::string_view value, PropSource source) {
  const PropertySpec* spec = FindProperty(name);
  if (!spec) return Fail(UnknownPropertyError(name));
  std::string key(spec->name);
  if (value.empty()) {
    values_.erase(key);
    return Ok();
  }
  auto normalised = ValidatePropertyValue(*spec, value);
  if (!normalised) return Fail(normalised.error());
  values_[key] = Value{std::move(*normalised), source};
  return Ok();
}

Result<void> ConnectionProperties::Apply(std::string_view connection_string, PropSource source) {
  auto pairs = ParseConnectionString(connection_string);
  if (!pairs) return Fail(pairs.error());
  ConnectionProperties copy = *this;
  for (const auto& p : *pairs) {
    if (auto r = copy.Set(p.name, p.value, source); !r) return r;
  }
  *this = std::move(copy);
  return Ok();
}

std::string ConnectionProperties::Get(std::string_view name) const {
  const PropertySpec* spec = FindProperty(name);
  if (!spec) return {};
  if (auto it = values_.find(spec->name); it != values_.end()) return it->second.text;
  return std::string(spec->default_value);
}

bool ConnectionProperties::IsSet(std::string_view name) const {
  const PropertySpec* spec = FindProperty(name);
  return spec && values_.count(spec->name) > 0;
}

bool ConnectionProperties::AnyGiven() const {
  for (const auto& [name, v] : values_) {
    if (v.source != PropSource::kDefault && v.source != PropSource::kProgram) return true;
  }
  return false;
}

Result<void> ConnectionProperties::CheckConfigured() const {
  if (AnyGiven()) return Ok();
  return Fail(ErrorCode::kInvalidArgument,
              "no Jira connection is configured. Give one with the JIRASQL_CONNECT environment variable "
              "(JIRASQL_CONNECT='AuthScheme=APIToken;Url=https://yoursite.atlassian.net;User=you@example.com;"
              "APIToken=…'), a profile (--profile NAME, JIRASQL_PROFILE=NAME, or one named 'default'), "
              "--connect 'Name=Value;…' or --Url=… flags; in SQLite, SELECT jirasql_connect('…'). "
              "docs/connection.md lists the properties");
}

std::optional<long long> ConnectionProperties::GetInt(std::string_view name) const {
  std::string v = Get(name);
  if (v.empty()) return std::nullopt;
  return ParseInt(v);
}

bool ConnectionProperties::GetBool(std::string_view name) const { return Get(name) == "true"; }

PropSource ConnectionProperties::SourceOf(std::string_view name) const {
  const PropertySpec* spec = FindProperty(name);
  if (!spec) return PropSource::kDefault;
  auto it = values_.find(spec->name);
  return it == values_.end() ? PropSource::kDefault : it->second.source;
}

std::string ConnectionProperties::ToConnectionString(bool mask_secrets) const {
  std::string out;
  // Catalog order, so the output is stable and grouped.
  for (const auto& spec : PropertyCatalog()) {
    auto it = values_.find(spec.name);
    if (it == values_.end()) continue;
    if (!out.empty()) out += ';';
    out += std::string(spec.name) + "=" +
           (mask_secrets && spec.secret ? std::string("********") : QuoteValue(it->second.text));
  }
  return out;
}

std::vector<std::string> ConnectionProperties::SecretValues() const {
  std::vector<std::string> out;
  for (const auto& [name, value] : values_) {
    const PropertySpec* spec = FindProperty(name);
    if (spec && spec->secret && !value.text.empty()) out.push_back(value.text);
  }
  return out;
}

Result<void> ConnectionProperties::CheckProxy() const {
  if (IsSet("ProxyUser") && Get("ProxyServer").empty()) {
    return Fail(ErrorCode::kInvalidArgument, "ProxyUser is set but ProxyServer is not; add ProxyServer=host");
  }
  if (IsSet("ProxyPassword") && Get("ProxyUser").empty()) {
    return Fail(ErrorCode::kInvalidArgument, "ProxyPassword is set but ProxyUser is not; add ProxyUser=name");
  }
  return Ok();
}

}  // namespace jirasql
