#include "auth/settings_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <utility>

#include "auth/pg_settings_store.h"
#include "common/secure.h"
#include "pg/pg.h"

namespace jirasql {

namespace {

std::string Errno() { return std::strerror(errno); }

}  // namespace

std::string SavedLogin::ToJson() const {
  nlohmann::json j = {{"version", kVersion},
                      {"clientId", client_id},
                      {"accessToken", access_token},
                      {"refreshToken", refresh_token},
                      {"scope", scope},
                      {"expiresAt", expires_at_ms},
                      {"expiresIn", expires_in_s},
                      {"cloudId", cloud_id},
                      {"siteUrl", site_url},
                      {"serverUrl", server_url},
                      {"loginAt", login_at_ms},
                      {"refreshedAt", refreshed_at_ms},
                      {"verifierHash", verifier_hash},
                      {"pendingVerifier", pending_verifier},
                      {"pendingState", pending_state}};
  return j.dump(2) + "\n";
}

Result<SavedLogin> SavedLogin::FromJson(const std::string& text, const std::string& where) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Fail(ErrorCode::kIo, where + " is not a jirasql login (not JSON); delete it and log in again");
  }
  int version = j.value("version", 0);
  if (version != kVersion) {
    return Fail(ErrorCode::kIo, where + " has format version " + std::to_string(version) + "; this jirasql reads " +
                                    std::to_string(kVersion) + ". Log in again to replace it");
  }
  SavedLogin s;
  try {
    s.client_id = j.value("clientId", "");
    s.access_token = j.value("accessToken", "");
    s.refresh_token = j.value("refreshToken", "");
    s.scope = j.value("scope", "");
    s.expires_at_ms = j.value("expiresAt", int64_t{0});
    s.expires_in_s = j.value("expiresIn", int64_t{0});
    s.cloud_id = j.value("cloudId", "");
    s.site_url = j.value("siteUrl", "");
    s.server_url = j.value("serverUrl", "");
    s.login_at_ms = j.value("loginAt", int64_t{0});
    s.refreshed_at_ms = j.value("refreshedAt", int64_t{0});
    s.verifier_hash = j.value("verifierHash", "");
    s.pending_verifier = j.value("pendingVerifier", "");
    s.pending_state = j.value("pendingState", "");
  } catch (const nlohmann::json::exception&) {
    return Fail(ErrorCode::kIo, where + " has a field of the wrong type; delete it and log in again");
  }
  return s;
}

namespace {

// ---- memory://NAME ---------------------------------------------------------

struct MemorySlot {
  std::mutex lock_mu;  // held by a Lock
  std::mutex data_mu;
  std::optional<SavedLogin> login;
};

MemorySlot& Slot(const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<MemorySlot>> slots;
  std::lock_guard<std::mutex> g(mu);
  auto& s = slots[name];
  if (!s) s = std::make_unique<MemorySlot>();
  return *s;
}

class MemoryStore final : public SettingsStore {
 public:
  explicit MemoryStore(std::string name) : name_(std::move(name)), slot_(Slot(name_)) {}
  /// A slot of its own, freed with the store (nothing to share).
  MemoryStore() : name_("(this connection)"), own_(std::make_unique<MemorySlot>()), slot_(*own_) {}
  Result<std::optional<SavedLogin>> Load() override {
    std::lock_guard<std::mutex> g(slot_.data_mu);
    return slot_.login;
  }
  Result<void> Save(const SavedLogin& login) override {
    std::lock_guard<std::mutex> g(slot_.data_mu);
    slot_.login = login;
    return {};
  }
  Result<void> Remove() override {
    std::lock_guard<std::mutex> g(slot_.data_mu);
    slot_.login.reset();
    return {};
  }
  Result<std::unique_ptr<Lock>> Acquire() override {
    struct Held : Lock {
      explicit Held(std::mutex& m) : g(m) {}
      std::unique_lock<std::mutex> g;
    };
    return std::unique_ptr<Lock>(new Held(slot_.lock_mu));
  }
  std::string Describe() const override { return own_ ? "memory " + name_ : "memory://" + name_; }

