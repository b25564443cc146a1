#include "passes/core/Session.h"

#include "ir/RuleFile.h"
#include "passes/core/PluginLoader.h"

namespace pd {

Registries loadRegistries(const std::vector<std::string> &plugins,
                          const std::vector<std::string> &ruleFiles) {
  Registries r{OpRegistry::withBuiltins(), PassRegistry::withBuiltins()};
  for (const std::string &p : plugins)
    loadPlugin(p, r.passes, r.rules);
  for (const std::string &f : ruleFiles)
    loadRuleFile(r.rules, f);
  return r;
}

void writeJsonResult(const PassResult &r, JsonWriter &w) {
  w.beginObject();
  w.key("pass").value(r.pass);
  if (!r.options.items().empty()) {
    w.key("options").beginObject();
    for (const auto &[k, v] : r.options.items())
      w.key(k).value(v);
    w.endObject();
  }
  r.writeJson(w);
  w.endObject();
}

void writeJsonReport(const PassContext &ctx, const std::string &model, std::ostream &os) {
  JsonWriter w(os);
  w.beginObject();
  w.key("schema").value("prunedep/1");
  w.key("model").value(model);
  w.key("results").beginArray();
  for (const auto &r : ctx.results) {
    w.newline();
    writeJsonResult(*r, w);
  }
  w.endArray();
  w.endObject();
  os << '\n';
}

} // namespace pd
