"""What the torch-side e2e checks and the Python tests share: the inputs the
prunedep command makes for its --input-shape flags, and a model's outputs
as a flat list of tensors. Needs torch (driver.py, which the LibTorch-free
checks import, does not)."""
import torch

DTYPES = {'int64': torch.int64, 'int32': torch.int32, 'f64': torch.float64, 'bool': torch.bool}


def inputs_for(flags):
    """The inputs the prunedep command makes for --input-shape FLAGS: seeded
    normal floats, 0/1 integers (frontends/torchscript/ShapeRecorder.cpp)."""
    torch.manual_seed(0)
    out = []
    for flag in flags:
        dims, _, dtype = flag.partition(':')
        shape = [int(d) for d in dims.split('x')]
        dt = DTYPES[dtype] if dtype else torch.float32
        out.append(torch.randn(shape, dtype=dt) if dt.is_floating_point
                   else torch.randint(0, 2, shape, dtype=dt))
    return tuple(out)


def flat_outputs(out):
    """The tensors of a forward's result (a tensor, or a dict, tuple or list
    holding them), in order: dict values in insertion order."""
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, dict):
        return [t for k in out for t in flat_outputs(out[k])]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in flat_outputs(o)]
    return []
