// sut.h -- the system under test: one bus (either backing) and its writer,
// and the oracle that compares any handle on it with the model.
#ifndef SPLINTER_PROPS_SUT_H
#define SPLINTER_PROPS_SUT_H

#include "model.h"

#include <splinter/splinter.hpp>

#include <cstdint>
#include <string>

namespace splinter::props {

// Printable form of a key or value: printable ASCII as is, else \xNN.
std::string escape(const std::string &bytes);

// The oracle, through any handle (`who` names it in messages): the
// validator reports nothing -- or, when `bus_epoch_lags` (a writer died
// right after its commit store, FORMAT.md section 3), only F13 findings --;
// list equals the model (keys, lengths, epochs, each once); every live key's
// get equals the model (bytes and epoch); keys once set and now absent are
// NOT_FOUND; the bus epoch equals the model's. RC_FAILs.
void verify_bus(const Bus &handle, const Model &m, const char *who, bool bus_epoch_lags = false);

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

  // Closes the writer, destroys the bus and creates a new one.
  void recreate(std::uint32_t slots, std::uint32_t max_value);
  // Re-opens the writer role (after a close or a crashed child writer).
  void reopen_writer();
  // After every command: verify_bus through the writer, against the model
  // state after the command.
  void verify(const Model &m) const;

 private:
  void create(std::uint32_t slots, std::uint32_t max_value);
  Backing backing_;
  std::string name_;
  std::string dir_;
};

}  // namespace splinter::props

#endif  // SPLINTER_PROPS_SUT_H
