#!/usr/bin/env python3
"""The ODBC driver from an independent client: Debian's python3-pyodbc over
unixODBC, against a jirasim of its own (Cloud, then Data Center). Rows,
Python types and errors are compared with what the jirasql command prints
for the same statement.

usage: pyodbc_test.py JIRASIM JIRASQL LIBJIRASQLODBC"""
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

JIRASIM, JIRASQL, DRIVER = sys.argv[1:4]


class Sim:
    def __init__(self, *args):
        self.proc = subprocess.Popen([JIRASIM, "--issues", "150", "--port", "0", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        text = ""
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            text += line
            try:
                self.info = json.loads(text)
                break
            except ValueError:
                continue
        else:
            raise RuntimeError("jirasim did not start")
        user = self.info["users"][0]
        url = self.info["sites"][0]["url"]
        if "--mode" in args:
            self.props = {"AuthScheme": "PAT", "Url": url, "PersonalAccessToken": user["pat"]}
            self.odbc = {"AuthScheme": "PAT", "Url": url, "PWD": user["pat"]}
        else:
            self.props = {"AuthScheme": "APIToken", "Url": url, "User": user["email"], "APIToken": user["apiToken"]}
            self.odbc = {"AuthScheme": "APIToken", "Url": url, "UID": user["email"], "PWD": user["apiToken"]}

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)
        self.proc.stdout.close()


def cli_rows(sim, sql):
    env = dict(os.environ, JIRASQL_CONNECT=";".join("%s=%s" % kv for kv in sim.props.items()),
               XDG_CONFIG_HOME=tempfile.gettempdir() + "/jirasql-pyodbc-none")
    out = subprocess.run([JIRASQL, "query", "--format", "json", sql], env=env, capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)


class PyodbcTest(unittest.TestCase):
    def check_mode(self, *args):
        import pyodbc
        sim = Sim(*args)
        try:
            conn_str = "DRIVER=%s;%s" % (DRIVER, ";".join("%s={%s}" % kv for kv in sim.odbc.items()))
            conn = pyodbc.connect(conn_str)
            cur = conn.cursor()
            sql = ("SELECT Id, Key, Summary, Created, DueDate, TimeSpentSeconds, Labels FROM Issues "
                   "ORDER BY Id")
            cur.execute(sql)
            types = [d[1] for d in cur.description]
            self.assertEqual(types, [int, str, str, datetime.datetime, datetime.date, int, str])
            got = cur.fetchall()
            want = cli_rows(sim, sql)
            self.assertEqual(len(got), len(want))
            self.assertEqual(len(got), 150)
            for g, w in zip(got, want):
                self.assertEqual(g.Id, w["Id"])
                self.assertEqual(g.Key, w["Key"])
                self.assertEqual(g.Summary, w["Summary"])
                created = datetime.datetime.strptime(w["Created"], "%Y-%m-%dT%H:%M:%S.%fZ")
                self.assertEqual(g.Created, created)
                self.assertEqual(g.DueDate, None if w["DueDate"] is None else datetime.date.fromisoformat(w["DueDate"]))
                self.assertEqual(g.TimeSpentSeconds, w["TimeSpentSeconds"])
                self.assertEqual(json.loads(g.Labels), w["Labels"] if isinstance(w["Labels"], list) else json.loads(w["Labels"]))
            # Parameters: text, a datetime, None.
            project = got[0].Key.split("-")[0]
            cur.execute("SELECT count(*) FROM Issues WHERE ProjectKey = ? AND Created >= ? AND ? IS NULL",
                        project, datetime.datetime(2000, 1, 1), None)
            n = cur.fetchone()[0]
            self.assertEqual(n, sum(1 for r in got if r.Key.startswith(project + "-")))
            # Errors carry the SQLSTATE and jirasql's advice.
            with self.assertRaises(pyodbc.ProgrammingError) as e:
                cur.execute("SELECT * FROM Isues")
            self.assertIn("42S02", str(e.exception))
            self.assertIn("did you mean 'Issues'", str(e.exception))
            # Unicode both ways.
            cur.execute("SELECT ? AS t", "h\u00e9llo \u2713 \U0001D11E")
            self.assertEqual(cur.fetchone()[0], "h\u00e9llo \u2713 \U0001D11E")
            self.assertEqual(conn.getinfo(pyodbc.SQL_DBMS_NAME), "jirasql")
            # The catalogue, as BI tools read it.
            tables = {r.table_name: r.table_type for r in cur.tables()}
            self.assertEqual(tables["Issues"], "TABLE")
            self.assertEqual(tables["sys_tables"], "SYSTEM TABLE")
            cols = {r.column_name: r.type_name for r in cur.columns(table="Issues")}
            self.assertEqual((cols["Id"], cols["Created"], cols["DueDate"], cols["Description"]),
                             ("BIGINT", "TIMESTAMP", "DATE", "WLONGVARCHAR"))
            self.assertEqual([r.column_name for r in cur.primaryKeys("Issues")], ["Id"])
            self.assertEqual([r.column_name for r in cur.statistics("Issues", unique=True)], ["Id"])
            self.assertIn("GetOAuthAuthorizationURL", [r.procedure_name for r in cur.procedures()])
            self.assertIn(("Issues", "Id", "IssueId"),
                          [(r.pktable_name, r.pkcolumn_name, r.fkcolumn_name) for r in cur.foreignKeys(foreignTable="Comments")])
            # executemany: one INSERT a row, each made once and read back;
            # then a procedure through {call}, its row described.
            key = got[0].Key
            bodies = ["From pyodbc %d \u2713" % i for i in range(3)]
            cur.executemany("INSERT INTO Comments (IssueKey, Body) VALUES (?, ?)", [(key, b) for b in bodies])
            cur.execute("SELECT Body FROM Comments WHERE IssueKey = ? AND Body LIKE 'From pyodbc %' ORDER BY Body", key)
            self.assertEqual([r.Body for r in cur.fetchall()], bodies)
            cur.execute("INSERT INTO Issues (ProjectKey, IssueTypeName, Summary) VALUES (?, 'Task', ?)", project,
                        "Moved from pyodbc")
            new_key = cur.execute("SELECT jirasql_last_insert_key()").fetchone()[0]
            cur.execute("{call ChangeIssueStatus(?, NULL, 'In Progress')}", new_key)
            self.assertEqual([d[0] for d in cur.description], ["IssueKey", "Result"])
            self.assertEqual([tuple(r) for r in cur.fetchall()][0][0], new_key)
            cur.execute("SELECT StatusName FROM Issues WHERE Key = ?", new_key)
            self.assertEqual(cur.fetchone()[0], "In Progress")
            conn.close()
            # A wrong secret fails the connection, and is not in the message.
            bad = conn_str.replace(sim.odbc["PWD"], "wrong-secret-value")
            with self.assertRaises(pyodbc.Error) as e:
                pyodbc.connect(bad)
            self.assertIn("28000", str(e.exception))
            self.assertNotIn("wrong-secret-value", str(e.exception))
        finally:
            sim.stop()

    def test_cloud(self):
        self.check_mode()

    def test_datacenter(self):
        self.check_mode("--mode", "datacenter")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
