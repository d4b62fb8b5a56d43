// tessera: what does this model cost on this hardware, why, and what should change.
// main() only dispatches to the registered subcommands (src/cli/cmd_*.cc).
#include <algorithm>
#include <iostream>

#include "cli/command.h"
#include "tessera/core/error.h"

namespace tessera::cli {

std::vector<Command>& commands() {
  static std::vector<Command> list;
  return list;
}

namespace {

// CLI11 reports `tessera nosuch` (and `tessera chip nosuch`) as "A subcommand is required": name
// the word it did not know instead. Returns "" when argv holds no such word.
std::string unknown_command(CLI::App& app, int argc, char** argv) {
  CLI::App* level = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-') return "";
    std::vector<CLI::App*> subs = level->get_subcommands([](CLI::App*) { return true; });
    if (subs.empty()) return "";
    CLI::App* next = nullptr;
    std::string names;
    for (CLI::App* sub : subs) {
      if (sub->get_name() == word) next = sub;
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!next) {
      std::string where = level == &app ? "" : " of '" + level->get_name() + "'";
      return "unknown command '" + word + "'" + where + " (expected " + names + ")";
    }
    level = next;
  }
  return "";
}

}  // namespace

int main_impl(int argc, char** argv) {
  CLI::App app{"tessera: full-stack DNN inference analysis (models, hardware, mappings, chips)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tessera 0.1.0");
  auto& list = commands();
  std::sort(list.begin(), list.end(),
            [](const Command& a, const Command& b) { return a.name < b.name; });
  std::function<int()> run;
  for (Command& command : list) {
    CLI::App* sub = app.add_subcommand(command.name, command.help);
    std::function<int()>* target = &run;
    auto setup = command.setup;
    // Each subcommand installs its runner when selected.
    auto runner = std::make_shared<std::function<int()>>();
    setup(*sub, *runner);
    sub->callback([target, runner] { *target = *runner; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help / --version are "errors" with exit code 0: CLI11 prints them. Real usage errors
    // get the house format instead of CLI11's two lines: one line on stderr, exit 2.
    if (e.get_exit_code() == 0) return app.exit(e);
    std::string unknown = unknown_command(app, argc, argv);
    std::cerr << "tessera: error: " << (unknown.empty() ? e.what() : unknown) << " (see --help)\n";
    return 2;
  }
  try {
    return run ? run() : 0;
  } catch (const Error& e) {
    std::cerr << "tessera: error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    std::cerr << "tessera: error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "tessera: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace tessera::cli

int main(int argc, char** argv) { return tessera::cli::main_impl(argc, argv); }
