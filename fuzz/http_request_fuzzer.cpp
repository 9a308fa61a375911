// libFuzzer target: request target, query, country, Accept-Encoding,
// Idempotency-Key and API key header parsing.
#include <cstddef>
#include <cstdint>

#include "fuzz/http_request_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace countryhub::fuzz;
  abort_on_violation(check_http_request(as_text(data, size)));
  return 0;
}
