// Plain-text tables for human output (DESIGN.md "Output": human tables by default).
#pragma once

#include <string>
#include <vector>

namespace tessera {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);
  // Column alignment: true = right-aligned (numbers). Defaults to right for every column but the
  // first.
  void set_right_aligned(std::vector<bool> right) { right_ = std::move(right); }
  void add_row(std::vector<std::string> row);
  void add_separator();
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;  // an empty row is a separator
  std::vector<bool> right_;
};

// Numbers for humans: 3 significant digits with an SI-ish suffix ("22.5 G"), or fixed decimals.
std::string format_si(double value, int significant = 3);
std::string format_fixed(double value, int decimals);
std::string format_percent(double fraction, int decimals = 1);

}  // namespace tessera
