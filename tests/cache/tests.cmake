# Tests of the per-country hub cache with a counting hub source and an
# injected clock.
countryhub_test(cache_tests
  SOURCES cache/hub_cache_test.cpp
  LIBS countryhub_cache Boost::json)
