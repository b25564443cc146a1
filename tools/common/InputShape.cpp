#include "tools/common/InputShape.h"

#include <charconv>
#include <cstdio>

namespace pd {

namespace {

// Bytes per element of the dtypes --input-shape accepts.
int64_t elementBytes(DType d) {
  switch (d) {
  case DType::F64: case DType::I64: case DType::C64: return 8;
  case DType::C128: return 16;
  case DType::F32: case DType::I32: return 4;
  case DType::F16: case DType::BF16: case DType::I16: return 2;
  default: return 1;
  }
}

std::string byteCount(double bytes) {
  const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  size_t u = 0;
  while (bytes >= 1024 && u + 1 < sizeof units / sizeof *units) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
  return buf;
}

} // namespace

TensorInputSpec parseInputShape(const std::string &text) {
  auto bad = [&](const std::string &why) {
    return Error("prunedep: error: --input-shape '" + text + "': " + why);
  };
  TensorInputSpec spec;
  std::string dims = text;
  size_t colon = text.find(':');
  if (colon != std::string::npos) {
    dims = text.substr(0, colon);
    std::string dt = text.substr(colon + 1);
    static const std::pair<const char *, DType> names[] = {
        {"float32", DType::F32}, {"float", DType::F32}, {"f32", DType::F32},
        {"float64", DType::F64}, {"double", DType::F64}, {"f64", DType::F64},
        {"float16", DType::F16}, {"half", DType::F16}, {"f16", DType::F16},
        {"bfloat16", DType::BF16}, {"bf16", DType::BF16},
        {"int64", DType::I64}, {"long", DType::I64}, {"i64", DType::I64},
        {"int32", DType::I32}, {"int", DType::I32}, {"i32", DType::I32},
        {"int16", DType::I16}, {"i16", DType::I16},
        {"int8", DType::I8}, {"i8", DType::I8},
        {"uint8", DType::U8}, {"u8", DType::U8},
        {"bool", DType::Bool}};
    bool found = false;
    for (const auto &[n, d] : names)
      if (dt == n) {
        spec.dtype = d;
        found = true;
      }
    if (!found)
      throw bad("unknown dtype '" + dt +
                "' (use float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8 or bool)");
  }
  size_t i = 0;
  while (true) {
    size_t x = dims.find('x', i);
    std::string part = dims.substr(i, x == std::string::npos ? std::string::npos : x - i);
    int64_t v = 0;
    auto r = std::from_chars(part.data(), part.data() + part.size(), v);
    if (r.ec == std::errc::result_out_of_range && r.ptr == part.data() + part.size())
      throw bad("dimension " + part + " does not fit in 64 bits");
    if (part.empty() || r.ec != std::errc() || r.ptr != part.data() + part.size())
      throw bad("expected dimensions like 1x3x224x224, optionally :int64");
    if (v <= 0)
      throw bad("dimension " + part + " must be at least 1 (the model is run on a random input of this shape)");
    spec.shape.push_back(v);
    if (spec.shape.size() > kMaxInputRank)
      throw bad("more than " + std::to_string(kMaxInputRank) + " dimensions");
    if (x == std::string::npos)
      break;
    i = x + 1;
  }
  // The input is allocated and filled: refuse what would exhaust memory (the
  // analysis needs the shapes only, so batch 1 and a small size do).
  int64_t numel = 1;
  for (int64_t d : spec.shape)
    if (__builtin_mul_overflow(numel, d, &numel))
      throw bad("the tensor would have more elements than fit in 64 bits");
  int64_t bytes = 0;
  if (__builtin_mul_overflow(numel, elementBytes(spec.dtype), &bytes) || bytes > kMaxInputBytes)
    throw bad("the input would take " + byteCount(double(numel) * double(elementBytes(spec.dtype))) +
              "; prunedep refuses inputs above " + byteCount(double(kMaxInputBytes)) +
              " (the analysis needs only the shapes: use batch 1 and a small size the model accepts)");
  return spec;
}

std::vector<TensorInputSpec> parseInputShapes(const std::string &shapes) {
  std::vector<TensorInputSpec> specs;
  size_t start = 0;
  while (true) {
    size_t comma = shapes.find(',', start);
    specs.push_back(parseInputShape(shapes.substr(start, comma - start)));
    if (comma == std::string::npos)
      return specs;
    start = comma + 1;
  }
}

} // namespace pd