 private:
  std::string name_;
  std::unique_ptr<MemorySlot> own_;
  MemorySlot& slot_;
};

// ---- a file ----------------------------------------------------------------

class FileStore final : public SettingsStore {
 public:
  explicit FileStore(std::string path) : path_(std::move(path)) {
    auto slash = path_.rfind('/');
    dir_ = slash == std::string::npos ? "." : (slash == 0 ? "/" : path_.substr(0, slash));
  }

  Result<std::optional<SavedLogin>> Load() override {
    int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      if (errno == ENOENT) return std::optional<SavedLogin>();
      if (errno == ENOTDIR) {
        return Fail(ErrorCode::kIo, "OAuthSettingsLocation " + path_ +
                                        " is inside a file, not a folder; choose "
                                        "another place");
      }
      return Fail(ErrorCode::kIo, "cannot read " + path_ + ": " + Errno());
    }
    struct stat st {};
    ::fstat(fd, &st);
    if (st.st_uid != ::geteuid()) {
      ::close(fd);
      return Fail(ErrorCode::kIo, path_ + " belongs to another user; jirasql will not use a login it does not own");
    }
    if ((st.st_mode & 077) != 0) {
      // Others could read the tokens: close the hole now, and say so.
      ::fchmod(fd, 0600);
      std::lock_guard<std::mutex> g(mu_);
      warning_ = path_ +
                 " was readable by other users; its mode is now 0600. Anyone who read it "
                 "could use your Jira login: consider logging in again (jirasql auth logout; jirasql auth login)";
    }
    std::string text;
    WipeOnExit wipe(&text);
    char buf[8192];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
    explicit_bzero(buf, sizeof buf);
    ::close(fd);
    if (n < 0) return Fail(ErrorCode::kIo, "cannot read " + path_ + ": " + Errno());
    auto login = SavedLogin::FromJson(text, path_);
    if (!login) return Fail(login.error());
    return std::optional<SavedLogin>(std::move(*login));
  }

  Result<void> Save(const SavedLogin& login) override {
    if (auto r = EnsureDir(); !r) return r;
    RemoveStaleTemporaries();
    const std::string tmp = path_ + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++counter_);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return Fail(ErrorCode::kIo, "cannot write " + tmp + ": " + Errno());
    std::string text = login.ToJson();
    WipeOnExit wipe(&text);
    std::size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        std::string why = Errno();
        ::close(fd);
        ::unlink(tmp.c_str());
        return Fail(ErrorCode::kIo, "cannot write " + tmp + ": " + why);
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
      std::string why = Errno();
      ::close(fd);
      ::unlink(tmp.c_str());
      return Fail(ErrorCode::kIo, "cannot flush " + tmp + " to disk: " + why);
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path_.c_str()) != 0) {
      std::string why = Errno();
      ::unlink(tmp.c_str());
      return Fail(ErrorCode::kIo, "cannot replace " + path_ + ": " + why);
    }
    return SyncDir();
  }

  Result<void> Remove() override {
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
      return Fail(ErrorCode::kIo, "cannot delete " + path_ + ": " + Errno());
    }
    // No login, nothing to serialise: the lock file goes too (a process
    // still waiting on it finds no login when it gets it).
    ::unlink((path_ + ".lock").c_str());
    return SyncDir();
  }

  Result<std::unique_ptr<Lock>> Acquire() override {
    if (auto r = EnsureDir(); !r) return Fail(r.error());
    const std::string lock_path = path_ + ".lock";
    int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return Fail(ErrorCode::kIo, "cannot open the lock file " + lock_path + ": " + Errno());
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        std::string why = Errno();
        ::close(fd);
        return Fail(ErrorCode::kIo, "cannot lock " + lock_path + ": " + why);
      }
    }
    struct Held : Lock {
      explicit Held(int f) : fd(f) {}
      ~Held() override {
        ::flock(fd, LOCK_UN);
        ::close(fd);
      }
      int fd;
    };
    return std::unique_ptr<Lock>(new Held(fd));
  }

  std::string Describe() const override { return path_; }

  Result<void> CheckWritable() override {
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      return Fail(
          ErrorCode::kInvalidArgument,
          "OAuthSettingsLocation " + path_ + " is a folder; give a file path (e.g. " + path_ + "/OAuthSettings.json)");
    }
    auto held = Acquire();
    if (!held) return Fail(held.error().WithContext("OAuthSettingsLocation cannot hold a login"));
    const std::string probe = path_ + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++counter_);
    int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
      return Fail(ErrorCode::kIo, "OAuthSettingsLocation cannot hold a login: cannot write in " + dir_ + ": " +
                                      Errno() + "; choose a writable place before logging in");
    }
    ::close(fd);
    ::unlink(probe.c_str());
    return Ok();
  }

  std::string TakeWarning() override {
    std::lock_guard<std::mutex> g(mu_);
    return std::exchange(warning_, "");
  }

 private:
  Result<void> EnsureDir() {
    struct stat st {};
    if (::stat(dir_.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) return {};
      return Fail(ErrorCode::kIo, "OAuthSettingsLocation " + path_ + " is inside " + dir_ +
                                      ", which is a file, not a folder; choose another place");
    }
    // Create missing folders one by one; the last ones are ours: 0700.
    std::string partial;
    for (std::size_t i = 0; i <= dir_.size(); ++i) {
      if (i == dir_.size() || (dir_[i] == '/' && i > 0)) {
        partial = dir_.substr(0, i);
        if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
          return Fail(ErrorCode::kIo, "cannot create the folder " + partial + ": " + Errno());
        }
      }
    }
    return {};
  }

  // Saves happen under the lock, so a temporary file of ours that exists now
  // was left by a process that died mid-save: remove it, so they never
  // pile up.
  void RemoveStaleTemporaries() {
    DIR* d = ::opendir(dir_.c_str());
    if (!d) return;
    const std::string base = path_.substr(path_.rfind('/') == std::string::npos ? 0 : path_.rfind('/') + 1);
    const std::string prefix = base + ".tmp.";
    while (dirent* e = ::readdir(d)) {
      if (std::strncmp(e->d_name, prefix.c_str(), prefix.size()) == 0) ::unlinkat(::dirfd(d), e->d_name, 0);
    }
    ::closedir(d);
  }

  Result<void> SyncDir() {
    int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return Fail(ErrorCode::kIo, "cannot open the folder " + dir_ + ": " + Errno());
    int rc = ::fsync(dfd);
    ::close(dfd);
    if (rc != 0) return Fail(ErrorCode::kIo, "cannot flush the folder " + dir_ + ": " + Errno());
    return {};
  }

  const std::string path_;
  std::string dir_;  ///< set once, in the constructor
  std::mutex mu_;    ///< guards warning_: a store is shared by a connection's threads
  std::string warning_;
  std::atomic<int> counter_{0};  ///< temporary file names, unique per process
};

}  // namespace

