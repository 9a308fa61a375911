# Tests of the SQLite store. SQLite is linked directly as well, so that the
# tests can inspect the file (user_version, journal mode) without the store.
find_package(SQLite3 REQUIRED)
countryhub_test(store_tests
  SOURCES
    store/migrations_test.cpp
    store/sqlite_store_accounts_test.cpp
    store/sqlite_store_batch_test.cpp
    store/sqlite_store_charge_test.cpp
    store/sqlite_store_keys_test.cpp
    store/sqlite_store_open_test.cpp
    store/store_test.cpp
  LIBS countryhub_store SQLite::SQLite3)
