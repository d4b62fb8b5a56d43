// Private: what each zoo family file provides to the registry (zoo.cc).
#pragma once

#include <vector>

#include "tessera/model/zoo.h"

namespace tessera::model::zoo {

struct FamilyGroup {
  std::vector<ZooFamily> families;
  std::vector<ZooPreset> presets;
};

#define TESSERA_ZOO_FAMILY(factory) FamilyGroup factory();
#include "model/zoo/families.def"
#undef TESSERA_ZOO_FAMILY

}  // namespace tessera::model::zoo
