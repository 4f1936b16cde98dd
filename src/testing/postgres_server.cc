#include "testing/postgres_server.h"

#include <fcntl.h>
#include <glob.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

#include "testing/loopback_server.h"
#include "testing/temp_dir.h"

namespace jirasql::testing {

namespace {

// The newest installed server's bin folder, or "".
std::string ServerBin() {
  glob_t g{};
  std::string best;
  int best_version = -1;
  if (::glob("/usr/lib/postgresql/*/bin/postgres", 0, nullptr, &g) == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; ++i) {
      const std::string p = g.gl_pathv[i];
      const std::string v = p.substr(std::string("/usr/lib/postgresql/").size());
      const int version = std::atoi(v.c_str());
      if (version > best_version) {
        best_version = version;
        best = p.substr(0, p.rfind('/'));
      }
    }
  }
  ::globfree(&g);
  return best;
}

struct Identity {
  bool drop = false;  ///< root: become `nobody`
  uid_t uid = 0;
  gid_t gid = 0;
};

Identity Unprivileged() {
  Identity id;
  if (::geteuid() != 0) return id;
  if (passwd* pw = ::getpwnam("nobody")) {
    id.drop = true;
    id.uid = pw->pw_uid;
    id.gid = pw->pw_gid;
  }
  return id;
}

// Runs `argv` as `who`, output to `log`; the child's pid. `server`: the
// child gets SIGQUIT (immediate shutdown) when this thread's process dies.
pid_t Spawn(const std::vector<std::string>& argv, const Identity& who, const std::string& log, bool server) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  if (who.drop && (::setgid(who.gid) != 0 || ::setuid(who.uid) != 0)) ::_exit(126);
  if (server) ::prctl(PR_SET_PDEATHSIG, SIGQUIT);  // after setuid: a change of user clears it
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
  }
  const int null = ::open("/dev/null", O_RDONLY);
  if (null >= 0) ::dup2(null, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

std::string Tail(const std::string& path) {
  std::string text = ReadFile(path);
  return text.size() > 1500 ? text.substr(text.size() - 1500) : text;
}

void ChownTree(const std::string& root, const Identity& who) {
  if (!who.drop) return;
  std::error_code ec;
  (void)::chown(root.c_str(), who.uid, who.gid);
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    (void)::chown(it->path().c_str(), who.uid, who.gid);
  }
}

}  // namespace

Result<std::unique_ptr<PostgresServer>> PostgresServer::Start() {
  std::unique_ptr<PostgresServer> s(new PostgresServer());
  s->bin_ = ServerBin();
  if (s->bin_.empty()) {
    return Fail(ErrorCode::kIo, "no PostgreSQL server under /usr/lib/postgresql (scripts/install-deps installs it)");
  }
  char tmpl[] = "/tmp/jirasql-pg-XXXXXX";
  if (!::mkdtemp(tmpl)) return Fail(ErrorCode::kIo, "mkdtemp failed");
  s->dir_ = tmpl;
  const Identity who = Unprivileged();
  std::random_device rd;
  char password[33];
  std::snprintf(password, sizeof password, "%08x%08x%08x%08x", rd(), rd(), rd(), rd());
  const std::string pwfile = s->dir_ + "/pw";
  WriteFile(pwfile, std::string(password) + "\n");
  ChownTree(s->dir_, who);
  const std::string log = s->dir_ + "/server.log";
  const pid_t init =
      Spawn({s->bin_ + "/initdb", "-D", s->dir_ + "/data", "-U", "jirasql", "--pwfile=" + pwfile, "--auth-local=trust",
             "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"},
            who, log, false);
  int status = 0;
  ::waitpid(init, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Fail(ErrorCode::kIo, "initdb failed: " + Tail(log));
  }
  ::unlink(pwfile.c_str());
  s->port_ = UnusedLoopbackPort();
  s->pid_ = Spawn({s->bin_ + "/postgres", "-D", s->dir_ + "/data", "-p", std::to_string(s->port_), "-k", s->dir_, "-c",
                   "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c",
                   "full_page_writes=off", "-c", "max_connections=200", "-c", "shared_buffers=32MB"},
                  who, log, true);
  // The passfile is the test process's own (libpq wants it 0600).
  s->passfile_ = s->dir_ + "/pgpass";
  WriteFile(s->passfile_, "127.0.0.1:" + std::to_string(s->port_) + ":*:jirasql:" + password + "\n");
  const std::string ping = "host=127.0.0.1 port=" + std::to_string(s->port_) +
                           " dbname=postgres user=jirasql connect_timeout=1 passfile=" + s->passfile_;
  for (int i = 0; i < 300; ++i) {
    if (PQping(ping.c_str()) == PQPING_OK) return s;
    int st = 0;
    if (::waitpid(s->pid_, &st, WNOHANG) == s->pid_) {
      s->pid_ = -1;
      return Fail(ErrorCode::kIo, "the PostgreSQL server stopped at start: " + Tail(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Fail(ErrorCode::kTimeout, "the PostgreSQL server did not start in 30 s: " + Tail(log));
}

PostgresServer::~PostgresServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGINT);  // fast shutdown
    int st = 0;
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &st, 0);
    }
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string PostgresServer::Uri(const std::string& db) const {
  return "postgresql://jirasql@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

Result<pg::Rows> PostgresServer::Sql(const std::string& sql, const std::string& db) {
  auto where = pg::ParseLocation(Uri(db) + "?passfile=" + passfile_, {});
  if (!where) return Fail(where.error());
  auto c = pg::Connection::Open(*where, 5, "a test's setup");
  if (!c) return Fail(c.error());
  return (*c)->Exec(sql);
}

}  // namespace jirasql::testing
