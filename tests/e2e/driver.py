"""The prunedep command line for one model of the e2e checks: a .pdir as it
is, a traced .pt with the --input-shape flags of its facts file (the .json
tests/models/trace_models.py writes beside it)."""
import json


def command(prunedep, model, facts, *args):
    cmd = [prunedep, *args, model]
    if model.endswith('.pt'):
        with open(facts) as f:
            for shape in json.load(f)['input_shapes']:
                cmd += ['--input-shape', shape]
    return cmd
