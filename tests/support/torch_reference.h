// Running a prepared plan on a PyTorch reference file (written by tests/fixtures/onnx/
// make_torch*.py: {"inputs": {NAME: {"data"}}, "output_names": [...], "outputs": {NAME:
// {"data"}}}) and measuring how far tessera's outputs are from PyTorch's.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tessera/model/graph.h"
#include "tessera/run/backend.h"

namespace tessera::test_support {

// Feeds the reference inputs into `plan`, executes it and returns the largest relative error
// over the outputs (max |tessera - torch| / max |torch| per output). Outputs differing by 1e-4
// or more are printed under `label`; `outputs` (when given) gets tessera's outputs.
inline double run_against_reference(run::Backend& backend, run::Plan& plan,
                                    const model::Graph& graph, const nlohmann::json& ref,
                                    const std::string& label,
                                    std::vector<std::vector<float>>* outputs = nullptr) {
  for (model::TensorId t : graph.inputs) {
    auto data = ref["inputs"].at(graph.tensor(t).name)["data"].get<std::vector<double>>();
    EXPECT_EQ(static_cast<int64_t>(data.size()), graph.tensor(t).elements()) << label;
    std::transform(data.begin(), data.end(), plan.data(t),
                   [](double x) { return static_cast<float>(x); });
  }
  backend.execute(plan);
  auto names = ref["output_names"].get<std::vector<std::string>>();
  EXPECT_EQ(graph.outputs.size(), names.size()) << label;
  double worst = 0.0;
  for (size_t i = 0; i < graph.outputs.size() && i < names.size(); ++i) {
    auto expect = ref["outputs"][names[i]]["data"].get<std::vector<double>>();
    model::TensorId t = graph.outputs[i];
    EXPECT_EQ(static_cast<int64_t>(expect.size()), graph.tensor(t).elements())
        << label << ": " << names[i];
    const float* got = plan.data(t);
    if (outputs) outputs->emplace_back(got, got + graph.tensor(t).elements());
    double max_ref = 0.0, max_diff = 0.0;
    for (size_t k = 0; k < expect.size(); ++k) {
      max_ref = std::max(max_ref, std::fabs(expect[k]));
      max_diff = std::max(max_diff, std::fabs(static_cast<double>(got[k]) - expect[k]));
    }
    double error = max_diff / std::max(max_ref, 1e-30);
    if (error >= 1e-4)
      std::printf("%s: output '%s' differs by %.3g\n", label.c_str(), names[i].c_str(), error);
    worst = std::max(worst, error);
  }
  return worst;
}

}  // namespace tessera::test_support
