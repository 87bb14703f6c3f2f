// The deadline of the incoming call a worker thread is serving, so that the
// calls it makes to the statistics service never outlive it. Set for the
// duration of one call with ScopedCallDeadline; thread-local, so it needs no
// locking and cannot leak into another call.
#ifndef IMDI_AWARD_STATS_CALL_DEADLINE_H_
#define IMDI_AWARD_STATS_CALL_DEADLINE_H_

#include "absl/time/time.h"

namespace imdi::award {

class ScopedCallDeadline {
 public:
  explicit ScopedCallDeadline(absl::Time deadline) : previous_(current()) { current() = deadline; }
  ~ScopedCallDeadline() { current() = previous_; }
  ScopedCallDeadline(const ScopedCallDeadline&) = delete;
  ScopedCallDeadline& operator=(const ScopedCallDeadline&) = delete;

  // The deadline of the call being served; InfiniteFuture when none.
  static absl::Time Current() { return current(); }

 private:
  static absl::Time& current() {
    thread_local absl::Time deadline = absl::InfiniteFuture();
    return deadline;
  }
  absl::Time previous_;
};

// The deadline of one outgoing call: its own budget, capped by the incoming
// call's deadline.
inline absl::Time OutgoingDeadline(absl::Time now, absl::Duration budget, absl::Time incoming) {
  return std::min(now + budget, incoming);
}

}  // namespace imdi::award

#endif  // IMDI_AWARD_STATS_CALL_DEADLINE_H_
