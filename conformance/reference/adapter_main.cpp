// adapter_main.cpp -- splinter-conformance-adapter, the C++ reference
// adapter: reads one JSON request per line on stdin, writes one JSON answer
// per line on stdout (conformance/PROTOCOL.md). Exits 0 at end of input.
//
//   splinter-conformance-adapter [--broken MODE]
//
// --broken exists only for the negative controls (conformance/CMakeLists.txt;
// the modes are in handler.h).
#include "handler.h"

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

int main(int argc, char **argv) {
  splc::Broken broken = splc::Broken::none;
  std::string name = "cpp-reference";
  const auto &modes = splc::broken_names();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    bool known = false;
    if (arg == "--broken" && i + 1 < argc) {
      const std::string mode = argv[++i];
      for (std::size_t m = 1; m < modes.size(); ++m)
        if (modes[m] == mode) broken = static_cast<splc::Broken>(m), known = true;
      if (known) name += "(broken:" + mode + ")";
    }
    if (!known) {
      std::string all;
      for (std::size_t m = 1; m < modes.size(); ++m) all += (m > 1 ? "|" : "") + modes[m];
      std::fprintf(stderr, "usage: %s [--broken %s]\n", argv[0], all.c_str());
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
