#include "pg/pg.h"

#include <libpq-fe.h>

#include <algorithm>

#include "common/strings.h"

namespace jirasql::pg {

namespace {

constexpr const char* kPasswordHelp =
    "; keep the password out of it — libpq reads it from PGPASSFILE (or ~/.pgpass) or PGPASSWORD";

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

bool IsLocation(const std::string& text) {
  return text.rfind("postgresql://", 0) == 0 || text.rfind("postgres://", 0) == 0;
}

Result<Location> ParseLocation(const std::string& text, const std::vector<std::string>& allowed) {
  if (!IsLocation(text)) {
    return Fail(ErrorCode::kInvalidArgument, "'" + text + "' is not a postgresql:// location");
  }
  const std::size_t body = text.find("://") + 3;
  const std::size_t query = text.find('?', body);
  const std::string head = text.substr(0, query == std::string::npos ? text.size() : query);
  // user:password@host — the part before the first / after the scheme.
  const std::size_t slash = head.find('/', body);
  const std::string authority = head.substr(body, slash == std::string::npos ? std::string::npos : slash - body);
  if (const std::size_t at = authority.rfind('@'); at != std::string::npos) {
    if (authority.substr(0, at).find(':') != std::string::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the PostgreSQL location has a password in it (user:password@…)" + std::string(kPasswordHelp));
    }
  }
  Location out;
  std::vector<std::string> kept;
  if (query != std::string::npos) {
    for (const auto& kv : Split(text.substr(query + 1), '&')) {
      if (kv.empty()) continue;
      const std::size_t eq = kv.find('=');
      const std::string key = ToLower(UrlDecode(kv.substr(0, eq)));
      const std::string value = eq == std::string::npos ? "" : UrlDecode(kv.substr(eq + 1));
      if (key == "password" || key == "sslpassword") {
        return Fail(ErrorCode::kInvalidArgument,
                    "the PostgreSQL location has a password in it (" + key + "=…)" + std::string(kPasswordHelp) +
                        (key == "sslpassword" ? " (for a client key's passphrase, keep the "
                                                "key unencrypted and readable by this "
                                                "user alone)"
                                              : ""));
      }
      if (key.rfind("jirasql_", 0) == 0) {
        const std::string name = key.substr(8);
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
          std::string known;
          for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + ("jirasql_" + a);
          return Fail(ErrorCode::kInvalidArgument, "unknown parameter " + key + " in the PostgreSQL location" +
                                                       (known.empty() ? "" : " (jirasql reads " + known + ")"));
        }
        out.jirasql[name] = value;
        continue;
      }
      kept.push_back(kv);
    }
  }
  out.conninfo = head + (kept.empty() ? "" : "?" + Join(kept, "&"));
  out.shown = text;
  return out;
}

Connection::Connection(pg_conn* c, std::string shown, std::string what)
    : conn_(c), shown_(std::move(shown)), what_(std::move(what)) {}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

Result<std::unique_ptr<Connection>> Connection::Open(const Location& where, int timeout_s, const std::string& what) {
  const std::string timeout = std::to_string(std::max(1, timeout_s));
  // connect_timeout and application_name first: the URI's own win over them.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), "jirasql", where.conninfo.c_str(), nullptr};
  pg_conn* c = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!c) return Fail(ErrorCode::kInternal, "libpq could not allocate a connection");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string why = Trim(PQerrorMessage(c));
    PQfinish(c);
    return Fail(ErrorCode::kConnectFailed, "cannot connect to PostgreSQL at " + where.shown + " (" + what +
                                               "): " + why +
                                               " — is the server up and the address right? A password comes from "
                                               "PGPASSFILE, ~/.pgpass or PGPASSWORD");
  }
  // The server's notices ("relation exists, skipping") are not wanted on
  // standard error.
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(new Connection(c, where.shown, what));
}

bool Connection::Ok() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

int Connection::BackendPid() const { return conn_ ? PQbackendPID(conn_) : 0; }

