#include "tessera/core/text_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tessera {

TextTable::TextTable(std::vector<std::string> header) : header_(std::move(header)) {
  right_.assign(header_.size(), true);
  if (!right_.empty()) right_[0] = false;
}

void TextTable::add_row(std::vector<std::string> row) {
  row.resize(header_.size());
  rows_.push_back(std::move(row));
}

void TextTable::add_separator() { rows_.emplace_back(); }

std::string TextTable::render() const {
  std::vector<size_t> width(header_.size(), 0);
  for (size_t c = 0; c < header_.size(); ++c) width[c] = header_[c].size();
  for (const auto& row : rows_)
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  auto render_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < header_.size(); ++c) {
      const std::string& cell = row[c];
      std::string pad(width[c] - cell.size(), ' ');
      if (c) line += "  ";
      line += right_[c] ? pad + cell : cell + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  size_t total = 0;
  for (size_t w : width) total += w;
  total += 2 * (width.empty() ? 0 : width.size() - 1);
  std::string rule(total, '-');
  std::string out = render_row(header_) + rule + "\n";
  for (const auto& row : rows_) out += row.empty() ? rule + "\n" : render_row(row);
  return out;
}

std::string format_si(double value, int significant) {
  static const char* kSuffix[] = {"", " k", " M", " G", " T", " P", " E"};
  double magnitude = std::fabs(value);
  int index = 0;
  while (magnitude >= 1000.0 && index < 6) {
    magnitude /= 1000.0;
    value /= 1000.0;
    ++index;
  }
  int digits_before = magnitude >= 100 ? 3 : magnitude >= 10 ? 2 : 1;
  int decimals = std::max(0, significant - digits_before);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f%s", decimals, value, kSuffix[index]);
  return buffer;
}

std::string format_fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string format_percent(double fraction, int decimals) {
  return format_fixed(fraction * 100.0, decimals) + "%";
}

}  // namespace tessera
