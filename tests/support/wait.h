#pragma once

#include <chrono>
#include <thread>

namespace gateway::test {

// Polls `done` every `every` until it holds or `limit` has passed; one last look at the end.
// Every wait of the tests is bounded this way.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit,
                std::chrono::milliseconds every = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(every);
  }
  return done();
}

}  // namespace gateway::test
