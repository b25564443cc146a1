#include "ir/RuleFile.h"

#include "ir/Parser.h" // readFile

#include <toml++/toml.h>

#include <algorithm>
#include <utility>

namespace pd {
namespace {

// A located op name: `[op."x"]`'s key, or a string of an entry's `names`.
struct NamedAt {
  std::string name;
  Location at;
};

class RuleReader {
public:
  RuleReader(OpRegistry &r, const std::string &file) : reg_(r), file_(Symbol::get(file)) {}

  void read(const toml::table &root) {
    readSchema(root);
    for (const auto &[key, node] : root) {
      std::string_view k = key.str();
      if (k == "op" || k == "module") {
        const toml::table *group = node.as_table();
        if (!group)
          fail(node, "'" + std::string(k) + "' must be a table of rules");
        bool isModule = k == "module";
        for (const auto &[name, rule] : *group)
          readRule(isModule, name, rule);
      } else if ((k == "ops" || k == "modules") && schema_ >= 2) {
        readFamilies(k == "modules", node);
      } else if (k == "channel-map") {
        if (schema_ >= 2)
          fail(node, "a schema-2 file has no [channel-map] table: give each op's map in its entry, "
                     "as channel-map = { kind = ... } (or keep the file at schema = 1)");
        const toml::table *maps = node.as_table();
        if (!maps)
          fail(node, "'channel-map' must be a table of op kind = { kind = ..., ... }");
        for (const auto &[name, map] : *maps) {
          if (name.str().empty() && map.is_table())
            throw Error(locOf(name), "channel map with an empty op kind");
          reg_.setChannelMap(Symbol::get(name.str()),
                             readChannelMap("'" + std::string(name.str()) + "'", map, locOf(name),
                                            /*inlineForm=*/false));
        }
      } else if (k == "schema") {
        continue; // read first, by readSchema
      } else if (schema_ >= 2) {
        fail(node, "unknown top-level key '" + std::string(k) +
                       "' (expected 'op', 'module', 'ops', 'modules' or 'schema')");
      } else {
        std::string hint = k == "ops" || k == "modules"
                               ? "; [[" + std::string(k) + "]] entries need schema = 2"
                               : "";
        fail(node, "unknown top-level key '" + std::string(k) +
                       "' (expected 'op', 'module', 'channel-map' or 'schema'" + hint + ")");
      }
    }
    defineEntries();
  }

private:
  Location locOf(const toml::node &n) const {
    const auto &b = n.source().begin;
    return {file_, static_cast<uint32_t>(b.line), static_cast<uint32_t>(b.column)};
  }
  Location locOf(const toml::key &k) const {
    const auto &b = k.source().begin;
    return {file_, static_cast<uint32_t>(b.line), static_cast<uint32_t>(b.column)};
  }
  [[noreturn]] void fail(const toml::node &n, const std::string &msg) const {
    throw Error(locOf(n), msg);
  }

  // `schema = 1` (the default: separate [channel-map] table, a later rule
  // keeps the op's map) or `schema = 2` (one entry per op or family, maps
  // inline). Read before the other keys, which TOML++ visits by name.
  void readSchema(const toml::table &root) {
    const toml::node *n = root.get("schema");
    if (!n)
      return;
    if (!n->is_integer() || n->as_integer()->get() < 1 || n->as_integer()->get() > 2)
      fail(*n, "unsupported rule schema (this prunedep reads schema = 1 or 2)");
    schema_ = static_cast<int>(n->as_integer()->get());
  }

  Symbol stringValue(const toml::node &n, std::string_view key) const {
    if (!n.is_string())
      fail(n, "'" + std::string(key) + "' must be a string (an attribute name)");
    return Symbol::get(n.as_string()->get());
  }
  unsigned countValue(const toml::node &n, std::string_view key) const {
    if (!n.is_integer() || n.as_integer()->get() < 0 || n.as_integer()->get() > 1000000)
      fail(n, "'" + std::string(key) + "' must be a non-negative integer");
    return static_cast<unsigned>(n.as_integer()->get());
  }

  // `[op."x"]` / `[module.X]`: one op.
  void readRule(bool isModule, const toml::key &name, const toml::node &node) {
    const toml::table *t = node.as_table();
    if (!t)
      fail(node, "rule '" + std::string(name.str()) + "' must be a table");
    if (name.str().empty())
      throw Error(locOf(name), "rule with an empty name");
    readEntry(isModule, /*family=*/false, {{std::string(name.str()), locOf(name)}}, *t,
              "rule '" + std::string(name.str()) + "'", "'" + std::string(name.str()) + "'");
  }

