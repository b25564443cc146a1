#!/bin/sh
# `meson install` puts the Python package where /usr/bin/python3 looks: stages
# an install, checks the package directory is one of the interpreter's site
# directories (the stage prefix removed), and imports the staged package and
# analyses a small model with it.
# usage: installed-package.sh BUILD_DIR
set -eu
build=$1
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
meson install -C "$build" --destdir "$stage" --no-rebuild --quiet >/dev/null
init=$(find "$stage" -path '*/prunedep/__init__.py' | head -n 1)
[ -n "$init" ] || { echo "FAIL: no prunedep/__init__.py installed"; exit 1; }
site=$(dirname "$(dirname "$init")")
installed=${site#"$stage"}
echo "installed in $installed"
/usr/bin/python3 -c 'import site, sys; sys.exit(sys.argv[1] not in site.getsitepackages())' "$installed" \
  || { echo "FAIL: $installed is not a site directory of /usr/bin/python3"; exit 1; }
lib=$(dirname "$(find "$stage" -name 'libprunedep.so*' | head -n 1)")
cd "$stage"
PYTHONPATH="$site" LD_LIBRARY_PATH="$lib" /usr/bin/python3 -c '
import sys, torch, prunedep
assert prunedep.__file__.startswith(sys.argv[1]), prunedep.__file__
m = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 1), torch.nn.ReLU(), torch.nn.Conv2d(8, 4, 1))
r = prunedep.analyze(m, torch.randn(1, 3, 8, 8), passes="channel-dependency")
assert r["channel-dependency"].sets == [["0"], ["2"]], r.to_json()
' "$site"
echo ok
