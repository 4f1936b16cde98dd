#!/usr/bin/python3
"""Debian's python3-jira (3.4.1, the legacy /rest/api/2/search with startAt)
against jirasim in Data Center mode, unchanged: every result is checked
against what jirasim says it generated.

Usage: JIRASIM=path/to/jirasim python_jira_test.py
"""
import sys
import unittest

import jira

from simproc import Jirasim, jirasim_binary


class PythonJiraAgainstDataCenter(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = Jirasim(jirasim_binary(), "--mode", "datacenter", "--issues", "400", "--sites", "1", "--seed", "11")
        site = cls.sim.site()
        u = cls.sim.user(1)
        cls.client = jira.JIRA(server=site["url"], basic_auth=(u["name"], u["password"]))
        cls.pat_client = jira.JIRA(server=site["url"], token_auth=cls.sim.user(2)["pat"])

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def test_server_info_says_data_center(self):
        info = self.client.server_info()
        self.assertEqual(info["deploymentType"], "Server")

    def test_myself_with_password_and_with_pat(self):
        self.assertEqual(self.client.myself()["name"], self.sim.user(1)["name"])
        self.assertEqual(self.pat_client.myself()["name"], self.sim.user(2)["name"])

    def test_projects(self):
        keys = sorted(p.key for p in self.client.projects())
        self.assertEqual(keys, sorted(p["key"] for p in self.sim.site()["projects"]))
        alpha = self.client.project("ALPHA")
        self.assertEqual(alpha.name, self.sim.site()["projects"][0]["name"])

    def test_pages_through_every_issue_of_a_project(self):
        for project in self.sim.site()["projects"]:
            issues = self.client.search_issues(f"project = {project['key']} ORDER BY key", maxResults=False,
                                               fields="summary,status,assignee")
            keys = [i.key for i in issues]
            self.assertEqual(len(keys), project["issues"], project["key"])
            self.assertEqual(len(set(keys)), len(keys), "an issue came twice")
            self.assertTrue(all(k.startswith(project["key"] + "-") for k in keys))
            numbers = [int(k.split("-")[1]) for k in keys]
            self.assertEqual(numbers, sorted(numbers), "ORDER BY key not kept")
            for i in issues[:20]:
                self.assertTrue(i.fields.summary)
                self.assertIn(i.fields.status.name, ["To Do", "In Progress", "In Review", "Done"])

    def test_small_pages_and_total(self):
        page = self.client.search_issues("project = BETA", startAt=5, maxResults=7)
        self.assertEqual(len(page), 7)
        self.assertEqual(page.total, next(p["issues"] for p in self.sim.site()["projects"] if p["key"] == "BETA"))

    def test_issue_with_comments_worklogs_and_changelog(self):
        found = 0
        for issue in self.client.search_issues("project = ALPHA ORDER BY key", maxResults=60):
            full = self.client.issue(issue.key, expand="changelog")
            comments = self.client.comments(issue.key)
            worklogs = self.client.worklogs(issue.key)
            self.assertEqual(full.key, issue.key)
            self.assertTrue(full.fields.description is None or isinstance(full.fields.description, str))
            for c in comments:
                self.assertTrue(isinstance(c.body, str) and c.body)
                self.assertTrue(c.author.displayName)
            spent = sum(w.timeSpentSeconds for w in worklogs)
            self.assertEqual(spent, full.fields.timespent or 0)
            statuses = [item.toString for h in full.changelog.histories for item in h.items if item.field == "status"]
            if statuses:
                self.assertEqual(statuses[-1], full.fields.status.name)
            found += bool(comments) and bool(worklogs)
        self.assertGreater(found, 0, "no issue had both comments and worklogs to check")

    def test_create_edit_comment_worklog_delete(self):
        issue = self.client.create_issue(project="GAMMA", summary="made by python-jira", issuetype={"name": "Task"},
                                         description="line one\nline two", labels=["docs"])
        self.assertTrue(issue.key.startswith("GAMMA-"))
        again = self.client.issue(issue.key)
        self.assertEqual(again.fields.summary, "made by python-jira")
        self.assertEqual(again.fields.description, "line one\nline two")
        self.assertEqual(again.fields.labels, ["docs"])
        issue.update(summary="edited by python-jira")
        self.assertEqual(self.client.issue(issue.key).fields.summary, "edited by python-jira")
        self.client.add_comment(issue.key, "a comment")
        self.client.add_worklog(issue.key, timeSpent="2h")
        self.assertEqual([c.body for c in self.client.comments(issue.key)], ["a comment"])
        self.assertEqual(self.client.issue(issue.key).fields.timespent, 7200)
        found = self.client.search_issues('summary ~ "edited by python-jira"')
        self.assertEqual([i.key for i in found], [issue.key])
        issue.delete()
        with self.assertRaises(jira.exceptions.JIRAError) as e:
            self.client.issue(issue.key)
        self.assertEqual(e.exception.status_code, 404)

    def test_bad_jql_is_a_clear_error(self):
        with self.assertRaises(jira.exceptions.JIRAError) as e:
            self.client.search_issues("project = NOPE")
        self.assertEqual(e.exception.status_code, 400)
        self.assertIn("The value 'NOPE' does not exist for the field 'project'.", e.exception.text)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    ran, bad = result.testsRun, len(result.failures) + len(result.errors)
    print(f"python_jira_test: {ran - bad} passed, {bad} failed")
    sys.exit(1 if bad or ran == 0 else 0)
