#include "passes/core/PassRegistry.h"

#include "ir/Diagnostic.h"

namespace pd {

#define PD_PASS(NAME, CLASS, DESC)                                                                 \
  std::unique_ptr<Pass> create##CLASS();                                                           \
  std::vector<PassOptionInfo> CLASS##Options();
#include "passes/core/Passes.def"

PassRegistry PassRegistry::withBuiltins() {
  PassRegistry r;
#define PD_PASS(NAME, CLASS, DESC) r.add({NAME, DESC, CLASS##Options(), create##CLASS, "builtin"});
#include "passes/core/Passes.def"
  return r;
}

void PassRegistry::add(PassInfo info) {
  if (info.name.empty())
    throw Error("a pass must have a name");
  for (char c : info.name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      throw Error("pass name '" + info.name + "' may only use a-z, 0-9, '-' and '_'");
  if (const PassInfo *old = lookup(info.name))
    throw Error("pass '" + info.name + "' from " + info.origin + " is already registered by " +
                old->origin);
  if (!info.create)
    throw Error("pass '" + info.name + "' has no factory");
  passes_.push_back(std::move(info));
}

const PassInfo *PassRegistry::lookup(std::string_view name) const {
  for (const PassInfo &p : passes_)
    if (p.name == name)
      return &p;
  return nullptr;
}

std::unique_ptr<Pass>
PassRegistry::create(const PassInfo &info,
                     const std::vector<std::pair<std::string, std::string>> &given) const {
  PassOptions opts;
  for (const PassOptionInfo &o : info.options)
    opts.set(o.key, o.defaultValue);
  for (const auto &[key, value] : given) {
    const PassOptionInfo *decl = nullptr;
    for (const PassOptionInfo &o : info.options)
      if (o.key == key)
        decl = &o;
    if (!decl) {
      std::string known;
      for (const PassOptionInfo &o : info.options)
        known += (known.empty() ? "" : ", ") + o.key;
      throw Error("pass '" + info.name + "' has no option '" + key + "'" +
                  (known.empty() ? " (it takes none)" : " (options: " + known + ")"));
    }
    if (!decl->allowed.empty()) {
      bool ok = false;
      std::string list;
      for (const std::string &a : decl->allowed) {
        ok |= a == value;
        list += (list.empty() ? "" : "|") + a;
      }
      if (!ok)
        throw Error("option '" + key + "' of pass '" + info.name + "' must be one of " + list +
                    ", not '" + value + "'");
    }
    opts.set(key, value);
  }
  std::unique_ptr<Pass> p = info.create();
  if (!p)
    throw Error("the factory of pass '" + info.name + "' returned nothing");
  p->name_ = info.name;
  p->options_ = std::move(opts);
  return p;
}

} // namespace pd
