// The virtual-table module. Compiled twice: into the jirasql command against
// <sqlite3.h>, and into the loadable extension with JIRASQL_SQLITE_EXTENSION,
// where every sqlite3_* call goes through the extension's API table.
#ifdef JIRASQL_SQLITE_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
#else
#include <sqlite3.h>
#endif

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/credentials.h"
#include "auth/procedures.h"
#include "common/strings.h"
#include "connstr/sources.h"
#include "http/logger.h"
#include "http/logging_transport.h"
#include "jira/jql.h"
#include "sql/pushdown.h"
#include "sql/scan.h"
#include "sql/sqlite_module.h"

namespace jirasql {

// Text to SQLite. SQLITE_TRANSIENT, deliberately: SQLite copies it. A
// row's values live until the cursor reads its next page, but SQLite may
// keep a value longer (max() of a column, a sorter's row) and takes a
// SQLITE_STATIC value for one that never changes, so it would point into
// freed memory. Length -1 when the text holds no NUL byte (nearly always):
// SQLite then copies the terminator too, and sqlite3_column_text does not
// grow every value by a realloc to add one.
void ResultText(sqlite3_context* ctx, const std::string& s) {
  const bool terminated = std::memchr(s.data(), 0, s.size()) == nullptr;
  sqlite3_result_text(ctx, s.c_str(), terminated ? -1 : static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

namespace {

// ---- the plan handed from xBestIndex to xFilter -----------------------------
//
// idxStr is a comma-separated list. The first item is "cols=<hex>": the
// columns the statement uses (SQLite's colUsed; bit 63 stands for every
// column from 63 on). Each further item is one constraint we take, in the
// order of its argv value: "<column index><op>" with op one of
//   =  >  >=  <  <=   a comparison with one value
//   in               an IN list, read whole with sqlite3_vtab_in_first/next
//   null notnull     IS NULL / IS NOT NULL (no argv value)
//   limit offset     LIMIT / OFFSET (a page-size hint; never applied by us)
// e.g. "cols=1f,12=,20>=,35in,limit". SQLite re-checks every constraint
// except the hidden Jql column's, which it cannot evaluate (omit=1).

struct PlanTerm {
  int column = -1;  // -1 for limit/offset
  std::string op;
};

std::vector<PlanTerm> ParsePlan(const char* idx, uint64_t* cols) {
  std::vector<PlanTerm> out;
  *cols = ~uint64_t{0};
  if (!idx) return out;
  for (const auto& part : Split(idx, ',')) {
    if (part.rfind("cols=", 0) == 0) {
      *cols = std::strtoull(part.c_str() + 5, nullptr, 16);
      continue;
    }
    PlanTerm t;
    std::size_t i = 0;
    while (i < part.size() && std::isdigit(static_cast<unsigned char>(part[i]))) ++i;
    if (i > 0) t.column = std::atoi(part.substr(0, i).c_str());
    t.op = part.substr(i);
    out.push_back(t);
  }
  return out;
}

SqlValue FromSqlite(sqlite3_value* v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_value_int64(v));
    case SQLITE_FLOAT:
      return sqlite3_value_double(v);
    case SQLITE_TEXT:
    case SQLITE_BLOB: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
      return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_value_bytes(v)));
    }
    default:
      return SqlValue{};
  }
}

void ResultValue(sqlite3_context* ctx, const SqlValue& v) {
  if (auto* i = std::get_if<int64_t>(&v))
    sqlite3_result_int64(ctx, *i);
  else if (auto* d = std::get_if<double>(&v))
    sqlite3_result_double(ctx, *d);
  else if (auto* s = std::get_if<std::string>(&v))
    ResultText(ctx, *s);
  else
    sqlite3_result_null(ctx);
}

