#pragma once
/// Shared test doubles: a clock that moves only when told, a sleeper that
/// advances that clock instead of sleeping, a gMock HTTP transport, and
/// properties from a connection string.

#include <gmock/gmock.h>

#include <mutex>
#include <vector>

#include "common/time.h"
#include "connstr/properties.h"
#include "http/http.h"

namespace jirasql::testing {

/// The properties a connection string sets (a failure to parse fails the test).
inline ConnectionProperties Props(std::string_view connection_string) {
  ConnectionProperties p;
  auto r = p.Apply(connection_string, PropSource::kConnectString);
  EXPECT_TRUE(r) << r.error().message;
  return p;
}

class FakeClock final : public Clock {
 public:
  explicit FakeClock(SystemTime start = SystemTime(std::chrono::seconds(1'700'000'000))) : now_(start) {}
  SystemTime Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Advance(Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }

 private:
  mutable std::mutex mu_;
  SystemTime now_;
};

/// Records every requested sleep and advances the fake clock by it.
class FakeSleeper final : public Sleeper {
 public:
  explicit FakeSleeper(FakeClock& clock) : clock_(clock) {}
  void Sleep(Duration d) override {
    sleeps.push_back(d);
    clock_.Advance(d);
  }
  std::vector<Duration> sleeps;

 private:
  FakeClock& clock_;
};

class MockTransport : public HttpTransport {
 public:
  MOCK_METHOD(Result<HttpResponse>, Send, (const HttpRequest&), (override));
};

inline HttpResponse Response(int status, std::string body = "", Headers headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace jirasql::testing
