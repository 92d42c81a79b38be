// adapter_main.cpp -- splinter-conformance-adapter, the C++ reference
// adapter: reads one JSON request per line on stdin, writes one JSON answer
// per line on stdout (conformance/PROTOCOL.md). Exits 0 at end of input.
//
//   splinter-conformance-adapter [--broken flip-byte|wrong-status]
//
// --broken exists only for the negative controls (conformance/CMakeLists.txt).
#include "handler.h"

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

int main(int argc, char **argv) {
  splc::Broken broken = splc::Broken::none;
  std::string name = "cpp-reference";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--broken" && i + 1 < argc) {
      const std::string mode = argv[++i];
      if (mode == "flip-byte") broken = splc::Broken::flip_byte;
      else if (mode == "wrong-status") broken = splc::Broken::wrong_status;
      else {
        std::fprintf(stderr, "unknown --broken mode %s\n", mode.c_str());
        return 2;
      }
      name += "(broken:" + mode + ")";
    } else {
      std::fprintf(stderr, "usage: %s [--broken flip-byte|wrong-status]\n", argv[0]);
      return 2;
    }
  }
  splc::ReferenceHandler handler(name, broken);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    nlohmann::json answer;
    try {
      answer = handler.handle(nlohmann::json::parse(line));
    } catch (const nlohmann::json::exception &e) {
      answer = {{"status", "ADAPTER_ERROR"}, {"detail", std::string("unparsable request: ") + e.what()}};
    }
    std::cout << answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n' << std::flush;
  }
  handler.close_all();
  return 0;
}
