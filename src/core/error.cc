#include "tessera/core/error.h"

namespace tessera {

void rethrow_with_context(const std::string& context) {
  try {
    throw;
  } catch (const Error& e) {
    throw Error(context + ": " + e.what(), e.kind());
  } catch (const std::exception& e) {
    throw Error(context + ": " + e.what(), ErrorKind::Failure);
  }
}

}  // namespace tessera
