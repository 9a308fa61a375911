# Security checks: secrets stay out of every output, one account's key
# reaches only that account, key lookups see only hashes, SQL carries no
# values, and the database files are private.
find_package(OpenSSL REQUIRED)
countryhub_test(security_tests
  SOURCES
    security/account_isolation_test.cpp
    security/key_lookup_test.cpp
    security/secret_exposure_test.cpp
    security/sql_binding_test.cpp
    security/store_permissions_test.cpp
  LIBS countryhub_service_support countryhub_billing OpenSSL::Crypto Boost::json)
target_compile_definitions(security_tests PRIVATE
  COUNTRYHUB_SOURCE_DIR="${PROJECT_SOURCE_DIR}/src")
add_dependencies(security_tests countryhub)