std::string Quote(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

int SetError(sqlite3_vtab* vtab, const std::string& message) {
  sqlite3_free(vtab->zErrMsg);
  vtab->zErrMsg = sqlite3_mprintf("%s", message.c_str());
  return SQLITE_ERROR;
}

// ---- tables -----------------------------------------------------------------

struct ModuleAux {
  std::shared_ptr<Session> session;
  std::string table;  ///< table name, or procedure name for kind == kProcedure
  bool procedure = false;
};

struct VTab {
  sqlite3_vtab base{};
  sqlite3* db = nullptr;
  ModuleAux* aux = nullptr;
  /// Within a write transaction (xBegin … xCommit/xRollback): the scan of
  /// an UPDATE or DELETE records each row's write keys by rowid.
  bool writing = false;
  std::vector<int> key_columns;  ///< indexes of def->write_keys
  std::unordered_map<int64_t, SqlRow> keys_seen;
  const TableDef* def = nullptr;          // tables
  const ProcedureSpec* proc = nullptr;    // procedures
  std::vector<std::string> proc_columns;  // outputs, then hidden inputs
};

struct Cursor {
  sqlite3_vtab_cursor base{};
  std::unique_ptr<Scan> scan;
  std::vector<SqlRow> rows;
  std::size_t pos = 0;
  bool eof = true;
  int64_t rowid = 0;
  std::string jql;  ///< the Jql column's value for this scan
  bool jql_given = false;
};

VTab* V(sqlite3_vtab* p) { return reinterpret_cast<VTab*>(p); }
Cursor* C(sqlite3_vtab_cursor* p) { return reinterpret_cast<Cursor*>(p); }

int ConnectImpl(sqlite3* db, void* paux, sqlite3_vtab** out, char** err) {
  auto* aux = static_cast<ModuleAux*>(paux);
  auto vt = std::make_unique<VTab>();
  vt->aux = aux;
  std::string ddl = "CREATE TABLE x(";
  if (aux->procedure) {
    for (const auto& p : OAuthProcedures()) {
      if (p.name == aux->table) vt->proc = &p;
    }
    if (!vt->proc) {
      *err = sqlite3_mprintf("unknown procedure %s", aux->table.c_str());
      return SQLITE_ERROR;
    }
    std::set<std::string> used;
    for (const auto& o : vt->proc->outputs) {
      vt->proc_columns.push_back(o);
      used.insert(ToLower(o));
      ddl += (vt->proc_columns.size() > 1 ? ", " : "") + Quote(o) + " TEXT";
    }
    for (const auto& in : vt->proc->inputs) {
      std::string name = used.count(ToLower(in.name)) ? in.name + "Input" : in.name;
      vt->proc_columns.push_back(name);
      ddl += ", " + Quote(name) + " TEXT HIDDEN";
    }
  } else {
    auto def = aux->session->Table(aux->table);
    if (!def || !*def) {
      *err = sqlite3_mprintf("%s: %s", aux->table.c_str(), def ? "unknown table" : def.error().message.c_str());
      return SQLITE_ERROR;
    }
    vt->def = *def;
    for (const auto& k : vt->def->write_keys) vt->key_columns.push_back(vt->def->ColumnIndex(k));
    bool first = true;
    for (const auto& c : vt->def->columns) {
      ddl += (first ? "" : ", ") + Quote(c.name) + " " + std::string(SqlDeclaredType(c.type)) +
             (c.hidden ? " HIDDEN" : "");
      first = false;
    }
  }
  ddl += ")";
  int rc = sqlite3_declare_vtab(db, ddl.c_str());
  if (rc != SQLITE_OK) {
    *err = sqlite3_mprintf("declaring %s: %s", aux->table.c_str(), sqlite3_errmsg(db));
    return rc;
  }
  // Our tables reach the network with the user's login: never from triggers,
  // views or schema of a database someone else wrote.
  sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  // A row Jira refused is a constraint error (INSERT OR IGNORE skips it).
  sqlite3_vtab_config(db, SQLITE_VTAB_CONSTRAINT_SUPPORT, 1);
  vt->db = db;
  *out = &vt.release()->base;
  return SQLITE_OK;
}

int Disconnect(sqlite3_vtab* p) {
  delete V(p);
  return SQLITE_OK;
}

// Whether SQLite's `op` on a column of kind `push` is pushed (see PushRuleFor).
bool Pushable(Push push, unsigned char op) {
  switch (op) {
    case SQLITE_INDEX_CONSTRAINT_EQ:
      return Accepts(push, PushOp::kEq);
    case SQLITE_INDEX_CONSTRAINT_GT:
      return Accepts(push, PushOp::kGt);
    case SQLITE_INDEX_CONSTRAINT_GE:
      return Accepts(push, PushOp::kGe);
    case SQLITE_INDEX_CONSTRAINT_LT:
      return Accepts(push, PushOp::kLt);
    case SQLITE_INDEX_CONSTRAINT_LE:
      return Accepts(push, PushOp::kLe);
    case SQLITE_INDEX_CONSTRAINT_ISNULL:
      return Accepts(push, PushOp::kIsNull);
    case SQLITE_INDEX_CONSTRAINT_ISNOTNULL:
      return Accepts(push, PushOp::kIsNotNull);
    default:
      return false;
  }
}

const char* OpName(unsigned char op) {
  switch (op) {
    case SQLITE_INDEX_CONSTRAINT_EQ:
      return "=";
    case SQLITE_INDEX_CONSTRAINT_GT:
      return ">";
    case SQLITE_INDEX_CONSTRAINT_GE:
      return ">=";
    case SQLITE_INDEX_CONSTRAINT_LT:
      return "<";
    case SQLITE_INDEX_CONSTRAINT_LE:
      return "<=";
    case SQLITE_INDEX_CONSTRAINT_ISNULL:
      return "null";
    case SQLITE_INDEX_CONSTRAINT_ISNOTNULL:
      return "notnull";
    default:
      return nullptr;
  }
}

int BestIndexProcedure(VTab* vt, sqlite3_index_info* info) {
  const int first_input = static_cast<int>(vt->proc->outputs.size());
  std::string plan;
  int argv = 0;
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (c.iColumn < first_input || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    if (!c.usable) return SQLITE_CONSTRAINT;  // inputs must be known before the call
    info->aConstraintUsage[i].argvIndex = ++argv;
    info->aConstraintUsage[i].omit = 1;
    plan += (plan.empty() ? "" : ",") + std::to_string(c.iColumn) + "=";
  }
  info->idxStr = sqlite3_mprintf("%s", plan.c_str());
  info->needToFreeIdxStr = 1;
  info->estimatedCost = 1;
  info->estimatedRows = 1;
  return SQLITE_OK;
}

int BestIndex(sqlite3_vtab* p, sqlite3_index_info* info) {
  VTab* vt = V(p);
  if (vt->proc) return BestIndexProcedure(vt, info);
  const TableDef& def = *vt->def;
  const bool push = vt->aux->session->pushdown();
  std::string plan = "cols=" + [&] {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(info->colUsed));
    return std::string(buf);
  }();
  int argv = 0;
  double cost = def.scan_cost;
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (c.op == SQLITE_INDEX_CONSTRAINT_LIMIT || c.op == SQLITE_INDEX_CONSTRAINT_OFFSET) {
      // Only a hint, and only when SQLite will stop after that many rows: an
      // ORDER BY we do not consume needs every row first.
      if (!c.usable || info->nOrderBy > 0) continue;
      info->aConstraintUsage[i].argvIndex = ++argv;
      plan += c.op == SQLITE_INDEX_CONSTRAINT_LIMIT ? ",limit" : ",offset";
      continue;
    }
    if (c.iColumn < 0 || c.iColumn >= static_cast<int>(def.columns.size())) continue;
    const ColumnDef& col = def.columns[c.iColumn];
    if (col.push == Push::kJql) {
      if (c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
      if (!c.usable) return SQLITE_CONSTRAINT;  // ask for a plan where the JQL is known
      info->aConstraintUsage[i].argvIndex = ++argv;
      info->aConstraintUsage[i].omit = 1;
      plan += "," + std::to_string(c.iColumn) + "=";
      cost /= 100;
      continue;
    }
    if (!push || !c.usable || !Pushable(col.push, c.op)) continue;
    const char* op = OpName(c.op);
    std::string term = "," + std::to_string(c.iColumn);
    if (c.op == SQLITE_INDEX_CONSTRAINT_EQ && sqlite3_vtab_in(info, i, -1)) {
      sqlite3_vtab_in(info, i, 1);  // hand us the whole list at once
      term += "in";
    } else {
      term += op;
    }
    if (c.op != SQLITE_INDEX_CONSTRAINT_ISNULL && c.op != SQLITE_INDEX_CONSTRAINT_ISNOTNULL) {
      info->aConstraintUsage[i].argvIndex = ++argv;
    }
    plan += term;
    const bool exact = c.op == SQLITE_INDEX_CONSTRAINT_EQ && PushRuleFor(col.push).selective;
    cost /= exact ? 1000 : 4;
  }
  info->idxStr = sqlite3_mprintf("%s", plan.c_str());
  info->needToFreeIdxStr = 1;
  info->estimatedCost = cost;
  info->estimatedRows = static_cast<sqlite3_int64>(std::max(1.0, cost));
  return SQLITE_OK;
}

