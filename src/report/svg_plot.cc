// SVG plot writer: see include/tessera/report/svg_plot.h.
#include "tessera/report/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "tessera/core/text_table.h"

namespace tessera::report {

std::string svg_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

SvgPlot::SvgPlot(std::string title, std::string x_label, std::string y_label, bool log_x,
                 bool log_y)
    : title_(std::move(title)),
      x_label_(std::move(x_label)),
      y_label_(std::move(y_label)),
      log_x_(log_x),
      log_y_(log_y) {}

void SvgPlot::add_line(std::vector<PlotPoint> points, std::string name, std::string color,
                       bool dashed) {
  series_.push_back({std::move(points), std::move(name), std::move(color), true, dashed});
}

void SvgPlot::add_scatter(std::vector<PlotPoint> points, std::string name, std::string color) {
  series_.push_back({std::move(points), std::move(name), std::move(color), false, false});
}

void SvgPlot::add_vertical_marker(double x, std::string label, std::string color) {
  markers_.push_back({x, std::move(label), std::move(color)});
}

namespace {

struct Axis {
  bool log = false;
  double lo = 0, hi = 1;
  double map(double v, double a, double b) const {  // value -> pixel in [a, b]
    double t = log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
                   : (v - lo) / (hi - lo);
    return a + t * (b - a);
  }
  std::vector<double> ticks() const {
    std::vector<double> out;
    if (log) {
      for (double p = std::floor(std::log10(lo)); p <= std::ceil(std::log10(hi)); ++p) {
        double v = std::pow(10.0, p);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push_back(v);
      }
    } else {
      double step = std::pow(10.0, std::floor(std::log10((hi - lo) / 5)));
      for (double v = std::ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push_back(v);
    }
    return out;
  }
};

Axis fit_axis(const std::vector<double>& values, bool log) {
  Axis a;
  a.log = log;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : values) {
    if (!std::isfinite(v) || (log && v <= 0)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!std::isfinite(lo)) lo = log ? 1 : 0, hi = log ? 10 : 1;
  if (log) {
    a.lo = std::pow(10.0, std::floor(std::log10(lo)));
    a.hi = std::pow(10.0, std::ceil(std::log10(hi)));
    if (a.hi <= a.lo) a.hi = a.lo * 10;
  } else {
    a.lo = std::min(0.0, lo);
    a.hi = hi > a.lo ? hi * 1.05 : a.lo + 1;
  }
  return a;
}

}  // namespace

std::string SvgPlot::render(int width, int height) const {
  std::vector<double> xs, ys;
  for (const auto& s : series_)
    for (const auto& p : s.points) xs.push_back(p.x), ys.push_back(p.y);
  for (const auto& m : markers_) xs.push_back(m.x);
  Axis ax = fit_axis(xs, log_x_), ay = fit_axis(ys, log_y_);
  const double left = 90, right = width - 200.0, top = 50, bottom = height - 60.0;
  auto px = [&](double x) { return ax.map(x, left, right); };
  auto py = [&](double y) { return ay.map(y, bottom, top); };
  auto visible = [&](const PlotPoint& p) {
    return std::isfinite(p.x) && std::isfinite(p.y) && (!log_x_ || p.x > 0) && (!log_y_ || p.y > 0);
  };
  std::ostringstream o;
  o.precision(6);
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  o << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << width / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">"
    << svg_escape(title_) << "</text>\n";
  o << "<defs><clipPath id=\"plot\"><rect x=\"" << left << "\" y=\"" << top << "\" width=\""
    << right - left << "\" height=\"" << bottom - top << "\"/></clipPath></defs>\n";
  for (double t : ax.ticks()) {
    o << "<line x1=\"" << px(t) << "\" y1=\"" << top << "\" x2=\"" << px(t) << "\" y2=\"" << bottom
      << "\" stroke=\"#eee\"/>\n";
    o << "<text x=\"" << px(t) << "\" y=\"" << bottom + 18 << "\" text-anchor=\"middle\">"
      << format_si(t) << "</text>\n";
  }
  for (double t : ay.ticks()) {
    o << "<line x1=\"" << left << "\" y1=\"" << py(t) << "\" x2=\"" << right << "\" y2=\"" << py(t)
      << "\" stroke=\"#eee\"/>\n";
    o << "<text x=\"" << left - 6 << "\" y=\"" << py(t) + 4 << "\" text-anchor=\"end\">"
      << format_si(t) << "</text>\n";
  }
  o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << right - left << "\" height=\""
    << bottom - top << "\" fill=\"none\" stroke=\"black\"/>\n";
  o << "<text x=\"" << (left + right) / 2 << "\" y=\"" << height - 18
    << "\" text-anchor=\"middle\">" << svg_escape(x_label_) << "</text>\n";
  o << "<text transform=\"translate(20," << (top + bottom) / 2
    << ") rotate(-90)\" text-anchor=\"middle\">" << svg_escape(y_label_) << "</text>\n";
  o << "<g clip-path=\"url(#plot)\">\n";
  for (const auto& m : markers_) {
    if (log_x_ && m.x <= 0) continue;
    o << "<line x1=\"" << px(m.x) << "\" y1=\"" << top << "\" x2=\"" << px(m.x) << "\" y2=\""
      << bottom << "\" stroke=\"" << m.color << "\" stroke-dasharray=\"2,3\"/>\n";
    o << "<text x=\"" << px(m.x) + 4 << "\" y=\"" << top + 14 << "\" fill=\"" << m.color << "\">"
      << svg_escape(m.label) << "</text>\n";
  }
  for (const auto& s : series_) {
    if (s.line) {
      o << "<polyline fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"2\""
        << (s.dashed ? " stroke-dasharray=\"6,4\"" : "") << " points=\"";
      for (const auto& p : s.points)
        if (visible(p)) o << px(p.x) << "," << py(p.y) << " ";
      o << "\"/>\n";
    } else {
      for (const auto& p : s.points) {
        if (!visible(p)) continue;
        o << "<circle cx=\"" << px(p.x) << "\" cy=\"" << py(p.y) << "\" r=\"3.5\" fill=\""
          << s.color << "\" fill-opacity=\"0.75\"><title>" << svg_escape(p.label)
          << "</title></circle>\n";
      }
    }
  }
  o << "</g>\n";
  double ly = top + 10;
  for (const auto& s : series_) {
    o << (s.line ? "<line x1=\"" + std::to_string(right + 14) + "\" y1=\"" + std::to_string(ly) +
                       "\" x2=\"" + std::to_string(right + 34) + "\" y2=\"" + std::to_string(ly) +
                       "\" stroke=\"" + s.color + "\" stroke-width=\"2\"/>\n"
                 : "<circle cx=\"" + std::to_string(right + 24) + "\" cy=\"" + std::to_string(ly) +
                       "\" r=\"4\" fill=\"" + s.color + "\"/>\n");
    o << "<text x=\"" << right + 40 << "\" y=\"" << ly + 4 << "\">" << svg_escape(s.name)
      << "</text>\n";
    ly += 20;
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace tessera::report
