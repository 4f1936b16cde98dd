"""Writes through the loadable extension, the way a Python user makes them
(Debian's python3 sqlite3, cursor.lastrowid, implicit transactions), read
back by two independent clients: Debian's python3-jira against jirasim in
Data Center mode, npm jira.js in Cloud mode. What they see is what Jira
holds."""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import urllib.request

import jira

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fidelity"))
from simproc import Jirasim, jirasim_binary  # noqa: E402

EXTENSION = os.environ["JIRASQL_EXTENSION"]
HERE = os.path.dirname(os.path.abspath(__file__))
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="jirasql-writes-")
os.environ.pop("JIRASQL_CONNECT", None)
os.environ.pop("JIRASQL_PROFILE", None)


def open_db(connect):
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(EXTENSION)
    db.enable_load_extension(False)
    db.execute("SELECT jirasql_connect(?)", (connect,)).fetchone()
    return db


class StderrCapture:
    """What the extension writes to file descriptor 2 (its notices)."""

    def __enter__(self):
        self.file = tempfile.TemporaryFile()
        sys.stderr.flush()
        self.saved = os.dup(2)
        os.dup2(self.file.fileno(), 2)
        return self

    def __exit__(self, *exc):
        os.dup2(self.saved, 2)
        os.close(self.saved)
        self.file.seek(0)
        self.text = self.file.read().decode()
        self.file.close()


