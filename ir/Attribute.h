// Op attributes: the constant arguments of an op (conv hyper-parameters, cat
// dim, view sizes, ...). A small closed set of kinds so that every attribute
// has a text form that re-parses to the same value.
#pragma once
#include "ir/Symbol.h"

#include <llvm/ADT/ArrayRef.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace pd {

class Attribute {
public:
  struct None {
    bool operator==(const None &) const { return true; }
  };
  using List = std::vector<Attribute>;

  Attribute() : v_(None{}) {}
  Attribute(bool b) : v_(b) {}
  Attribute(int64_t i) : v_(i) {}
  Attribute(int i) : v_(static_cast<int64_t>(i)) {}
  Attribute(double f) : v_(f) {}
  Attribute(std::string s) : v_(std::move(s)) {}
  Attribute(const char *s) : v_(std::string(s)) {}
  Attribute(List l) : v_(std::move(l)) {}
  static Attribute ints(const std::vector<int64_t> &values);

  bool isNone() const { return std::holds_alternative<None>(v_); }
  bool isBool() const { return std::holds_alternative<bool>(v_); }
  bool isInt() const { return std::holds_alternative<int64_t>(v_); }
  bool isFloat() const { return std::holds_alternative<double>(v_); }
  bool isStr() const { return std::holds_alternative<std::string>(v_); }
  bool isList() const { return std::holds_alternative<List>(v_); }

  bool getBool() const { return std::get<bool>(v_); }
  int64_t getInt() const { return std::get<int64_t>(v_); }
  double getFloat() const { return std::get<double>(v_); }
  const std::string &getStr() const { return std::get<std::string>(v_); }
  const List &getList() const { return std::get<List>(v_); }

  // The int value, or the single element of a one-element int list (PyTorch
  // stores many hyper-parameters either way); nullopt otherwise.
  std::optional<int64_t> asInt() const;
  // All elements as ints if this is an int or a list of ints.
  std::optional<std::vector<int64_t>> asInts() const;

  std::string str() const;
  bool operator==(const Attribute &o) const { return v_ == o.v_; }

private:
  std::variant<None, bool, int64_t, double, std::string, List> v_;
};

// Double-quoted with C escapes: the spelling of strings in the text format.
std::string quoteString(const std::string &s);
// The same, appended to `out` (the printer writes a million of them).
void appendQuotedString(std::string &out, std::string_view s);

struct NamedAttribute {
  Symbol name;
  Attribute value;
  bool operator==(const NamedAttribute &o) const { return name == o.name && value == o.value; }
};

using AttributeList = std::vector<NamedAttribute>;

// Attribute lists are uniqued process-wide: most ops of a model share their
// hyper-parameters with others (every 3x3 conv of a stage), so an op holds a
// pointer to one shared, immutable list. Returns the canonical copy.
const AttributeList *internAttributes(AttributeList list);
// The same without a list to give away: copies only when the list is new.
const AttributeList *internAttributes(llvm::ArrayRef<NamedAttribute> list);
// The interned empty list, looked up once (every new op starts with it).
const AttributeList *emptyAttributes();

} // namespace pd
