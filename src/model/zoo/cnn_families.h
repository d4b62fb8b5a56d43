// Private: CNN family groups that live in their own files but register through an existing
// factory of families.def: efficientnet_families() returns EfficientNet, EfficientNet-X and
// cnn-stages; inception_families() returns Inception-v3 and NASNet-A.
#pragma once

#include "model/zoo/zoo_registry.h"

namespace tessera::model::zoo {

FamilyGroup efficientnet_x_group();  // efficientnet_x.cc (004 Table 1)
FamilyGroup cnn_stages_group();      // cnn_stages.cc (stage table from a YAML model file)
FamilyGroup nasnet_group();          // cnn_nasnet.cc (registered by inception_families())

}  // namespace tessera::model::zoo
