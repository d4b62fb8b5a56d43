// Human table, JSON and CSV renderings of a ChipReport (`tessera chip show`).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tessera/chip/chip_model.h"

namespace tessera::chip {

std::string chip_report_table(const ChipReport& report, bool with_parts = true);
nlohmann::json chip_report_json(const ChipReport& report);
std::string chip_report_csv(const ChipReport& report);

}  // namespace tessera::chip
