// libFuzzer target: the Pathfinder normalizer and the hub writer.
#include <cstddef>
#include <cstdint>

#include "fuzz/normalize_hub_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace countryhub::fuzz;
  abort_on_violation(check_normalize_hub(as_text(data, size)));
  return 0;
}