int Open(sqlite3_vtab* p, sqlite3_vtab_cursor** out) {
  const VTab* vt = V(p);
  Session& s = *vt->aux->session;
  if (s.explain && vt->def && !vt->def->system) s.explain_opened.push_back(vt->def);
  *out = &(new Cursor())->base;
  return SQLITE_OK;
}

int Close(sqlite3_vtab_cursor* p) {
  delete C(p);
  return SQLITE_OK;
}

// Moves to the next row, reading the next page when the current one is done.
int Advance(Cursor* cur) {
  ++cur->pos;
  while (cur->pos >= cur->rows.size()) {
    cur->rows.clear();
    cur->pos = 0;
    if (!cur->scan) {
      cur->eof = true;
      return SQLITE_OK;
    }
    auto more = cur->scan->Next(&cur->rows);
    if (!more) {
      cur->scan.reset();
      cur->eof = true;
      return SetError(cur->base.pVtab, more.error().message);
    }
    if (!*more) {
      cur->scan.reset();
      cur->eof = true;
      return SQLITE_OK;
    }
  }
  cur->eof = false;
  ++cur->rowid;
  return SQLITE_OK;
}

int FilterProcedure(Cursor* cur, VTab* vt, const char* idx, int argc, sqlite3_value** argv) {
  uint64_t cols = 0;
  auto plan = ParsePlan(idx, &cols);
  std::map<std::string, std::string> inputs;
  const int first_input = static_cast<int>(vt->proc->outputs.size());
  for (std::size_t i = 0; i < plan.size() && static_cast<int>(i) < argc; ++i) {
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) continue;
    const auto& in = vt->proc->inputs[static_cast<std::size_t>(plan[i].column - first_input)];
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[i]));
    inputs[in.name] = text ? text : "";
  }
  auto row = vt->aux->session->Procedure(vt->proc->name, inputs);
  if (!row) return SetError(&vt->base, vt->proc->name + ": " + row.error().message);
  SqlRow out(vt->proc_columns.size() + 1);  // the values, then the rowid
  out.back() = int64_t{1};
  for (std::size_t i = 0; i < vt->proc->outputs.size(); ++i) {
    for (const auto& [k, v] : *row) {
      if (k == vt->proc->outputs[i]) out[i] = v;
    }
  }
  for (const auto& [name, value] : inputs) {
    for (std::size_t i = 0; i < vt->proc->inputs.size(); ++i) {
      if (vt->proc->inputs[i].name == name) out[static_cast<std::size_t>(first_input) + i] = value;
    }
  }
  cur->rows.push_back(std::move(out));
  cur->pos = 0;
  cur->eof = false;
  cur->rowid = 1;
  return SQLITE_OK;
}

