// A shared object that is not a prunedep plugin (no entry point).
extern "C" __attribute__((visibility("default"))) int someOtherLibraryFunction() { return 42; }
