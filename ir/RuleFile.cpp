#include "ir/RuleFile.h"

#include "ir/Parser.h" // readFile

#include <toml++/toml.h>

namespace pd {
namespace {

class RuleReader {
public:
  RuleReader(OpRegistry &r, const std::string &file) : reg_(r), file_(Symbol::get(file)) {}

  void read(const toml::table &root) {
    for (const auto &[key, node] : root) {
      if (key == "op" || key == "module") {
        const toml::table *group = node.as_table();
        if (!group)
          fail(node, "'" + std::string(key.str()) + "' must be a table of rules");
        bool isModule = key == "module";
        for (const auto &[name, rule] : *group)
          readRule(isModule, name, rule);
      } else if (key == "channel-map") {
        const toml::table *maps = node.as_table();
        if (!maps)
          fail(node, "'channel-map' must be a table of op kind = { kind = ..., ... }");
        for (const auto &[name, map] : *maps)
          readChannelMap(name, map);
      } else if (key == "schema") {
        if (!node.is_integer() || node.as_integer()->get() != 1)
          fail(node, "unsupported rule schema (this prunedep reads schema = 1)");
      } else {
        fail(node, "unknown top-level key '" + std::string(key.str()) +
                       "' (expected 'op', 'module', 'channel-map' or 'schema')");
      }
    }
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

  void readRule(bool isModule, const toml::key &name, const toml::node &node) {
    const toml::table *t = node.as_table();
    if (!t)
      fail(node, "rule '" + std::string(name.str()) + "' must be a table");
    if (name.str().empty())
      throw Error(locOf(name), "rule with an empty name");
    OpRule r;
    r.kind = isModule ? moduleOpKind(name.str()) : Symbol::get(name.str());
    r.definedAt = locOf(name);
    r.origin = std::string(file_.str());
    if (isModule)
      r.set(Trait::Leaf);
    for (const auto &[key, value] : *t) {
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
      } else {
        throw Error(locOf(key), "unknown key '" + std::string(k) + "' in rule '" +
                                    std::string(name.str()) + "'");
      }
    }
    reg_.add(std::move(r));
  }

  // One `"aten::cat" = { kind = "concat", dim = "dim" }` entry. A key's value
  // is an attribute name (string) or a literal (integer or boolean).
  void readChannelMap(const toml::key &name, const toml::node &node) {
    const toml::table *t = node.as_table();
    if (!t)
      fail(node, "channel map of '" + std::string(name.str()) +
                     "' must be a table such as { kind = \"elementwise\" }");
    if (name.str().empty())
      throw Error(locOf(name), "channel map with an empty op kind");
    ChannelMap m;
    m.definedAt = locOf(name);
    m.origin = std::string(file_.str());
    const toml::node *kindNode = t->get("kind");
    if (!kindNode)
      fail(node, "channel map of '" + std::string(name.str()) + "' has no 'kind'");
    if (!kindNode->is_string())
      fail(*kindNode, "'kind' must be a string");
    std::optional<ChannelMapKind> kind = parseChannelMapKind(kindNode->as_string()->get());
    if (!kind) {
      std::string known;
      for (size_t i = 0; i < static_cast<size_t>(ChannelMapKind::Count); ++i)
        known += (i ? ", " : "") + std::string(channelMapKindName(static_cast<ChannelMapKind>(i)));
      fail(*kindNode, "unknown channel map kind '" + kindNode->as_string()->get() +
                          "' (known: " + known + ")");
    }
    m.kind = *kind;
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
    for (size_t i = 0; i < static_cast<size_t>(ChannelMapKey::Count); ++i) {
      auto k = static_cast<ChannelMapKey>(i);
      if (channelMapNeeds(m.kind, k) && !m.has(k))
        fail(node, "channel map kind '" + std::string(channelMapKindName(m.kind)) +
                       "' needs key '" + std::string(channelMapKeyName(k)) + "'");
    }
    reg_.setChannelMap(Symbol::get(name.str()), std::move(m));
  }

  OpRegistry &reg_;
  Symbol file_;
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
