// Hardware spec parsing: presets load and round-trip, strict keys, semantic errors, overrides.
#include "tessera/hw/spec_parser.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/hw/host_detect.h"

namespace tessera::hw {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_hardware_yaml(yaml, "test.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const char* kMinimal = R"(name: tiny
kind: processor
matrix: {fp32: 1.0e12}
memory:
  - name: dram
    bandwidth_bytes_per_s: 1.0e11
)";

TEST(SpecParser, EveryPresetLoadsAndRoundTrips) {
  for (const std::string& name : hardware_preset_names()) {
    SCOPED_TRACE(name);
    Hardware hw = load_hardware(name);
    EXPECT_EQ(hw.name, name);
    std::string yaml = hardware_to_yaml(hw);
    Hardware again = parse_hardware_yaml(yaml, "round trip");
    EXPECT_EQ(hardware_to_yaml(again), yaml);
  }
}

TEST(SpecParser, GemminiBaselineMatchesTheSurvey) {
  Hardware hw = load_hardware("gemmini");
  ASSERT_TRUE(hw.pe_array);
  EXPECT_EQ(hw.pe_array->rows, 16);
  EXPECT_EQ(hw.pe_array->cols, 16);
  EXPECT_EQ(hw.pe_array->dataflow, Dataflow::WeightStationary);
  EXPECT_EQ(hw.find_level("scratchpad")->capacity_bytes, 256 * 1024);
  EXPECT_EQ(hw.find_level("accumulator")->capacity_bytes, 64 * 1024);
  EXPECT_FALSE(hw.has_special_unit(model::OpKind::LayerNorm));
  EXPECT_FALSE(hw.has_special_unit(model::OpKind::Softmax));
  EXPECT_FALSE(hw.has_special_unit(model::OpKind::Gelu));
  ASSERT_TRUE(hw.host);
  // Peak derived from the array: 2 x 256 PEs x 1 GHz.
  EXPECT_DOUBLE_EQ(hw.matrix.at(model::DType::Int8), 512e9);
  Hardware t = load_hardware("gemmini-transformer");
  EXPECT_EQ(t.find_level("scratchpad")->capacity_bytes, 64 * 1024);
  EXPECT_EQ(t.find_level("accumulator")->capacity_bytes, 256 * 1024);
  EXPECT_TRUE(t.has_special_unit(model::OpKind::LayerNorm));
  EXPECT_TRUE(t.has_special_unit(model::OpKind::Gelu));
}

TEST(SpecParser, UnknownKeysNameThePathAndSuggest) {
  std::string e = error_of(std::string(kMinimal) + "pe_aray: {rows: 4}\n");
  EXPECT_NE(e.find("pe_aray"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'pe_array'"), std::string::npos) << e;
  e = error_of(R"(name: t
matrix: {fp32: 1.0e12}
memory:
  - name: dram
    bandwith_bytes_per_s: 1.0e11
)");
  EXPECT_NE(e.find("memory[0].bandwith_bytes_per_s"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'bandwidth_bytes_per_s'"), std::string::npos) << e;
}

TEST(SpecParser, SemanticErrors) {
  EXPECT_NE(error_of(R"(name: t
matrix: {fp32: 1.0e12}
memory: [{name: dram, bandwidth_bytes_per_s: 0}]
)")
                .find("bandwidth must be positive"),
            std::string::npos);
  EXPECT_NE(error_of(R"(name: t
matrix: {fp32: -5}
memory: [{name: dram, bandwidth_bytes_per_s: 1e9}]
)")
                .find("matrix.fp32"),
            std::string::npos);
  EXPECT_NE(error_of(R"(name: t
kind: accelerator
clock_hz: 1e9
memory:
  - {name: scratchpad, capacity_bytes: 64, bandwidth_bytes_per_s: 1e9}
  - {name: dram, bandwidth_bytes_per_s: 1e9}
pe_array: {rows: 16, cols: 16}
)")
                .find("cannot be fed"),
            std::string::npos);
  EXPECT_NE(error_of(R"(name: t
kind: accelerator
clock_hz: 1e9
memory:
  - {name: scratchpad, capacity_bytes: 65536, bandwidth_bytes_per_s: 1e9}
  - {name: dram, bandwidth_bytes_per_s: 1e9}
pe_array: {rows: 16, cols: 16, dataflow: rs}
)")
                .find("unknown dataflow 'rs'"),
            std::string::npos);
  EXPECT_NE(error_of("name: [1, 2\n").find("malformed YAML"), std::string::npos);
  EXPECT_NE(error_of(R"(name: t
matrix: {fp32: 1.0e12}
memory:
  - {name: sram, capacity_bytes: -1, bandwidth_bytes_per_s: 1e9}
  - {name: dram, bandwidth_bytes_per_s: 1e9}
)")
                .find("capacity_bytes"),
            std::string::npos);
}

TEST(SpecParser, UnknownPresetSuggests) {
  try {
    load_hardware("gemini");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'gemmini'"), std::string::npos) << e.what();
  }
}

TEST(SpecParser, OverridesEditNamedLevels) {
  Hardware hw = load_hardware(
      "gemmini", {"scratchpad.capacity_bytes=65536", "accumulator.capacity_bytes=262144",
                  "pe_array.rows=32", "pe_array.cols=32"});
  EXPECT_EQ(hw.find_level("scratchpad")->capacity_bytes, 65536);
  EXPECT_EQ(hw.find_level("accumulator")->capacity_bytes, 262144);
  EXPECT_EQ(hw.pe_array->rows, 32);
  EXPECT_THROW(load_hardware("gemmini", {"scratchpd.capacity_bytes=1"}), Error);
  EXPECT_THROW(load_hardware("gemmini", {"scratchpad.capacity_bytes"}), Error);
  EXPECT_THROW(load_hardware("gemmini", {"scratchpad.capacity_bytes=0"}), Error);
}

// The DMA's outstanding-request limit (Little's law) and the bias-matrix and blocking-cache
// fields parse, round-trip, and reject nonsense with the path named.
TEST(SpecParser, DmaBiasMatrixAndBlockingCache) {
  Hardware hw = load_hardware("gemmini");
  ASSERT_TRUE(hw.dma.has_value());
  EXPECT_NEAR(hw.dma->bandwidth_bytes_per_s(), 16 * 64 / 100e-9, 1.0);
  EXPECT_TRUE(hw.host->blocking_cache);
  Hardware again = parse_hardware_yaml(hardware_to_yaml(hw), "round trip");
  EXPECT_EQ(again.dma->max_in_flight_requests, 16);
  EXPECT_DOUBLE_EQ(again.dma->latency_s, hw.dma->latency_s);
  EXPECT_TRUE(again.host->blocking_cache);
  EXPECT_EQ(load_hardware("survey-analytical").pe_array->bias_matrix_bytes, 1.0);
  EXPECT_EQ(load_hardware("gemmini", {"dma.latency_s=200e-9"}).dma->bandwidth_bytes_per_s(),
            16 * 64 / 200e-9);
  try {
    load_hardware("gemmini", {"dma.latency_s=0"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("dma.latency_s"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_hardware("gemmini", {"dma.request_bytes=-64"}), Error);
  EXPECT_THROW(load_hardware("gemmini", {"pe_array.bias_matrix_bytes=-1"}), Error);
  EXPECT_THROW(load_hardware("gemmini", {"dma.reqests=3"}), Error);
}

TEST(HostDetect, DescribesThisMachine) {
  Hardware hw = detect_host();
  EXPECT_EQ(hw.name, "host");
  EXPECT_GT(hw.vector.at(model::DType::Fp32), 0);
  EXPECT_GT(hw.dram().bandwidth_bytes_per_s, 0);
  EXPECT_NO_THROW(load_hardware("host"));
}

}  // namespace
}  // namespace tessera::hw
