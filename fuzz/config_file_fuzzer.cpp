// libFuzzer target: the `--config` file parser.
#include <cstddef>
#include <cstdint>

#include "fuzz/config_file_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace countryhub::fuzz;
  abort_on_violation(check_config_file(as_text(data, size)));
  return 0;
}
