# lit configuration for prunedep's file tests: each .pdir/.toml/.test file
# carries its own RUN lines and CHECK lines (FileCheck), like LLVM and MLIR.
import os
import lit.formats

config.name = 'prunedep'
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = ['.pdir', '.test']
config.test_source_root = os.path.dirname(__file__)
# Tests run from the meson build directory (the param says where it is).
build = lit_config.params.get('build_root')
if not build:
    lit_config.fatal('run through meson test (needs --param build_root=...)')
# One exec root per test file: meson runs one lit per file, in parallel, and
# each lit rewrites `.lit_test_times.txt` in its exec root; a shared one was
# read half-written by another lit now and then, which failed every test
# after it (ValueError) until the file was deleted.
config.test_exec_root = os.path.join(build, 'tests', 'lit-out',
                                     lit_config.params.get('exec_dir', 'by-hand'))
llvm_bin = lit_config.params.get('llvm_bin', '/usr/lib/llvm-14/bin')

config.environment['PATH'] = os.pathsep.join(
    [os.path.join(build, 'tools', 'prunedep'), llvm_bin, config.environment.get('PATH', os.environ.get('PATH', ''))])
config.substitutions.append(('%prunedep', os.path.join(build, 'tools', 'prunedep', 'prunedep')))
config.substitutions.append(('%build', build))
config.substitutions.append(('%bench', os.path.join(build, 'tools', 'bench', 'prunedep-bench')))
config.substitutions.append(('%models', os.path.join(build, 'tests', 'models')))
# The traced models exist only in a build with LibTorch: tests on them say
# `REQUIRES: models`.
if os.path.exists(os.path.join(build, 'tests', 'models', 'resnet18.pt')):
    config.available_features.add('models')
config.substitutions.append(('%plugins', os.path.join(build, 'plugins')))
config.substitutions.append(('%srcroot', os.path.dirname(config.test_source_root)))
config.substitutions.append(('%python', '/usr/bin/python3'))
