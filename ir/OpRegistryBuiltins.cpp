// OpRegistry::withBuiltins() on its own: it is the one part of the op table
// that needs the generated data, so the table generator (which links the
// rest of the IR to parse the TOML) never depends on its own output.
#include "ir/BuiltinOpTable.h"

namespace pd {

OpRegistry OpRegistry::withBuiltins() { return OpRegistry(&builtinOpTable()); }

} // namespace pd
