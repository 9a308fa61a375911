# Hostile clients against the real `countryhub serve`: raw sockets on
# 127.0.0.1 sending broken framing, encoding tricks, pipelined and slow
# requests and thousands of connections.
add_library(countryhub_raw_http_support STATIC
  hostile/contract.cpp
  hostile/process_stats.cpp
  hostile/raw_http.cpp
)
target_link_libraries(countryhub_raw_http_support PUBLIC countryhub_service_support Boost::json)

countryhub_test(hostile_tests
  SOURCES
    hostile/connection_flood_test.cpp
    hostile/connection_semantics_test.cpp
    hostile/malformed_head_test.cpp
    hostile/query_tricks_test.cpp
    hostile/slow_clients_test.cpp
  LIBS countryhub_raw_http_support)
add_dependencies(hostile_tests countryhub)

