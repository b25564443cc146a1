// Unit tests of the LibTorch-free parts of the TorchScript frontend: value
// naming and the condensing of LibTorch messages into one line.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "frontends/torchscript/Messages.h"
#include "frontends/torchscript/NameTable.h"

#include <doctest/doctest.h>

using namespace pd::ts;

TEST_CASE("names are unique and readable") {
  NameTable t;
  CHECK(t.unique("layer1.0.relu").str() == "layer1.0.relu");
  CHECK(t.unique("layer1.0.relu").str() == "layer1.0.relu_1");
  CHECK(t.unique("layer1.0.relu").str() == "layer1.0.relu_2");
  // A base that looks like a suffixed name does not collide.
  CHECK(t.unique("x_1").str() == "x_1");
  CHECK(t.unique("x").str() == "x");
  CHECK(t.unique("x").str() == "x_2");
}

TEST_CASE("short kinds drop namespace and underscores") {
  CHECK(shortKind("aten::relu_") == "relu");
  CHECK(shortKind("aten::__and__") == "and");
  CHECK(shortKind("aten::_convolution") == "convolution");
  CHECK(shortKind("prim::Parameter") == "Parameter");
  CHECK(joinPath("", "add") == "add");
  CHECK(joinPath("layer1.0", "add") == "layer1.0.add");
}

TEST_CASE("an interpreter traceback condenses to its reason") {
  std::string what = "The following operation failed in the TorchScript interpreter.\n"
                     "Traceback of TorchScript, serialized code (most recent call last):\n"
                     "  File \"code/__torch__/torch/nn/modules/conv.py\", line 12, in forward\n"
                     "    _0 = torch._convolution(x, weight, bias, [2, 2], [3, 3])\n"
                     "         ~~~~~~~~~~~~~~~~~~ <--- HERE\n"
                     "RuntimeError: Expected 3D (unbatched) or 4D (batched) input to conv2d, but got\n"
                     "input of size: [1, 3, 224]\n";
  CHECK(condenseTorchMessage(what) ==
        "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [1, 3, 224]");
}

TEST_CASE("a C++ backtrace is dropped") {
  std::string what = "PytorchStreamReader failed reading zip archive: failed finding central directory\n"
                     "Exception raised from valid at ../caffe2/serialize/inline_container.cc:184 "
                     "(most recent call first):\nframe #0: c10::Error::Error(...)\n";
  CHECK(condenseTorchMessage(what) ==
        "PytorchStreamReader failed reading zip archive: failed finding central directory");
  CHECK(condenseTorchMessage("") == "unknown LibTorch error");
  CHECK(oneLine("  a\n  b\t c ") == "a b c");
}

TEST_CASE("a compilation error keeps its first line, without the excerpt's colon") {
  std::string what = "\nUnknown type name '__torch__.torch.nn.modules.conv.Conv2d':\n"
                     "  File \"code/__torch__.py\", line 6\n"
                     "  conv : __torch__.torch.nn.modules.conv.Conv2d\n"
                     "         ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ <--- HERE\n";
  CHECK(condenseTorchMessage(what) == "Unknown type name '__torch__.torch.nn.modules.conv.Conv2d'");
}

TEST_CASE("LibTorch's requests to report bugs are dropped: the input is at fault") {
  CHECK(condenseTorchMessage("isInt() INTERNAL ASSERT FAILED at \"ivalue.h\":602, please report a "
                             "bug to PyTorch. \n") == "isInt() INTERNAL ASSERT FAILED at \"ivalue.h\":602");
  CHECK(condenseTorchMessage("Expected hasRecord(\"version\") to be true, but got false.  (Could this "
                             "error message be improved?  If so, please report an enhancement "
                             "request to PyTorch.)") ==
        "Expected hasRecord(\"version\") to be true, but got false.");
}

TEST_CASE("bytes of a corrupt archive are escaped, UTF-8 is kept") {
  CHECK(printableText("found '\x98' here") == "found '\\x98' here");
  CHECK(printableText("a\x01" "b\x7f") == "a\\x01b\\x7f");
  CHECK(printableText("caf\xc3\xa9 \xe2\x86\x92") == "caf\xc3\xa9 \xe2\x86\x92");
  CHECK(printableText("cut \xc3") == "cut \\xc3");
  CHECK(condenseTorchMessage("expected a valid token but found '\x98' here:\n  File \"code/x.py\", line 1\n") ==
        "expected a valid token but found '\\x98' here");
}
