# Tests of the per-minute limiter, the credit ledger with its group
# committer, and overage pricing, with an injected clock.
countryhub_test(limits_tests
  SOURCES billing/minute_limiter_test.cpp billing/ledger_test.cpp
  LIBS countryhub_billing)