  // `[[ops]]` / `[[modules]]` (schema 2): entries for several ops that share
  // every fact, named by `names = [...]`.
  void readFamilies(bool isModule, const toml::node &node) {
    std::string what = isModule ? "[[modules]]" : "[[ops]]";
    std::string notEntries = "'" + std::string(isModule ? "modules" : "ops") + "' must be " + what +
                             " entries, each with names = [...] (one " +
                             (isModule ? "module type is [module.X]" : "op is [op.\"x\"]") + ")";
    const toml::array *entries = node.as_array();
    if (!entries)
      fail(node, notEntries);
    for (const toml::node &e : *entries) {
      const toml::table *t = e.as_table();
      if (!t)
        fail(e, notEntries);
      const toml::node *namesNode = t->get("names");
      if (!namesNode)
        fail(e, what + " entry without 'names' (the " + (isModule ? "module types" : "op kinds") +
                    " it describes)");
      const toml::array *names = namesNode->as_array();
      if (!names || names->empty())
        fail(*namesNode, "'names' must be a non-empty array of " +
                             std::string(isModule ? "module types" : "op kinds"));
      std::vector<NamedAt> ops;
      for (const toml::node &n : *names) {
        if (!n.is_string() || n.as_string()->get().empty())
          fail(n, "a name in 'names' must be a non-empty string");
        ops.push_back({n.as_string()->get(), locOf(n)});
      }
      readEntry(isModule, /*family=*/true, ops, *t, "the " + what + " entry",
                "this " + what + " entry");
    }
  }

  // The keys of a rule (and a family's `names`, already read), for each of
  // `ops`. `what` names the entry in messages ("rule 'x'"); `whose` names it
  // after "channel map of".
  void readEntry(bool isModule, bool family, const std::vector<NamedAt> &ops,
                 const toml::table &t, const std::string &what, const std::string &whose) {
    OpRule r;
    r.origin = std::string(file_.str());
    if (isModule)
      r.set(Trait::Leaf);
    std::optional<ChannelMap> map;
    for (const auto &[key, value] : t) {
      std::string_view k = key.str();
      if (k == "traits") {
        const toml::array *a = value.as_array();
        if (!a)
          fail(value, "'traits' must be an array of trait names");
        for (const toml::node &e : *a) {
          if (!e.is_string())
            fail(e, "a trait must be a string");
          auto trait = parseTrait(e.as_string()->get());
          if (!trait)
            fail(e, "unknown trait '" + e.as_string()->get() + "'");
          r.set(*trait);
        }
      } else if (k == "out_channels") {
        r.outChannelsAttr = stringValue(value, k);
      } else if (k == "in_channels") {
        r.inChannelsAttr = stringValue(value, k);
      } else if (k == "groups") {
        r.groupsAttr = stringValue(value, k);
      } else if (k == "num_groups") {
        r.numGroupsAttr = stringValue(value, k);
      } else if (k == "dim") {
        r.dimAttr = stringValue(value, k);
      } else if (k == "operands") {
        if (const toml::array *a = value.as_array()) {
          if (a->size() != 2)
            fail(value, "'operands' must be a count or [min, max]");
          r.minOperands = countValue(*a->get(0), k);
          r.maxOperands = countValue(*a->get(1), k);
        } else {
          r.minOperands = r.maxOperands = countValue(value, k);
        }
      } else if (k == "results") {
        r.numResults = countValue(value, k);
      } else if (k == "channel-map" && schema_ >= 2) {
        map = readChannelMap(whose, value, locOf(key), /*inlineForm=*/true);
      } else if (k == "names" && family) {
        continue; // read by readFamilies
      } else {
        std::string hint;
        if (k == "channel-map" && schema_ < 2)
          hint = " (an inline channel map needs schema = 2; in a schema-1 file it goes in the "
                 "[channel-map] table)";
        else if (k == "names")
          hint = schema_ < 2 ? " ([[ops]] and [[modules]] entries with names need schema = 2)"
                             : " ('names' belongs to [[ops]] and [[modules]] entries)";
        throw Error(locOf(key), "unknown key '" + std::string(k) + "' in " + what + hint);
      }
    }
    // An elementwise or transparent op with no map of its own maps as
    // elementwise: every dim of every tensor is the same dim of the others
    // (what passes/channels/ChannelMaps.cpp's channelMapOf assumes of a
    // schema-1 rule given by its traits alone).
    bool derived = !map && schema_ >= 2 && (r.has(Trait::Elementwise) || r.has(Trait::Transparent));
    for (const NamedAt &op : ops) {
      OpRule one = r;
      one.kind = isModule ? moduleOpKind(op.name) : Symbol::get(op.name);
      one.definedAt = op.at;
      if (map) {
        one.channelMap = map;
      } else if (derived) {
        one.channelMap.emplace();
        one.channelMap->definedAt = op.at;
        one.channelMap->origin = r.origin;
      }
      if (schema_ >= 2)
        entries_.push_back(std::move(one));
      else
        reg_.add(std::move(one));
    }
  }

