"""The loadable SQLite extension, used the way a Python user would: Debian's
python3 `sqlite3` loads libjirasql_sqlite.so, jirasql_connect() sets the
connection string, and the tables answer from jirasim."""
import json
import os
import sqlite3
import sys
import tempfile
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fidelity"))
from simproc import Jirasim, jirasim_binary  # noqa: E402

EXTENSION = os.environ["JIRASQL_EXTENSION"]
# No connection but the one each test gives: no profile of the user's, no
# JIRASQL_CONNECT.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="jirasql-ext-")
os.environ.pop("JIRASQL_CONNECT", None)
os.environ.pop("JIRASQL_PROFILE", None)


class ExtensionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = Jirasim(jirasim_binary(), "--port", "0", "--issues", "250", "--projects", "3", "--seed", "5")
        u = cls.sim.user(0)
        cls.connect = "AuthScheme=APIToken;Url=%s;User=%s;APIToken=%s" % (cls.sim.site(0)["url"], u["email"],
                                                                           u["apiToken"])

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    @staticmethod
    def loaded():
        """A database with the extension loaded and nothing else done."""
        db = sqlite3.connect(":memory:")
        db.enable_load_extension(True)
        db.load_extension(EXTENSION)
        db.enable_load_extension(False)
        return db

    def open(self, connect=None):
        db = self.loaded()
        shown = db.execute("SELECT jirasql_connect(?)", (connect or self.connect,)).fetchone()[0]
        self.assertNotIn(self.sim.user(0)["apiToken"], shown)  # secrets are masked
        self.assertNotIn(self.sim.info["app"]["clientSecret"], shown)
        self.assertIn("Secret=********" if "OAuth" in shown else "APIToken=********", shown)
        return db

    def test_counts_per_project_match_the_generated_data(self):
        db = self.open()
        got = dict(db.execute("SELECT ProjectKey, COUNT(*) FROM Issues GROUP BY ProjectKey").fetchall())
        want = {p["key"]: p["issues"] for p in self.sim.site(0)["projects"]}
        self.assertEqual(got, want)

    def test_types_reach_python(self):
        db = self.open()
        row = db.execute("SELECT Id, Key, Created, Labels, TimeSpentSeconds FROM Issues "
                         "WHERE TimeSpentSeconds IS NOT NULL LIMIT 1").fetchone()
        self.assertIsInstance(row[0], int)
        self.assertRegex(row[1], r"^[A-Z]+-\d+$")
        self.assertRegex(row[2], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertIsInstance(json.loads(row[3]), list)
        self.assertIsInstance(row[4], int)

    def test_pushdown_with_parameters_and_joins(self):
        db = self.open()
        key = self.sim.site(0)["projects"][0]["key"]
        n = db.execute("SELECT COUNT(*) FROM Issues WHERE ProjectKey = ?", (key,)).fetchone()[0]
        self.assertEqual(n, self.sim.site(0)["projects"][0]["issues"])
        rows = db.execute("SELECT i.Key, COUNT(c.Id) FROM Issues i LEFT JOIN Comments c ON c.IssueKey = i.Key "
                          "WHERE i.Key IN (?, ?) GROUP BY i.Key ORDER BY i.Key", (key + "-1", key + "-2")).fetchall()
        self.assertEqual([r[0] for r in rows], [key + "-1", key + "-2"])

    def test_jira_errors_are_sql_errors(self):
        db = self.open()
        with self.assertRaises(sqlite3.OperationalError) as e:
            db.execute("SELECT * FROM Issues WHERE Jql = 'project = = oops'").fetchall()
        self.assertIn("HTTP 400", str(e.exception))

    def test_bad_connection_strings_are_clear_errors(self):
        db = self.loaded()
        with self.assertRaises(sqlite3.OperationalError) as e:
            db.execute("SELECT jirasql_connect('AuthSchem=APIToken')").fetchone()
        self.assertIn("AuthScheme", str(e.exception))  # did you mean
        self.assertIn("in jirasql_connect():", str(e.exception))  # the source it came from
        self.assertNotIn("--connect", str(e.exception))

    def test_a_mirror_is_refused_with_how_to_attach_it(self):
        db = self.loaded()
        with self.assertRaises(sqlite3.OperationalError) as e:
            db.execute("SELECT jirasql_connect(?)", (self.connect + ";Mirror=/tmp/jira.db",)).fetchone()
        self.assertIn("Mirror is not taken by the SQLite extension", str(e.exception))
        self.assertIn("ATTACH", str(e.exception))
        # The database is as before: a connection without it works.
        self.assertTrue(db.execute("SELECT jirasql_connect(?)", (self.connect,)).fetchone()[0])

    def test_nothing_configured_says_how(self):
        db = self.loaded()
        with self.assertRaises(sqlite3.OperationalError) as e:
            db.execute("SELECT Key FROM Issues").fetchall()
        self.assertIn("no Jira connection is configured", str(e.exception))
        self.assertIn("jirasql_connect", str(e.exception))

    def test_tables_are_declared_for_the_shell_when_connected_at_load(self):
        # The sqlite3 shell's .tables lists declared tables: with a
        # connection at .load, each table is declared in the temp schema.
        os.environ["JIRASQL_CONNECT"] = self.connect
        try:
            db = self.loaded()
        finally:
            del os.environ["JIRASQL_CONNECT"]
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_temp_schema WHERE type = 'table'")}
        self.assertTrue({"Issues", "Projects", "Comments", "Myself", "sys_tables"} <= names, names)
        # The declarations are fixed: jirasql_connect() may not change them.
        with self.assertRaises(sqlite3.OperationalError) as e:
            db.execute("SELECT jirasql_connect(?)", (self.connect + ";IncludeCustomFields=true",)).fetchone()
        self.assertIn("IncludeCustomFields cannot change after the tables were declared", str(e.exception))
        key = self.sim.site(0)["projects"][0]["key"]
        n = db.execute("SELECT COUNT(*) FROM Issues WHERE ProjectKey = ?", (key,)).fetchone()[0]
        self.assertEqual(n, self.sim.site(0)["projects"][0]["issues"])
        self.assertEqual(db.execute("SELECT COUNT(*) FROM temp.Projects").fetchone()[0], 3)
        # Still direct only: a view in the main schema may not use them.
        db.execute("CREATE VIEW v AS SELECT Key FROM Issues")
        with self.assertRaises(sqlite3.OperationalError):
            db.execute("SELECT * FROM v").fetchall()
        # Without a connection at load, nothing is declared (jirasql_connect comes later).
        plain = self.loaded()
        self.assertEqual(plain.execute("SELECT COUNT(*) FROM sqlite_temp_schema").fetchone()[0], 0)

    def test_tables_are_direct_only(self):
        # A view or trigger stored in a database file must not reach Jira
        # with the user's login when someone else's database is opened.
        db = self.open()
        db.execute("CREATE VIEW v AS SELECT Key FROM Issues")
        with self.assertRaises(sqlite3.OperationalError) as e:
            db.execute("SELECT * FROM v").fetchall()
        self.assertIn("unsafe use of virtual table", str(e.exception))
        with self.assertRaises(sqlite3.OperationalError):
            db.execute("CREATE VIEW w AS SELECT jirasql_connect('x')")
            db.execute("SELECT * FROM w").fetchall()

    def test_procedures_as_table_valued_functions(self):
        info = self.sim.info
        db = self.open("AuthScheme=OAuth;InitiateOAuth=REFRESH;OAuthSettingsLocation=memory://py;"
                       "OAuthClientId=%s;OAuthClientSecret=%s;OAuthAuthorizationURL=%s;OAuthAccessTokenURL=%s" %
                       (info["app"]["clientId"], info["app"]["clientSecret"], info["authorizationUrl"],
                        info["tokenUrl"]))
        url, state = db.execute("SELECT URL, State FROM GetOAuthAuthorizationURL('http://localhost:33333')").fetchone()
        self.assertTrue(url.startswith(info["authorizationUrl"] + "?"))
        self.assertIn("state=" + state, url)
        params = db.execute("SELECT ParameterName FROM sys_procedureparameters WHERE ProcedureName = "
                            "'GetOAuthAuthorizationURL' AND Direction = 'IN' ORDER BY Ordinal").fetchall()
        self.assertEqual(params[0][0], "CallbackUrl")


if __name__ == "__main__":
    unittest.main()
