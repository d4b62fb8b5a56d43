#include "tessera/hw/hardware.h"

#include "tessera/core/error.h"

namespace tessera::hw {

std::string_view dataflow_name(Dataflow d) {
  switch (d) {
    case Dataflow::WeightStationary:
      return "ws";
    case Dataflow::OutputStationary:
      return "os";
    case Dataflow::InputStationary:
      return "is";
  }
  return "ws";
}

std::string_view fold_schedule_name(FoldSchedule s) {
  return s == FoldSchedule::Serial ? "serial" : "pipelined";
}

double Dma::bandwidth_bytes_per_s() const {
  if (latency_s <= 0 || max_in_flight_requests <= 0 || request_bytes <= 0) return 0;
  return static_cast<double>(max_in_flight_requests * request_bytes) / latency_s;
}

double PeakRates::at(model::DType type) const {
  auto it = ops_per_s.find(type);
  return it == ops_per_s.end() ? 0.0 : it->second;
}

const MemoryLevel* Hardware::find_level(const std::string& level_name) const {
  for (const auto& level : memory)
    if (level.name == level_name) return &level;
  return nullptr;
}

const MemoryLevel& Hardware::dram() const {
  if (memory.empty()) throw Error(name + ": hardware has no memory levels");
  return memory.back();
}

bool Hardware::has_special_unit(model::OpKind kind) const {
  return find_special_unit(kind) != nullptr;
}

const SpecialFunctionUnit* Hardware::find_special_unit(model::OpKind kind) const {
  for (const auto& unit : special_units)
    for (model::OpKind k : unit.ops)
      if (k == kind) return &unit;
  return nullptr;
}

double Hardware::efficiency_for(const std::string& op_class) const {
  auto it = efficiency.find(op_class);
  if (it == efficiency.end()) it = efficiency.find("default");
  return it == efficiency.end() ? 1.0 : it->second;
}

}  // namespace tessera::hw
