// CNN performance of a many-TU chip with tessera's analytical evaluator (perf/analytical.h) as
// the performance simulator, standing in for NeuroMeter's TF-Sim (003 Sec. III-A-3). TF-Sim's
// job is the mapping: every conv/matmul is split over the chip's TUs (output channels and/or
// pixels, space-to-batch across images and rows; the split with the lowest latency wins), and
// each TU's share is costed by perf::AnalyticalEvaluator on a one-TU hw::Hardware (an X x X
// weight-stationary array, its share of the distributed memory as scratchpad, its share of
// the 700 GB/s HBM as backing store). Splits across cores pay NoC time at the bisection
// bandwidth: inputs all-gathered when channels are split over cores, weights multicast when
// pixels are. Weights stay in the distributed memory when they fit, and the batch's live
// activations when they fit beside them; what does not comes through the HBM. Vector ops run on the
// cores' VUs, split over all of them. Not modelled: reduction-dimension splits (partial-sum
// merging), halo exchange, overlap between ops.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/chip/chip_model.h"
#include "tessera/workload/analysis.h"

namespace tessera::explore {

// A zoo CNN at batch 1 (BN folded, ReLU fused), its ops deduplicated by shape.
struct CnnModel {
  struct Shape {
    workload::Op op;
    int64_t count = 0;  // how many ops of the graph have this shape
  };
  std::string name;
  std::vector<Shape> shapes;
  double macs_per_image = 0;
  double weight_bytes = 0;
  double peak_activation_bytes = 0;  // live activations per image (Table II "#Data")
};
// Throws tessera::Error for a name the zoo does not know.
CnnModel load_cnn(const std::string& name);

struct CnnRun {
  double latency_s = 0;
  double macs = 0;
  double utilization = 0;       // achieved / peak MAC rate
  double busy_cell_cycles = 0;  // TU cell-cycles streaming (for runtime power)
  double hbm_bytes = 0;         // read + written
  double noc_bytes = 0;         // crossing the bisection
  double vector_ops = 0;
};

// The chip must have tensor units (rows x cols, count per core, cores) and one distributed
// memory; `batch` >= 1.
CnnRun run_cnn(const chip::ChipReport& chip, const CnnModel& model, int64_t batch);

}  // namespace tessera::explore
