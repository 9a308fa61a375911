# One crash-safety round: load the real server, SIGKILL it at a random
# moment, restart it, and check the recorded credits and the database
# (tests/crash/crash_safety.py; run it with --rounds N for more).
add_test(NAME crash_safety_round
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/crash_safety.py
          --binary $<TARGET_FILE:countryhub>
          --replay ${PROJECT_SOURCE_DIR}/examples/replay
          --rounds 1)
set_tests_properties(crash_safety_round PROPERTIES TIMEOUT 120)
