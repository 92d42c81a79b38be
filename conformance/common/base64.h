// base64.h -- RFC 4648 base64 (standard alphabet, '=' padding), as the
// adapter protocol carries binary values and keys (conformance/PROTOCOL.md):
// the one implementation splinterctl shares (testsupport/include/testsupport/codec.h).
#ifndef SPLINTER_CONFORMANCE_BASE64_H
#define SPLINTER_CONFORMANCE_BASE64_H

#include "testsupport/codec.h"

namespace splc {

using codec::base64_decode;
using codec::base64_encode;

}  // namespace splc

#endif  // SPLINTER_CONFORMANCE_BASE64_H
