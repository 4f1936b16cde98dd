"""jirasql's benchmarks, side by side with python3-jira, jira.js and curl.

Everything runs on this machine: jirasim serves the data on 127.0.0.1, each
contender reads the same issues with the same 10 fields, the contenders take
turns (A B C A B C ...) so that drift hits them alike, and the table shows
medians. Wall time, CPU time (user + system of the contender's process) and
peak RSS come from /usr/bin/time. Nothing is asserted: the numbers are
written to docs/benchmarks.md with the machine and the versions.

  bench/run [--quick] [--out FILE]
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import sqlite3
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "release")
FIELDS = "summary,status,assignee,reporter,created,updated,priority,issuetype,labels,project"
COLUMNS = ("Summary, StatusName, AssigneeAccountId, ReporterAccountId, Created, Updated, PriorityName, "
           "IssueTypeName, Labels, ProjectKey")
SQL = "SELECT Id, Key, %s FROM Issues" % COLUMNS
JQL = "project IS NOT EMPTY"  # what jirasql sends for a whole-table scan: the same pages for everyone


class Sim:
    """A jirasim on a free loopback port."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([os.path.join(BIN, "jirasim"), "--port", "0", "--sites", "1", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        text = ""
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("jirasim did not start")
            text += line
            if line.rstrip() == "}":
                break
        self.info = json.loads(text)
        self.site = self.info["sites"][0]["url"]
        self.user = self.info["users"][0]

    def admin(self, path, body=None, method="POST"):
        req = urllib.request.Request(self.info["adminUrl"] + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            return r.read()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def timed(cmd, env=None, expect=None, raw=False):
    """Runs cmd under /usr/bin/time; returns (wall s, cpu s, peak RSS MiB, stdout).

    raw: stdout as bytes. Reading 30 MB of NDJSON as text (UTF-8 decoding in
    Python, on the same two cores as the contender and jirasim) slowed the
    contender it measured; counting its lines needs no text."""
    with tempfile.NamedTemporaryFile("r") as t:
        p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", t.name, *cmd], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=not raw)
        if p.returncode != 0:
            err = p.stderr if isinstance(p.stderr, str) else p.stderr.decode(errors="replace")
            raise RuntimeError("%s failed: %s" % (cmd[0], err[-2000:]))
        wall, user, sys_, rss = t.read().split()[-4:]
    out = p.stdout
    return float(wall), float(user) + float(sys_), int(rss) / 1024, out


def _shown(arg):
    """An argument as it goes in the doc: paths relative, jirasim's URLs and credentials by name."""
    arg = arg.replace(ROOT + "/", "")
    arg = re.sub(r"http://127\.0\.0\.1:\d+/site/[^ \"']+", "SITE", arg)
    if re.fullmatch(r"(ATATT|NjQ)\w+", arg):
        return "TOKEN" if arg.startswith("ATATT") else "PAT"
    if re.fullmatch(r"user\d+@example\.com", arg):
        return "EMAIL"
    if arg.endswith("curl.cfg"):
        return "pages.cfg"
    return "'%s'" % arg if (" " in arg or "*" in arg) else arg


def count_lines(out):
    return out.count(b"\n" if isinstance(out, bytes) else "\n")


class Contender:
    def __init__(self, name, cmd, env=None, count=count_lines, note=""):
        self.name, self.cmd, self.env, self.count, self.note = name, cmd, env, count, note
        self.walls, self.cpus, self.rss = [], [], []

    def run(self, want):
        wall, cpu, rss, out = timed(self.cmd, self.env, raw=self.count is count_lines)
        got = self.count(out)
        if got != want:
            raise RuntimeError("%s read %s issues, not %s" % (self.name, got, want))
        self.walls.append(wall)
        self.cpus.append(cpu)
        self.rss.append(rss)

    def median(self):
        return statistics.median(self.walls)


def jirasql_env(sim, dc, threads):
    env = dict(os.environ)
    if dc:
        conn = "AuthScheme=PAT;Url=%s;PersonalAccessToken=%s" % (sim.site, sim.user["pat"])
    else:
        conn = "AuthScheme=APIToken;Url=%s;User=%s;APIToken=%s" % (sim.site, sim.user["email"], sim.user["apiToken"])
    # threads None: jirasql's default MaxThreads, as a user who sets nothing runs it.
    env["JIRASQL_CONNECT"] = conn + (";MaxThreads=%d" % threads if threads else "")
    return env


def jirasql(name, sim, dc, threads):
    # ndjson: one line per issue, so the count is checked too.
    return Contender(name, [os.path.join(BIN, "jirasql"), "query", "--format", "ndjson", SQL],
                     jirasql_env(sim, dc, threads))


def curl_floor(sim, work):
    """curl fetching the very pages a sequential scan reads (tokens gathered first, untimed)."""
    auth = "Basic " + __import__("base64").b64encode(
        ("%s:%s" % (sim.user["email"], sim.user["apiToken"])).encode()).decode()
    base = sim.site + "/rest/api/3/search/jql?" + urllib.parse.urlencode(
        {"jql": JQL, "fields": FIELDS, "maxResults": 100})
    urls, token, total = [], None, 0
    while True:
        url = base + ("&nextPageToken=" + urllib.parse.quote(token) if token else "")
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": auth})) as r:
            page = json.load(r)
        urls.append(url)
        total += len(page["issues"])
        token = page.get("nextPageToken")
        if page.get("isLast", True) or not token:
            break
    cfg = os.path.join(work, "curl.cfg")
    with open(cfg, "w") as f:
        f.write('header = "Authorization: %s"\n' % auth)
        for u in urls:
            f.write('url = "%s"\noutput = "/dev/null"\n' % u)
    return Contender("curl, the same pages raw", ["curl", "-s", "-K", cfg, "-w", "%{http_code}\\n"],
                     count=lambda out, n=total: n if out.split() == ["200"] * len(urls) else -1,
                     note="sequential, one connection")


def scenario(sims, n, reps, work, latency_ms=0):
    cloud, dc = sims
    for s in sims:
        s.admin("/faults", method="DELETE")
    contenders = [
        jirasql("jirasql, sequential (Cloud)", cloud, False, 1),
        jirasql("jirasql, default settings (Cloud)", cloud, False, None),
        jirasql("jirasql, parallel (Cloud)", cloud, False, 8),
        jirasql("jirasql, sequential (Data Center)", dc, True, 1),
        jirasql("jirasql, parallel (Data Center)", dc, True, 8),
        Contender("python3-jira (Data Center)",
                  ["/usr/bin/python3", os.path.join(ROOT, "bench", "contenders", "pyjira-scan.py"), dc.site,
                   dc.user["pat"], JQL, FIELDS], count=lambda out: int(out.split()[-1]),
                  note="search_issues(maxResults=False)"),
        Contender("jira.js (Cloud)",
                  ["node", os.path.join(ROOT, "bench", "contenders", "jirajs-scan.mjs"), cloud.site,
                   cloud.user["email"], cloud.user["apiToken"], JQL, FIELDS], count=lambda out: int(out.split()[-1]),
                  note="enhanced search, nextPageToken"),
        curl_floor(cloud, work),
    ]
    if latency_ms:
        for s in sims:
            s.admin("/faults", {"path": "/rest/", "latencyMs": latency_ms})
    for _ in range(reps):
        for c in contenders:
            c.run(n)
            print("  %-36s %7.2f s" % (c.name, c.walls[-1]), file=sys.stderr)
    for s in sims:
        s.admin("/faults", method="DELETE")
    return contenders


def children(n, reps):
    """count(*) of IssueLinks and IssueStatusTransitions: jirasql's bulk reads
    against one request per issue. Rows checked equal; requests counted by jirasim."""
    out = []
    for mode in ("cloud", "datacenter"):
        sim = Sim("--issues", str(n), *(["--mode", "datacenter"] if mode == "datacenter" else []))
        try:
            env = jirasql_env(sim, mode == "datacenter", 1)
            auth = ("Bearer " + sim.user["pat"]) if mode == "datacenter" else "Basic " + __import__("base64").b64encode(
                ("%s:%s" % (sim.user["email"], sim.user["apiToken"])).encode()).decode()
            for table, what in (("IssueLinks", "links"), ("IssueStatusTransitions", "status")):
                def requests():
                    with urllib.request.urlopen(sim.info["adminUrl"] + "/counters") as r:
                        return sum(json.load(r)["requests"].values())
                walls, naive_walls, got, reqs, naive = [], [], None, 0, None
                for _ in range(reps):
                    sim.admin("/reset")
                    wall, _, _, text = timed([os.path.join(BIN, "jirasql"), "query", "--format", "csv",
                                              "SELECT count(*) FROM %s" % table], env)
                    walls.append(wall)
                    got = int(text.split()[-1])
                    reqs = requests()
                    wall, _, _, text = timed([sys.executable, os.path.join(ROOT, "bench", "contenders",
                                                                           "per-issue-children.py"),
                                              what, sim.site, mode, auth])
                    naive_walls.append(wall)
                    naive = json.loads(text)
                if naive["rows"] != got:
                    raise RuntimeError("%s (%s): jirasql counted %d rows, one call per issue %d" % (
                        table, mode, got, naive["rows"]))
                out.append((table, mode, got, reqs, statistics.median(walls), naive["requests"],
                            statistics.median(naive_walls)))
        finally:
            sim.stop()
    return out


def comments_and_join(n_comments, n_join, reps):
    """count(*) of Comments over n_comments issues (default MaxThreads), against
    a call per issue; and Issues JOIN Comments on the project of about n_join
    issues, its requests against the bulk lower bound (one search of the
    project with the comment field, 100 issues a page). Cloud."""
    out = {"comments": None, "join": None}
    sim = Sim("--issues", str(n_comments))
    try:
        env = jirasql_env(sim, False, 4)
        auth = "Basic " + __import__("base64").b64encode(
            ("%s:%s" % (sim.user["email"], sim.user["apiToken"])).encode()).decode()

        def requests():
            with urllib.request.urlopen(sim.info["adminUrl"] + "/counters") as r:
                return sum(json.load(r)["requests"].values())
        walls, naive_walls = [], []
        for _ in range(reps):
            before = requests()
            wall, _, _, text = timed([os.path.join(BIN, "jirasql"), "query", "--format", "csv",
                                      "SELECT count(*) FROM Comments"], env)
            walls.append(wall)
            got, reqs = int(text.split()[-1]), requests() - before
            wall, _, _, text = timed([sys.executable, os.path.join(ROOT, "bench", "contenders",
                                                                   "per-issue-children.py"),
                                      "comments", sim.site, "cloud", auth])
            naive_walls.append(wall)
            naive = json.loads(text)
        if naive["rows"] != got:
            raise RuntimeError("Comments: jirasql counted %d rows, one call per issue %d" % (got, naive["rows"]))
        out["comments"] = (n_comments, got, reqs, statistics.median(walls), naive["requests"],
                           statistics.median(naive_walls))
    finally:
        sim.stop()
    # The project nearest n_join issues, in a site three times that size.
    sim = Sim("--issues", str(3 * n_join))
    try:
        project = min(sim.info["sites"][0]["projects"], key=lambda p: abs(p["issues"] - n_join))
        rows = []
        for threads in (1, 4):
            env = jirasql_env(sim, False, threads)

            def requests():
                with urllib.request.urlopen(sim.info["adminUrl"] + "/counters") as r:
                    return sum(json.load(r)["requests"].values())
            for form, sql in (("join", "SELECT count(*) FROM Issues i JOIN Comments c ON c.IssueId = i.Id "
                                       "WHERE i.ProjectKey = '%s'" % project["key"]),
                              ("IN (subquery)", "SELECT count(*) FROM Comments WHERE IssueId IN "
                                                "(SELECT Id FROM Issues WHERE ProjectKey = '%s')" % project["key"])):
                walls, reqs, got = [], 0, None
                for _ in range(reps):
                    before = requests()
                    wall, _, _, text = timed([os.path.join(BIN, "jirasql"), "query", "--format", "csv", sql], env)
                    walls.append(wall)
                    reqs, got = requests() - before, int(text.split()[-1])
                rows.append((form, threads, got, reqs, statistics.median(walls)))
        out["join"] = (project["key"], project["issues"], (project["issues"] + 99) // 100, rows)
    finally:
        sim.stop()
    return out


def odbc_overhead(n, reps):
    """The ODBC driver's own cost per row: the same rows read by jirasql's
    command (NDJSON to a pipe), by Python's sqlite3 with jirasql's extension
    and by pyodbc through libjirasqlodbc.so (both fetching every row into
    Python objects) — over Issues from jirasim (default settings, Cloud), and
    over rows SQLite generates, which read nothing from Jira."""
    sim = Sim("--issues", str(n))
    scan = os.path.join(ROOT, "bench", "contenders", "odbc-scan.py")
    generated = ("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < %d) "
                 "SELECT i AS Id, 'KEY-' || i AS Key, 'A summary of a typical length, number ' || i AS Summary, "
                 "i * 0.25 AS Points, '2025-01-31T08:30:00.000Z' AS Created FROM r" % n)
    out = []
    try:
        env = jirasql_env(sim, False, None)
        last = lambda text: int(text.split()[-1])
        for label, sql in (("Issues, the 12 columns of §1 (read from jirasim)", SQL),
                           ("%s rows SQLite generates, 5 columns (nothing read from Jira)" % format(n, ","),
                            generated)):
            cs = [Contender("jirasql query --format ndjson", [os.path.join(BIN, "jirasql"), "query", "--format",
                                                               "ndjson", sql], env),
                  Contender("Python sqlite3 + libjirasql_sqlite.so",
                            ["/usr/bin/python3", scan, "sqlite3", os.path.join(BIN, "libjirasql_sqlite.so"), sql],
                            env, count=last),
                  Contender("pyodbc + libjirasqlodbc.so",
                            ["/usr/bin/python3", scan, "pyodbc", os.path.join(BIN, "libjirasqlodbc.so"), sql],
                            env, count=last)]
            for _ in range(reps):
                for c in cs:
                    c.run(n)
                    print("  %-40s %7.2f s" % (c.name, c.walls[-1]), file=sys.stderr)
            out.append((label, cs))
    finally:
        sim.stop()
    return out


def rss_at(sizes, reps):
    rows = []
    for n in sizes:
        sim = Sim("--issues", str(n))
        try:
            c = jirasql("jirasql, parallel", sim, False, 8)
            s = jirasql("jirasql, sequential", sim, False, 1)
            for _ in range(reps):
                c.run(n)
                s.run(n)
            rows.append((n, max(s.rss), max(c.rss), statistics.median(s.walls), statistics.median(c.walls)))
            print("  %d issues: %.1f / %.1f MiB" % (n, max(s.rss), max(c.rss)), file=sys.stderr)
        finally:
            sim.stop()
    return rows


class Postgres:
    """A throwaway PostgreSQL 15 (tests/pg_test_server: initdb in a temp folder, a loopback port); stops when
    its stdin closes."""

    def __init__(self):
        self.p = subprocess.Popen([os.path.join(BIN, "pg_test_server")], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        self.uri, self.passfile = self.p.stdout.readline().split()

    def psql(self, sql):
        return subprocess.run(["psql", self.uri, "-XAtq", "-F", " ", "-c", sql], check=True, text=True,
                              stdout=subprocess.PIPE, env=dict(os.environ, PGPASSFILE=self.passfile)).stdout.strip()

    def stop(self):
        self.p.stdin.close()
        self.p.wait(timeout=60)


def rows_of(report):
    return sum(c["added"] + c["changed"] + c["deleted"] for c in report["tables"].values())


def mirror(n, n_oauth, reps):
    """jirasql sync: a full sync of n issues (API token); then 1% edited, 0.1% deleted, 10 moved; the incremental
    sync; the mirror compared with Jira row by row (the SQLite extension's live tables EXCEPT the mirror's, both
    ways); a dashboard GROUP BY on the mirror and live. Then n_oauth issues through an OAuth app under a jirasim
    points quota of about a third of what the sync needs per window: no 429, wall time against the quota's
    floor (points needed / points per second allowed)."""
    js = os.path.join(BIN, "jirasql")
    res = {"n": n, "n_oauth": n_oauth}
    sim = Sim("--issues", str(n))
    try:
        env = jirasql_env(sim, False, None)
        with tempfile.TemporaryDirectory() as work:
            db = os.path.join(work, "jira.db")
            wall, _, rss, text = timed([js, "sync", "--to", db, "--format", "json"], env)
            full = json.loads(text)
            full.update(wall=wall, rss=rss)
            # The same into PostgreSQL (a schema of the database).
            pg = Postgres()
            penv = dict(env, PGPASSFILE=pg.passfile)
            pto = pg.uri + "?jirasql_schema=bench"
            wall, _, rss, text = timed([js, "sync", "--to", pto, "--format", "json"], penv)
            pfull = json.loads(text)
            pfull.update(wall=wall, rss=rss)
            # The same site through an OAuth app (points metered), into a mirror of its own.
            oenv = oauth_env(sim, work)
            odb = os.path.join(work, "oauth.db")
            wall, _, rss, text = timed([js, "sync", "--to", odb, "--format", "json"], oenv)
            ofull = json.loads(text)
            ofull.update(wall=wall, rss=rss)
            m = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
            parents = {r[0] for r in m.execute("SELECT ParentKey FROM Issues WHERE ParentKey IS NOT NULL")}
            leaves = [r for r in m.execute("SELECT Id, Key, ProjectKey FROM Issues ORDER BY Id") if r[1] not in parents]
            projects = sorted({r[2] for r in leaves})
            m.close()
            edit = [r[0] for r in leaves[::max(1, len(leaves) // (n // 100))]][:n // 100]
            rest = [r for r in leaves if r[0] not in set(edit)]
            gone = [r[0] for r in rest[1::max(1, len(rest) // (n // 1000))]][:n // 1000]
            movable = [r for r in rest if r[0] not in set(gone)][::-1]

            def q(sql):
                timed([js, "query", "--format", "csv", sql], env)
            for i in range(0, len(edit), 500):
                q("UPDATE Issues SET Summary = Summary || ' (edited)' WHERE Id IN (%s)" %
                  ",".join(map(str, edit[i:i + 500])))
            q("DELETE FROM Issues WHERE Id IN (%s)" % ",".join(map(str, gone)))
            moved = 0
            for _, key, project in movable:
                if moved == 10:
                    break
                to = next(p for p in projects if p != project)
                try:
                    sim.admin("/move", {"issue": key, "project": to})
                    moved += 1
                except urllib.error.HTTPError:
                    continue  # jirasim moves within company-managed projects only
            wall, _, _, text = timed([js, "sync", "--to", db, "--format", "json"], env)
            inc = json.loads(text)
            inc.update(wall=wall, edited=len(edit), deleted=len(gone), moved=moved)
            wall, _, _, text = timed([js, "sync", "--to", odb, "--format", "json"], oenv)
            oinc = json.loads(text)
            oinc.update(wall=wall)
            wall, _, _, text = timed([js, "sync", "--to", pto, "--format", "json"], penv)
            pinc = json.loads(text)
            pinc.update(wall=wall)
            # PostgreSQL against the file: each table's rows, ids and a digest of every column as text.
            m = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
            pdiffs = {}
            for t in ("Issues", "Comments", "Worklogs", "IssueChangelogs"):
                f = m.execute('SELECT count(*), sum(Id), count(DISTINCT IssueId) FROM "%s"' % t).fetchone() \
                    if t != "Issues" else m.execute('SELECT count(*), sum(Id), count(DISTINCT Key) FROM Issues').fetchone()
                g = pg.psql('SELECT count(*), sum(id), count(DISTINCT %s) FROM bench.%s' % (
                    "key" if t == "Issues" else "issueid", t.lower()))
                pdiffs[t] = (" ".join(str(v) for v in f), g)
            m.close()
            pg.stop()
            res["full"], res["inc"], res["ofull"], res["oinc"] = full, inc, ofull, oinc
            res["pfull"], res["pinc"], res["pdiffs"] = pfull, pinc, pdiffs
            # Row by row: the live tables through the extension, the mirror attached.
            ext = sqlite3.connect(":memory:")
            ext.enable_load_extension(True)
            os.environ["JIRASQL_CONNECT"] = env["JIRASQL_CONNECT"]
            ext.load_extension(os.path.join(BIN, "libjirasql_sqlite.so"))
            ext.execute("ATTACH ? AS mirror", ("file:%s?mode=ro" % db,))
            ext.execute("ATTACH ? AS omirror", ("file:%s?mode=ro" % odb,))
            diffs, odiffs = {}, {}
            for t in ("Issues", "Comments", "Worklogs", "IssueChangelogs"):
                cols = ", ".join('"%s"' % r[1] for r in ext.execute("SELECT * FROM pragma_table_info(?, 'mirror')",
                                                                      (t,)))
                ext.execute('CREATE TEMP TABLE "live_%s" AS SELECT %s FROM temp."%s"' % (t, cols, t))
                live = ext.execute('SELECT count(*) FROM "live_%s"' % t).fetchone()[0]
                mirrored = ext.execute('SELECT count(*) FROM mirror."%s"' % t).fetchone()[0]
                only_live = ext.execute('SELECT count(*) FROM (SELECT * FROM "live_%s" EXCEPT SELECT %s FROM '
                                        'mirror."%s")' % (t, cols, t)).fetchone()[0]
                only_mirror = ext.execute('SELECT count(*) FROM (SELECT %s FROM mirror."%s" EXCEPT SELECT * FROM '
                                          '"live_%s")' % (cols, t, t)).fetchone()[0]
                diffs[t] = (live, mirrored, only_live, only_mirror)
                odiffs[t] = (ext.execute('SELECT count(*) FROM (SELECT * FROM "live_%s" EXCEPT SELECT %s FROM '
                                         'omirror."%s")' % (t, cols, t)).fetchone()[0],
                             ext.execute('SELECT count(*) FROM (SELECT %s FROM omirror."%s" EXCEPT SELECT * FROM '
                                         '"live_%s")' % (cols, t, t)).fetchone()[0])
            ext.close()
            del os.environ["JIRASQL_CONNECT"]
            res["diffs"], res["odiffs"] = diffs, odiffs
            dash = "SELECT StatusName, count(*) FROM Issues GROUP BY 1 ORDER BY 1"
            live_w, mirror_w, answers = [], [], set()
            for _ in range(reps):
                w, _, _, a = timed([js, "query", "--format", "csv", dash], env)
                live_w.append(w)
                answers.add(a)
                w, _, _, a = timed([js, "query", "--format", "csv", "--mirror", db, dash], env)
                mirror_w.append(w)
                answers.add(a)
            # Live again with 50 ms on every request, as a remote Jira answers (section 2's fault).
            remote_w = []
            sim.admin("/faults", {"path": "/rest/", "latencyMs": 50})
            for _ in range(reps):
                w, _, _, a = timed([js, "query", "--format", "csv", dash], env)
                remote_w.append(w)
                answers.add(a)
            sim.admin("/faults", method="DELETE")
            res["dashboard"] = (statistics.median(live_w), statistics.median(mirror_w), len(answers) == 1,
                                statistics.median(remote_w))
    finally:
        sim.stop()
    res["oauth"] = oauth_sync(n_oauth)
    return res


def oauth_env(sim, work):
    """The environment of a jirasql logged in through jirasim's OAuth app (the consent approved by jirasim's
    browser stand-in, the code exchanged), its login saved in `work`."""
    js = os.path.join(BIN, "jirasql")
    base = sim.info["baseUrl"]
    env = dict(os.environ)
    env["JIRASQL_CONNECT"] = (
        "AuthScheme=OAuth;OAuthClientId=%s;OAuthClientSecret=%s;OAuthAuthorizationURL=%s/authorize;"
        "OAuthAccessTokenURL=%s/oauth/token;OAuthRefreshTokenURL=%s/oauth/token;"
        "OAuthAccessibleResourcesURL=%s/oauth/token/accessible-resources;OAuthApiGatewayURL=%s/ex/jira;"
        "OAuthSettingsLocation=%s/login.json" % (sim.info["app"]["clientId"], sim.info["app"]["clientSecret"],
                                                 base, base, base, base, base, work))
    url = json.loads(subprocess.run([js, "auth", "url", "--json"], env=env, check=True, text=True,
                                    stdout=subprocess.PIPE).stdout)["URL"]
    redirect = subprocess.run([os.path.join(BIN, "jirasim"), "approve", url, "--user", sim.user["email"],
                               "--password", sim.user["password"]], check=True, text=True,
                              stdout=subprocess.PIPE).stdout.strip()
    subprocess.run([js, "auth", "exchange", "--code", redirect], env=env, check=True, stdout=subprocess.PIPE)
    return env


def oauth_sync(n):
    """A full sync of n issues through an OAuth app: once to learn the points it needs, then under a quota of a
    third of that per window."""
    js = os.path.join(BIN, "jirasql")
    sim = Sim("--issues", str(n))
    try:
        with tempfile.TemporaryDirectory() as work:
            env = oauth_env(sim, work)
            free_wall, _, _, text = timed([js, "sync", "--to", os.path.join(work, "free.db"), "--format", "json"], env)
            needed = json.loads(text)["points"]
            window = 10
            quota = needed // 3 + 1
            sim.admin("/limits", {"pointsQuota": quota, "pointsWindow": window})
            sim.admin("/reset")
            sim.admin("/limits", {"pointsQuota": quota, "pointsWindow": window})
            wall, _, _, text = timed([js, "sync", "--to", os.path.join(work, "quota.db"), "--format", "json"], env)
            report = json.loads(text)
            with urllib.request.urlopen(sim.info["adminUrl"] + "/counters") as r:
                counters = json.load(r)
            refused = sum(v for k, v in counters["requests"].items() if k.endswith(" 429"))
            floor = report["points"] / (quota / window)
            return {"issues": n, "points": report["points"], "requests": report["requests"], "quota": quota,
                    "window": window, "wall": wall, "free_wall": free_wall, "floor": floor, "refused": refused,
                    "ok": report["ok"]}
    finally:
        sim.stop()


def oauth_soak(pattern="*FourProcessesEightThreadsOneLogin*", line="soak"):
    p = subprocess.run([os.path.join(BIN, "oauth_flows_tests"), "--gtest_filter=" + pattern],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    m = re.search(r"%s: (\d+) calls in ([\d.]+) s by 4x8 threads, (\d+) refreshes(?:, (\d+) lock holders "
                  r"terminated)?" % line, p.stdout)
    if p.returncode != 0 or not m:
        return None
    return int(m.group(1)), float(m.group(2)), int(m.group(3)), int(m.group(4) or 0)


def micro():
    p = subprocess.run([os.path.join(BIN, "jirasql_micro_bench"), "--benchmark_format=json",
                        "--benchmark_min_time=0.2"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if p.returncode != 0:
        return []
    return [(b["name"], b["real_time"], b["time_unit"], b.get("items_per_second"))
            for b in json.loads(p.stdout)["benchmarks"]]


def versions():
    def run(cmd):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout.strip()
        except OSError:
            return "?"
    jirajs = json.load(open(os.path.join(ROOT, "node_modules", "jira.js", "package.json")))["version"]
    return {
        "jirasql": run([os.path.join(BIN, "jirasql"), "--version"]),
        "python3-jira": run(["dpkg-query", "-W", "-f=${Version}", "python3-jira"]),
        "Python": platform.python_version() + " (/usr/bin/python3)",
        "jira.js": jirajs,
        "Node.js": run(["node", "--version"]),
        "curl": run(["curl", "--version"]).splitlines()[0],
    }


def machine():
    model = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem = [l for l in open("/proc/meminfo") if l.startswith("MemTotal")][0].split()[1]
    return "%s, %d cores, %.0f GiB RAM, Linux %s" % (model, os.cpu_count(), int(mem) / 1048576, platform.release())


def table(contenders, n, floor_name="curl, the same pages raw"):
    floor = next(c for c in contenders if c.name == floor_name).median()
    best = min(c.median() for c in contenders if c.name.startswith("jirasql"))
    out = ["| contender | median wall | issues/s | CPU s / 1,000 issues | peak RSS | vs best jirasql | vs curl |",
           "|---|---|---|---|---|---|---|"]
    for c in contenders:
        m = c.median()
        out.append("| %s%s | %.2f s | %s | %.3f | %.0f MiB | %.1f× | %.2f× |" % (
            c.name, " — " + c.note if c.note else "", m, format(int(n / m), ","),
            statistics.median(c.cpus) / n * 1000, max(c.rss), m / best, m / floor))
    return "\n".join(out)


def chart(png, results):
    """A clustered bar chart of the median wall times (gnuplot, log scale)."""
    data = os.path.join(os.path.dirname(png), "benchmarks.dat")
    names = [c.name.replace(",", "") for c in results[0][1]]
    with open(data, "w") as f:
        f.write("scenario " + " ".join('"%s"' % n for n in names) + "\n")
        for label, contenders in results:
            f.write('"%s" ' % label + " ".join("%.3f" % c.median() for c in contenders) + "\n")
    script = """
set terminal pngcairo size 1100,520 font "sans,10"
set output '%s'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set ylabel "median wall time, s (lower is better)"
set logscale y
set key outside right top
set grid ytics
plot for [i=2:%d] '%s' using i:xtic(1) title columnhead(i)
""" % (png, len(names) + 1, data)
    p = subprocess.run(["gnuplot"], input=script, text=True, stderr=subprocess.PIPE)
    os.unlink(data)
    return p.returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a smoke run: small data, few repetitions")
    ap.add_argument("--out", help="the Markdown file to write (default: docs/benchmarks.md; "
                                  "--quick: build/release/benchmarks-quick.md)")
    a = ap.parse_args()
    if a.quick:
        n, n_lat, sizes, reps = 5000, 1000, [2000, 10000], 2
    else:
        n, n_lat, sizes, reps = 100000, 10000, [10000, 100000, 1000000], 5
    out = a.out or (os.path.join(BIN, "benchmarks-quick.md") if a.quick else os.path.join(ROOT, "docs", "benchmarks.md"))
    png = os.path.splitext(out)[0] + ".png"
    started = time.time()
    with tempfile.TemporaryDirectory() as work:
        print("1. full scan, %d issues, 10 fields" % n, file=sys.stderr)
        sims = [Sim("--issues", str(n)), Sim("--issues", str(n), "--mode", "datacenter")]
        try:
            cpu_bound = scenario(sims, n, reps, work)
        finally:
            for s in sims:
                s.stop()
        print("2. the same, %d issues, 50 ms latency per request" % n_lat, file=sys.stderr)
        sims = [Sim("--issues", str(n_lat)), Sim("--issues", str(n_lat), "--mode", "datacenter")]
        try:
            remote = scenario(sims, n_lat, max(2, reps - 2) if not a.quick else 1, work, latency_ms=50)
        finally:
            for s in sims:
                s.stop()
    print("3. peak RSS by size", file=sys.stderr)
    rss = rss_at(sizes, 1 if a.quick else 2)
    n_child = 2000 if a.quick else 10000
    print("6. child tables over %d issues: bulk reads against a call per issue" % n_child, file=sys.stderr)
    child = children(n_child, 1 if a.quick else 3)
    n_comments, n_join = (2000, 1000) if a.quick else (50000, 10000)
    print("7. Comments over %d issues; Issues JOIN Comments on a project of about %d" % (n_comments, n_join),
          file=sys.stderr)
    cj = comments_and_join(n_comments, n_join, 1 if a.quick else 3)
    n_odbc = 2000 if a.quick else 100000
    print("8. ODBC: %d rows through pyodbc, Python's sqlite3 and the command" % n_odbc, file=sys.stderr)
    odbc = odbc_overhead(n_odbc, 1 if a.quick else 5)
    n_mirror, n_oauth = (5000, 2000) if a.quick else (100000, 20000)
    print("9. the mirror: jirasql sync of %d issues, the changes, the dashboard; %d through OAuth under a quota" % (
        n_mirror, n_oauth), file=sys.stderr)
    mir = mirror(n_mirror, n_oauth, 1 if a.quick else 3)
    print("5. OAuth: 4 processes x 8 threads on one login", file=sys.stderr)
    soak = oauth_soak()
    fleet = oauth_soak("*FourHostsEightThreadsOneLoginInPostgreSQL*", "fleet soak")
    print("micro-benchmarks", file=sys.stderr)
    micros = micro()
    elapsed = time.time() - started

    def med(cs, name):
        return next(c for c in cs if c.name == name).median()

    best_cpu = min(c.median() for c in cpu_bound if c.name.startswith("jirasql"))
    best_remote = min(c.median() for c in remote if c.name.startswith("jirasql"))
    # The fastest sequential nextPageToken scan: the strictest comparison.
    seq_remote = min(med(remote, "jira.js (Cloud)"), med(remote, "jirasql, sequential (Cloud)"),
                     med(remote, "curl, the same pages raw"))
    lines = ["# Benchmarks", "",
             "Written by `bench/run%s` on %s, in %.0f s. Do not edit: run it again." % (
                 " --quick" if a.quick else "", time.strftime("%Y-%m-%d"), elapsed), "",
             "Machine: %s. Everything — jirasim, the contenders — shares these cores, over loopback." % machine(), "",
             "Versions: " + "; ".join("%s %s" % kv for kv in versions().items()) + ".", "",
             "Every contender reads every issue of the site with the same 10 fields (`%s`), JQL `%s`, "
             "100 issues per page; the contenders take turns, %d repetitions, medians. CPU is the user + "
             "system time of the contender's own process (not jirasim's); RSS is its peak. jirasql prints NDJSON "
             "to a pipe; the others keep the issues in memory as their users would." % (FIELDS, JQL, reps), "",
             "## 1. A full scan of %s issues (CPU-bound: the server answers at once)" % format(n, ","), "",
             table(cpu_bound, n), "",
             "## 2. The same with 50 ms of latency on every request (a remote server), %s issues" % format(n_lat, ","),
             "", table(remote, n_lat), "",
             "![median wall time per contender](%s)" % os.path.basename(png), "",
             "## 3. Peak RSS of jirasql by size (Cloud, the same 10 columns)", "",
             "| issues | sequential | parallel (8) | wall, sequential | wall, parallel |", "|---|---|---|---|---|"]
    for size, s_rss, p_rss, s_wall, p_wall in rss:
        lines.append("| %s | %.1f MiB | %.1f MiB | %.2f s | %.2f s |" % (format(size, ","), s_rss, p_rss, s_wall, p_wall))
    lines += ["", "## 4. CPU time per 1,000 issues", "",
              "In the tables above (column *CPU s / 1,000 issues*)."]
    lines += ["", "## 5. OAuth under concurrency", ""]
    if soak:
        calls, secs, refreshes, _ = soak
        lines.append("4 processes × 8 threads share one saved login whose access token lives 5 s: %d API calls in "
                     "%.1f s (%.0f calls/s), %d refreshes (single flight across threads and processes, "
                     "rotated refresh token saved before use), no failed call." % (calls, secs, calls / secs, refreshes))
    else:
        lines.append("(the OAuth run did not complete)")
    if fleet:
        calls, secs, refreshes, killed = fleet
        lines += ["", "A fleet: the same, the login kept in PostgreSQL 15 (`OAuthSettingsLocation=postgresql://…`; "
                  "4 processes with no shared file), the token endpoint answering in 300 ms, the backend holding "
                  "the lock terminated %d times mid-refresh and a fifth worker SIGKILLed holding it: %d API calls "
                  "in %.1f s (%.0f calls/s), %d refreshes, no failed call, no refresh token reused past "
                  "Atlassian's leeway." % (killed, calls, secs, calls / secs, refreshes)]
    else:
        lines += ["", "(the PostgreSQL fleet run did not complete)"]
    lines += ["", "## 6. Child tables over %s issues: requests, not a call per issue" % format(n_child, ","), "",
              "`SELECT count(*) FROM IssueLinks` and `FROM IssueStatusTransitions` (MaxThreads=1), against a "
              "script that searches the ids and then asks each issue for its links (`GET /issue/{id}?fields="
              "issuelinks`) or its changelog (Cloud `GET /issue/{id}/changelog`, Data Center `?expand=changelog`) "
              "over one keep-alive connection (`bench/contenders/per-issue-children.py`). Both count the same rows; "
              "requests as jirasim counted them.", "",
              "| table | deployment | rows | jirasql requests | jirasql wall | per-issue requests | per-issue wall | "
              "fewer requests |", "|---|---|---|---|---|---|---|---|"]
    for table_name, mode, rows, reqs, wall, naive_reqs, naive_wall in child:
        lines.append("| `%s` | %s | %s | %s | %.2f s | %s | %.2f s | %.0f× |" % (
            table_name, "Cloud" if mode == "cloud" else "Data Center", format(rows, ","), format(reqs, ","), wall,
            format(naive_reqs, ","), naive_wall, naive_reqs / max(1, reqs)))
    n, rows_c, reqs_c, wall_c, naive_reqs_c, naive_wall_c = cj["comments"]
    key, issues_j, bound, join_rows = cj["join"]
    lines += ["", "## 7. Comments of %s issues, and Issues JOIN Comments on one project (Cloud)" % format(n, ","), "",
              "`SELECT count(*) FROM Comments` (default `MaxThreads`) against the same per-issue script "
              "(`GET /issue/{id}/comment`, paged) — how jirasql read them before issue 16: a call per issue.", "",
              "| rows | jirasql requests | issues per request | jirasql wall | per-issue requests | per-issue wall | "
              "faster |", "|---|---|---|---|---|---|---|",
              "| %s | %s | %.0f | %.2f s | %s | %.2f s | %.1f× |" % (
                  format(rows_c, ","), format(reqs_c, ","), n / max(1, reqs_c), wall_c, format(naive_reqs_c, ","),
                  naive_wall_c, naive_wall_c / max(1e-9, wall_c)), "",
              "Project %s (%s issues): the bulk lower bound is one search of the project with the comment field, "
              "100 issues a page — %d requests." % (key, format(issues_j, ","), bound), "",
              "| form | MaxThreads | rows | requests | vs lower bound | wall |", "|---|---|---|---|---|---|"]
    for form, threads, got, reqs, wall in join_rows:
        lines.append("| `%s` | %d | %s | %d | %+.0f%% | %.2f s |" % (
            "Issues i JOIN Comments c ON c.IssueId = i.Id" if form == "join" else
            "Comments WHERE IssueId IN (SELECT Id FROM Issues …)", threads, format(got, ","), reqs,
            100.0 * (reqs - bound) / bound, wall))
    join_over = max(100.0 * (r[3] - bound) / bound for r in join_rows if r[0] == "join")
    lines += ["", "## 8. ODBC: the driver's own cost per row (%s rows)" % format(n_odbc, ","), "",
              "The same statement read three ways, every row fetched into Python objects by the two Python "
              "clients (`bench/contenders/odbc-scan.py`, `fetchmany(1000)`): by pyodbc through "
              "`libjirasqlodbc.so`, by Python's `sqlite3` with jirasql's loadable extension (the same engine with "
              "no ODBC layer), and by the command printing NDJSON to a pipe. CPU is the process's own, the "
              "driver's or extension's work included; *ODBC over sqlite3* is the difference per row — the "
              "driver's cost, pyodbc's and that of its richer Python values (`datetime` for TIMESTAMP columns "
              "where `sqlite3` hands out `str`). Default settings, Cloud; %d repetitions, medians." % (
                  1 if a.quick else 5), "",
              "| rows | reader | median wall | CPU s | CPU µs / row | ODBC over sqlite3, CPU µs / row |",
              "|---|---|---|---|---|---|"]
    for label, cs in odbc:
        by = {c.name: statistics.median(c.cpus) for c in cs}
        over = (by["pyodbc + libjirasqlodbc.so"] - by["Python sqlite3 + libjirasql_sqlite.so"]) / n_odbc * 1e6
        for c in cs:
            cpu = statistics.median(c.cpus)
            lines.append("| %s | %s | %.2f s | %.2f | %.2f | %s |" % (
                label, c.name, c.median(), cpu, cpu / n_odbc * 1e6,
                "%+.2f" % over if c.name.startswith("pyodbc") else ""))
    full, inc, oa = mir["full"], mir["inc"], mir["oauth"]
    ofull, oinc = mir["ofull"], mir["oinc"]
    req_share = 100.0 * inc["requests"] / max(1, full["requests"])
    pts_share = 100.0 * inc["points"] / max(1, full["points"])
    oreq_share = 100.0 * oinc["requests"] / max(1, ofull["requests"])
    opts_share = 100.0 * oinc["points"] / max(1, ofull["points"])
    live_dash, mirror_dash, same_dash, remote_dash = mir["dashboard"]
    dash_share = 100.0 * mirror_dash / max(1e-9, live_dash)
    remote_share = 100.0 * mirror_dash / max(1e-9, remote_dash)
    equal = all(d[0] == d[1] and d[2] == 0 and d[3] == 0 for d in mir["diffs"].values()) and \
        all(d == (0, 0) for d in mir["odiffs"].values())
    oa_ratio = oa["wall"] / max(1e-9, oa["floor"])
    lines += ["", "## 9. The mirror: `jirasql sync` of %s issues (Cloud)" % format(mir["n"], ","), "",
              "A full sync of Issues, Comments, Worklogs and IssueChangelogs into a new file, once with an API "
              "token and once through an OAuth app (each into a file of its own); then %s issues edited "
              "(`UPDATE Issues SET Summary = …`), %s deleted, %s moved to another project (jirasim's admin move: "
              "a new key, the same id); then the incremental sync of each. Requests and points as the sync "
              "reports them (the connection's own count of its requests, each answer charged by Atlassian's "
              "rule: a point a request plus a point per object of its list). An OAuth app pays the points; an "
              "API token pays none — it is held to burst limits, so its cost is requests. The sync chooses by "
              "that: its census of deletions checks blocks of 1,000 mirrored ids by `POST /jql/match` through "
              "an OAuth app (a few points each), id pages of 5,000 with a token (fewer requests)." % (
                  format(inc["edited"], ","), format(inc["deleted"], ","), inc["moved"]), "",
              "| run | wall | requests | points | peak RSS |", "|---|---|---|---|---|",
              "| full, API token | %.1f s | %s | %s | %.0f MiB |" % (full["wall"], format(full["requests"], ","),
                                                                  format(full["points"], ","), full["rss"]),
              "| incremental, API token | %.1f s | %s (%.1f%%) | %s (%.1f%%) | |" % (
                  inc["wall"], format(inc["requests"], ","), req_share, format(inc["points"], ","), pts_share),
              "| full, OAuth app | %.1f s | %s | %s | %.0f MiB |" % (ofull["wall"], format(ofull["requests"], ","),
                                                                  format(ofull["points"], ","), ofull["rss"]),
              "| incremental, OAuth app | %.1f s | %s (%.1f%%) | %s (%.1f%%) | |" % (
                  oinc["wall"], format(oinc["requests"], ","), oreq_share, format(oinc["points"], ","),
                  opts_share), "",
              "Why no one run is within 3%% of both: the %s deletions are spread over %s ids, so finding them "
              "reads every mirrored id in some form — as id pages (5,000 ids a request, a point each: %s "
              "points, %.1f%% of the full sync's) or as `/jql/match` calls (1,000 ids a request, a few points: "
              "%s requests, %.1f%% of the full sync's)." % (
                  format(inc["deleted"], ","), format(mir["n"], ","), format(mir["n"], ","),
                  100.0 * mir["n"] / max(1, full["points"]), format((mir["n"] + 999) // 1000, ","),
                  100.0 * ((mir["n"] + 999) // 1000) / max(1, ofull["requests"])), "",
              "After the incremental syncs, each table read live (the SQLite extension) and from each mirror, "
              "compared row by row (`EXCEPT` both ways, every column):", "",
              "| table | rows at Jira | rows in the mirror | only at Jira | only in the mirror | OAuth mirror: "
              "only at Jira, only in it |",
              "|---|---|---|---|---|---|"]
    for t, (live, mirrored, only_live, only_mirror) in mir["diffs"].items():
        lines.append("| %s | %s | %s | %d | %d | %d, %d |" % (t, format(live, ","), format(mirrored, ","), only_live,
                                                              only_mirror, *mir["odiffs"][t]))
    pfull, pinc = mir["pfull"], mir["pinc"]
    prows, frows = rows_of(pfull), rows_of(full)
    pequal = all(f == g for f, g in mir["pdiffs"].values())
    lines += ["", "Into PostgreSQL 15 (`--to postgresql://…`, a throwaway server on loopback started by "
              "`tests/pg_test_server`; the same API token, the same site): the full sync took %.1f s — %s rows, "
              "%s rows/s, against %.1f s and %s rows/s into the file; %d requests (the file's: %d); peak RSS %.0f MiB "
              "(the file's: %.0f MiB). The incremental sync after the same changes took %.1f s (the file's: %.1f s), "
              "%d requests (the file's: %d). "
              "What PostgreSQL adds is reading the mirror's keys at the start and sending each commit's rows with "
              "`COPY`. Each table's rows, sum of ids and distinct keys in PostgreSQL equal the file's: %s." % (
                  pfull["wall"], format(prows, ","), format(int(prows / max(1e-9, pfull["wall"])), ","),
                  full["wall"], format(int(frows / max(1e-9, full["wall"])), ","), pfull["requests"],
                  full["requests"], pfull["rss"], full["rss"], pinc["wall"], inc["wall"], pinc["requests"],
                  inc["requests"],
                  "yes" if pequal else "NO " + repr(mir["pdiffs"]))]
    lines += ["", "A dashboard query, `SELECT StatusName, count(*) FROM Issues GROUP BY 1`, by `jirasql query` "
              "(process start included), medians: on the mirror (`--mirror`) %.3f s; live against jirasim on "
              "loopback %.2f s (the mirror takes %.1f%% of it), live with 50 ms on every request as a remote Jira "
              "answers %.2f s (%.1f%%). The same answer every time: %s. On loopback jirasim answers at once and "
              "the live read is CPU-bound; the mirror's time is mostly the process starting." % (
                  mirror_dash, live_dash, dash_share, remote_dash, remote_share, "yes" if same_dash else "NO"), "",
              "Through an OAuth app, %s issues: the full sync needs %s points (%s requests); under a jirasim "
              "quota of %s points per %d s window (a third of it) it took %.1f s; the quota's floor (points ÷ "
              "points per second allowed) is %.1f s, so %.2f× the floor; %d requests refused with a 429; without "
              "a quota %.1f s." % (format(oa["issues"], ","), format(oa["points"], ","), format(oa["requests"], ","),
                                   format(oa["quota"], ","), oa["window"], oa["wall"], oa["floor"], oa_ratio,
                                   oa["refused"], oa["free_wall"])]
    lines += ["", "## Micro-benchmarks (Google Benchmark, `build/release/jirasql_micro_bench`)", "",
              "| benchmark | time | items/s |", "|---|---|---|"]
    for name, t, unit, ips in micros:
        lines.append("| `%s` | %.1f %s | %s |" % (name, t, unit, format(int(ips), ",") if ips else ""))
    # Issue 16's targets are stated for jirasql as a user runs it: default
    # settings (and MaxThreads=1 for the sequential one).
    default_cpu = med(cpu_bound, "jirasql, default settings (Cloud)")
    curl_cpu = med(cpu_bound, "curl, the same pages raw")
    ratio_py = med(cpu_bound, "python3-jira (Data Center)") / default_cpu
    ratio_js = med(cpu_bound, "jira.js (Cloud)") / default_cpu
    ratio_curl = default_cpu / curl_cpu
    ratio_curl_seq = med(cpu_bound, "jirasql, sequential (Cloud)") / curl_cpu
    ratio_lat = seq_remote / best_remote
    growth = (max(rss[-1][1:3]) / max(rss[0][1:3])) if rss else 0
    lines += ["", "## Targets", "",
              "| target | measured | |", "|---|---|---|",
              "| CPU-bound, default settings: ≥ 15× faster than python3-jira | %.1f× | %s |" % (
                  ratio_py, "met" if ratio_py >= 15 else "not met"),
              "| CPU-bound, default settings: ≥ 5× faster than jira.js | %.1f× | %s |" % (
                  ratio_js, "met" if ratio_js >= 5 else "not met"),
              "| 50 ms latency: ≥ 5× faster than any sequential nextPageToken scan (the fastest: curl, jira.js, jirasql with MaxThreads=1) | %.1f× | %s |" % (
                  ratio_lat, "met" if ratio_lat >= 5 else "not met"),
              "| CPU-bound, default settings: within 2× of the raw curl fetch of the same pages | %.2f× | %s |" % (
                  ratio_curl, "met" if ratio_curl <= 2 else "not met"),
              "| CPU-bound, `MaxThreads=1`: within 2.5× of the raw curl fetch | %.2f× | %s |" % (
                  ratio_curl_seq, "met" if ratio_curl_seq <= 2.5 else "not met"),
              "| `count(*) FROM Comments`: at most one request per 50 issues | %.0f issues a request | %s |" % (
                  n / max(1, reqs_c), "met" if n / max(1, reqs_c) >= 50 else "not met"),
              "| `count(*) FROM Comments`: ≥ 10× faster than a call per issue | %.1f× | %s |" % (
                  naive_wall_c / max(1e-9, wall_c), "met" if naive_wall_c / max(1e-9, wall_c) >= 10 else "not met"),
              "| `Issues JOIN Comments` on one project: requests within 10%% of the bulk lower bound | %+.0f%% | %s |" % (
                  join_over, "met" if join_over <= 10 else "not met"),
              "| peak RSS grows < 2× from %s to %s issues | %.2f× | %s |" % (
                  format(sizes[0], ","), format(sizes[-1], ","), growth, "met" if growth < 2 else "not met"),
              "| mirror: after 1%% edited, 0.1%% deleted, 10 moved, equal to Jira row by row | %s | %s |" % (
                  "equal" if equal else "differs", "met" if equal else "not met"),
              "| mirror: the incremental sync uses ≤ 3%% of the full sync's requests (API token: what a token "
              "is held to) | %.1f%% (OAuth app: %.1f%%) | %s |" % (
                  req_share, oreq_share, "met" if req_share <= 3 else "not met"),
              "| mirror: the incremental sync uses ≤ 3%% of the full sync's points (OAuth app: what an app "
              "pays) | %.1f%% (API token, not charged: %.1f%%) | %s |" % (
                  opts_share, pts_share, "met" if opts_share <= 3 else "not met"),
              "| mirror: a dashboard GROUP BY answers in < 1%% of the live query's time (live with 50 ms "
              "latency; on loopback: %.1f%%) | %.1f%% | %s |" % (
                  dash_share, remote_share, "met" if remote_share < 1 else "not met"),
              "| OAuth full sync under a tight quota: no 429, within 15%% of the quota's floor | %d refused, "
              "%.2f× | %s |" % (oa["refused"], oa_ratio, "met" if oa["refused"] == 0 and oa_ratio <= 1.15 else
                                "not met"),
              ""]
    lines += ["## Commands", "",
              "Each contender as it was run (`SITE`, `EMAIL`, `TOKEN`, `PAT` stand for jirasim's URL and "
              "credentials; jirasql reads them from `JIRASQL_CONNECT`):", "", "```sh"]
    for c in cpu_bound:
        cmd = " ".join(_shown(x) for x in c.cmd)
        if c.env is not None:
            conn = c.env["JIRASQL_CONNECT"]
            threads = (";MaxThreads=" + conn.rsplit("MaxThreads=", 1)[-1]) if "MaxThreads=" in conn else ""
            scheme = "AuthScheme=PAT;Url=SITE;PersonalAccessToken=PAT" if "AuthScheme=PAT" in conn else \
                "AuthScheme=APIToken;Url=SITE;User=EMAIL;APIToken=TOKEN"
            cmd = "JIRASQL_CONNECT='%s%s' %s" % (scheme, threads, cmd)
        if c.cmd[0] == "curl":
            cmd += "   # pages.cfg: the auth header and a url = … line per page, gathered first"
        lines.append(cmd)
    lines += ["```", "", "Each ran under `/usr/bin/time -f '%e %U %S %M'`; the 50 ms latency is jirasim's fault "
              "injection (`POST /__jirasim/faults {\"path\": \"/rest/\", \"latencyMs\": 50}`).", ""]
    lines += ["What the numbers mean, how the scan reaches them and what each change bought: "
              "[performance.md](performance.md).", ""]
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    drawn = chart(png, [("full scan, %d issues" % n, cpu_bound), ("50 ms latency, %d issues" % n_lat, remote)])
    print("wrote %s%s" % (out, " and " + png if drawn else " (gnuplot failed: no chart)"), file=sys.stderr)


if __name__ == "__main__":
    main()
