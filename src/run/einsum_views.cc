#include "run/einsum_views.h"

#include <algorithm>

namespace tessera::run {
namespace {

bool has(const std::string& s, char c) { return s.find(c) != std::string::npos; }

std::vector<int64_t> positions(const std::string& labels, const std::string& order) {
  std::vector<int64_t> p;
  for (char c : order) p.push_back(static_cast<int64_t>(labels.find(c)));
  return p;
}

}  // namespace

std::optional<EinsumView> einsum_view(const std::string& equation, const std::string& which,
                                      const std::vector<int64_t>& a_dims,
                                      const std::vector<int64_t>& b_dims,
                                      const std::vector<int64_t>& einsum_out_dims) {
  std::string eq;
  for (char c : equation)
    if (c != ' ') eq += c;
  size_t arrow = eq.find("->"), comma = eq.find(',');
  if (arrow == std::string::npos || comma == std::string::npos || comma > arrow || has(eq, '.'))
    return std::nullopt;
  std::string la = eq.substr(0, comma), lb = eq.substr(comma + 1, arrow - comma - 1),
              lo = eq.substr(arrow + 2);
  if (la.size() != a_dims.size() || lb.size() != b_dims.size() ||
      lo.size() != einsum_out_dims.size())
    return std::nullopt;
  // Label groups in the order the importer multiplies them (GraphLowerer::emit_einsum).
  std::string batch, m, k, n;
  for (char c : la) {
    if (has(lb, c) && has(lo, c)) {
      int64_t da = a_dims[la.find(c)], db = b_dims[lb.find(c)];
      if (da != db && da != 1 && db != 1) return std::nullopt;
      batch += c;
    } else if (has(lo, c)) {
      m += c;
    } else if (has(lb, c)) {
      k += c;
    } else {
      return std::nullopt;
    }
  }
  for (char c : lb)
    if (!has(la, c)) n += c;
  EinsumView v;
  if (which == "/a") {
    v.in_dims = a_dims;
    v.permutation = positions(la, batch + m + k);
  } else if (which == "/b") {
    v.in_dims = b_dims;
    v.permutation = positions(lb, batch + k + n);
  } else if (which == "/out") {
    std::string product = batch + m + n;
    for (char c : product) v.in_dims.push_back(einsum_out_dims[lo.find(c)]);
    v.permutation = positions(product, lo);
  } else {
    return std::nullopt;
  }
  for (int64_t p : v.permutation)
    if (p < 0) return std::nullopt;
  if (which == "/out") return v;
  // Batch labels of size 1 broadcast against the other operand (numpy rules, as torch.einsum).
  const std::string& own = which == "/a" ? la : lb;
  bool broadcast = false;
  for (int64_t p : v.permutation) {
    char c = own[static_cast<size_t>(p)];
    int64_t size = v.in_dims[static_cast<size_t>(p)];
    if (has(batch, c)) {
      int64_t full = std::max(a_dims[la.find(c)], b_dims[lb.find(c)]);
      broadcast = broadcast || size != full;
      size = full;
    }
    v.broadcast_dims.push_back(size);
  }
  if (!broadcast) v.broadcast_dims.clear();
  return v;
}

}  // namespace tessera::run