def add_fault(sim, fault):
    req = urllib.request.Request(sim.info["baseUrl"] + "/__jirasim/faults", data=json.dumps(fault).encode(),
                                 method="POST", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()


class WritesReadBackByPythonJira(unittest.TestCase):
    """Data Center (REST v2): python3-jira reads what jirasql wrote."""

    @classmethod
    def setUpClass(cls):
        cls.sim = Jirasim(jirasim_binary(), "--mode", "datacenter", "--issues", "150", "--sites", "1", "--seed", "7")
        u = cls.sim.user(0)
        cls.connect = "AuthScheme=PAT;Url=%s;PersonalAccessToken=%s" % (cls.sim.site()["url"], u["pat"])
        cls.jira = jira.JIRA(server=cls.sim.site()["url"], token_auth=cls.sim.user(1)["pat"])

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def test_insert_gives_lastrowid_and_key(self):
        db = open_db(self.connect)
        cur = db.execute("INSERT INTO Issues (ProjectKey, IssueTypeName, Summary, Description, Labels, PriorityName) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         ("ALPHA", "Task", "from Python", "two\nlines", json.dumps(["docs"]), "Low"))
        db.commit()
        key = db.execute("SELECT jirasql_last_insert_key()").fetchone()[0]
        issue = self.jira.issue(key)
        self.assertEqual(int(issue.id), cur.lastrowid)
        self.assertEqual(issue.fields.summary, "from Python")
        self.assertEqual(issue.fields.description, "two\nlines")
        self.assertEqual(issue.fields.labels, ["docs"])
        self.assertEqual(issue.fields.priority.name, "Low")
        self.assertEqual(issue.fields.reporter.name, self.sim.user(0)["name"])

    def test_update_transition_comment_worklog_delete(self):
        db = open_db(self.connect)
        db.execute("INSERT INTO Issues (ProjectKey, IssueTypeName, Summary) VALUES ('BETA', 'Bug', 'lifecycle')")
        key = db.execute("SELECT jirasql_last_insert_key()").fetchone()[0]
        db.execute("UPDATE Issues SET Summary = 'lifecycle, edited', StatusName = 'In Progress' WHERE Key = ?", (key,))
        db.execute("INSERT INTO IssueTransitions (IssueKey, ToStatusName) VALUES (?, 'In Review')", (key,))
        db.execute("UPDATE Issues SET StatusName = 'Done', ResolutionName = 'Done' WHERE Key = ?", (key,))
        cur = db.execute("INSERT INTO Comments (IssueKey, Body) VALUES (?, 'said once')", (key,))
        comment_id = cur.lastrowid
        db.execute("INSERT INTO Worklogs (IssueKey, TimeSpent) VALUES (?, '1h 30m')", (key,))
        db.commit()
        issue = self.jira.issue(key)
        self.assertEqual(issue.fields.summary, "lifecycle, edited")
        self.assertEqual(issue.fields.status.name, "Done")
        self.assertEqual(issue.fields.resolution.name, "Done")
        comments = self.jira.comments(key)
        self.assertEqual([(int(c.id), c.body) for c in comments], [(comment_id, "said once")])
        self.assertEqual([w.timeSpentSeconds for w in self.jira.worklogs(key)], [5400])
        db.execute("DELETE FROM Comments WHERE IssueKey = ?", (key,))
        db.execute("DELETE FROM Issues WHERE Key = ?", (key,))
        db.commit()
        with self.assertRaises(jira.JIRAError) as e:
            self.jira.issue(key)
        self.assertEqual(e.exception.status_code, 404)

    def test_rollback_warns_and_commit_does_not(self):
        db = open_db(self.connect)  # Python's sqlite3 opens a transaction before each INSERT
        with StderrCapture() as out:
            db.execute("INSERT INTO Issues (ProjectKey, IssueTypeName, Summary) VALUES ('ALPHA', 'Task', 'kept')")
            key = db.execute("SELECT jirasql_last_insert_key()").fetchone()[0]
            db.rollback()
        self.assertIn("ROLLBACK does not undo writes to Jira", out.text)
        self.assertIn("created " + key, out.text)
        self.assertEqual(self.jira.issue(key).fields.summary, "kept")
        with StderrCapture() as out:
            db.execute("INSERT INTO Issues (ProjectKey, IssueTypeName, Summary) VALUES ('ALPHA', 'Task', 'kept 2')")
            db.commit()
        self.assertEqual(out.text, "")

    def test_a_lost_answer_makes_one_issue(self):
        db = open_db(self.connect)
        add_fault(self.sim, {"path": "/rest/api/2/issue$", "method": "POST", "after": True, "drop": True, "count": 1})
        with StderrCapture() as out:
            cur = db.execute("INSERT INTO Issues (ProjectKey, IssueTypeName, Summary) "
                             "VALUES ('GAMMA', 'Task', 'answer lost in Python')")
            db.commit()
        found = self.jira.search_issues('summary ~ "answer lost in Python"')
        self.assertEqual(len(found), 1)
        self.assertEqual(int(found[0].id), cur.lastrowid)
        self.assertIn("did not create it again", out.text)

    def test_refused_rows_are_integrity_errors(self):
        db = open_db(self.connect)
        with self.assertRaises(sqlite3.IntegrityError) as e:
            db.execute("INSERT INTO Issues (ProjectKey, Summary) VALUES ('ALPHA', 'no type')")
        self.assertIn("IssueTypeName (or IssueTypeId)", str(e.exception))
        ro = open_db(self.connect + ";Readonly=true")
        with self.assertRaises(sqlite3.OperationalError) as e:
            ro.execute("DELETE FROM Issues WHERE Key = 'ALPHA-1'")
        self.assertIn("Readonly=true refuses writes", str(e.exception))


class WritesReadBackByJiraJs(unittest.TestCase):
    """Cloud (REST v3, ADF): jira.js reads what jirasql wrote."""

    @classmethod
    def setUpClass(cls):
        cls.sim = Jirasim(jirasim_binary(), "--issues", "150", "--sites", "1", "--seed", "8")
        u = cls.sim.user(0)
        cls.user = u
        cls.connect = "AuthScheme=APIToken;Url=%s;User=%s;APIToken=%s" % (cls.sim.site()["url"], u["email"],
                                                                           u["apiToken"])

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def read_back(self, *keys):
        env = dict(os.environ, READ_BACK_TOKEN=self.user["apiToken"])
        env.pop("LD_PRELOAD", None)  # the ASan build's runtime is for our extension, not for node
        out = subprocess.run(["node", os.path.join(HERE, "read_back.mjs"), self.sim.site()["url"], self.user["email"],
                              *keys], env=env, capture_output=True, text=True, check=True, timeout=120).stdout
        return {j["key"]: j for j in map(json.loads, out.splitlines())}

    def test_text_becomes_adf_and_everything_reads_back(self):
        db = open_db(self.connect)
        db.execute("INSERT INTO Issues (ProjectKey, IssueTypeName, Summary, Description, Labels) VALUES "
                   "('ALPHA', 'Story', 'from Python, Cloud', ?, '[\"ux\"]')", ("Intro\n\n- one\n- two",))
        key = db.execute("SELECT jirasql_last_insert_key()").fetchone()[0]
        db.execute("UPDATE Issues SET StatusName = 'In Progress' WHERE Key = ?", (key,))
        db.execute("INSERT INTO Comments (IssueKey, Body) VALUES (?, 'first\nsecond')", (key,))
        db.execute("INSERT INTO Worklogs (IssueKey, TimeSpentSeconds) VALUES (?, 1200)", (key,))
        adf = {"type": "doc", "version": 1,
               "content": [{"type": "paragraph", "content": [{"type": "text", "text": "raw",
                                                              "marks": [{"type": "strong"}]}]}]}
        db.execute("INSERT INTO Comments (IssueKey, BodyAdf) VALUES (?, ?)", (key, json.dumps(adf)))
        db.commit()
        got = self.read_back(key)[key]
        self.assertEqual(got["summary"], "from Python, Cloud")
        self.assertEqual(got["status"], "In Progress")
        self.assertEqual(got["labels"], ["ux"])
        self.assertEqual([n["type"] for n in got["description"]["content"]], ["paragraph", "bulletList"])
        self.assertEqual(got["comments"][0]["content"][0]["content"][1], {"type": "hardBreak"})
        self.assertEqual(got["comments"][1], adf)  # a document passes through whole
        self.assertEqual(got["worklogs"], [1200])
        db.execute("DELETE FROM Issues WHERE Key = ?", (key,))
        db.commit()
        self.assertTrue(self.read_back(key)[key]["missing"])


if __name__ == "__main__":
    unittest.main()
