#include "cli/completion.h"

#include "common/strings.h"

namespace jirasql {

namespace {

std::string Words(const std::vector<std::string>& w) { return Join(w, " "); }

// bash: the command path so far decides the candidates.
std::string Bash(const CompletionModel& m) {
  std::string s =
      "# bash completion for jirasql: eval \"$(jirasql completion bash)\"\n"
      "_jirasql() {\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} path='' w i\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    w=${COMP_WORDS[i]}\n"
      "    [[ $w == -* ]] && continue\n"
      "    case \"${path:+$path }$w\" in\n";
  for (const auto& c : m.commands) s += "      '" + c.path + "') path='" + c.path + "' ;;\n";
  s += "    esac\n"
       "  done\n"
       "  if [[ $prev == --format ]]; then COMPREPLY=($(compgen -W '" +
       Words(m.formats) +
       "' -- \"$cur\")); return; fi\n"
       "  if [[ $prev == -o || $prev == --output || $prev == -f || $prev == --file ]]; then\n"
       "    COMPREPLY=($(compgen -f -- \"$cur\")); return\n"
       "  fi\n"
       "  local words='" +
       Words(m.global_options) +
       "'\n"
       "  case \"$path\" in\n";
  std::vector<std::string> top;
  for (const auto& c : m.commands) {
    if (c.path.find(' ') == std::string::npos) top.push_back(c.path);
    s += "    '" + c.path + "') words=\"$words " + Words(c.options) + " " + Words(c.words) + " " +
         Words(c.subcommands) + "\" ;;\n";
  }
  s += "    '') words=\"$words " + Words(top) +
       "\" ;;\n"
       "  esac\n"
       "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
       "}\n"
       "complete -o default -F _jirasql jirasql\n";
  return s;
}

// zsh: bash's function through bashcompinit keeps one logic for both.
std::string Zsh(const CompletionModel& m) {
  return "#compdef jirasql\n"
         "# zsh completion for jirasql: eval \"$(jirasql completion zsh)\"\n"
         "autoload -U +X bashcompinit && bashcompinit\n" +
         Bash(m);
}

std::string Fish(const CompletionModel& m) {
  std::string s =
      "# fish completion for jirasql: jirasql completion fish | source\n"
      "complete -c jirasql -f\n";
  auto long_or_short = [](const std::string& o) {
    if (o.rfind("--", 0) == 0) return "-l '" + o.substr(2) + "'";
    return "-s '" + o.substr(1) + "'";
  };
  for (const auto& o : m.global_options) s += "complete -c jirasql " + long_or_short(o) + "\n";
  std::vector<std::string> top;
  for (const auto& c : m.commands) {
    if (c.path.find(' ') == std::string::npos) top.push_back(c.path);
  }
  s += "complete -c jirasql -n '__fish_use_subcommand' -a '" + Words(top) + "'\n";
  for (const auto& c : m.commands) {
    std::vector<std::string> parts = Split(c.path, ' ');
    std::string cond = "__fish_seen_subcommand_from " + parts.back();
    for (const auto& o : c.options) {
      s += "complete -c jirasql -n '" + cond + "' " + long_or_short(o) +
           (o == "--format" ? " -x -a '" + Words(m.formats) + "'" : std::string()) +
           (o == "-o" || o == "--output" || o == "-f" || o == "--file" ? " -r -F" : std::string()) + "\n";
    }
    if (!c.words.empty() || !c.subcommands.empty()) {
      s += "complete -c jirasql -n '" + cond + "' -a '" + Words(c.words) + " " + Words(c.subcommands) + "'\n";
    }
  }
  return s;
}

}  // namespace

Result<std::string> CompletionScript(const CompletionModel& model, const std::string& shell) {
  const std::string s = ToLower(shell);
  if (s == "bash") return Bash(model);
  if (s == "zsh") return Zsh(model);
  if (s == "fish") return Fish(model);
  return Fail(ErrorCode::kInvalidArgument, "no completion for the shell '" + shell + "'; use bash, zsh or fish");
}

}  // namespace jirasql