Error Connection::Failure(pg_result* r) const {
  std::string why = Trim(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
  if (why.empty()) why = Trim(PQerrorMessage(conn_));
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  const bool lost = PQstatus(conn_) != CONNECTION_OK;
  return Error{lost ? ErrorCode::kTransport : ErrorCode::kIo,
               std::string(lost ? "the connection to PostgreSQL at " + shown_ + " was lost (" + what_ + "): "
                                : "PostgreSQL at " + shown_ + " (" + what_ + "): ") +
                   why + (sqlstate.empty() ? "" : " [SQLSTATE " + sqlstate + "]")};
}

Result<Rows> Connection::Exec(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  pg_result* r =
      PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
  const ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Error e = Failure(r);
    if (r) PQclear(r);
    return Fail(std::move(e));
  }
  Rows out;
  const int n = PQntuples(r), cols = PQnfields(r);
  out.rows.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    std::vector<std::optional<std::string>> row;
    row.reserve(static_cast<std::size_t>(cols));
    for (int j = 0; j < cols; ++j) {
      if (PQgetisnull(r, i, j)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(r, i, j), static_cast<std::size_t>(PQgetlength(r, i, j))));
      }
    }
    out.rows.push_back(std::move(row));
  }
  const char* affected = PQcmdTuples(r);
  if (affected && *affected) out.affected = ParseInt(affected).value_or(0);
  PQclear(r);
  return out;
}

Result<int64_t> Connection::Each(const std::string& sql, const std::function<void(const Row&)>& row) {
  if (PQsendQuery(conn_, sql.c_str()) != 1) return Fail(Failure(nullptr));
  PQsetSingleRowMode(conn_);
  Result<int64_t> out = int64_t{0};
  Row values;
  pg_result* r;
  while ((r = PQgetResult(conn_)) != nullptr) {
    const ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_SINGLE_TUPLE && out) {
      const int cols = PQnfields(r);
      values.assign(static_cast<std::size_t>(cols), std::string_view());
      for (int j = 0; j < cols; ++j) {
        if (!PQgetisnull(r, 0, j)) {
          values[static_cast<std::size_t>(j)] =
              std::string_view(PQgetvalue(r, 0, j), static_cast<std::size_t>(PQgetlength(r, 0, j)));
        } else {
          values[static_cast<std::size_t>(j)] = std::string_view(nullptr, 0);
        }
      }
      row(values);
      ++*out;
    } else if (status != PGRES_TUPLES_OK && status != PGRES_SINGLE_TUPLE && out) {
      out = Fail(Failure(r));
    }
    PQclear(r);
  }
  return out;
}

Result<int64_t> Connection::CopyIn(const std::string& sql, const std::function<bool(std::string&)>& next) {
  pg_result* r = PQexec(conn_, sql.c_str());
  if (!r || PQresultStatus(r) != PGRES_COPY_IN) {
    Error e = Failure(r);
    if (r) PQclear(r);
    return Fail(std::move(e));
  }
  PQclear(r);
  std::string chunk;
  bool more = true;
  while (more) {
    chunk.clear();
    more = next(chunk);
    if (!chunk.empty() && PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size())) != 1) break;
  }
  // Ended early (the connection failed): the server is told, the COPY fails.
  if (PQputCopyEnd(conn_, more ? "jirasql: the rows could not be sent" : nullptr) != 1) {
    return Fail(Failure(nullptr));
  }
  Result<int64_t> out = int64_t{0};
  while ((r = PQgetResult(conn_)) != nullptr) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      if (out) out = Fail(Failure(r));
    } else if (out) {
      const char* n = PQcmdTuples(r);
      out = n && *n ? ParseInt(n).value_or(0) : 0;
    }
    PQclear(r);
  }
  return out;
}

void AppendCopyValue(std::string& out, const char* v, std::size_t n) {
  if (!v) {
    out += "\\N";
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const char c = v[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

std::string SqlState(const Error& e) {
  const std::string tag = "[SQLSTATE ";
  const std::size_t at = e.message.rfind(tag);
  if (at == std::string::npos || e.message.size() < at + tag.size() + 6) return "";
  return e.message.substr(at + tag.size(), 5);
}

}  // namespace jirasql::pg
