#include "frontends/verify/ModuleBoundary.h"

#include "frontends/torchscript/Messages.h"
#include "ir/Diagnostic.h"

#include <c10/util/Exception.h>

#include <new>

namespace pd::verify {

std::string runAtModuleBoundary(const std::function<void()> &body, const char *unknown) {
  try {
    body();
    return "";
  } catch (const c10::Error &e) {
    return ts::condenseTorchMessage(e.what_without_backtrace());
  } catch (const Error &e) {
    return ts::oneLine(e.what());
  } catch (const std::bad_alloc &) {
    return "out of memory";
  } catch (const std::exception &e) {
    return ts::condenseTorchMessage(e.what());
  } catch (...) {
    return unknown;
  }
}

} // namespace pd::verify
