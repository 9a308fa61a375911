# Tests of plans, API keys, periods, access checks and account management,
# against a real SQLite store in a temporary folder.
countryhub_test(billing_tests
  SOURCES
    billing/access_auth_test.cpp
    billing/accounts_input_test.cpp
    billing/accounts_test.cpp
    billing/api_key_test.cpp
    billing/ledger_credits_test.cpp
    billing/periods_test.cpp
    billing/plans_test.cpp
  LIBS countryhub_billing)
