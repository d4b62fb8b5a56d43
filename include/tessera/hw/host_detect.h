// The "host" hardware preset: this machine, detected at run time (issue #4). Cores, SIMD width
// (AVX-512 or AVX2 from /proc/cpuinfo flags), clock and caches from /sys. DRAM bandwidth is a
// stated assumption unless measured on request (a timed streaming pass, `--measure`).
#pragma once

#include "tessera/hw/hardware.h"

namespace tessera::hw {

struct HostDetectOptions {
  bool measure_bandwidth = false;  // run a ~0.2 s streaming test instead of assuming
};

Hardware detect_host(const HostDetectOptions& options = {});

// Bytes per second of a large streaming read+write pass on one core (the caller's thread).
double measure_stream_bandwidth_bytes_per_s();

}  // namespace tessera::hw
