// Event counters for NLP-Perf's cachestat and custom modes (002 Sec. IV): perf_event_open,
// one counter per event per engine thread, summed. Event names: the perf tool's generic names
// (cycles, instructions, LLC-load-misses, task-clock, page-faults, context-switches, ...) or
// any name libpfm4 knows. Virtual machines often expose software events only; availability is
// detected once and said once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::run {

struct EventSpec {
  std::string name;
  uint32_t type = 0;    // perf_event_attr.type
  uint64_t config = 0;  // perf_event_attr.config
  bool hardware = false;
};

// Throws tessera::Error naming the event when neither the built-in table nor libpfm4 knows it.
EventSpec resolve_event(const std::string& name);

// Whether hardware (PMU) events can be opened here; `why` gets the reason when not.
bool hardware_events_available(std::string* why = nullptr);

class CounterSet {
 public:
  // Opens every event on each of `threads` OpenMP threads. Events that cannot be opened are
  // dropped and listed in dropped().
  CounterSet(const std::vector<EventSpec>& events, int threads);
  ~CounterSet();
  CounterSet(const CounterSet&) = delete;
  CounterSet& operator=(const CounterSet&) = delete;

  const std::vector<EventSpec>& events() const { return open_; }
  const std::vector<std::string>& dropped() const { return dropped_; }
  std::vector<uint64_t> read() const;  // per open event, summed over threads

 private:
  std::vector<EventSpec> open_;
  std::vector<std::string> dropped_;
  std::vector<std::vector<int>> fds_;  // [event][thread]
};

}  // namespace tessera::run
