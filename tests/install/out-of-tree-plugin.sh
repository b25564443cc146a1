#!/bin/sh
# Installs prunedep into a staging directory, builds the example plugins and
# the guide's analysis (the code blocks of docs/writing-a-pass.md) out of
# tree with nothing but pkg-config and g++, runs each from the installed
# prunedep, and runs the installed prunedep with no arguments from another
# directory.
# usage: out-of-tree-plugin.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1 src=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
meson install -C "$build" --destdir "$stage" --no-rebuild --quiet >/dev/null
pc=$(dirname "$(find "$stage" -name prunedep.pc | head -n 1)")
[ -n "$pc" ] || { echo "FAIL: no prunedep.pc installed"; exit 1; }
export PKG_CONFIG_PATH="$pc" PKG_CONFIG_SYSROOT_DIR="$stage"
flags=$(pkg-config --cflags --libs prunedep)
echo "pkg-config: $flags"
# Only the installed headers: the sources include "passes/core/Plugin.h" etc.
g++ -shared -fPIC -o "$stage/fused-add-rules.so" "$src/plugins/fused-add-rules/FusedAddRules.cpp" $flags
g++ -shared -fPIC -o "$stage/channel-budget.so" "$src/plugins/channel-budget/ChannelBudget.cpp" $flags
python3=$(command -v /usr/bin/python3 || command -v python3)
"$python3" "$src/tools/extract_guide_code.py" "$src/docs/writing-a-pass.md" "$stage/ResidualDependency.cpp"
g++ -shared -fPIC -o "$stage/residual-dependency.so" "$stage/ResidualDependency.cpp" $flags
prunedep=$(find "$stage" -path '*/bin/prunedep' | head -n 1)
cat > "$stage/fused.pdir" <<'PDIR'
graph @g(%x: f32[1,4,2,2]) {
  %y: f32[1,4,2,2] = mylib::fused_add(%x, %x)
  return %y
}
PDIR
out=$("$prunedep" --unknown-ops=error --load-plugin "$stage/fused-add-rules.so" --passes=op-stats "$stage/fused.pdir")
echo "$out"
echo "$out" | grep -q "1	mylib::fused_add" || { echo "FAIL: plugin rule not used"; exit 1; }
if "$prunedep" --unknown-ops=error --passes=op-stats "$stage/fused.pdir" 2>/dev/null; then
  echo "FAIL: without the plugin the op must be unknown"; exit 1
fi
out=$("$prunedep" --load-plugin "$stage/channel-budget.so" --passes=channel-budget \
  "$src/tests/examples/residual-block.pdir")
echo "$out"
echo "$out" | grep -q "16 ch, keep a multiple of 1, remove at most 15: block.conv2 conv1" ||
  { echo "FAIL: channel-budget plugin"; exit 1; }
out=$("$prunedep" --load-plugin "$stage/residual-dependency.so" --passes=residual-dependency \
  "$src/tests/examples/residual-block.pdir")
echo "$out"
echo "$out" | grep -qx "set 1  16 ch  block.conv2, conv1" ||
  { echo "FAIL: the guide's residual-dependency analysis"; exit 1; }
# The installed binary, from another directory, with no INPUT: the built-in
# model (only when the TorchScript frontend was built and installed).
if find "$stage" -name libprunedep_torchscript.so | grep -q .; then
  report=$(cd / && "$prunedep") || { echo "FAIL: installed prunedep without INPUT failed"; exit 1; }
  echo "$report" | head -n 5
  echo "$report" | head -n 1 | grep -q "analysing the built-in model .*resnet18.pt" ||
    { echo "FAIL: the first line does not name the built-in model"; exit 1; }
  echo "$report" | grep -qx "set 1  64 ch  conv1, layer1.0.conv2, layer1.1.conv2" ||
    { echo "FAIL: no resnet18 report from the installed binary"; exit 1; }
fi
echo "out-of-tree plugins (fused-add-rules, channel-budget, the guide's residual-dependency): ok"
