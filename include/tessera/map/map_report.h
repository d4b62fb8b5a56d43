// Problem lookup and result formatting for `tessera map`: problems named as matmul:/conv: specs
// or MODEL#OP (one op of a zoo or ONNX model), and the JSON / table views of a MapperResult.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tessera/map/mapper.h"
#include "tessera/model/zoo.h"

namespace tessera::map {

// "matmul:...", "conv:..." or "MODEL#OP" where OP is an op name or its index in the workload.
LoopProblem resolve_problem(const std::string& spec, const model::LoadOptions& load = {});

nlohmann::json nest_json(const LoopProblem& problem, const MapArch& arch, const NestResult& r);
nlohmann::json mapper_result_json(const LoopProblem& problem, const MapArch& arch,
                                  const MapperResult& result);
std::string mapper_result_table(const LoopProblem& problem, const MapArch& arch,
                                const MapperResult& result);

}  // namespace tessera::map
