// libFuzzer target: the excerpt of untrusted text used in messages and logs.
#include <cstddef>
#include <cstdint>

#include "fuzz/printable_excerpt_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace countryhub::fuzz;
  abort_on_violation(check_printable_excerpt(as_text(data, size)));
  return 0;
}
