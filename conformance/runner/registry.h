// registry.h -- the list of conformance cases. Each case tests one thing
// and is named for it: "<kind>/<group>/<what>".
#ifndef SPLINTER_CONFORMANCE_REGISTRY_H
#define SPLINTER_CONFORMANCE_REGISTRY_H

#include "context.h"

#include <functional>
#include <string>
#include <vector>

namespace splc {

struct Case {
  std::string name;
  std::string doc;  // one line: what conforming behaviour it checks
  std::function<void(Ctx &)> run;
  std::string cls = {};  // its guarantee class (classes.h); empty: from the name
};

// Each test kind adds its cases. Scripted cases come from JSON-lines files
// (embedded at build time, or from `dir` when given).
void add_script_cases(std::vector<Case> &out, const std::string &dir);
void add_model_cases(std::vector<Case> &out);
void add_vector_cases(std::vector<Case> &out);
void add_interop_cases(std::vector<Case> &out);
void add_process_cases(std::vector<Case> &out);
void add_waiting_cases(std::vector<Case> &out);
void add_resource_cases(std::vector<Case> &out);
void add_creation_cases(std::vector<Case> &out);
void add_feed_cases(std::vector<Case> &out);

}  // namespace splc

#endif  // SPLINTER_CONFORMANCE_REGISTRY_H