int FilterImpl(sqlite3_vtab_cursor* pc, const char* idx, int argc, sqlite3_value** argv) {
  Cursor* cur = C(pc);
  VTab* vt = V(pc->pVtab);
  cur->scan.reset();
  cur->rows.clear();
  cur->pos = 0;
  cur->eof = true;
  cur->rowid = 0;
  cur->jql.clear();
  cur->jql_given = false;
  if (vt->proc) return FilterProcedure(cur, vt, idx, argc, argv);

  Session& s = *vt->aux->session;
  const TableDef& def = *vt->def;
  uint64_t cols = 0;
  auto plan = ParsePlan(idx, &cols);

  ScanRequest req;
  req.table = &def;
  req.needed.assign(def.columns.size(), false);
  for (std::size_t i = 0; i < def.columns.size(); ++i) {
    req.needed[i] = (cols >> std::min<std::size_t>(i, 63)) & 1;
  }
  // The scan of an UPDATE or DELETE reads the columns the writer needs to
  // find the row in Jira, whether the statement names them or not.
  if (vt->writing) {
    for (int k : vt->key_columns) req.needed[static_cast<std::size_t>(k)] = true;
  }
  // The constraints SQLite gave values for, column by column.
  std::map<int, std::vector<SqlConstraint>> by_column;
  int64_t limit = -1, offset = 0;
  int arg = 0;
  bool jql_given = false;
  std::vector<std::string> lists_unknown;  ///< explain: columns whose IN list a subquery gives
  for (const auto& t : plan) {
    SqlConstraint c;
    if (t.op == "null" || t.op == "notnull") {
      c.op = t.op == "null" ? PushOp::kIsNull : PushOp::kIsNotNull;
      by_column[t.column].push_back(c);
      continue;
    }
    if (arg >= argc) return SetError(&vt->base, "internal error: the query plan and its values disagree");
    sqlite3_value* v = argv[arg++];
    if (t.op == "limit" || t.op == "offset") {
      (t.op == "limit" ? limit : offset) = sqlite3_value_int64(v);
      continue;
    }
    if (t.op == "in") {
      c.op = PushOp::kIn;
      sqlite3_value* e = nullptr;
      for (int rc = sqlite3_vtab_in_first(v, &e); rc == SQLITE_OK && e; rc = sqlite3_vtab_in_next(v, &e)) {
        c.values.push_back(FromSqlite(e));
      }
      if (s.explain && c.values.empty()) {
        // A subquery's list: explain ran the subquery without rows. Not
        // "matches nothing": explain says the list is known when it runs.
        lists_unknown.push_back(def.columns[static_cast<std::size_t>(t.column)].name);
        continue;
      }
    } else {
      c.op = t.op == "="    ? PushOp::kEq
             : t.op == ">"  ? PushOp::kGt
             : t.op == ">=" ? PushOp::kGe
             : t.op == "<"  ? PushOp::kLt
                            : PushOp::kLe;
      c.values.push_back(FromSqlite(v));
    }
    const ColumnDef& col = def.columns[static_cast<std::size_t>(t.column)];
    if (col.push == Push::kJql) {
      if (jql_given) {
        return SetError(&vt->base, def.name + ": give one Jql constraint per scan (combine the JQL with AND)");
      }
      jql_given = true;
      auto* text = std::get_if<std::string>(&c.values[0]);
      if (!text) return SetError(&vt->base, def.name + ": Jql must be compared with a JQL text");
      cur->jql = *text;
      cur->jql_given = true;
      SplitOrderBy(*text, &req.query.user_where, &req.query.user_order);
      continue;
    }
    by_column[t.column].push_back(std::move(c));
  }
  if (limit >= 0) req.limit_hint = limit + std::max<int64_t>(0, offset);

  bool nothing = false;
  std::map<std::string, std::vector<std::set<int64_t>>> parent_sets;  // by the column's kind (jql_field)
  std::vector<std::set<std::string>> key_sets;  // lower case: matched ignoring case, SQLite re-checks
  for (auto& [column, constraints] : by_column) {
    const ColumnDef& col = def.columns[static_cast<std::size_t>(column)];
    for (const auto& c : constraints) {
      if (col.push == Push::kParentId) {
        std::set<int64_t> ids;
        for (const auto& v : c.values) {
          if (auto* i = std::get_if<int64_t>(&v))
            ids.insert(*i);
          else if (auto* str = std::get_if<std::string>(&v)) {
            if (auto n = ParseInt(*str)) ids.insert(*n);
          }
        }
        parent_sets[col.jql_field].push_back(std::move(ids));
        continue;
      }
      if (col.push == Push::kSince) {
        if (auto since = SinceOf(c)) req.since_ms = std::max(req.since_ms, *since);
        continue;
      }
      if (col.push == Push::kParentKey) {
        std::set<std::string> keys;
        for (const auto& v : c.values) {
          if (auto* str = std::get_if<std::string>(&v)) keys.insert(ToLower(*str));
        }
        key_sets.push_back(std::move(keys));
        continue;
      }
      ColumnDef as = col;
      if (col.push == Push::kParentIssue) as.push = col.jql_field == "id" ? Push::kId : Push::kIssueKey;
      PushContext ctx;
      if (as.push == Push::kTimestamp && c.op != PushOp::kIsNull && c.op != PushOp::kIsNotNull) ctx.zone = s.UserZone();
      auto term = TranslateConstraint(as, c, ctx, &nothing);
      if (term) req.query.terms.push_back(std::move(*term));
    }
  }
  for (const auto& [kind, sets] : parent_sets) {
    std::set<int64_t> ids = sets[0];
    for (std::size_t i = 1; i < sets.size(); ++i) {
      std::set<int64_t> keep;
      for (auto id : ids) {
        if (sets[i].count(id)) keep.insert(id);
      }
      ids = std::move(keep);
    }
    req.parent_ids_of[kind].assign(ids.begin(), ids.end());
  }
  if (parent_sets.size() == 1) {
    req.parents_given = true;
    req.parent_ids = req.parent_ids_of.begin()->second;
  }
  if (!key_sets.empty()) {
    req.parent_keys_given = true;
    std::set<std::string> keys = key_sets[0];
    for (std::size_t i = 1; i < key_sets.size(); ++i) {
      std::set<std::string> keep;
      for (const auto& k : keys) {
        if (key_sets[i].count(k)) keep.insert(k);
      }
      keys = std::move(keep);
    }
    req.parent_keys.assign(keys.begin(), keys.end());
  }
  if (nothing) {
    req.query.matches_nothing = true;
    if (!def.issue_search) return SQLITE_OK;  // no row can match; nothing to read
  }
  const std::size_t reports_before = s.reports.size();
  auto scan = OpenScan(s, std::move(req));
  if (!scan) return SetError(&vt->base, scan.error().message);
  if (!lists_unknown.empty() && s.reports.size() > reports_before) {
    ScanReport& r = *s.reports.back();
    for (const auto& column : lists_unknown) {
      r.jql += (r.jql.empty() ? "" : " AND ") + column + " IN (the subquery's values, known when it runs)";
    }
    r.rows = -1;
    r.calls = -1;
    r.calls_note = "as many as a scan of " + def.name + " with the subquery's values needs";
  }
  cur->scan = std::move(*scan);
  cur->pos = 0;
  cur->rows.clear();
  // Advance() starts by stepping past the current row: start "before" row 0.
  cur->pos = static_cast<std::size_t>(-1);
  cur->rows.clear();
  return Advance(cur);
}

