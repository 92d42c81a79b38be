// sut.h -- the system under test: one bus (either backing) and its writer.
#ifndef SPLINTER_PROPS_SUT_H
#define SPLINTER_PROPS_SUT_H

#include "model.h"

#include <splinter/splinter.hpp>

#include <cstdint>
#include <string>

namespace splinter::props {

// Printable form of a key or value: printable ASCII as is, else \xNN.
std::string escape(const std::string &bytes);

class Sut {
 public:
  // Creates a fresh bus with a unique name (pid + counter) and opens it.
  Sut(Backing backing, std::uint32_t slots, std::uint32_t max_value);
  ~Sut();
  Sut(const Sut &) = delete;
  Sut &operator=(const Sut &) = delete;

  Backing backing() const { return backing_; }
  const std::string &name() const { return name_; }

  // The writer handle the commands mutate through.
  Bus writer;
  // The truth the next command is checked against. It follows RapidCheck's
  // model step for step, except after a crash, where it adopts whichever of
  // old and new the bus shows (both are allowed; RapidCheck's model predicts
  // one of them from the crash point, so only generation could diverge).
  Model model;

  // Closes the writer, destroys the bus and creates a new one.
  void recreate(std::uint32_t slots, std::uint32_t max_value);
  // Re-opens the writer role (after a close or a crashed child writer).
  void reopen_writer();

  // After every command: the validator finds nothing, list equals the
  // model, every live key's get equals the model, keys once set and now
  // absent are NOT_FOUND, the bus epoch equals the model's. RC_FAILs.
  void verify() const;
  // The same reads through any handle (a reader, for one).
  void verify_reads(const Bus &handle, const char *who) const;

 private:
  void create(std::uint32_t slots, std::uint32_t max_value);
  Backing backing_;
  std::string name_;
  std::string dir_;
};

}  // namespace splinter::props

#endif  // SPLINTER_PROPS_SUT_H
