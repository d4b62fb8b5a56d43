// Memory arrays, CACTI-style (NeuroMeter 003 Sec. II-B maps on-chip memories onto arrays):
// one bank is split into subarrays of rows x columns with a column multiplexer; the
// organisation is searched to minimise area x sqrt(energy x delay) (CACTI's Ndwl/Ndbl/Nspd
// search: Wilton & Jouppi, JSSC 31(5) 1996; Thoziyoor et al., CACTI 5.1, HPL-2008-20).
// Decoder, wordline, bitline, sense-amplifier and H-tree energy, delay and area are modelled
// analytically; an edge-fed array (ArraySpec::edge_port) has no data H-tree.
// Cells: 6T SRAM (more ports grow the cell), flip-flops (register arrays), 1T1C eDRAM.
#pragma once

#include <cstdint>
#include <string>

#include "tessera/chip/technology.h"

namespace tessera::chip {

enum class CellKind { Sram, Dff, Edram };
CellKind parse_cell_kind(const std::string& name);  // "sram" | "dff" | "edram"
std::string_view cell_kind_name(CellKind kind);

struct ArraySpec {
  int64_t capacity_bytes = 0;
  int64_t width_bytes = 8;  // bits moved per access / 8
  int read_ports = 1;       // read-only ports
  int write_ports = 1;      // write-only ports (0 with read_ports >= 1 = one shared RW port)
  CellKind cell = CellKind::Sram;
  // Edge-fed port: the word's bits leave every activated subarray at the array's edge into the
  // consumer beside it (a datapath-pitched memory, e.g. a weight buffer along a MAC array)
  // instead of travelling an H-tree to one port. Only organisations whose subarrays all take
  // part in every access (one strip along the edge: CACTI's Ndbl = 1) qualify.
  bool edge_port = false;
};

struct ArrayResult {
  double area_um2 = 0;
  double read_energy_pj = 0;  // one access of width_bytes
  double write_energy_pj = 0;
  double leakage_w = 0;      // includes eDRAM refresh
  double access_time_s = 0;  // address in to data out
  // Read energy by part (pJ), CACTI's report categories: bitlines (the swing of every activated
  // column), column periphery (precharge/equalise, column select, sense amplifiers), decoder +
  // wordline, and the route between the port and the subarrays (H-tree, address and data).
  double bitline_pj = 0, column_periphery_pj = 0, decoder_wordline_pj = 0, htree_pj = 0;
  double cycle_time_s = 0;  // minimum time between accesses on one port
  int64_t rows = 0, columns = 0, mux = 1, subarrays = 1;
  std::string organisation() const;  // "32 x (512x256, mux 4)"
};

// One bank. Throws tessera::Error for an empty or impossibly small array.
ArrayResult memory_array(const Technology& t, const ArraySpec& spec);

}  // namespace tessera::chip
