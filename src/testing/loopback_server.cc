#include "testing/loopback_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

namespace jirasql::testing {

LoopbackServer::LoopbackServer() : server_(std::make_unique<httplib::Server>()) {}

LoopbackServer::LoopbackServer(const std::string& cert_file, const std::string& key_file)
    : server_(std::make_unique<httplib::SSLServer>(cert_file.c_str(), key_file.c_str())), tls_(true) {
  if (!server_->is_valid()) throw std::runtime_error("SSLServer: bad certificate or key");
}

void LoopbackServer::Start() {
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("cannot bind 127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

LoopbackServer::~LoopbackServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string LoopbackServer::url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

namespace {

// The lowest port the kernel hands out on its own (to bind(0) and to
// outgoing connections); 32768 when it cannot be read.
int EphemeralLow() {
  std::ifstream f("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 0, high = 0;
  if (f >> low >> high && low > 2048) return low;
  return 32768;
}

bool Bindable(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

int UnusedLoopbackPort() {
  // Below the ephemeral range: a port the kernel gave out (a client's
  // connection to jirasim in a test running alongside) would be in use by
  // the time the caller listens on it. Chosen at random, so that tests
  // running side by side rarely try the same one.
  const int high = EphemeralLow();
  const int low = high > 12000 ? high - 10000 : 2048;
  std::random_device rd;
  std::mt19937 pick(rd() ^ static_cast<unsigned>(::getpid()));
  std::uniform_int_distribution<int> in(low, high - 1);
  for (int tries = 0; tries < 200; ++tries) {
    const int port = in(pick);
    if (Bindable(port)) return port;
  }
  throw std::runtime_error("no free loopback port below " + std::to_string(high));
}

bool MakeSelfSignedCert(const std::string& dir, std::string* cert, std::string* key) {
  *cert = dir + "/cert.pem";
  *key = dir + "/key.pem";
  std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
      *key + "' -out '" + *cert + "' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace jirasql::testing
