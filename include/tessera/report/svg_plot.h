// A small reusable SVG plot writer (issue #4): linear or log axes with ticks, line series
// (roofs), scatter series (ops), vertical markers (ridge points) and a legend. No dependencies;
// the output is a standalone .svg file. Histograms and stacked bars can be added as new series
// kinds.
#pragma once

#include <string>
#include <vector>

namespace tessera::report {

struct PlotPoint {
  double x = 0, y = 0;
  std::string label;  // shown as a tooltip (<title>)
};

class SvgPlot {
 public:
  SvgPlot(std::string title, std::string x_label, std::string y_label, bool log_x, bool log_y);

  void add_line(std::vector<PlotPoint> points, std::string name, std::string color,
                bool dashed = false);
  void add_scatter(std::vector<PlotPoint> points, std::string name, std::string color);
  void add_vertical_marker(double x, std::string label, std::string color);

  // Points outside the data range are clipped; non-positive values on a log axis are dropped.
  std::string render(int width_px = 860, int height_px = 560) const;

 private:
  struct Series {
    std::vector<PlotPoint> points;
    std::string name, color;
    bool line = false, dashed = false;
  };
  struct Marker {
    double x;
    std::string label, color;
  };
  std::string title_, x_label_, y_label_;
  bool log_x_, log_y_;
  std::vector<Series> series_;
  std::vector<Marker> markers_;
};

// Escapes &, <, >, " for SVG text.
std::string svg_escape(const std::string& text);

}  // namespace tessera::report
