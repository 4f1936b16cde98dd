// One process of the OAuth concurrency test: THREADS threads call GET
// /myself through one Connection for SECONDS seconds, all sharing the login
// in OAuthSettingsLocation with the other processes. Prints "calls failures"
// and exits 0 only when no call failed.
//   JIRASQL_CONNECT=... oauth_soak_worker THREADS SECONDS
// Or it takes the saved login's lock as a refresh would, prints "held PID"
// and waits (for a test to kill it while it holds the lock):
//   JIRASQL_CONNECT=... oauth_soak_worker hold SECONDS

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "auth/oauth_config.h"
#include "auth/settings_store.h"
#include "connstr/sources.h"
#include "jira/connection.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: oauth_soak_worker THREADS SECONDS\n");
    return 2;
  }
  const int threads = std::atoi(argv[1]);
  const int seconds = std::atoi(argv[2]);
  jirasql::ConnectionSources sources;
  sources.environment = std::getenv("JIRASQL_CONNECT");
  auto props = jirasql::ResolveConnection(sources);
  if (!props) {
    std::fprintf(stderr, "%s\n", props.error().message.c_str());
    return 2;
  }
  if (std::string(argv[1]) == "hold") {
    auto config = jirasql::OAuthConfigFrom(*props);
    auto store = config ? jirasql::OpenSettingsStore(config->settings_location, config->Scope())
                        : jirasql::Result<std::unique_ptr<jirasql::SettingsStore>>(jirasql::Fail(config.error()));
    auto held = store ? (*store)->Acquire()
                      : jirasql::Result<std::unique_ptr<jirasql::SettingsStore::Lock>>(jirasql::Fail(store.error()));
    if (!held) {
      std::fprintf(stderr, "hold: %s\n", held.error().message.c_str());
      return 1;
    }
    std::printf("held %d\n", static_cast<int>(::getpid()));
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    return 0;
  }
  jirasql::ConnectOptions o;
  o.interactive = false;
  auto conn = jirasql::Connection::Open(*props, nullptr, o);
  if (!conn) {
    std::fprintf(stderr, "open: %s\n", conn.error().message.c_str());
    return 1;
  }
  std::atomic<long> calls{0}, failures{0};
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      while (std::chrono::steady_clock::now() < end) {
        auto r = (*conn)->Send({"GET", "/myself", {}, "", std::nullopt});
        ++calls;
        if (!r || r->status != 200) {
          if (++failures <= 3) {
            std::fprintf(stderr, "call failed: %s\n",
                         r ? ("HTTP " + std::to_string(r->status)).c_str() : r.error().message.c_str());
          }
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  std::printf("%ld %ld\n", calls.load(), failures.load());
  return failures == 0 ? 0 : 1;
}
