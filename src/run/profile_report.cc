#include "tessera/run/profile_report.h"

#include <cstdio>
#include <sstream>

namespace tessera::run {
namespace {

// Operations that appear in any row, in Table II order.
std::vector<std::string> present_operations(const ProfileResult& r) {
  std::vector<std::string> ops;
  for (const std::string& op : table2_operations())
    for (const ProfileRow& row : r.rows)
      if (row.latency_s.count(op)) {
        ops.push_back(op);
        break;
      }
  return ops;
}

double row_sum(const ProfileRow& row) {
  double total = 0;
  for (auto& [op, t] : row.latency_s) total += t;
  return total;
}

std::string escape_xml(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

}  // namespace

nlohmann::json profile_json(const ProfileResult& r) {
  nlohmann::json rows = nlohmann::json::array();
  for (const ProfileRow& row : r.rows) {
    nlohmann::json ops = nlohmann::json::array();
    double total = row_sum(row);
    for (const std::string& op : table2_operations()) {
      auto it = row.latency_s.find(op);
      if (it == row.latency_s.end()) continue;
      nlohmann::json entry = {{"operation", op},
                              {"median_s", it->second},
                              {"share", total > 0 ? it->second / total : 0.0}};
      auto counts = row.counts.find(op);
      if (counts != row.counts.end()) entry["events"] = counts->second;
      ops.push_back(entry);
    }
    rows.push_back({{"model", row.model},
                    {"config", row.config},
                    {"spec", row.spec},
                    {"median_s", row.total_s},
                    {"ops", ops}});
  }
  return {{"tool", "NLP-Perf (002 Sec. IV)"},
          {"threads", r.threads},
          {"repeat", r.repeat},
          {"latency", "median over repeats per step, summed per operation"},
          {"events", r.events},
          {"events_per", "mean per run"},
          {"counter_note", r.counter_note},
          {"denormals_flushed", r.denormals_flushed},
          {"rows", rows}};
}

std::string profile_table(const ProfileResult& r) {
  std::ostringstream out;
  char cell[128];
  std::vector<std::string> ops = present_operations(r);
  out << "NLP-Perf latency breakdown (% of each run; median of " << r.repeat << " runs, "
      << r.threads << " thread" << (r.threads > 1 ? "s" : "") << ", denormals "
      << (r.denormals_flushed ? "flushed" : "not flushed") << ")\n";
  if (!r.counter_note.empty()) out << "note: " << r.counter_note << "\n";
  std::snprintf(cell, sizeof(cell), "%-22s", "operation");
  out << cell;
  for (const ProfileRow& row : r.rows) {
    std::string name = row.model.substr(0, row.model.find(':'));
    if (name.rfind("nlp-fast-", 0) == 0) name = name.substr(9);
    std::snprintf(cell, sizeof(cell), " %14s", (name.substr(0, 9) + "/" + row.config).c_str());
    out << cell;
  }
  out << "\n";
  for (const std::string& op : ops) {
    std::snprintf(cell, sizeof(cell), "%-22s", op.c_str());
    out << cell;
    for (const ProfileRow& row : r.rows) {
      auto it = row.latency_s.find(op);
      double total = row_sum(row);
      std::snprintf(cell, sizeof(cell), " %13.1f%%",
                    it == row.latency_s.end() || total <= 0 ? 0.0 : 100 * it->second / total);
      out << cell;
    }
    out << "\n";
  }
  std::snprintf(cell, sizeof(cell), "%-22s", "total (s)");
  out << cell;
  for (const ProfileRow& row : r.rows) {
    std::snprintf(cell, sizeof(cell), " %14.5f", row.total_s);
    out << cell;
  }
  out << "\n";
  for (const std::string& event : r.events) {
    out << "\n" << event << " per run\n";
    for (const std::string& op : ops) {
      std::snprintf(cell, sizeof(cell), "%-22s", op.c_str());
      out << cell;
      for (const ProfileRow& row : r.rows) {
        double v = 0;
        auto it = row.counts.find(op);
        if (it != row.counts.end() && it->second.count(event)) v = it->second.at(event);
        std::snprintf(cell, sizeof(cell), " %14.4g", v);
        out << cell;
      }
      out << "\n";
    }
  }
  return out.str();
}

namespace {
// RFC 4180 quoting: model specs carry commas (memnet:memory=16384,batch=64).
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}
}  // namespace

std::string profile_csv(const ProfileResult& r) {
  std::ostringstream out;
  out << "model,config,operation,median_s,share";
  for (const std::string& e : r.events) out << "," << e;
  out << "\n";
  for (const ProfileRow& row : r.rows) {
    double total = row_sum(row);
    for (const std::string& op : table2_operations()) {
      auto it = row.latency_s.find(op);
      if (it == row.latency_s.end()) continue;
      out << csv_field(row.model) << "," << csv_field(row.config) << "," << csv_field(op) << ","
          << it->second << "," << (total > 0 ? it->second / total : 0.0);
      for (const std::string& e : r.events) {
        auto c = row.counts.find(op);
        out << "," << (c != row.counts.end() && c->second.count(e) ? c->second.at(e) : 0.0);
      }
      out << "\n";
    }
  }
  return out.str();
}

std::string profile_svg(const ProfileResult& r) {
  static const char* kColors[] = {"#4e79a7", "#a0cbe8", "#f28e2b", "#ffbe7d", "#59a14f", "#8cd17d",
                                  "#b6992d", "#f1ce63", "#499894", "#86bcb6", "#e15759", "#ff9d9a",
                                  "#79706e", "#bab0ac", "#d37295", "#fabfd2"};
  std::vector<std::string> ops = present_operations(r);
  const int bar_w = 60, gap = 30, left = 60, top = 40, height = 300;
  int width = left + static_cast<int>(r.rows.size()) * (bar_w + gap) + 200;
  int total_h = top + height + 120;
  std::ostringstream svg;
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                "font-family=\"sans-serif\" font-size=\"11\">\n",
                width, total_h);
  svg << buf;
  svg << "<text x=\"" << left << "\" y=\"20\" font-size=\"14\">NLP-Perf latency breakdown "
      << "(share of run time per Table II operation)</text>\n";
  for (int pct = 0; pct <= 100; pct += 25) {
    int y = top + height - height * pct / 100;
    std::snprintf(buf, sizeof(buf),
                  "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/><text x=\"%d\" "
                  "y=\"%d\" text-anchor=\"end\">%d%%</text>\n",
                  left, y, width - 200, y, left - 5, y + 4, pct);
    svg << buf;
  }
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const ProfileRow& row = r.rows[i];
    double total = row_sum(row), acc = 0;
    int x = left + gap / 2 + static_cast<int>(i) * (bar_w + gap);
    for (size_t k = 0; k < ops.size(); ++k) {
      auto it = row.latency_s.find(ops[k]);
      if (it == row.latency_s.end() || total <= 0) continue;
      double share = it->second / total;
      double y0 = top + height * (1 - acc - share);
      std::snprintf(buf, sizeof(buf),
                    "<rect x=\"%d\" y=\"%.2f\" width=\"%d\" height=\"%.2f\" fill=\"%s\"><title>%s "
                    "%.1f%%</title></rect>\n",
                    x, y0, bar_w, height * share, kColors[k % 16], escape_xml(ops[k]).c_str(),
                    100 * share);
      svg << buf;
      acc += share;
    }
    std::snprintf(buf, sizeof(buf),
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text><text x=\"%d\" "
                  "y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                  x + bar_w / 2, top + height + 15,
                  escape_xml(row.model.substr(0, row.model.find(':'))).c_str(), x + bar_w / 2,
                  top + height + 28, escape_xml(row.config).c_str());
    svg << buf;
  }
  for (size_t k = 0; k < ops.size(); ++k) {
    int y = top + static_cast<int>(k) * 16;
    std::snprintf(buf, sizeof(buf),
                  "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" "
                  "y=\"%d\">%s</text>\n",
                  width - 190, y, kColors[k % 16], width - 172, y + 10, escape_xml(ops[k]).c_str());
    svg << buf;
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace tessera::run
