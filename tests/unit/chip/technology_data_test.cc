// data/chip/technology.yaml and data/chip/presets/*.yaml are the documented copies of what is
// compiled in: keep them in step.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "tessera/chip/spec_parser.h"
#include "tessera/chip/technology.h"
#include "tessera/core/atomic_file.h"

namespace tessera::chip {
namespace {

TEST(ChipTechnologyData, YamlMatchesCompiledTable) {
  const auto root = YAML::LoadFile(std::string(TESSERA_DATA_DIR) + "/chip/technology.yaml");
  ASSERT_EQ(root["nodes"].size(), known_nodes().size());
  for (const auto& n : root["nodes"]) {
    const auto t = technology_for(n["node_nm"].as<int>());
    EXPECT_DOUBLE_EQ(t.vdd_nominal_v, n["vdd_nominal_v"].as<double>());
    EXPECT_DOUBLE_EQ(t.logic_area_scale, n["logic_area_scale"].as<double>());
    EXPECT_DOUBLE_EQ(t.logic_energy_scale, n["logic_energy_scale"].as<double>());
    EXPECT_NEAR(t.fo4_s, n["fo4_ps"].as<double>() * 1e-12, 1e-18);
    EXPECT_DOUBLE_EQ(t.sram_cell_area_um2, n["sram_cell_um2"].as<double>());
  }
}

TEST(ChipTechnologyData, PresetFilesAreCompiledIn) {
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(TESSERA_DATA_DIR) + "/chip/presets")) {
    ++files;
    const std::string stem = entry.path().stem().string();
    bool found = false;
    for (const auto& p : chip_presets())
      if (p.name == stem) found = p.yaml == read_file(entry.path().string());
    EXPECT_TRUE(found) << stem;
  }
  EXPECT_EQ(files, static_cast<int>(chip_presets().size()));
}

}  // namespace
}  // namespace tessera::chip
