// Linked into every test binary (minutes_test): when a fixture's SetUpTestSuite fails, GoogleTest
// marks its tests "[  SKIPPED ]", and CTest (gtest_discover_tests' SKIP_REGULAR_EXPRESSION)
// then counts them as skipped, not failed, so a broken fixture could pass CI. No test here skips
// itself, so such a test ends the process with a failure before the SKIPPED line is printed.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

namespace {

class FailSkippedSuites : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo& info) override {
    const ::testing::TestSuite* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
    if (suite != nullptr && suite->ad_hoc_test_result().Failed()) {
      std::fprintf(stderr, "%s.%s: its test suite's set-up failed (see above); failing\n",
                   info.test_suite_name(), info.name());
      std::fflush(stdout);
      std::_Exit(1);
    }
  }
};

const bool kInstalled = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new FailSkippedSuites);
  return true;
}();

}  // namespace
