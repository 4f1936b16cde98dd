"""python3-jira (Debian, Data Center mode): search_issues with maxResults=False
reads every page; prints the number of issues read.
  python3 pyjira-scan.py SITE_URL PAT JQL FIELDS"""
import sys

from jira import JIRA

site, pat, jql, fields = sys.argv[1:5]
if not site.startswith("http://127.0.0.1:"):
    raise SystemExit("benchmarks talk to jirasim on loopback only")
client = JIRA(server=site, token_auth=pat, get_server_info=False)
issues = client.search_issues(jql, maxResults=False, fields=fields)
print(len(issues))