// The C callbacks: no exception may cross into SQLite. Whatever escapes
// (an answer of an unexpected shape deep in a JSON library) becomes an SQL
// error that says so.
int Connect(sqlite3* db, void* paux, int, const char* const*, sqlite3_vtab** out, char** err) {
  try {
    return ConnectImpl(db, paux, out, err);
  } catch (const std::exception& e) {
    *err = sqlite3_mprintf("jirasql: internal error: %s", e.what());
    return SQLITE_ERROR;
  }
}

int Filter(sqlite3_vtab_cursor* pc, int, const char* idx, int argc, sqlite3_value** argv) {
  try {
    return FilterImpl(pc, idx, argc, argv);
  } catch (const std::exception& e) {
    C(pc)->scan.reset();
    C(pc)->eof = true;
    return SetError(pc->pVtab, std::string("internal error while reading: ") + e.what());
  }
}

int Next(sqlite3_vtab_cursor* pc) {
  Cursor* cur = C(pc);
  if (V(pc->pVtab)->proc) {
    cur->eof = true;
    return SQLITE_OK;
  }
  try {
    return Advance(cur);
  } catch (const std::exception& e) {
    cur->scan.reset();
    cur->eof = true;
    return SetError(pc->pVtab, std::string("internal error while reading: ") + e.what());
  }
}

int Eof(sqlite3_vtab_cursor* pc) { return C(pc)->eof ? 1 : 0; }

int Column(sqlite3_vtab_cursor* pc, sqlite3_context* ctx, int i) {
  Cursor* cur = C(pc);
  VTab* vt = V(pc->pVtab);
  // UPDATE asks for the columns it leaves alone with "no change": they
  // stay without a value, so that the writer sends only what was set
  // (the write keys excepted: the writer needs them).
  if (vt->def && vt->def->write && sqlite3_vtab_nochange(ctx) &&
      std::find(vt->key_columns.begin(), vt->key_columns.end(), i) == vt->key_columns.end()) {
    return SQLITE_OK;
  }
  if (vt->def && vt->def->columns[static_cast<std::size_t>(i)].push == Push::kJql) {
    if (cur->jql_given)
      ResultText(ctx, cur->jql);
    else
      sqlite3_result_null(ctx);  // no JQL was given to this scan
    return SQLITE_OK;
  }
  if (cur->pos < cur->rows.size() && static_cast<std::size_t>(i) + 1 < cur->rows[cur->pos].size()) {
    ResultValue(ctx, cur->rows[cur->pos][static_cast<std::size_t>(i)]);
  } else {
    sqlite3_result_null(ctx);
  }
  return SQLITE_OK;
}

