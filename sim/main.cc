// jirasim: a local stand-in for Atlassian (auth server, API gateway, Jira
// Cloud and Data Center REST) for jirasql's demo, tests and benchmarks.
//
//   jirasim [--port 0] [--issues N] [--projects M] [--users U] [--sites S]
//           [--seed X] [--mode cloud|datacenter] [--access-token-ttl S]
//           [--allow-implicit] [--register-callback URL]...
//           [--points-quota N --points-window S] [--burst-per-second N] [--issue-writes-per-second N]
//   jirasim approve URL --user EMAIL --password PW [--site NAME] [--deny]

#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "approve.h"
#include "server.h"

int main(int argc, char** argv) {
  CLI::App app{"jirasim: a local Atlassian for jirasql (OAuth server, API gateway, Jira REST)"};
  jirasim::SimOptions o;
  std::string mode = "cloud";
  app.add_option("--port", o.port, "Port on 127.0.0.1; 0 picks a free one")->default_val(0);
  app.add_option("--issues", o.data.issues, "Issues on the first site")
      ->default_val(1000)
      ->check(CLI::Range(0, 5000000));
  app.add_option("--projects", o.data.projects, "Projects per site")->default_val(3)->check(CLI::Range(1, 100));
  app.add_option("--users", o.data.users, "Users")->default_val(8)->check(CLI::Range(1, 10000));
  app.add_option("--sites", o.data.sites, "Jira sites")->default_val(2)->check(CLI::Range(1, 20));
  app.add_option("--seed", o.data.seed, "Seed of the generated data")->default_val(1);
  app.add_option("--mode", mode, "cloud or datacenter")->check(CLI::IsMember({"cloud", "datacenter"}));
  app.add_option("--access-token-ttl", o.access_token_ttl_s, "Access token lifetime in seconds")
      ->default_val(3600)
      ->check(CLI::Range(1, 86400 * 30));
  app.add_flag("--allow-implicit", o.allow_implicit, "Allow response_type=token");
  app.add_option("--register-callback", o.callbacks, "A redirect URI the app accepts (repeatable)");
  app.add_option("--points-quota", o.limits.points_quota, "The OAuth app's points per window (0 = no quota)")
      ->default_val(0)
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  app.add_option("--points-window", o.limits.points_window_s, "The points quota's window, seconds")
      ->default_val(3600)
      ->check(CLI::Range(1, 86400));
  app.add_option("--burst-per-second", o.limits.burst_per_second,
                 "Requests a second per site, endpoint and method (0 = no limit)")
      ->default_val(0)
      ->check(CLI::Range(0, 1000000));
  app.add_option("--issue-writes-per-second", o.limits.issue_writes_per_second,
                 "Writes a second to one issue (0 = no limit)")
      ->default_val(0)
      ->check(CLI::Range(0, 1000000));

  std::string url, user, password, site;
  bool deny = false;
  auto* approve = app.add_subcommand("approve", "Play the user: log in and consent, print the redirect URL");
  approve->add_option("url", url, "The authorization URL")->required();
  approve->add_option("--user", user, "Email")->required();
  approve->add_option("--password", password, "Password")->required();
  approve->add_option("--site", site, "Site to grant (default: the first)");
  approve->add_flag("--deny", deny, "Press Deny instead of Accept");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  if (*approve) {
    auto r = jirasim::Approve(url, user, password, site, deny);
    if (!r) {
      std::cerr << "jirasim approve: " << r.error().message << "\n";
      return 1;
    }
    std::cout << *r << "\n";
    return 0;
  }

  o.datacenter = mode == "datacenter";
  // Signals are taken by a waiting thread, so the server stops cleanly.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  jirasim::Simulator sim(o);
  if (auto r = sim.Start(); !r) {
    std::cerr << "jirasim: " << r.error().message << "\n";
    return 1;
  }
  std::cout << sim.Describe().dump(2) << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  std::cerr << "jirasim: stopping\n";
  sim.Stop();
  return 0;
}
