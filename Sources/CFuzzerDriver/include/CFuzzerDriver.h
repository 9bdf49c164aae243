// libFuzzer's driver, for a fuzz target that has a main function of its own: SwiftPM links an
// executable's entry under its own name (`stackc_fuzz_main`), so libFuzzer's `main` is never
// linked in, and the target runs the driver itself. Only `stackc-fuzz` built with
// `-sanitize=fuzzer -DFUZZING` (`make fuzz`) calls it; libFuzzer defines it then.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
