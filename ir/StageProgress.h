// "What is it doing?" for slow stages. Loading and running a big model can
// take many seconds; a terminal user should see which stage is running, but
// a fast run (and every pipe, file and test) should print nothing. So a stage
// is announced only once it has run for `delay`, by a watcher thread, and its
// end then reports the time it took.
#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace pd {

class StageProgress {
public:
  // Disabled (prints nothing, starts no thread) unless `enabled`; drivers
  // pass isatty(2).
  StageProgress(bool enabled, std::ostream &os,
                std::chrono::milliseconds delay = std::chrono::milliseconds(1000));
  ~StageProgress(); // ends the current stage
  StageProgress(const StageProgress &) = delete;
  StageProgress &operator=(const StageProgress &) = delete;

  // Ends the current stage, if any, and starts `name` ("recording shapes").
  void begin(std::string name);
  void end();

private:
  void watch();

  bool enabled_;
  std::ostream &os_;
  std::chrono::milliseconds delay_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string stage_;         // empty: between stages
  uint64_t generation_ = 0;   // bumps at every begin/end
  bool announced_ = false;    // the current stage was printed
  bool quit_ = false;
  std::chrono::steady_clock::time_point started_;
  std::thread watcher_;
};

} // namespace pd
