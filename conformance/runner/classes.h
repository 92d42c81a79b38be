// classes.h -- the guarantee classes the cases are grouped in, and the two
// levels a binding or an implementation can claim (README.md, "Classes and
// levels"). Each case belongs to exactly one class, so that a defect of one
// guarantee fails the cases of that class and no others.
#ifndef SPLINTER_CONFORMANCE_CLASSES_H
#define SPLINTER_CONFORMANCE_CLASSES_H

#include <string>
#include <vector>

namespace splc {

struct GuaranteeClass {
  std::string name;   // "keys", "epochs", ...
  int level;          // 1: every binding must pass it; 2: only an implementation of the format can fail it
  std::string title;  // one line: what it guarantees
};

// Every class, in report order.
const std::vector<GuaranteeClass> &guarantee_classes();
// The class of case `name`: `explicit_class` when given (a scripted case's
// "class", a case's own), else from the name (classes.cpp keeps the map).
// "" when nothing says: such a case is reported as unclassified (a defect of
// the suite: the self-test fails on it).
std::string class_of(const std::string &name, const std::string &explicit_class);
// nullptr for an unknown name.
const GuaranteeClass *find_class(const std::string &name);

// The levels: what a binding (level 1) or an implementation of the format
// (level 2) claims when every class up to that level passes.
inline constexpr const char *kLevelName[] = {"", "binding", "format"};

}  // namespace splc

#endif  // SPLINTER_CONFORMANCE_CLASSES_H
