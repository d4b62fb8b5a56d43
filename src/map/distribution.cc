#include "tessera/map/distribution.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "tessera/core/error.h"

namespace tessera::map {

EdpDistribution make_distribution(std::string label, const std::vector<Outcome>& samples) {
  EdpDistribution d;
  d.label = std::move(label);
  std::vector<double> edp;
  edp.reserve(samples.size());
  for (const Outcome& o : samples)
    if (o.valid()) edp.push_back(o.latency_s * o.energy_j);
  if (edp.empty()) throw Error("distribution '" + d.label + "': no valid mappings sampled");
  std::sort(edp.begin(), edp.end());
  d.best_edp = edp.front();
  d.relative_edp.reserve(edp.size());
  size_t within = 0;
  for (double e : edp) {
    double r = e / d.best_edp;
    d.relative_edp.push_back(r);
    if (r <= 3.0) ++within;
  }
  // Nearest-rank percentile.
  size_t rank = static_cast<size_t>(std::ceil(0.10 * static_cast<double>(edp.size())));
  d.p10 = d.relative_edp[std::max<size_t>(rank, 1) - 1];
  d.within_3x = static_cast<double>(within) / static_cast<double>(edp.size());
  d.max_relative = d.relative_edp.back();
  return d;
}

namespace {

int decades(const std::vector<EdpDistribution>& series) {
  double worst = 1;
  for (const auto& s : series) worst = std::max(worst, s.max_relative);
  return std::max(1, static_cast<int>(std::ceil(std::log10(worst) + 1e-12)));
}

}  // namespace

std::string distribution_csv(const std::vector<EdpDistribution>& series, int per_decade) {
  const int nbins = decades(series) * per_decade;
  std::string out = "series,bin_low,bin_high,count,share,cdf\n";
  for (const auto& s : series) {
    std::vector<int64_t> counts(static_cast<size_t>(nbins), 0);
    for (double r : s.relative_edp) {
      int b = std::min(nbins - 1, static_cast<int>(std::floor(std::log10(r) * per_decade)));
      ++counts[static_cast<size_t>(std::max(0, b))];
    }
    int64_t cum = 0;
    const double n = static_cast<double>(s.relative_edp.size());
    for (int b = 0; b < nbins; ++b) {
      cum += counts[static_cast<size_t>(b)];
      out +=
          fmt::format("{},{:.6g},{:.6g},{},{:.6g},{:.6g}\n", s.label,
                      std::pow(10.0, static_cast<double>(b) / per_decade),
                      std::pow(10.0, static_cast<double>(b + 1) / per_decade),
                      counts[static_cast<size_t>(b)], counts[static_cast<size_t>(b)] / n, cum / n);
    }
  }
  return out;
}

std::string distribution_svg(const std::vector<EdpDistribution>& series, int per_decade) {
  const int dec = decades(series), nbins = dec * per_decade;
  const double w = 420, h = 260, left = 60, top = 30, gap = 80;
  static const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                  "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n",
      left + 2 * w + gap + 20, top + h + 50 + 16 * static_cast<double>(series.size()));
  for (int panel = 0; panel < 2; ++panel) {
    double x0 = left + panel * (w + gap);
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" "
        "stroke=\"black\"/>\n",
        x0, top, w, h);
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x0 + w / 2, top - 10,
        panel == 0 ? "Share of mappings vs relative EDP (log10)" : "CDF of relative EDP (log10)");
    for (int k = 0; k <= dec; ++k)
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">1e{}</text>\n",
                         x0 + w * k / dec, top + h + 14, k);
  }
  double max_share = 1e-9;
  std::vector<std::vector<double>> shares;
  for (const auto& s : series) {
    std::vector<double> share(static_cast<size_t>(nbins), 0.0);
    for (double r : s.relative_edp) {
      int b = std::min(nbins - 1, static_cast<int>(std::floor(std::log10(r) * per_decade)));
      share[static_cast<size_t>(std::max(0, b))] +=
          1.0 / static_cast<double>(s.relative_edp.size());
    }
    for (double v : share) max_share = std::max(max_share, v);
    shares.push_back(std::move(share));
  }
  for (size_t i = 0; i < series.size(); ++i) {
    const char* color = kColors[i % 8];
    std::string hist, cdf;
    double cum = 0;
    for (int b = 0; b < nbins; ++b) {
      double x = left + w * (b + 0.5) / nbins;
      double v = shares[i][static_cast<size_t>(b)];
      cum += v;
      hist += fmt::format("{:.1f},{:.1f} ", x, top + h - h * v / max_share);
      cdf +=
          fmt::format("{:.1f},{:.1f} ", left + w + gap + w * (b + 1.0) / nbins, top + h - h * cum);
    }
    out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" points=\"{}\"/>\n", color, hist);
    out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" points=\"{}\"/>\n", color, cdf);
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" fill=\"{}\">{}: p10 = {:.2f}, within 3x = {:.2f}%</text>\n", left,
        top + h + 34 + 16 * static_cast<double>(i), color, series[i].label, series[i].p10,
        100 * series[i].within_3x);
  }
  out += "</svg>\n";
  return out;
}

}  // namespace tessera::map