int Rowid(sqlite3_vtab_cursor* pc, sqlite3_int64* out) {
  Cursor* cur = C(pc);
  const bool table = V(pc->pVtab)->def != nullptr;
  if (table && cur->pos < cur->rows.size() && !cur->rows[cur->pos].empty()) {
    if (auto* id = std::get_if<int64_t>(&cur->rows[cur->pos].back())) {
      *out = *id;
      VTab* vt = V(pc->pVtab);
      if (vt->writing && !vt->key_columns.empty()) {
        SqlRow keys;
        for (int k : vt->key_columns) keys.push_back(cur->rows[cur->pos][static_cast<std::size_t>(k)]);
        vt->keys_seen[*id] = std::move(keys);
      }
      return SQLITE_OK;
    }
  }
  *out = cur->rowid;
  return SQLITE_OK;
}

// INSERT, UPDATE and DELETE: one row to the table's writer
// (sql/writers.h). Readonly=true refuses every write first. A row that
// left Jira unchanged fails as a constraint (OR IGNORE skips it, with a
// notice); one that may have changed Jira fails as an error saying so.
int UpdateImpl(sqlite3_vtab* p, int argc, sqlite3_value** argv, sqlite3_int64* rowid_out) {
  VTab* vt = V(p);
  const char* what = argc == 1 ? "DELETE" : sqlite3_value_type(argv[0]) == SQLITE_NULL ? "INSERT" : "UPDATE";
  const std::string name = vt->proc ? vt->proc->name : vt->def->name;
  const std::string doing = std::string(what) + " on " + name + ": ";
  if (vt->proc) {
    return SetError(p, doing + name + " is a procedure; run it with EXEC or SELECT * FROM " + name + "(…)");
  }
  Session& session = *vt->aux->session;
  if (session.props().GetBool("Readonly")) {
    return SetError(p, doing + "Readonly=true refuses writes; set Readonly=false to write to Jira");
  }
  if (vt->def->system) return SetError(p, doing + "the sys_* tables are read-only");
  if (!vt->def->write) {
    std::string writable;
    for (const auto& t : BaseTables()) {
      if (t.write) writable += (writable.empty() ? "" : ", ") + t.name;
    }
    return SetError(p, doing + name + " is read-only in jirasql; the tables that write to Jira are " + writable);
  }
  const auto& cols = vt->def->columns;
  RowWrite rw;
  rw.values.resize(cols.size());
  rw.set.assign(cols.size(), false);
  if (argc == 1) {
    rw.kind = RowWrite::Kind::kDelete;
    rw.rowid = sqlite3_value_int64(argv[0]);
  } else if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    rw.kind = RowWrite::Kind::kInsert;
    if (sqlite3_value_type(argv[1]) != SQLITE_NULL) {
      return SetError(p, doing + "the rowid is the id Jira gives the new row; leave it out of the INSERT");
    }
  } else {
    rw.kind = RowWrite::Kind::kUpdate;
    rw.rowid = sqlite3_value_int64(argv[0]);
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL || sqlite3_value_int64(argv[1]) != rw.rowid) {
      return SetError(p, doing + "a row's rowid is its Jira id and cannot change");
    }
  }
  if (argc > 1) {
    for (std::size_t i = 0; i < cols.size() && 2 + i < static_cast<std::size_t>(argc); ++i) {
      sqlite3_value* v = argv[2 + i];
      if (rw.kind == RowWrite::Kind::kUpdate && sqlite3_value_nochange(v)) continue;
      rw.values[i] = FromSqlite(v);
      rw.set[i] = rw.kind == RowWrite::Kind::kUpdate || sqlite3_value_type(v) != SQLITE_NULL;
    }
  }
  if (rw.kind != RowWrite::Kind::kInsert) {
    // The write keys as the scan read them; an UPDATE that gives a key its
    // own value again does not set it.
    auto seen = vt->keys_seen.find(rw.rowid);
    for (std::size_t k = 0; k < vt->key_columns.size(); ++k) {
      const auto c = static_cast<std::size_t>(vt->key_columns[k]);
      if (seen == vt->keys_seen.end()) continue;
      const SqlValue& was = seen->second[k];
      if (!rw.set[c] || rw.values[c] == was) {
        rw.values[c] = was;
        rw.set[c] = false;
      }
    }
  }
  TableWrite tw{session, session.jira(), *vt->def, session.explain};
  WriteResult done = vt->def->write(tw, rw);
  if (!session.explain) {
    // sys_identity: the row's id (the new one for an INSERT) and how it went.
    std::string id;
    if (rw.kind != RowWrite::Kind::kInsert) {
      // The row's Jira id where the rowid is not it (IssueLinks: a link is a row under each issue).
      const int idc = vt->def->ColumnIndex("Id");
      const SqlValue* v = idc >= 0 ? &rw.values[static_cast<std::size_t>(idc)] : nullptr;
      if (v && std::holds_alternative<int64_t>(*v)) {
        id = std::to_string(std::get<int64_t>(*v));
      } else {
        id = std::to_string(rw.rowid);
      }
    } else if (done && done->rowid != 0) {
      id = done->key.empty() ? std::to_string(done->rowid) : done->key;
    } else if (!done && !done.error().key.empty()) {
      id = done.error().key;
    }
    if (!(done && rw.kind == RowWrite::Kind::kInsert && done->rowid == 0 && done->what.empty())) {
      session.RecordWrite(name, what, std::move(id), done ? "SUCCESS" : done.error().error.message);
    }
  }
  if (!done) {
    const std::string message = doing + done.error().error.message;
    // Part of the row was written (the issue made, its transition failed).
    if (!done.error().done.empty()) session.written.push_back(done.error().done);
    if (!done.error().key.empty()) session.last_insert_key = done.error().key;
    if (done.error().unchanged) {
      if (rw.kind != RowWrite::Kind::kDelete && sqlite3_vtab_on_conflict(vt->db) == SQLITE_IGNORE) {
        session.notice(std::string(what) + " OR IGNORE on " + name + ": row skipped: " + done.error().error.message);
        *rowid_out = sqlite3_last_insert_rowid(vt->db);
        return SQLITE_OK;
      }
      SetError(p, message);
      return SQLITE_CONSTRAINT;
    }
    return SetError(p, message);
  }
  if (session.explain) {
    if (!done->what.empty()) session.write_plans.push_back(std::string(what) + " on " + name + ": " + done->what);
  } else if (!done->what.empty()) {
    session.written.push_back(done->what);
  }
  if (rw.kind == RowWrite::Kind::kInsert) {
    *rowid_out = done->rowid;
    if (!done->key.empty()) session.last_insert_key = done->key;
  }
  return SQLITE_OK;
}

