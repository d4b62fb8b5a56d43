#include "tessera/run/perf_counters.h"

#include <linux/perf_event.h>
#include <omp.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "tessera/core/error.h"

#if TESSERA_HAVE_PFM
#include <perfmon/pfmlib_perf_event.h>
#endif

namespace tessera::run {
namespace {

constexpr uint64_t cache_config(uint64_t cache, uint64_t op, uint64_t result) {
  return cache | (op << 8) | (result << 16);
}

const std::map<std::string, EventSpec>& builtin_events() {
  static const std::map<std::string, EventSpec> events = [] {
    std::map<std::string, EventSpec> m;
    auto sw = [&](const char* n, uint64_t c) { m[n] = {n, PERF_TYPE_SOFTWARE, c, false}; };
    auto hw = [&](const char* n, uint64_t c) { m[n] = {n, PERF_TYPE_HARDWARE, c, true}; };
    auto cache = [&](const char* n, uint64_t c) { m[n] = {n, PERF_TYPE_HW_CACHE, c, true}; };
    sw("task-clock", PERF_COUNT_SW_TASK_CLOCK);
    sw("cpu-clock", PERF_COUNT_SW_CPU_CLOCK);
    sw("page-faults", PERF_COUNT_SW_PAGE_FAULTS);
    sw("minor-faults", PERF_COUNT_SW_PAGE_FAULTS_MIN);
    sw("major-faults", PERF_COUNT_SW_PAGE_FAULTS_MAJ);
    sw("context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES);
    sw("cpu-migrations", PERF_COUNT_SW_CPU_MIGRATIONS);
    hw("cycles", PERF_COUNT_HW_CPU_CYCLES);
    hw("instructions", PERF_COUNT_HW_INSTRUCTIONS);
    hw("cache-references", PERF_COUNT_HW_CACHE_REFERENCES);
    hw("cache-misses", PERF_COUNT_HW_CACHE_MISSES);
    hw("branch-misses", PERF_COUNT_HW_BRANCH_MISSES);
    cache("LLC-loads", cache_config(PERF_COUNT_HW_CACHE_LL, PERF_COUNT_HW_CACHE_OP_READ,
                                    PERF_COUNT_HW_CACHE_RESULT_ACCESS));
    cache("LLC-load-misses", cache_config(PERF_COUNT_HW_CACHE_LL, PERF_COUNT_HW_CACHE_OP_READ,
                                          PERF_COUNT_HW_CACHE_RESULT_MISS));
    cache("L1-dcache-load-misses",
          cache_config(PERF_COUNT_HW_CACHE_L1D, PERF_COUNT_HW_CACHE_OP_READ,
                       PERF_COUNT_HW_CACHE_RESULT_MISS));
    cache("dTLB-load-misses", cache_config(PERF_COUNT_HW_CACHE_DTLB, PERF_COUNT_HW_CACHE_OP_READ,
                                           PERF_COUNT_HW_CACHE_RESULT_MISS));
    return m;
  }();
  return events;
}

int open_event(const EventSpec& e) {
  perf_event_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.size = sizeof(attr);
  attr.type = e.type;
  attr.config = e.config;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  if (e.type == PERF_TYPE_SOFTWARE) attr.exclude_kernel = 0;  // faults are counted in-kernel
  return static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
}

}  // namespace

EventSpec resolve_event(const std::string& name) {
  auto it = builtin_events().find(name);
  if (it != builtin_events().end()) return it->second;
#if TESSERA_HAVE_PFM
  static bool initialised = pfm_initialize() == PFM_SUCCESS;
  if (initialised) {
    perf_event_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    pfm_perf_encode_arg_t arg;
    std::memset(&arg, 0, sizeof(arg));
    arg.attr = &attr;
    arg.size = sizeof(arg);
    if (pfm_get_os_event_encoding(name.c_str(), PFM_PLM3, PFM_OS_PERF_EVENT, &arg) == PFM_SUCCESS)
      return {name, attr.type, attr.config, attr.type != PERF_TYPE_SOFTWARE};
  }
#endif
  std::string known;
  for (auto& [n, e] : builtin_events()) known += (known.empty() ? "" : ", ") + n;
  throw Error("unknown event '" + name + "' (known: " + known + ", or a libpfm4 event name)");
}

bool hardware_events_available(std::string* why) {
  int fd = open_event(builtin_events().at("cycles"));
  if (fd >= 0) {
    close(fd);
    return true;
  }
  if (why) *why = std::string("perf_event_open(cycles) failed: ") + std::strerror(errno);
  return false;
}

CounterSet::CounterSet(const std::vector<EventSpec>& events, int threads) {
  for (const EventSpec& e : events) {
    std::vector<int> fds(static_cast<size_t>(threads), -1);
    bool ok = true;
#pragma omp parallel num_threads(threads) reduction(&& : ok)
    {
      int fd = open_event(e);  // counts the calling (worker) thread
      fds[static_cast<size_t>(omp_get_thread_num())] = fd;
      ok = ok && fd >= 0;
    }
    if (!ok) {
      for (int fd : fds)
        if (fd >= 0) close(fd);
      dropped_.push_back(e.name);
      continue;
    }
    open_.push_back(e);
    fds_.push_back(std::move(fds));
  }
}

CounterSet::~CounterSet() {
  for (auto& fds : fds_)
    for (int fd : fds) close(fd);
}

std::vector<uint64_t> CounterSet::read() const {
  std::vector<uint64_t> values(fds_.size(), 0);
  for (size_t e = 0; e < fds_.size(); ++e)
    for (int fd : fds_[e]) {
      uint64_t v = 0;
      if (::read(fd, &v, sizeof(v)) == sizeof(v)) values[e] += v;
    }
  return values;
}

}  // namespace tessera::run
