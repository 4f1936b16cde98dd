"""The naive way to read a child list of every issue: search the ids, then one
request per issue (what a script does without bulk endpoints). Prints how
many rows it found and how many requests it made, as JSON.

  per-issue-children.py links|status|comments SITE (cloud|datacenter) AUTH_HEADER
"""
import http.client
import json
import sys
import urllib.parse

what, site, mode, auth = sys.argv[1:5]
u = urllib.parse.urlsplit(site)
conn = http.client.HTTPConnection(u.hostname, u.port)
api = u.path + ("/rest/api/3" if mode == "cloud" else "/rest/api/2")
requests = 0


def get(path):
    global requests
    requests += 1
    conn.request("GET", api + path, headers={"Authorization": auth, "Accept": "application/json"})
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        raise SystemExit("GET %s: HTTP %d" % (path, r.status))
    return json.loads(body)


ids, token, start = [], None, 0
while True:
    if mode == "cloud":
        q = {"jql": "project IS NOT EMPTY", "fields": "id", "maxResults": 100}
        if token:
            q["nextPageToken"] = token
        page = get("/search/jql?" + urllib.parse.urlencode(q))
        ids += [i["id"] for i in page["issues"]]
        token = page.get("nextPageToken")
        if page.get("isLast", True) or not token:
            break
    else:
        page = get("/search?" + urllib.parse.urlencode({"jql": "project IS NOT EMPTY", "fields": "id",
                                                        "maxResults": 100, "startAt": start}))
        ids += [i["id"] for i in page["issues"]]
        start += len(page["issues"])
        if not page["issues"] or start >= page["total"]:
            break

rows = 0
for i in ids:
    if what == "links":
        rows += len(get("/issue/%s?fields=issuelinks" % i)["fields"].get("issuelinks") or [])
    elif what == "comments":
        at = 0
        while True:
            page = get("/issue/%s/comment?startAt=%d&maxResults=100" % (i, at))
            rows += len(page["comments"])
            at += len(page["comments"])
            if not page["comments"] or at >= page["total"]:
                break
    elif mode == "cloud":
        at = 0
        while True:
            page = get("/issue/%s/changelog?startAt=%d&maxResults=100" % (i, at))
            rows += sum(1 for h in page["values"] for c in h["items"] if c.get("fieldId", c.get("field")) == "status")
            at += len(page["values"])
            if page.get("isLast", True) or not page["values"]:
                break
    else:
        hs = get("/issue/%s?fields=id&expand=changelog" % i)["changelog"]["histories"]
        rows += sum(1 for h in hs for c in h["items"] if c.get("field") == "status")
print(json.dumps({"rows": rows, "requests": requests}))
