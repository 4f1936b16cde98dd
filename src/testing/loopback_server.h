#pragma once
/// A cpp-httplib server for tests: binds 127.0.0.1 on a free port, serves on
/// its own thread, and stops when destroyed.

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

namespace jirasql::testing {

class LoopbackServer {
 public:
  /// Plain HTTP.
  LoopbackServer();
  /// HTTPS with the given PEM certificate and key files.
  LoopbackServer(const std::string& cert_file, const std::string& key_file);
  ~LoopbackServer();

  httplib::Server& server() { return *server_; }
  /// Starts listening; call after registering handlers.
  void Start();
  int port() const { return port_; }
  std::string url() const;

 private:
  std::unique_ptr<httplib::Server> server_;
  bool tls_ = false;
  int port_ = 0;
  std::thread thread_;
};

/// A loopback port that nothing uses right now, below the kernel's
/// ephemeral range (so no outgoing connection takes it before the caller
/// listens), chosen at random.
int UnusedLoopbackPort();

/// A throw-away self-signed certificate for 127.0.0.1, made with the openssl
/// command into `dir`. Returns false if openssl is missing.
bool MakeSelfSignedCert(const std::string& dir, std::string* cert, std::string* key);

}  // namespace jirasql::testing