std::unique_ptr<SettingsStore> PrivateMemoryStore() { return std::make_unique<MemoryStore>(); }

Result<std::unique_ptr<SettingsStore>> OpenSettingsStore(const std::string& location, const StoreScope& scope) {
  if (pg::IsLocation(location)) return OpenPgSettingsStore(location, scope);
  if (location.rfind("memory://", 0) == 0) {
    std::string name = location.substr(9);
    if (name.empty())
      return Fail(ErrorCode::kInvalidArgument, "OAuthSettingsLocation=memory:// needs a name: memory://NAME");
    return std::unique_ptr<SettingsStore>(new MemoryStore(name));
  }
  if (location.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "OAuthSettingsLocation is empty; give a file path or memory://NAME");
  }
  // A URL of another kind must not be taken for a relative file name.
  if (auto sep = location.find("://"); sep != std::string::npos && sep > 0) {
    const std::string scheme = location.substr(0, sep);
    const bool is_scheme =
        std::isalpha(static_cast<unsigned char>(scheme[0])) &&
        scheme.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-") ==
            std::string::npos;
    if (is_scheme && scheme == "file" && location.size() > 7 && location[7] == '/') {
      return OpenSettingsStore(location.substr(7), scope);  // file:///abs/path
    }
    if (is_scheme) {
      return Fail(ErrorCode::kInvalidArgument,
                  "OAuthSettingsLocation " + scheme +
                      "://… is not a place this jirasql can keep a login (it keeps "
                      "one in a file path, file:///path, memory://NAME or postgresql://…); give one of those");
    }
  }
  if (location.back() == '/') {
    return Fail(ErrorCode::kInvalidArgument, "OAuthSettingsLocation " + location + " names a folder; give a file path");
  }
  return std::unique_ptr<SettingsStore>(new FileStore(location));
}

}  // namespace jirasql
