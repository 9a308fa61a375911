# Regression tests of the fuzz targets: every seed in fuzz/corpus/<target>/
# and every saved crash in fuzz/regressions/<target>/ goes through the same
# fuzz/<target>_entry.hpp check as the libFuzzer program, built with the
# regular compiler so the regular suite keeps the fixes.
countryhub_test(fuzz_regression_tests
  SOURCES fuzz_regressions/fuzz_regressions_test.cpp
  LIBS countryhub_app Boost::json simdjson::simdjson)
target_include_directories(fuzz_regression_tests PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_definitions(fuzz_regression_tests PRIVATE
  COUNTRYHUB_FUZZ_DIR="${PROJECT_SOURCE_DIR}/fuzz")
