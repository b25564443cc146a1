#include "ir/StageProgress.h"

#include <iomanip>

namespace pd {

StageProgress::StageProgress(bool enabled, std::ostream &os, std::chrono::milliseconds delay)
    : enabled_(enabled), os_(os), delay_(delay) {
  if (enabled_)
    watcher_ = std::thread([this] { watch(); });
}

StageProgress::~StageProgress() {
  if (!enabled_)
    return;
  end();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
  }
  changed_.notify_all();
  watcher_.join();
}

void StageProgress::begin(std::string name) {
  if (!enabled_)
    return;
  end();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stage_ = std::move(name);
    started_ = std::chrono::steady_clock::now();
    announced_ = false;
    ++generation_;
  }
  changed_.notify_all();
}

void StageProgress::end() {
  if (!enabled_)
    return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (stage_.empty())
    return;
  if (announced_) {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    os_ << "prunedep: " << stage_ << " done in " << std::fixed << std::setprecision(1) << s
        << " s\n"
        << std::flush;
  }
  stage_.clear();
  ++generation_;
  changed_.notify_all();
}

// Sleeps until the current stage has run for `delay_`, then prints it once;
// wakes early whenever a stage begins or ends.
void StageProgress::watch() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!quit_) {
    if (stage_.empty() || announced_) {
      changed_.wait(lock);
      continue;
    }
    uint64_t generation = generation_;
    auto due = started_ + delay_;
    if (changed_.wait_until(lock, due, [&] { return quit_ || generation_ != generation; }))
      continue;
    os_ << "prunedep: " << stage_ << "...\n" << std::flush;
    announced_ = true;
  }
}

} // namespace pd