  // A channel map: `{ kind = "concat", dim = "dim" }` (a key's value is an
  // attribute name, a string, or a literal, an integer or boolean) or, inline
  // in a schema-2 entry, just the kind's name for a kind that needs no keys.
  ChannelMap readChannelMap(const std::string &whose, const toml::node &node, Location at,
                            bool inlineForm) {
    ChannelMap m;
    m.definedAt = at;
    m.origin = std::string(file_.str());
    if (inlineForm && node.is_string()) {
      m.kind = mapKind(node, node.as_string()->get());
      checkNeededKeys(m, node);
      return m;
    }
    const toml::table *t = node.as_table();
    if (!t)
      fail(node, inlineForm ? "'channel-map' must be a kind name or a table such as "
                              "{ kind = \"elementwise\" }"
                            : "channel map of " + whose +
                                  " must be a table such as { kind = \"elementwise\" }");
    const toml::node *kindNode = t->get("kind");
    if (!kindNode)
      fail(node, "channel map of " + whose + " has no 'kind'");
    if (!kindNode->is_string())
      fail(*kindNode, "'kind' must be a string");
    m.kind = mapKind(*kindNode, kindNode->as_string()->get());
    for (const auto &[key, value] : *t) {
      if (key.str() == "kind")
        continue;
      std::optional<ChannelMapKey> k = parseChannelMapKey(key.str());
      if (!k || !channelMapTakes(m.kind, *k))
        throw Error(locOf(key), "channel map kind '" + std::string(channelMapKindName(m.kind)) +
                                    "' takes no key '" + std::string(key.str()) +
                                    "' (it takes: " + channelMapKeyList(m.kind) + ")");
      ChannelMapArg &arg = m.arg(*k);
      if (value.is_string() && !value.as_string()->get().empty())
        arg.attr = Symbol::get(value.as_string()->get());
      else if (value.is_integer())
        arg.literal = value.as_integer()->get();
      else if (value.is_boolean())
        arg.literal = value.as_boolean()->get() ? 1 : 0;
      else
        fail(value, "'" + std::string(key.str()) +
                        "' must be an attribute name (a non-empty string) or an integer or boolean");
    }
    checkNeededKeys(m, node);
    return m;
  }

  ChannelMapKind mapKind(const toml::node &n, const std::string &name) const {
    std::optional<ChannelMapKind> kind = parseChannelMapKind(name);
    if (!kind) {
      std::string known;
      for (size_t i = 0; i < static_cast<size_t>(ChannelMapKind::Count); ++i)
        known += (i ? ", " : "") + std::string(channelMapKindName(static_cast<ChannelMapKind>(i)));
      fail(n, "unknown channel map kind '" + name + "' (known: " + known + ")");
    }
    return *kind;
  }

  void checkNeededKeys(const ChannelMap &m, const toml::node &node) const {
    for (size_t i = 0; i < static_cast<size_t>(ChannelMapKey::Count); ++i) {
      auto k = static_cast<ChannelMapKey>(i);
      if (channelMapNeeds(m.kind, k) && !m.has(k))
        fail(node, "channel map kind '" + std::string(channelMapKindName(m.kind)) +
                       "' needs key '" + std::string(channelMapKeyName(k)) + "'");
    }
  }

