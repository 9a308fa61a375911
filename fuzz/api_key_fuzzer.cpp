// libFuzzer target: API key checks, display prefixes and key generation.
#include <cstddef>
#include <cstdint>

#include "fuzz/api_key_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace countryhub::fuzz;
  abort_on_violation(check_api_key(as_text(data, size)));
  return 0;
}
