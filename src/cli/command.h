// The `tessera` command's subcommand registry. Each subcommand is one file cmd_<verb>.cc that
// registers itself with a RegisterCommand object (STYLE.md example 10: thin commands).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace tessera::cli {

struct Command {
  std::string name;
  std::string help;
  // Adds options to `app` and sets `run` to the function that executes the command.
  std::function<void(CLI::App& app, std::function<int()>& run)> setup;
};

std::vector<Command>& commands();

struct RegisterCommand {
  explicit RegisterCommand(Command command) { commands().push_back(std::move(command)); }
};

}  // namespace tessera::cli
