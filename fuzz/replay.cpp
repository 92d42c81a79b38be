// replay.cpp -- a plain main() for a fuzz target, so that its corpus and
// every past crash run as an ordinary test with any compiler (no libFuzzer).
//
//   fuzz_replay_<target> [--expect-failure] FILE_OR_DIR...
//
// Runs LLVMFuzzerTestOneInput once per file (directories: every regular file
// in them, in name order). Exits 0 when every input passed; an oracle
// failure or a sanitizer report aborts. With --expect-failure (the negative
// controls: a target linked with a deliberately broken library) the run
// passes only if some input makes the oracle fail.
#include "common.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

int main(int argc, char **argv) {
  bool expect_failure = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--expect-failure") {
      expect_failure = true;
    } else if (std::filesystem::is_directory(arg)) {
      std::vector<std::string> in_dir;
      for (const auto &e : std::filesystem::directory_iterator(arg))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.') in_dir.push_back(e.path().string());
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else if (std::filesystem::is_regular_file(arg)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "replay: no such file or directory: %s\n", arg.c_str());
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s [--expect-failure] FILE_OR_DIR... (no inputs found)\n", argv[0]);
    return 2;
  }
  fuzz::expect_failure(expect_failure);
  for (const auto &f : files) {
    const std::vector<std::uint8_t> bytes = fuzz::read_image(f);
    std::fprintf(stderr, "replay %s (%zu bytes)\n", f.c_str(), bytes.size());
    // A copy in its own allocation, so ASan sees reads past the input's end.
    std::vector<std::uint8_t> copy(bytes);
    const int rc = LLVMFuzzerTestOneInput(copy.empty() ? nullptr : copy.data(), copy.size());
    if (rc != 0 && rc != -1) {
      std::fprintf(stderr, "replay: %s: the target returned %d\n", f.c_str(), rc);
      return 1;
    }
  }
  if (expect_failure) {
    std::fprintf(stderr, "replay: NEGATIVE CONTROL FAILED: no input of %zu made the oracle fail\n", files.size());
    return 1;
  }
  std::fprintf(stderr, "replay: %zu inputs passed\n", files.size());
  return 0;
}