int Update(sqlite3_vtab* p, int argc, sqlite3_value** argv, sqlite3_int64* rowid_out) {
  try {
    return UpdateImpl(p, argc, argv, rowid_out);
  } catch (const std::exception& e) {
    return SetError(p, std::string("internal error while writing: ") + e.what());
  }
}

// Transactions: writes reach Jira as each row is written; COMMIT has nothing
// left to do and ROLLBACK cannot undo them — it says so (Session::RolledBack).
int Begin(sqlite3_vtab* p) {
  VTab* vt = V(p);
  vt->writing = true;
  vt->aux->session->BeginWriteBatch();
  vt->keys_seen.clear();
  return SQLITE_OK;
}
// The end of the statement (autocommit) or of the transaction: what a
// writer held back (BulkInserts) is sent now.
int Sync(sqlite3_vtab* p) {
  VTab* vt = V(p);
  if (!vt->def || !vt->def->flush) return SQLITE_OK;
  Session& session = *vt->aux->session;
  TableWrite tw{session, session.jira(), *vt->def, session.explain};
  try {
    if (auto r = vt->def->flush(tw); !r) return SetError(p, "INSERT on " + vt->def->name + ": " + r.error().message);
  } catch (const std::exception& e) {
    return SetError(p, std::string("internal error while writing: ") + e.what());
  }
  return SQLITE_OK;
}
int Commit(sqlite3_vtab* p) {
  VTab* vt = V(p);
  vt->writing = false;
  vt->keys_seen.clear();
  vt->aux->session->written.clear();
  vt->aux->session->identity_open = false;
  return SQLITE_OK;
}
int Rollback(sqlite3_vtab* p) {
  VTab* vt = V(p);
  vt->writing = false;
  vt->keys_seen.clear();
  vt->aux->session->RolledBack();
  vt->aux->session->identity_open = false;
  return SQLITE_OK;
}

sqlite3_module MakeModule() {
  sqlite3_module m{};
  m.iVersion = 0;
  // Eponymous: the table exists by its name. xCreate too, so that the
  // extension can declare each table in the temp schema (sqlite3's .tables
  // lists only declared tables); both run the same code.
  m.xCreate = Connect;
  m.xConnect = Connect;
  m.xBestIndex = BestIndex;
  m.xDisconnect = Disconnect;
  m.xDestroy = Disconnect;
  m.xOpen = Open;
  m.xClose = Close;
  m.xFilter = Filter;
  m.xNext = Next;
  m.xEof = Eof;
  m.xColumn = Column;
  m.xRowid = Rowid;
  m.xUpdate = Update;
  m.xBegin = Begin;
  m.xSync = Sync;
  m.xCommit = Commit;
  m.xRollback = Rollback;
  return m;
}

const sqlite3_module kModule = MakeModule();

void FreeAux(void* p) { delete static_cast<ModuleAux*>(p); }

// The extension reads Jira's tables only: a mirror is a plain SQLite file
// the host attaches itself (the CLI and the ODBC driver take Mirror=).
Result<void> RefuseMirror(const ConnectionProperties& props) {
  for (const char* name : {"Mirror", "MirrorMaxAge"}) {
    if (props.IsSet(name)) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string(name) +
                      " is not taken by the SQLite extension: a mirror is a plain SQLite file — ATTACH it "
                      "(ATTACH 'jira.db' AS mirror; SELECT … FROM mirror.Issues), or query it with jirasql query "
                      "--mirror; see docs/sync.md");
    }
  }
  return {};
}

// jirasql_connect('Name=Value;…'): the connection string for this database's
// tables, before the first of them is used.
void ConnectFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* session = static_cast<std::shared_ptr<Session>*>(sqlite3_user_data(ctx));
  if (argc != 1 || sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
    sqlite3_result_error(ctx, "jirasql_connect takes one text argument: the connection string", -1);
    return;
  }
  ConnectionSources src = SourcesFromEnvironment();
  src.connect = std::string(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])));
  src.connect_label = "jirasql_connect()";
  auto props = ResolveConnection(src);
  if (!props) {
    sqlite3_result_error(ctx, ("jirasql_connect: " + props.error().message).c_str(), -1);
    return;
  }
  auto prepared = PrepareConnection(*props, /*for_login=*/false, /*check_complete=*/true);
  if (!prepared) {
    sqlite3_result_error(ctx, ("jirasql_connect: " + prepared.error().message).c_str(), -1);
    return;
  }
  if (auto r = RefuseMirror(prepared->props); !r) {
    sqlite3_result_error(ctx, ("jirasql_connect: " + r.error().message).c_str(), -1);
    return;
  }
  if (auto r = (*session)->Reconfigure(prepared->props, prepared->logger); !r) {
    sqlite3_result_error(ctx, ("jirasql_connect: " + r.error().message).c_str(), -1);
    return;
  }
  std::string shown = prepared->props.ToConnectionString(true);
  sqlite3_result_text(ctx, shown.c_str(), -1, SQLITE_TRANSIENT);
}

