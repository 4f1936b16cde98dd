// A throwaway PostgreSQL for scripts (tests/cli_test.sh, bench/run): starts
// one (testing/postgres_server.h), prints "URI PASSFILE" on a line, and
// stops it when its standard input closes (or when it is killed).
//   pg_test_server

#include <cstdio>
#include <iostream>
#include <string>

#include "testing/postgres_server.h"

int main() {
  auto server = jirasql::testing::PostgresServer::Start();
  if (!server) {
    std::fprintf(stderr, "pg_test_server: %s\n", server.error().message.c_str());
    return 1;
  }
  std::printf("%s %s\n", (*server)->Uri().c_str(), (*server)->passfile().c_str());
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  return 0;
}
