#include "passes/core/PluginLoader.h"

#include "ir/RuleFile.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <cstring>

namespace pd {

void PluginRegistrar::addPass(PassInfo info) {
  info.origin = "plugin " + name_;
  passes_.add(std::move(info));
}

void PluginRegistrar::addRule(OpRule rule) {
  if (rule.origin.empty())
    rule.origin = "plugin " + name_;
  rules_.add(std::move(rule));
}

void PluginRegistrar::addRulesToml(std::string_view toml) {
  loadRules(rules_, toml, "<plugin " + name_ + " rules>");
}

LoadedPlugin loadPlugin(const std::string &path, PassRegistry &passes, OpRegistry &rules) {
  auto fail = [&](const std::string &msg) -> Error { return Error(path + ": error: " + msg); };
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    throw fail(std::string("cannot open plugin: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw fail("a plugin must be a shared object file");
  // A path without '/' would make dlopen search the library path; a plugin
  // is only ever the exact file named.
  std::string exact = path.find('/') == std::string::npos ? "./" + path : path;
  void *handle = dlopen(exact.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    throw fail(std::string("not a loadable shared object (") + (why ? why : "unknown reason") + ")");
  }
  using EntryFn = PrunedepPluginInfo (*)();
  auto entry = reinterpret_cast<EntryFn>(dlsym(handle, "prunedepGetPluginInfo"));
  if (!entry) {
    dlclose(handle);
    throw fail("not a prunedep plugin: it does not export prunedepGetPluginInfo");
  }
  PrunedepPluginInfo info = entry();
  if (info.apiVersion != PRUNEDEP_PLUGIN_API_VERSION) {
    dlclose(handle);
    throw fail("plugin API version " + std::to_string(info.apiVersion) +
               " does not match this prunedep (API version " +
               std::to_string(PRUNEDEP_PLUGIN_API_VERSION) + "); rebuild the plugin");
  }
  if (!info.name || !*info.name || !info.registerPlugin) {
    dlclose(handle);
    throw fail("plugin info lacks a name or a registration function");
  }
  LoadedPlugin loaded{path, info.name, info.version ? info.version : "?"};
  // Register into copies and commit only on success, so a plugin that fails
  // half-way leaves no trace in the registries.
  PassRegistry passesCopy = passes;
  OpRegistry rulesCopy = rules;
  PluginRegistrar registrar(passesCopy, rulesCopy, loaded.name);
  try {
    info.registerPlugin(registrar);
  } catch (const std::exception &e) {
    throw fail("plugin '" + loaded.name + "' failed to register: " + e.what());
  } catch (...) {
    throw fail("plugin '" + loaded.name + "' failed to register (unknown exception)");
  }
  passes = std::move(passesCopy);
  rules = std::move(rulesCopy);
  // The handle stays open: the plugin's passes run later.
  return loaded;
}

} // namespace pd
