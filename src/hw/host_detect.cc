// Detecting the machine tessera runs on as a processor spec: cores (sysconf), SIMD width and
// FMA units (AVX-512 -> 16 fp32 lanes, AVX2 -> 8, else SSE 4) from /proc/cpuinfo flags, clock
// from cpufreq or cpuinfo, caches from /sys/devices/system/cpu/cpu0/cache (cpuinfo "cache size"
// when /sys lacks them). Peak fp32 = cores x clock x lanes x 2 FMA units x 2 ops (an
// assumption stated in `sources`). DRAM bandwidth is assumed unless measured.
#include "tessera/hw/host_detect.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace tessera::hw {
namespace {

constexpr double kAssumedDramBandwidth = 20e9;  // one DDR4-2666 channel, ~21 GB/s peak
constexpr double kAssumedClockHz = 2.0e9;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The value after "key\t: " of the first cpuinfo line starting with key.
std::string cpuinfo_field(const std::string& cpuinfo, const std::string& key) {
  std::istringstream in(cpuinfo);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(std::min(line.size(), colon + 2));
    }
  return "";
}

int64_t parse_size(const std::string& text) {  // "32K", "1024 KB", "36608K"
  if (text.empty()) return 0;
  int64_t value = 0;
  size_t i = 0;
  while (i < text.size() && isdigit(static_cast<unsigned char>(text[i])))
    value = value * 10 + (text[i++] - '0');
  while (i < text.size() && text[i] == ' ') ++i;
  if (i < text.size() && (text[i] == 'K' || text[i] == 'k')) value *= 1024;
  if (i < text.size() && text[i] == 'M') value *= 1024 * 1024;
  return value;
}

struct Cache {
  int level = 0;
  int64_t bytes = 0;
};

std::vector<Cache> sys_caches() {
  std::vector<Cache> caches;
  for (int i = 0; i < 8; ++i) {
    std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    std::string type = read_text(dir + "type");
    if (type.empty()) break;
    if (type == "Instruction") continue;
    caches.push_back(
        {std::atoi(read_text(dir + "level").c_str()), parse_size(read_text(dir + "size"))});
  }
  return caches;
}

}  // namespace

double measure_stream_bandwidth_bytes_per_s() {
  const size_t n = size_t{1} << 25;  // 2 x 128 MiB of floats: far beyond any cache
  std::vector<float> a(n, 1.0f), b(n, 2.0f);
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < n; ++i) b[i] = a[i] * 1.0001f + b[i];
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, 3.0 * static_cast<double>(n * sizeof(float)) / s);  // 2 reads, 1 write
  }
  volatile float sink = b[n / 2];
  (void)sink;
  return best;
}

Hardware detect_host(const HostDetectOptions& options) {
  Hardware hw;
  hw.name = "host";
  hw.kind = HardwareKind::Processor;
  std::string cpuinfo = read_text("/proc/cpuinfo");
  std::string model_name = cpuinfo_field(cpuinfo, "model name");
  hw.description = "this machine (detected): " + (model_name.empty() ? "unknown CPU" : model_name);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (cores < 1) cores = 1;

  double clock_hz = 0;
  std::string max_khz = read_text("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
  if (!max_khz.empty()) clock_hz = std::atof(max_khz.c_str()) * 1e3;
  if (clock_hz <= 0) clock_hz = std::atof(cpuinfo_field(cpuinfo, "cpu MHz").c_str()) * 1e6;
  std::string clock_source = clock_hz > 0 ? "cpufreq / /proc/cpuinfo" : "assumed 2 GHz (not found)";
  if (clock_hz <= 0) clock_hz = kAssumedClockHz;
  hw.clock_hz = clock_hz;

  std::string flags = " " + cpuinfo_field(cpuinfo, "flags") + " ";
  int lanes = 4;
  std::string simd = "sse";
  if (flags.find(" avx512f ") != std::string::npos)
    lanes = 16, simd = "avx512f";
  else if (flags.find(" avx2 ") != std::string::npos)
    lanes = 8, simd = "avx2";
  double peak_fp32 = static_cast<double>(cores) * clock_hz * lanes * 2 /*FMA units*/ * 2 /*ops*/;
  hw.vector.ops_per_s[model::DType::Fp32] = peak_fp32;
  hw.matrix.ops_per_s[model::DType::Fp32] = peak_fp32;  // GEMM runs on the same SIMD units
  if (flags.find(" avx512_vnni ") != std::string::npos ||
      flags.find(" avx_vnni ") != std::string::npos)
    hw.matrix.ops_per_s[model::DType::Int8] = peak_fp32 * 4;  // VNNI: 4 int8 MACs per fp32 lane

  double dram_bw = kAssumedDramBandwidth;
  std::string bw_source = "assumed 20 GB/s (one DDR4-2666 channel); run with --measure";
  if (options.measure_bandwidth) {
    dram_bw = measure_stream_bandwidth_bytes_per_s();
    bw_source = "measured: one-core streaming triad over 256 MiB";
  }
  std::vector<Cache> caches = sys_caches();
  std::string cache_source = "/sys/devices/system/cpu/cpu0/cache";
  if (caches.empty()) {
    int64_t llc = parse_size(cpuinfo_field(cpuinfo, "cache size"));
    if (llc > 0) caches.push_back({2, llc});
    cache_source = "/proc/cpuinfo cache size (no /sys cache info)";
  }
  // Cache bandwidth per level: a load of `lanes` fp32 per cycle per core, halved per level out.
  double l1_bw = static_cast<double>(cores) * clock_hz * lanes * 4 * 2;
  int index = 0;
  for (const Cache& c : caches) {
    if (c.bytes <= 0) continue;
    MemoryLevel level;
    level.name = "l" + std::to_string(c.level) + (index++ == 0 && c.level == 1 ? "d" : "");
    if (hw.find_level(level.name)) level.name += "_" + std::to_string(index);
    level.capacity_bytes = c.bytes;
    level.bandwidth_bytes_per_s = l1_bw / static_cast<double>(1 << (c.level - 1));
    level.source = cache_source;
    hw.memory.push_back(level);
  }
  MemoryLevel dram;
  dram.name = "dram";
  dram.bandwidth_bytes_per_s = dram_bw;
  dram.off_chip = true;
  dram.source = bw_source;
  hw.memory.push_back(dram);

  hw.sources["cores"] = std::to_string(cores) + " online (sysconf)";
  hw.sources["clock_hz"] = clock_source;
  hw.sources["simd"] = simd + " from /proc/cpuinfo flags: " + std::to_string(lanes) + " fp32 lanes";
  hw.sources["vector.fp32"] = "cores x clock x lanes x 2 FMA units x 2 ops (assumes 2 FMA pipes)";
  hw.sources["memory.dram"] = bw_source;
  return hw;
}

}  // namespace tessera::hw