// jirasql_last_insert_key(): the key of the issue the latest INSERT INTO
// Issues created on this connection (NULL before the first).
void LastInsertKeyFunction(sqlite3_context* ctx, int, sqlite3_value**) {
  auto* session = static_cast<std::shared_ptr<Session>*>(sqlite3_user_data(ctx));
  const std::string& key = (*session)->last_insert_key;
  if (key.empty()) {
    sqlite3_result_null(ctx);
  } else {
    sqlite3_result_text(ctx, key.c_str(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
  }
}

void FreeSessionHandle(void* p) { delete static_cast<std::shared_ptr<Session>*>(p); }

}  // namespace

int RegisterJirasqlModules(sqlite3* db, std::shared_ptr<Session> session, std::string* error) {
  auto add = [&](const std::string& name, bool procedure) {
    auto* aux = new ModuleAux{session, name, procedure};
    int rc = sqlite3_create_module_v2(db, name.c_str(), &kModule, aux, FreeAux);
    if (rc != SQLITE_OK && error) *error = "registering " + name + ": " + sqlite3_errmsg(db);
    return rc;
  };
  for (const auto& t : BaseTables()) {
    if (int rc = add(t.name, false); rc != SQLITE_OK) return rc;
  }
  for (const auto& p : OAuthProcedures()) {
    if (int rc = add(p.name, true); rc != SQLITE_OK) return rc;
  }
  int rc = sqlite3_create_function_v2(db, "jirasql_connect", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                      new std::shared_ptr<Session>(session), ConnectFunction, nullptr, nullptr,
                                      FreeSessionHandle);
  if (rc != SQLITE_OK) {
    if (error) *error = std::string("registering jirasql_connect: ") + sqlite3_errmsg(db);
    return rc;
  }
  rc = sqlite3_create_function_v2(db, "jirasql_last_insert_key", 0, SQLITE_UTF8, new std::shared_ptr<Session>(session),
                                  LastInsertKeyFunction, nullptr, nullptr, FreeSessionHandle);
  if (rc != SQLITE_OK && error) *error = std::string("registering jirasql_last_insert_key: ") + sqlite3_errmsg(db);
  return rc;
}

}  // namespace jirasql

#ifdef JIRASQL_SQLITE_EXTENSION

// The extension's entry point. SQLite derives the name from the file name
// (libjirasql_sqlite.so -> sqlite3_jirasqlsqlite_init).
extern "C" __attribute__((visibility("default"))) int sqlite3_jirasqlsqlite_init(sqlite3* db, char** err,
                                                                                 const sqlite3_api_routines* api) {
  SQLITE_EXTENSION_INIT2(api);
  using namespace jirasql;
  auto props = ResolveConnection(SourcesFromEnvironment());
  if (!props) {
    *err = sqlite3_mprintf("jirasql: %s", props.error().message.c_str());
    return SQLITE_ERROR;
  }
  auto prepared = PrepareConnection(*props);
  if (!prepared) {
    *err = sqlite3_mprintf("jirasql: %s", prepared.error().message.c_str());
    return SQLITE_ERROR;
  }
  if (auto r = RefuseMirror(prepared->props); !r) {
    *err = sqlite3_mprintf("jirasql: %s", r.error().message.c_str());
    return SQLITE_ERROR;
  }
  ConnectOptions options;
  options.interactive = true;  // only InitiateOAuth=GETANDREFRESH opens a browser
  auto session = std::make_shared<Session>(prepared->props, prepared->logger, options);
  // Warnings (ROLLBACK cannot undo writes, a lost answer found, MaxRows
  // reached) go where the host's diagnostics go.
  session->notice = [](const std::string& text) { std::fprintf(stderr, "jirasql: %s\n", text.c_str()); };
  std::string error;
  int rc = RegisterJirasqlModules(db, session, &error);
  if (rc != SQLITE_OK) {
    *err = sqlite3_mprintf("jirasql: %s", error.c_str());
    return rc;
  }
  // With a connection configured at load (the sqlite3 shell's way), declare
  // the tables in the temp schema so that .tables and the schema list them.
  // A table that cannot be declared now (Issues with IncludeCustomFields
  // and Jira out of reach) is still there by its name.
  if (props->AnyGiven()) {
    for (const auto& t : BaseTables()) {
      const std::string ddl = "CREATE VIRTUAL TABLE IF NOT EXISTS temp." + Quote(t.name) + " USING " + Quote(t.name);
      if (sqlite3_exec(db, ddl.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) session->MarkDeclared();
    }
  }
  return SQLITE_OK;
}
#endif
