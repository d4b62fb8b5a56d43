// Chip specification, NeuroMeter-style (003 Sec. II, Fig. 1): the user states the high-level
// architecture (tensor-unit size and count, cores, memories, NoC, off-chip interfaces) and a
// target (peak TOPS or a clock); the model derives dependent resources (VU lanes, VReg ports,
// memory banks and ports, CDB pipelining) itself. Parsed from YAML by chip/spec_parser.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tessera/chip/sram.h"
#include "tessera/chip/technology.h"
#include "tessera/model/dtype.h"

namespace tessera::chip {

enum class TuDataflow { WeightStationary, OutputStationary };
enum class TuInterconnect { Unicast, Multicast };  // neighbour links vs X/Y buses
enum class NocTopology { None, Bus, Ring, Mesh, HTree };
enum class DramKind { None, Ddr3, Ddr4, Lpddr4, Hbm2 };

struct TechnologySpec {
  int node_nm = 28;
  double vdd_v = 0;  // 0 = nominal of the node
  DeviceFlavor flavor = DeviceFlavor::HighPerformance;
  // A node outside the table: start from `base_node_nm` and override what is known.
  int base_node_nm = 0;
  double fo4_ps = 0, nand2_area_um2 = 0, sram_cell_area_um2 = 0, logic_energy_scale = 0;
};

struct TensorUnitSpec {
  int64_t rows = 0, cols = 0;  // 0 = no tensor unit
  int64_t count = 1;           // per core
  model::DType dtype = model::DType::Int8;
  model::DType accumulator = model::DType::Int32;
  TuDataflow dataflow = TuDataflow::WeightStationary;
  TuInterconnect interconnect = TuInterconnect::Unicast;
  int64_t local_sram_bytes = 0;      // per systolic cell (Eyeriss filter spad)
  int64_t local_register_bytes = 0;  // per systolic cell beyond the pipeline registers
  int64_t fifo_depth = -1;           // -1 = rows (WS skew buffers) or 4 (multicast)
  double cell_control_ge = 0;        // per-cell controller (Eyeriss PE control)
};

struct ReductionTreeSpec {
  int64_t inputs = 0;  // 0 = none
  int64_t count = 1;   // per core
  model::DType dtype = model::DType::Int8;
  model::DType accumulator = model::DType::Int32;
};

struct VectorUnitSpec {
  int64_t lanes = -1;  // -1 = tensor-unit width (NeuroMeter default), 0 = no VU
  int64_t sublanes = 1;
  model::DType dtype = model::DType::Fp32;
  int64_t vreg_entries = 32;  // vector registers
  // TUs/RTs sharing VReg port groups (NeuroMeter: broadcast data to several units); 0 = each
  // unit has its own 2R+1W group.
  int64_t port_groups = 0;
};

// Where a memory's word leaves it. central (default, CACTI's bank as NeuroMeter uses it): one
// port at the middle of an edge, the word merged from its subarrays by an H-tree. distributed:
// the memory lies along its consumer's edge and every slice drives its own bits straight into
// the lanes in front of it (a datapath-pitched buffer whose word is one operand vector, e.g.
// DianNao's SB feeding 256 multipliers). auto: the cheaper of the two.
enum class MemoryPort { Central, Distributed, Auto };

struct MemorySpec {
  std::string name;
  int64_t capacity_bytes = 0;
  bool per_core = true;  // distributed over the cores (false = one shared instance)
  CellKind cell = CellKind::Sram;
  int64_t width_bytes = 0;           // 0 = derived from the TU (rows x operand bytes)
  double read_bytes_per_cycle = -1;  // throughput target; -1 = derived from the TUs
  double write_bytes_per_cycle = -1;
  int latency_cycles = 2;               // access latency target
  int64_t banks = 0;                    // 0 = chosen automatically
  int read_ports = 0, write_ports = 0;  // 0/0 = chosen automatically
  MemoryPort port = MemoryPort::Central;
};

struct NocSpec {
  NocTopology topology = NocTopology::None;  // None = derived (ring <= 4 cores, mesh >= 8)
  bool derived = true;
  double bisection_gbps = 0;  // GB/s; 0 = no NoC traffic requirement
};

struct OffChipSpec {
  DramKind dram = DramKind::None;
  double dram_gbps = 0;  // GB/s
  int pcie_gen = 0;      // 0 = none
  int pcie_lanes = 0;
  int chip_links = 0;    // inter-chip links (TPU-v2 ICI)
  double link_gbps = 0;  // Gbit/s per link per direction
};

struct ChipSpec {
  std::string name;
  std::string description;
  TechnologySpec technology;
  double clock_hz = 0;     // 0 = searched from target_tops
  double target_tops = 0;  // 0 = none (then clock_hz is required)
  int64_t cores = 1;
  TensorUnitSpec tensor_unit;
  ReductionTreeSpec reduction_tree;
  VectorUnitSpec vector_unit;
  std::vector<MemorySpec> memories;
  bool scalar_unit = true;
  double control_kge = 0;  // extra chip-level control (top-level FSMs, RLC, scan chains)
  NocSpec noc;
  OffChipSpec offchip;
  double white_space = 0;      // fraction of the die that is unmodelled (NeuroMeter: 21 % for TPUs)
  double area_budget_mm2 = 0;  // 0 = unconstrained
  double power_budget_w = 0;
  std::vector<std::string> sources;

  // Peak MAC operations per cycle of all TUs and RTs on the chip.
  int64_t macs_per_cycle() const;
};

}  // namespace tessera::chip