  // Schema 2: every entry is read before any is defined, in file order, so a
  // second definition of an op is reported where it is, naming the first.
  void defineEntries() {
    auto position = [](const OpRule &r) { return std::pair(r.definedAt.line, r.definedAt.col); };
    std::stable_sort(entries_.begin(), entries_.end(),
                     [&](const OpRule &a, const OpRule &b) { return position(a) < position(b); });
    llvm::DenseMap<uint32_t, Location> seen;
    for (const OpRule &r : entries_) {
      auto [it, inserted] = seen.try_emplace(r.kind.id(), r.definedAt);
      if (!inserted)
        throw Error(r.definedAt, "'" + std::string(r.kind.str()) + "' is already defined at line " +
                                     std::to_string(it->second.line) + ", column " +
                                     std::to_string(it->second.col) +
                                     " (a schema-2 file gives each op one entry: merge the two or "
                                     "drop one)");
    }
    for (OpRule &r : entries_)
      reg_.define(std::move(r));
    entries_.clear();
  }

  OpRegistry &reg_;
  Symbol file_;
  int schema_ = 1;
  std::vector<OpRule> entries_; // schema 2: read, not yet defined
};

// TOML++ limits nested arrays and inline tables (256 levels) but not dotted
// keys: `a.a.a... = 1` and `[a.a.a...]` become nested tables, built and freed
// recursively, and 100000 levels overflow the stack. No rule needs more than
// three levels, so a key with more than kMaxKeyParts parts is refused before
// TOML++ sees the text. The scan follows TOML's lexical structure (strings,
// comments, headers, key/value lines, inline tables and arrays) only as far
// as needed to know which dots separate key parts.
constexpr unsigned kMaxKeyParts = 32;

void checkKeyDepth(std::string_view text, const std::string &fileName) {
  std::vector<char> nesting; // '{' or '[' of the value being read
  bool inKey = true;         // reading a key (line start, header, after '{' or ',' in a table)
  unsigned dots = 0;
  uint32_t line = 1;
  size_t lineStart = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      lineStart = i + 1;
      if (nesting.empty()) {
        inKey = true;
        dots = 0;
      }
      continue;
    }
    if (c == '#') { // a comment: to the end of the line
      while (i + 1 < text.size() && text[i + 1] != '\n')
        ++i;
      continue;
    }
    if (c == '"' || c == '\'') { // a string: skip it (escapes only in "...")
      bool multi = text.substr(i, 3) == std::string(3, c);
      size_t j = i + (multi ? 3 : 1);
      while (j < text.size()) {
        if (c == '"' && text[j] == '\\') {
          j += 2;
          continue;
        }
        if (multi ? text.substr(j, 3) == std::string(3, c) : text[j] == c) {
          j += multi ? 3 : 1;
          break;
        }
        if (text[j] == '\n') {
          if (!multi)
            break; // unterminated: TOML++ reports it; the newline is read below
          ++line;
          lineStart = j + 1;
        }
        ++j;
      }
      i = j - 1;
      continue;
    }
    if (inKey) {
      if (c == '.' && ++dots >= kMaxKeyParts)
        throw Error(Location{Symbol::get(fileName), line, static_cast<uint32_t>(i - lineStart + 1)},
                    "a key with more than " + std::to_string(kMaxKeyParts) +
                        " dotted parts (rule files need at most three levels)");
      if (c == '=' || c == ']') {
        inKey = c == ']'; // after a header only a comment may follow
        dots = 0;
      }
      continue;
    }
    if (c == '{' || c == '[') {
      nesting.push_back(c);
      inKey = c == '{';
      dots = 0;
    } else if ((c == '}' || c == ']') && !nesting.empty()) {
      nesting.pop_back();
    } else if (c == ',' && !nesting.empty() && nesting.back() == '{') {
      inKey = true;
      dots = 0;
    }
  }
}

} // namespace

void loadRules(OpRegistry &registry, std::string_view text, const std::string &fileName) {
  checkKeyDepth(text, fileName);
  toml::table root;
  try {
    root = toml::parse(text, fileName);
  } catch (const toml::parse_error &e) {
    Location loc{Symbol::get(fileName), static_cast<uint32_t>(e.source().begin.line),
                 static_cast<uint32_t>(e.source().begin.column)};
    throw Error(loc, std::string(e.description()));
  }
  RuleReader(registry, fileName).read(root);
}

void loadRuleFile(OpRegistry &registry, const std::string &path) {
  loadRules(registry, readFile(path), path);
}

} // namespace pd
