#!/usr/bin/python3
"""The model zoo: prunedep on the public models people bring (issue 22).

    run_zoo.py CACHE_DIR [--verify] [--only NAME,...] [--family FAMILY,...] ...

Traces every model of the zoo into CACHE_DIR (NAME.pt and NAME.trace.json;
a model already traced is reused, --retrace redoes it), one model at a time
in a child process (random seeded weights, weights=None: no downloads), then
runs on each:

  1. `prunedep MODEL.pt --input-shape ...`: does it lower, and which
     `warning:` lines does it print (unknown ops, ...);
  2. `prunedep --passes=channel-groups --format=json`: prunable and blocked
     sets and groups, and why each blocked set is blocked (the op kind and the
     reason the channel map gave);
  3. with --verify, `prunedep verify --format=json`: every prunable set
     pruned and run (ok, failed, over-coupled) and its wall time.

With --prune RATIO, instead of 1-3: `prunedep.prune` on every traced model
in a child process (one torch thread, --timeout per model; models above
--max-params, default 100e6, are left out), the layer producing the output
ignored as 'NAME:out', then the pruned model run once more and its output
shapes compared; writes CACHE_DIR/prune.json and CACHE_DIR/prune.md (the
table of docs/pruning.md).

Writes CACHE_DIR/zoo.json (every number, rewritten after each model) and
CACHE_DIR/zoo.md (a summary table by family, one table per family, the
blocked reasons and the failures); -o/--json choose other paths. The
prunedep outputs are kept in CACHE_DIR/logs/.

The zoo (--list prints it): torchvision 0.14's classification, segmentation
(dict outputs, traced with strict=False) and video models, torchaudio 0.13's
models (weight norm removed first, as torch 1.13's tracer requires), and the
hand-written models of tests/models/trace_models.py written after HF Llama,
HF GPT-2, word_language_model, a GRU classifier and YOLOv8. Inputs are small
where the model allows (classifiers try 64x64, then 96, 128 and 224).
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "models"))

F32, I64 = "float32", "int64"


# ---------------------------------------------------------------- the zoo
class Entry:
    """One model: its family, name, a builder (run in the tracing child
    process only) and the input shapes to try, in order (a list of
    alternatives, each a list of (shape, dtype))."""

    def __init__(self, family, name, build, inputs, params_hint=None):
        self.family, self.name, self.build, self.inputs = family, name, build, inputs
        self.params_hint = params_hint


def image(*sizes):
    return [[((1, 3, s, s), F32)] for s in sizes]


def tv_classifier(name):
    def build():
        import torchvision
        kw = {}
        if name in ("googlenet", "inception_v3"):
            kw = dict(aux_logits=False, init_weights=False)  # as tests/models traces them
        return getattr(torchvision.models, name)(weights=None, **kw)
    return build


def tv_segmentation(name):
    def build():
        import torchvision
        return getattr(torchvision.models.segmentation, name)(weights=None, weights_backbone=None)
    return build


def tv_video(name, spatial=None, temporal=None):
    """A video model; MViT gets a smaller spatial/temporal size (its builders
    fix 224x224x16 and pass it to _mvit, which takes the size as kwargs)."""
    def build():
        import torchvision.models.video as video
        if spatial is None:
            return getattr(video, name)(weights=None)
        import torchvision.models.video.mvit as mv
        original = mv._mvit

        def small(*args, **kwargs):
            kwargs["spatial_size"], kwargs["temporal_size"] = (spatial, spatial), temporal
            return original(*args, **kwargs)
        mv._mvit = small
        try:
            return getattr(video, name)(weights=None)
        finally:
            mv._mvit = original
    return build


def classification_entries():
    import torchvision.models as m
    names = m.list_models(module=m) if hasattr(m, "list_models") else sorted(
        k for k, v in m.__dict__.items()
        if callable(v) and k[0].islower() and not k.startswith("get_") and k != "list_models")
    out = []
    for name in names:
        if name.startswith(("vit_", "swin_", "maxvit")):
            sizes = image(224)  # fixed image size, or windows that need it
        elif name == "inception_v3":
            sizes = image(299)
        else:
            sizes = image(64, 96, 128, 224)
        out.append(Entry("classification", name, tv_classifier(name), sizes))
    return out


def segmentation_entries():
    import torchvision.models as m
    names = m.list_models(module=m.segmentation) if hasattr(m, "list_models") else [
        "deeplabv3_mobilenet_v3_large", "deeplabv3_resnet101", "deeplabv3_resnet50",
        "fcn_resnet101", "fcn_resnet50", "lraspp_mobilenet_v3_large"]
    return [Entry("segmentation", n, tv_segmentation(n), image(64, 96, 128, 224)) for n in names]


def video_entries():
    clip = [[((1, 3, 8, 64, 64), F32)], [((1, 3, 16, 112, 112), F32)], [((1, 3, 16, 224, 224), F32)]]
    return [
        Entry("video", "r3d_18", tv_video("r3d_18"), clip),
        Entry("video", "mc3_18", tv_video("mc3_18"), clip),
        Entry("video", "r2plus1d_18", tv_video("r2plus1d_18"), clip),
        # S3D ends in an AvgPool3d of (2, 7, 7): it needs 16x224x224.
        Entry("video", "s3d", tv_video("s3d"), [[((1, 3, 16, 224, 224), F32)]]),
        Entry("video", "mvit_v1_b", tv_video("mvit_v1_b", 64, 8), [[((1, 3, 8, 64, 64), F32)]]),
        Entry("video", "mvit_v2_s", tv_video("mvit_v2_s", 64, 8), [[((1, 3, 8, 64, 64), F32)]]),
    ]


# torchaudio models return (output, lengths) and take lengths: the wrappers
# keep output 0 and make full lengths from the input's shape, so that every
# model has float inputs only (and a traced graph without a None output).
def audio_wrappers():
    import torch
    import torch.nn as nn

    class FirstOutput(nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, x):
            return self.model(x)[0]

    class WithLengths(nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, x):
            lengths = torch.full((x.size(0),), x.size(1), dtype=torch.int64)
            return self.model(x, lengths)[0]

    class RNNTWithLengths(nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, sources, targets):
            source_lengths = torch.full((sources.size(0),), sources.size(1), dtype=torch.int32)
            target_lengths = torch.full((targets.size(0),), targets.size(1), dtype=torch.int32)
            return self.model(sources, source_lengths, targets, target_lengths)[0]

    class WaveRNNWrapper(nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, waveform, specgram):
            return self.model(waveform, specgram)

    class Tacotron2WithLengths(nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, tokens, mel_specgram):
            token_lengths = torch.full((tokens.size(0),), tokens.size(1), dtype=torch.int64)
            mel_lengths = torch.full((mel_specgram.size(0),), mel_specgram.size(2), dtype=torch.int64)
            return self.model(tokens, token_lengths, mel_specgram, mel_lengths)[1]

    return FirstOutput, WithLengths, RNNTWithLengths, WaveRNNWrapper, Tacotron2WithLengths


def ta(kind):
    def build():
        import torch
        import torchaudio.models as M
        FirstOutput, WithLengths, RNNTWithLengths, WaveRNNWrapper, Tacotron2WithLengths = audio_wrappers()
        if kind in ("wav2vec2_base", "hubert_base"):
            model = getattr(M, kind)()
            # torch 1.13 cannot trace (or deepcopy) a weight-norm hook.
            torch.nn.utils.remove_weight_norm(model.encoder.transformer.pos_conv_embed.conv)
            return FirstOutput(model)
        if kind == "conformer":
            return WithLengths(M.Conformer(input_dim=80, num_heads=4, ffn_dim=128, num_layers=4,
                                           depthwise_conv_kernel_size=31))
        if kind == "emformer":
            return WithLengths(M.Emformer(input_dim=80, num_heads=4, ffn_dim=128, num_layers=2,
                                          segment_length=4))
        if kind == "emformer_rnnt":
            return RNNTWithLengths(M.emformer_rnnt_model(
                input_dim=80, encoding_dim=64, num_symbols=32, segment_length=4,
                right_context_length=0, time_reduction_input_dim=128, time_reduction_stride=4,
                transformer_num_heads=4, transformer_ffn_dim=128, transformer_num_layers=2,
                transformer_dropout=0.0, transformer_activation="relu",
                transformer_left_context_length=30, transformer_max_memory_size=0,
                transformer_weight_init_scale_strategy="depthwise", transformer_tanh_on_mem=True,
                symbol_embedding_dim=32, num_lstm_layers=2, lstm_layer_norm=True,
                lstm_layer_norm_epsilon=1e-3, lstm_dropout=0.0))
        if kind == "conv_tasnet":
            return M.conv_tasnet_base(num_sources=2)
        if kind == "wav2letter":
            return M.Wav2Letter(num_classes=40, input_type="waveform", num_features=1)
        if kind == "deepspeech":
            return M.DeepSpeech(n_feature=40, n_hidden=256)
        if kind == "hdemucs":
            return M.HDemucs(["drums", "bass", "other", "vocals"], nfft=64, depth=4)
        if kind == "wavernn":
            # WaveRNN.infer is @torch.jit.export: the tracer would script it
            # and fail on its GRU calls ("Couldn't find method: 'forward__0'").
            class WaveRNN(M.WaveRNN):
                def infer(self, *args):
                    raise NotImplementedError
            return WaveRNNWrapper(WaveRNN(upsample_scales=[5, 5, 8], n_classes=256, hop_length=200,
                                          n_res_block=2, n_rnn=64, n_fc=64, n_freq=32,
                                          n_hidden=32, n_output=32))
        if kind == "tacotron2":
            class Tacotron2(M.Tacotron2):  # as WaveRNN: infer is @torch.jit.export
                def infer(self, *args):
                    raise NotImplementedError
            return Tacotron2WithLengths(Tacotron2(
                n_mels=32, n_symbol=40, symbol_embedding_dim=64, encoder_embedding_dim=64,
                encoder_n_convolution=2, decoder_rnn_dim=64, attention_rnn_dim=64,
                attention_hidden_dim=32, attention_location_n_filter=8, prenet_dim=32,
                postnet_n_convolution=2, postnet_embedding_dim=64))
        raise KeyError(kind)
    return build


def audio_entries():
    one = lambda *shapes: [[(s, F32) for s in shapes]]  # noqa: E731
    return [
        Entry("audio", "wav2vec2_base", ta("wav2vec2_base"), one((1, 4000))),
        Entry("audio", "hubert_base", ta("hubert_base"), one((1, 4000))),
        Entry("audio", "conformer", ta("conformer"), one((1, 50, 80))),
        Entry("audio", "conv_tasnet", ta("conv_tasnet"), one((1, 1, 1600))),
        Entry("audio", "wav2letter", ta("wav2letter"), one((1, 1, 8000))),
        Entry("audio", "deepspeech", ta("deepspeech"), one((1, 1, 50, 40))),
        Entry("audio", "hdemucs", ta("hdemucs"), one((1, 2, 4096))),
        Entry("audio", "emformer", ta("emformer"), one((1, 16, 80))),
        Entry("audio", "emformer_rnnt", ta("emformer_rnnt"),
              [[((1, 16, 80), F32), ((1, 6), I64)]]),
        # waveform [B, 1, (n_time - kernel_size + 1) * hop_length], specgram [B, 1, n_freq, n_time]
        Entry("audio", "wavernn", ta("wavernn"), one((1, 1, 6 * 200), (1, 1, 32, 10))),
        # tokens [B, T], mel [B, n_mels, frames]: teacher-forced, so the
        # decoder loop unrolls over the 8 frames.
        Entry("audio", "tacotron2", ta("tacotron2"), [[((1, 12), I64), ((1, 32, 8), F32)]]),
    ]


HAND_WRITTEN = ["llama_lm", "gpt2_lm", "lstm_lm", "gru_classifier", "yolov8_backbone"]


def hand_entries():
    def build(name):
        def b():
            import trace_models
            return trace_models.MODELS[name][0]()
        return b

    def specs(name):
        import trace_models  # noqa: F401 (imports torch: only in --list and the tracer)
        import torch
        out = []
        for spec in trace_models.MODELS[name][1]:
            shape, dtype = (spec, torch.float32) if isinstance(spec[0], int) else spec
            out.append((tuple(shape), I64 if dtype == torch.int64 else F32))
        return [out]
    return [Entry("hand-written", n, build(n), specs(n)) for n in HAND_WRITTEN]


FAMILIES = ["classification", "segmentation", "video", "audio", "hand-written"]


def zoo():
    return (classification_entries() + segmentation_entries() + video_entries() + audio_entries()
            + hand_entries())


# ---------------------------------------------------------------- tracing (child process)
def shape_flag(shape, dtype):
    return "x".join(map(str, shape)) + (":int64" if dtype == I64 else "")


def trace_one(name, cache):
    """Builds, runs and traces one model; writes NAME.pt and NAME.trace.json."""
    import torch
    torch.set_num_threads(1)
    entry = {e.name: e for e in zoo()}[name]
    meta = {"name": name, "family": entry.family, "ok": False}
    started = time.time()
    try:
        torch.manual_seed(0)
        model = entry.build().eval()
        meta["params"] = sum(p.numel() for p in model.parameters())
        errors = []
        for alternative in entry.inputs:
            inputs = [torch.randn(*s) if d == F32 else torch.randint(0, 2, s) for s, d in alternative]
            try:
                with torch.no_grad():
                    model(*inputs)
                break
            except Exception as e:  # too small for this model: try the next size
                errors.append("%s: %s" % ("x".join(shape_flag(s, d) for s, d in alternative),
                                          str(e).strip().splitlines()[0][:200] if str(e).strip() else repr(e)))
        else:
            raise RuntimeError("the model does not run on any input tried: " + "; ".join(errors))
        meta["input_shapes"] = [shape_flag(s, d) for s, d in alternative]
        # Traced with autograd on, as tests/models traces (no fused fast
        # paths); strict=False lets dict outputs through.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ts = torch.jit.trace(model, tuple(inputs), check_trace=False, strict=False)
        ts.save(os.path.join(cache, name + ".pt"))
        meta["ok"] = True
    except Exception as e:
        meta["error"] = "%s: %s" % (type(e).__name__, " ".join(str(e).split())[:600])
    meta["seconds"] = round(time.time() - started, 2)
    with open(os.path.join(cache, name + ".trace.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    return 0 if meta["ok"] else 1


# ---------------------------------------------------------------- running prunedep
def run(cmd, timeout, log_base):
    started = time.time()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        rc, out, err = r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as e:
        rc = "timeout"
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
    seconds = round(time.time() - started, 2)
    with open(log_base + ".out", "w") as f:
        f.write(out)
    with open(log_base + ".err", "w") as f:
        f.write(err)
    return rc, out, err, seconds


def first_error(err, rc=None):
    lines = [l for l in err.splitlines() if l.strip() and not l.startswith("warning:")]
    if lines:
        return lines[0][:400]
    if isinstance(rc, int) and rc < 0:
        return "killed by signal %d" % -rc
    return "exit %s, nothing on stderr" % rc


UNKNOWN_OP = re.compile(r"op '([^']+)' has no rule")
REASON = re.compile(r"^(%\S+) \(([^)]+)\): (.*)$")
EMPTIES = re.compile(r"^it removes all (\d+) indices of (.*) \(nothing would be left\)$")
TIED = re.compile(r"^its weight is '([^']*)' \(tied\)")


def reason_kind(reason):
    """(kind, why) of a blocked reason. The kinds: an op kind ('%x
    (aten::roll): dim 2 is rolled'), "model input" ('the model's input
    %input'), "whole tensor" / "1-channel dim" (a group would remove every
    index of a layer's channels or of a tensor's dim: 'it removes all 4
    indices of ... (nothing would be left)'), "tied weight"."""
    if reason.startswith("the model's input"):
        return "model input", "the model's input"
    m = EMPTIES.match(reason)
    if m:
        return ("1-channel dim" if m.group(1) == "1" else "whole tensor"), reason
    if TIED.match(reason):
        return "tied weight", reason
    m = REASON.match(reason)
    if not m:
        return "other", reason
    why = re.sub(r" \(add one under \[channel-map\] in a rule file\)$", "", m.group(3))
    return m.group(2), why


def generic_why(kind, why):
    """The reason without the names and sizes of one model (to count it
    across models)."""
    if kind in ("whole tensor", "1-channel dim"):
        return "a group would remove every index of a layer's channels or a tensor's dim"
    if kind == "tied weight":
        return re.sub(r"'[^']*'", "W", re.sub(r"\d+", "N", why))
    return re.sub(r"\d+", "N", why)


def analyse_groups(report):
    res = next(r for r in report["results"] if r.get("pass") == "channel-groups")
    s = res["summary"]
    out = {"sets": s["sets"], "groups": s["groups"], "prunable_sets": s["prunable-sets"],
           "prunable_groups": s["prunable-groups"],
           "blocked_sets": s["sets"] - s["prunable-sets"],
           "blocked_groups": s["groups"] - s["prunable-groups"],
           "output_sets": 0, "output_groups": 0, "blocked_by_ops_sets": 0, "blocked_by_ops_groups": 0}
    reasons = collections.OrderedDict()
    for st in res["sets"]:
        if st.get("outputs"):
            out["output_sets"] += 1
            out["output_groups"] += st["groups"]
        if st["prunable"]:
            continue
        kinds = set()
        for r in st["blocked"]:
            kind, why = reason_kind(r)
            kinds.add(kind)
            key = (kind, why)
            e = reasons.setdefault(key, {"kind": kind, "why": why, "sets": 0, "groups": 0, "example": r})
            e["sets"] += 1
            e["groups"] += st["groups"]
        if kinds - {"model input"}:
            out["blocked_by_ops_sets"] += 1
            out["blocked_by_ops_groups"] += st["groups"]
    out["reasons"] = sorted(reasons.values(), key=lambda e: (-e["groups"], e["kind"], e["why"]))
    return out


def analyse(entry, meta, args, logs):
    pt = os.path.join(args.cache, entry.name + ".pt")
    shapes = []
    for s in meta["input_shapes"]:
        shapes += ["--input-shape", s]
    rec = {}
    # 1. the default report: does it lower, which warnings.
    rc, out, err, secs = run([args.prunedep, pt] + shapes, args.timeout, os.path.join(logs, entry.name + ".report"))
    warn = [l for l in err.splitlines() if l.startswith("warning:")]
    rec["lower"] = {"ok": rc == 0, "seconds": secs, "warnings": warn,
                    "unknown_ops": sorted({m.group(1) for l in warn for m in [UNKNOWN_OP.search(l)] if m})}
    if rc != 0:
        rec["lower"]["error"] = "timeout after %ss" % args.timeout if rc == "timeout" else first_error(err, rc)
        return rec
    # 2. channel-groups: prunable and blocked sets, and why.
    rc, out, err, secs = run([args.prunedep, pt] + shapes + ["--passes=channel-groups", "--format=json"],
                             args.timeout, os.path.join(logs, entry.name + ".groups"))
    rec["groups_seconds"] = secs
    if rc != 0:
        rec["groups"] = {"error": "timeout after %ss" % args.timeout if rc == "timeout" else first_error(err, rc)}
    else:
        rec["groups"] = analyse_groups(json.loads(out))
    # 3. verify.
    if args.verify:
        params = meta.get("params", 0)
        if args.verify_max_params and params > args.verify_max_params:
            rec["verify"] = {"status": "skipped", "why": "%.0fM parameters" % (params / 1e6)}
        else:
            cmd = [args.prunedep, "verify", pt] + shapes + ["--format=json"]
            if args.no_minimality:
                cmd.append("--no-minimality")
            rc, out, err, secs = run(cmd, args.verify_timeout, os.path.join(logs, entry.name + ".verify"))
            v = {"seconds": secs, "exit": rc}
            if rc == "timeout":
                v["status"] = "timeout"
            else:
                try:
                    res = next(r for r in json.loads(out)["results"] if r.get("pass") == "verify")
                    summary = dict(res["summary"])
                    # prunedep's own time of the proof ("seconds" in "unit")
                    own, unit = summary.pop("seconds", None), summary.pop("unit", "s")
                    v.update(summary)
                    if own is not None:
                        v["prunedep_seconds"] = own / 1000.0 if unit == "ms" else own
                    v["status"] = "ok" if rc == 0 else "failed"
                    v["bad_sets"] = [s for s in res.get("sets", []) if s.get("status") != "ok"
                                     or s.get("over-coupled")][:20]
                except (ValueError, StopIteration, KeyError):
                    v["status"] = "error"
                    v["error"] = first_error(err, rc)
            rec["verify"] = v
    return rec


# ---------------------------------------------------------------- the report
def fmt_reasons(g, limit=4):
    kinds = collections.Counter()
    for r in g.get("reasons", []):
        if r["kind"] != "model input":
            kinds[r["kind"]] += r["sets"]
    parts = ["%s ×%d" % kv for kv in kinds.most_common()]
    if len(parts) > limit:
        parts = parts[:limit] + ["+%d more" % (len(parts) - limit)]
    return ", ".join(parts)


def pct(a, b):
    return "%.1f%%" % (100.0 * a / b) if b else "-"


def fmt_verify(v):
    if not v:
        return "-", ""
    st = v.get("status")
    if st == "ok":
        return ("OK, minimal" if not v.get("over-coupled") else "OK"), "%.1f" % v["seconds"]
    if st == "failed":
        return ("%d failed, %d over-coupled of %d" % (v.get("failed", 0), v.get("over-coupled", 0),
                                                      v.get("verified", 0))), "%.1f" % v["seconds"]
    if st == "skipped":
        return "skipped (%s)" % v["why"], ""
    if st == "timeout":
        return "timeout", "%.0f" % v["seconds"]
    return "error: " + v.get("error", "")[:120].replace("|", "\\|"), "%.1f" % v.get("seconds", 0)


def markdown(results, args):
    lines = ["# prunedep model zoo", "",
             "%d models; prunedep `%s` (built %s); %s. Generated by `tests/zoo/run_zoo.py`." % (
                 len(results), args.prunedep,
                 time.strftime("%Y-%m-%d %H:%M", time.localtime(os.stat(args.prunedep).st_mtime)),
                 time.strftime("%Y-%m-%d %H:%M")), ""]
    by_family = collections.OrderedDict((f, []) for f in FAMILIES)
    for r in results:
        by_family.setdefault(r["family"], []).append(r)
    lines += ["## Summary by family", "",
              "| family | models | traced | lowered | with warnings | prunable groups | blocked groups (by ops) "
              "| blocked by | verify OK+minimal | trace / analyse / verify s |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for fam, rs in by_family.items():
        if not rs:
            continue
        traced = [r for r in rs if r["trace"]["ok"]]
        lowered = [r for r in traced if r.get("lower", {}).get("ok")]
        warned = [r for r in lowered if r["lower"]["warnings"]]
        gs = [r["groups"] for r in lowered if "sets" in r.get("groups", {})]
        groups = sum(g["groups"] for g in gs)
        prunable = sum(g["prunable_groups"] for g in gs)
        blocked = sum(g["blocked_groups"] for g in gs)
        by_ops = sum(g["blocked_by_ops_groups"] for g in gs)
        kinds = collections.Counter()
        for g in gs:
            for e in g["reasons"]:
                if e["kind"] != "model input":
                    kinds[e["kind"]] += e["sets"]
        vs = [r["verify"] for r in lowered if r.get("verify") and r["verify"].get("status") != "skipped"]
        vok = sum(1 for v in vs if v.get("status") == "ok" and not v.get("over-coupled"))
        t_trace = sum(r["trace"].get("wall_seconds", r["trace"].get("seconds", 0)) for r in rs)
        t_an = sum(r.get("lower", {}).get("seconds", 0) + r.get("groups_seconds", 0) for r in rs)
        t_v = sum(v.get("seconds", 0) for v in vs)
        lines.append("| %s | %d | %d | %d | %d | %d (%s) | %d (%d, %s) | %s | %s | %.0f / %.0f / %s |" % (
            fam, len(rs), len(traced), len(lowered), len(warned), prunable, pct(prunable, groups),
            blocked, by_ops, pct(by_ops, groups),
            ", ".join("%s ×%d" % kv for kv in kinds.most_common(8)) or "-",
            ("%d / %d" % (vok, len(vs))) if vs else "-", t_trace, t_an, ("%.0f" % t_v) if vs else "-"))
    lines += ["", "Groups: one channel of every member of a set (`prunedep --passes=channel-groups`). "
              "Blocked by ops: blocked sets with a reason other than the model's input "
              "(a model's input channels are never prunable). `×N`: blocked sets.", ""]
    for fam, rs in by_family.items():
        if not rs:
            continue
        lines += ["## %s" % fam, "",
                  "| model | input | params | lowered | warnings | sets prunable / blocked | groups prunable "
                  "| groups blocked (by ops) | blocked by | verify | verify s |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in rs:
            inp = " ".join(r["trace"].get("input_shapes", [])) or "-"
            params = "%.1fM" % (r["trace"]["params"] / 1e6) if r["trace"].get("params") else "-"
            if not r["trace"]["ok"]:
                lines.append("| %s | %s | %s | no trace | | | | | | | |" % (r["name"], inp, params))
                continue
            if "lower" not in r:
                lines.append("| %s | %s | %s | not run | | | | | | | |" % (r["name"], inp, params))
                continue
            lo = r["lower"]
            if not lo["ok"]:
                lines.append("| %s | %s | %s | **no**: %s | | | | | | | |" % (
                    r["name"], inp, params, lo.get("error", "").replace("|", "\\|")[:160]))
                continue
            w = ", ".join(lo["unknown_ops"]) or ("%d" % len(lo["warnings"]) if lo["warnings"] else "")
            g = r.get("groups", {})
            if "sets" not in g:
                lines.append("| %s | %s | %s | yes | %s | error: %s | | | | | |" % (
                    r["name"], inp, params, w, g.get("error", "")[:120]))
                continue
            vres, vsec = fmt_verify(r.get("verify"))
            lines.append("| %s | %s | %s | yes | %s | %d / %d | %d | %d (%d) | %s | %s | %s |" % (
                r["name"], inp, params, w, g["prunable_sets"], g["blocked_sets"], g["prunable_groups"],
                g["blocked_groups"], g["blocked_by_ops_groups"], fmt_reasons(g) or "-", vres, vsec))
        lines.append("")
    # The blocked reasons, grouped by op kind and reason.
    why = collections.OrderedDict()
    for r in results:
        for e in r.get("groups", {}).get("reasons", []):
            if e["kind"] == "model input":
                continue
            w = why.setdefault((e["kind"], generic_why(e["kind"], e["why"])),
                               {"sets": 0, "groups": 0, "models": []})
            w["sets"] += e["sets"]
            w["groups"] += e["groups"]
            if r["name"] not in w["models"]:
                w["models"].append(r["name"])
    lines += ["## Blocked reasons (other than the model's input)", "",
              "| op kind | reason | sets | groups | models |", "|---|---|---|---|---|"]
    for (kind, reason), w in sorted(why.items(), key=lambda kv: -kv[1]["groups"]):
        lines.append("| `%s` | %s | %d | %d | %s |" % (kind, reason.replace("|", "\\|"), w["sets"], w["groups"],
                                                      ", ".join(w["models"])))
    warned = [(r["name"], l) for r in results for l in r.get("lower", {}).get("warnings", [])]
    lines += ["", "## Warnings of the default report", ""]
    lines += ["- %s: `%s`" % (n, l) for n, l in warned] or ["none"]
    failed = [r for r in results if not r["trace"]["ok"] or not r.get("lower", {}).get("ok", True)]
    lines += ["", "## Failures (trace or lowering)", ""]
    for r in failed:
        if not r["trace"]["ok"]:
            lines.append("- %s: does not trace: %s" % (r["name"], r["trace"].get("error", "")))
        else:
            lines.append("- %s: does not lower: `%s`" % (r["name"], r["lower"].get("error", "")))
    if not failed:
        lines.append("none")
    vbad = [r for r in results if r.get("verify") and r["verify"].get("status") not in ("ok", "skipped")]
    lines += ["", "## Verify failures", ""]
    for r in vbad:
        v = r["verify"]
        lines.append("- %s: %s%s" % (r["name"], fmt_verify(v)[0],
                                     ("; " + json.dumps(v.get("bad_sets"))[:300]) if v.get("bad_sets") else ""))
    if not vbad:
        lines.append("none" if args.verify else "not run (--verify)")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- --prune (prunedep.prune in place)
PRUNE_MAX_PARAMS = 100e6
SEG_HEAD = re.compile(r"(^|\.)(classifier\.4|low_classifier|high_classifier)$")
HAND_IGNORED = {"llama_lm": ["lm_head"], "gpt2_lm": ["lm_head"], "lstm_lm": ["decoder"],
                "yolov8_backbone": ["h15.cv2.conv", "h18.cv2.conv", "h21.cv2.conv"]}


def call_order(model, inputs):
    """Names of the conv/linear modules in the order of their last call."""
    import torch
    import torch.nn as nn
    kinds = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d,
             nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)
    order, hooks = [], []
    for name, mod in model.named_modules():
        if isinstance(mod, kinds):
            def hook(m, i, o, name=name):
                if name in order:
                    order.remove(name)
                order.append(name)
            hooks.append(mod.register_forward_hook(hook))
    try:
        with torch.no_grad():
            model(*inputs)
    finally:
        for h in hooks:
            h.remove()
    return order, {n: type(m).__name__ for n, m in model.named_modules()}


def classifier_layers(entry, model, inputs):
    """The layers that produce the model's final output, each 'NAME:out'
    (only its outputs kept, as Torch-Pruning's ignored_layers): the last
    Linear called (classification, video; squeezenet: its last conv), the
    final conv of each segmentation head, lm_head/decoder and YOLO's three
    output convs (hand-written), and for audio the `out` members of every
    set that reaches a model output."""
    order, types = call_order(model, inputs)
    if entry.family == "audio":
        # No one classifier: the `out` members of the sets that reach a model
        # output (prunedep's own plan, nothing ignored).
        import prunedep
        plan = prunedep.prune_plan(model, inputs, ratio=0.5)
        names = []
        for s in plan["sets"]:
            if s.get("outputs"):
                names += [m["layer"] for m in s["members"] if m["role"] == "out" and m["layer"] not in names]
        return [n + ":out" for n in names]
    if entry.family == "segmentation":
        names = [n for n in order if SEG_HEAD.search(n)]
    elif entry.name in HAND_IGNORED:
        names = HAND_IGNORED[entry.name]
    else:  # the last Linear called (squeezenet has none: its last conv)
        linears = [n for n in order if types[n] == "Linear"]
        names = linears[-1:] or order[-1:]
    return [n + ":out" for n in names]


def output_shapes(out):
    import torch
    if isinstance(out, torch.Tensor):
        return [list(out.shape)]
    if isinstance(out, dict):
        return [s for k in sorted(out) for s in output_shapes(out[k])]
    if isinstance(out, (list, tuple)):
        return [s for o in out for s in output_shapes(o)]
    return []


def attr_name(a):
    """'module.attr' of a report.attributes entry ('attr' for the root module)."""
    return a["module"] + "." + a["attr"] if a["module"] else a["attr"]


def prune_dir(granularity):
    """CACHE/prune/ holds the per-model results of the channel run, CACHE/prune-head/ of the head run."""
    return "prune" if granularity == "channel" else "prune-" + granularity


def prune_one(name, cache, ratio, granularity="channel"):
    """Builds one model (eval, seeded, weights=None) on its traced input
    shapes, prunes it with prunedep.prune (channel groups of `granularity`)
    and runs it once more; writes CACHE/prune/NAME.json."""
    import torch
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    import prunedep
    entry = {e.name: e for e in zoo()}[name]
    with open(os.path.join(cache, name + ".trace.json")) as f:
        meta = json.load(f)
    rec = {"name": name, "family": entry.family, "ratio": ratio, "granularity": granularity,
           "status": "exception"}
    out_path = os.path.join(cache, prune_dir(granularity), name + ".json")
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    started = time.time()
    try:
        torch.manual_seed(0)
        model = entry.build().eval()
        shapes = []
        for flag in meta["input_shapes"]:
            dims, _, dtype = flag.partition(":")
            shapes.append((tuple(int(d) for d in dims.split("x")), I64 if dtype == "int64" else F32))
        inputs = tuple(torch.randn(*s) if d == F32 else torch.randint(0, 2, s) for s, d in shapes)
        rec["input"] = " ".join(meta["input_shapes"])
        rec["ignored"] = classifier_layers(entry, model, inputs)
        with torch.no_grad():
            before = output_shapes(model(*inputs))
        report = None
        try:
            report = prunedep.prune(model, inputs, ratio=ratio, importance="l1",
                                    ignored_layers=rec["ignored"], check=True, granularity=granularity)
        except prunedep.Error as e:
            report = getattr(e, "report", None)
            if report is None:
                raise
            rec["status"] = "check failed"
            rec["mismatch"] = report["check"].get("mismatch")
            rec["max_error"] = report["check"].get("max_error")
            rec["check_notes"] = report["check"].get("notes", [])
        if report is not None:
            for k in ("params_before", "params_after", "macs_before", "macs_after",
                      "time_analyze", "time_plan", "time_prune", "time_check"):
                rec[k] = report[k]
            rec["sets_pruned"] = len(report["plan"]["sets"])
            rec["sets_skipped"] = len(report["plan"]["skipped"])
            rec["output_sets_pruned"] = sum(1 for s in report["plan"]["sets"] if s.get("outputs"))
            attrs = report.get("attributes") or {}
            rec["attributes_updated"] = ["%s %s -> %s" % (attr_name(a), a["old"], a["new"])
                                         for a in attrs.get("updated", [])]
            rec["attributes_ambiguous"] = ["%s = %s: %s" % (attr_name(a), a["value"], ", ".join(a["candidates"]))
                                           for a in attrs.get("ambiguous", [])]
            rec["attribute_notes"] = attrs.get("notes", [])
        if report is not None and report["forward_error"]:
            fe = report["forward_error"]
            rec["status"] = "forward_error"
            rec["forward_error"] = {"error": fe["error"][:300], "source": fe["source"], "line": fe["line"],
                                    "module": fe.get("module"), "old_sizes": fe["old_sizes"][:3],
                                    "ambiguous": ["%s = %s" % (attr_name(a), a["value"])
                                                  for a in fe.get("ambiguous", [])],
                                    "notes": fe.get("notes", [])[:2]}
        elif rec["status"] != "check failed":
            rec["max_error"] = report["check"].get("max_error")
            # False: a pruned set goes through a LayerNorm/GroupNorm, checked by shape only
            rec["check_values"] = report["check"].get("values", True)
            with torch.no_grad():
                after = output_shapes(model(*inputs))
            rec["shapes"] = before
            if after != before:
                rec["status"] = "output shape changed"
                rec["mismatch"] = "%s -> %s" % (before, after)
            else:
                rec["status"] = "OK"
    except Exception as e:
        rec["status"] = "exception"
        rec["error"] = "%s: %s" % (type(e).__name__, " ".join(str(e).split())[:400])
    rec["seconds"] = round(time.time() - started, 2)
    with open(out_path, "w") as f:
        json.dump(rec, f, indent=1, default=str)
        f.write("\n")
    return 0


def run_prune(entries, args):
    """--prune RATIO: prunedep.prune on every traced model, one child
    process at a time; writes CACHE/prune.json and the markdown table."""
    pdir = prune_dir(args.granularity)
    os.makedirs(os.path.join(args.cache, pdir), exist_ok=True)
    json_path = args.json or os.path.join(args.cache, "prune.json")
    md_path = args.markdown or os.path.join(args.cache, "prune.md")
    max_params = args.max_params or PRUNE_MAX_PARAMS
    started = time.time()
    results = []
    if args.report_only:   # the table again from CACHE/prune/NAME.json, nothing run
        for e in entries:
            out = os.path.join(args.cache, pdir, e.name + ".json")
            if os.path.exists(out):
                with open(out) as f:
                    results.append(json.load(f))
            else:
                results.append({"name": e.name, "family": e.family,
                                "status": "not traced (no %s/%s.json)" % (pdir, e.name)})
        with open(json_path, "w") as f:
            json.dump({"schema": "prunedep-zoo-prune/1", "ratio": args.prune, "granularity": args.granularity,
                       "models": results}, f, indent=1)
            f.write("\n")
        with open(md_path, "w") as f:
            f.write(prune_markdown(results, args.prune, args.granularity))
        print("%d models; wrote %s and %s" % (len(results), md_path, json_path))
        return 0
    for i, e in enumerate(entries, 1):
        meta_path = os.path.join(args.cache, e.name + ".trace.json")
        rec = {"name": e.name, "family": e.family}
        if not os.path.exists(meta_path):
            rec["status"] = "not traced (run run_zoo.py without --prune first)"
        else:
            with open(meta_path) as f:
                meta = json.load(f)
            rec["params_before"] = meta.get("params")
            if not meta["ok"]:
                rec["status"] = "not traced"
            elif meta.get("params", 0) > max_params:
                rec["status"] = "skipped (over %.0fM params)" % (max_params / 1e6)
            else:
                out = os.path.join(args.cache, pdir, e.name + ".json")
                if os.path.exists(out):
                    os.remove(out)
                t0 = time.time()
                try:
                    r = subprocess.run([sys.executable, os.path.abspath(__file__), "--prune-one", e.name,
                                        args.cache, str(args.prune), args.granularity],
                                       timeout=args.timeout, capture_output=True, text=True)
                    died = "exit %s: %s" % (r.returncode, first_error(r.stderr, r.returncode))
                except subprocess.TimeoutExpired:
                    died = "timeout after %.0f s" % args.timeout
                if os.path.exists(out):
                    with open(out) as f:
                        rec = json.load(f)
                else:
                    rec.update(status="exception", error=died)
                rec["wall_seconds"] = round(time.time() - t0, 1)
        results.append(rec)
        print("[%d/%d] %-28s %s %s" % (i, len(entries), e.name, rec["status"],
                                       rec.get("wall_seconds", "")), flush=True)
        with open(json_path, "w") as f:
            json.dump({"schema": "prunedep-zoo-prune/1", "ratio": args.prune, "granularity": args.granularity,
                       "seconds": round(time.time() - started, 1), "models": results}, f, indent=1)
            f.write("\n")
        with open(md_path, "w") as f:
            f.write(prune_markdown(results, args.prune, args.granularity))
    print("%d models in %.0f s; wrote %s and %s" % (len(results), time.time() - started, md_path, json_path))
    return 0


def prune_cause(r):
    """The gist of a failure, to group them."""
    s = r["status"]
    if s == "forward_error":
        err = r["forward_error"]["error"]
        why = "forward_error (the forward code holds a pruned size): "
        if r["forward_error"].get("ambiguous"):
            return why + "an attribute the value rule finds ambiguous"
        if "shape '" in err:
            return why + "a view/reshape (attention heads, hidden_dim, input_dim)"
        if "must match the size" in err or "values to unpack" in err or "mat1 and mat2" in err:
            return why + "a slice, split or broadcast"
        if "hidden_size" in err:
            return why + "an RNN cell's state"
        return why + err.split(":")[0]
    if s == "check failed":
        return "check failed"
    if s == "exception":
        return "exception: " + r.get("error", "").split(":")[0]
    return s


def prune_markdown(results, ratio, granularity="channel"):
    def m(v):
        return "-" if v is None else ("%.2fM" % (v / 1e6) if v >= 1e5 else "%d" % v)

    def g(v):
        return "-" if v is None else "%.0fM" % (v / 1e6) if v >= 1e6 else "%.2fM" % (v / 1e6) if v >= 1e5 else "%d" % v

    def t(v):
        return "-" if v is None else "%.2f" % v if v >= 0.01 else "%.3f" % v

    ran = [r for r in results if not r["status"].startswith(("skipped", "not traced"))]
    ok = [r for r in ran if r["status"] == "OK"]
    causes = collections.Counter(prune_cause(r) for r in ran if r["status"] != "OK")
    lines = ["**%d of %d models pruned and checked OK** (ratio %s, L1, granularity=%s; %d run, %d skipped)." % (
        len(ok), len(ran), ratio, granularity, len(ran), len(results) - len(ran)), ""]
    if causes:
        lines += ["Failures by cause:", ""]
        for cause, n in causes.most_common():
            names = [r["name"] for r in ran if r["status"] != "OK" and prune_cause(r) == cause]
            lines.append("- %s (%d): %s" % (cause, n, ", ".join(names)))
        lines.append("")
    skipped = [r for r in results if r["status"].startswith(("skipped", "not traced"))]
    if skipped:
        lines += ["Not run: " + "; ".join("%s (%s, %s params)" % (r["name"], r["status"], m(r.get("params_before")))
                                         for r in skipped) + ".", ""]
    for fam in FAMILIES:
        rs = [r for r in results if r["family"] == fam]
        if not rs:
            continue
        lines += ["### %s" % fam, "",
                  "| model | input | ignored | result | params | MACs (conv+linear) | plan s | prune s | check |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in rs:
            s = r["status"]
            if s == "OK":
                res, check = "OK", "OK (%.0e)" % r["max_error"] if r.get("max_error") else "OK"
                if r.get("check_values") is False:
                    check = "OK (shapes only: LayerNorm/GroupNorm)"
            elif s == "check failed":
                res = "pruned"
                check = "**fails** (max error %s)" % ("%.2g" % r["max_error"] if r.get("max_error") is not None
                                                      else (r.get("mismatch") or "")[:80])
            elif s == "forward_error":
                fe = r["forward_error"]
                res = "**forward_error**"
                check = "`%s`" % fe["error"].replace("|", "\\|")[:110]
                if fe.get("line"):
                    check += " at `%s`" % fe["line"].replace("|", "\\|")[:80]
                if fe.get("ambiguous"):
                    check += "; ambiguous: %s" % ", ".join("`%s`" % a for a in fe["ambiguous"][:2])
            elif s == "output shape changed":
                res, check = "**output shape changed**", r.get("mismatch", "")[:100]
            elif s == "exception":
                res, check = "**exception**", (r.get("error") or "").replace("|", "\\|")[:160]
            else:
                res, check = s, "-"
            params = ("%s → %s" % (m(r.get("params_before")), m(r.get("params_after")))
                      if r.get("params_after") is not None else m(r.get("params_before")))
            macs = ("%s → %s" % (g(r.get("macs_before")), g(r.get("macs_after")))
                    if r.get("macs_before") is not None else "-")
            ignored = r.get("ignored", [])
            ign = ", ".join("`%s`" % x for x in ignored[:3]) or "-"
            if len(ignored) > 3:
                ign += " and %d more" % (len(ignored) - 3)
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                r["name"], r.get("input", "-"), ign, res, params, macs,
                t(r.get("time_plan")), t(r.get("time_prune")), check))
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- main
def main(argv):
    if len(argv) >= 2 and argv[1] == "--trace-one":
        return trace_one(argv[2], argv[3])
    if len(argv) >= 2 and argv[1] == "--prune-one":
        return prune_one(argv[2], argv[3], float(argv[4]), argv[5] if len(argv) > 5 else "channel")
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("cache", help="directory for the traced models, logs and reports")
    p.add_argument("--prunedep", default=os.path.join(REPO, "build", "tools", "prunedep", "prunedep"))
    p.add_argument("--only", help="comma-separated model names")
    p.add_argument("--family", help="comma-separated families: " + ", ".join(FAMILIES))
    p.add_argument("--skip", help="comma-separated model names to leave out")
    p.add_argument("--list", action="store_true", help="print the zoo and exit")
    p.add_argument("--retrace", action="store_true", help="trace again even if cached")
    p.add_argument("--trace-only", action="store_true", help="trace, do not run prunedep")
    p.add_argument("--verify", action="store_true", help="also run `prunedep verify` (slow on big models)")
    p.add_argument("--no-minimality", action="store_true", help="pass --no-minimality to verify")
    p.add_argument("--verify-max-params", type=float, default=0,
                   help="verify only models with at most this many parameters (e.g. 30e6)")
    p.add_argument("--verify-timeout", type=float, default=900, help="seconds per model (default 900)")
    p.add_argument("--timeout", type=float, default=900, help="seconds per prunedep analysis (default 900)")
    p.add_argument("--trace-timeout", type=float, default=1200, help="seconds per trace (default 1200)")
    p.add_argument("--max-params", type=float, default=0, help="leave out models with more parameters")
    p.add_argument("--prune", type=float, metavar="RATIO",
                   help="instead of the analysis: prunedep.prune every traced model at RATIO in a child "
                        "process (classifier ignored, output shapes checked); writes CACHE/prune.json "
                        "and CACHE/prune.md; --timeout is per model, --max-params defaults to 100e6; "
                        "with --report-only, the table again from CACHE/prune/NAME.json")
    p.add_argument("--granularity", choices=["channel", "head"], default="channel",
                   help="with --prune: prunedep.prune(granularity=...): 'head' prunes attentions by whole heads")
    p.add_argument("--report-only", action="store_true",
                   help="rewrite the markdown report from the JSON summary, run nothing")
    p.add_argument("--json", help="the JSON summary (default CACHE/zoo.json)")
    p.add_argument("-o", "--markdown", help="the markdown report (default CACHE/zoo.md)")
    args = p.parse_args(argv[1:])
    entries = zoo()
    if args.only:
        keep = set(args.only.split(","))
        unknown = keep - {e.name for e in entries}
        if unknown:
            p.error("unknown model(s): " + ", ".join(sorted(unknown)))
        entries = [e for e in entries if e.name in keep]
    if args.family:
        fams = set(args.family.split(","))
        entries = [e for e in entries if e.family in fams]
    if args.skip:
        entries = [e for e in entries if e.name not in set(args.skip.split(","))]
    if args.list:
        for e in entries:
            print("%-14s %-32s %s" % (e.family, e.name,
                                      " | ".join(" ".join(shape_flag(s, d) for s, d in alt) for alt in e.inputs)))
        return 0
    os.makedirs(args.cache, exist_ok=True)
    if args.prune is not None:
        if args.granularity == "head" and not args.json and not args.markdown:
            args.json = os.path.join(args.cache, "prune-head.json")
            args.markdown = os.path.join(args.cache, "prune-head.md")
        return run_prune(entries, args)
    logs = os.path.join(args.cache, "logs")
    os.makedirs(logs, exist_ok=True)
    json_path = args.json or os.path.join(args.cache, "zoo.json")
    md_path = args.markdown or os.path.join(args.cache, "zoo.md")
    if args.report_only:
        with open(json_path) as f:
            summary = json.load(f)
        args.prunedep, args.verify = summary["prunedep"], summary["verify"]
        with open(md_path, "w") as f:
            f.write(markdown(summary["models"], args))
        return 0
    started = time.time()
    results = []
    built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.stat(args.prunedep).st_mtime))
    try:
        source = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                                capture_output=True, text=True).stdout.strip()
    except OSError:
        source = ""
    for i, e in enumerate(entries, 1):
        meta_path = os.path.join(args.cache, e.name + ".trace.json")
        pt = os.path.join(args.cache, e.name + ".pt")
        cached = os.path.exists(meta_path) and not args.retrace
        if cached:
            with open(meta_path) as f:
                meta = json.load(f)
            cached = not meta["ok"] or os.path.exists(pt)
        if not cached:
            t0 = time.time()
            try:
                subprocess.run([sys.executable, os.path.abspath(__file__), "--trace-one", e.name, args.cache],
                               timeout=args.trace_timeout, capture_output=True)
            except subprocess.TimeoutExpired:
                pass
            if os.path.exists(meta_path):
                with open(meta_path) as f:
                    meta = json.load(f)
            else:
                meta = {"ok": False, "error": "the tracer died or timed out"}
            meta["wall_seconds"] = round(time.time() - t0, 1)  # with the child's imports
            with open(meta_path, "w") as f:
                json.dump(meta, f, indent=1)
                f.write("\n")
        rec = {"family": e.family, "name": e.name, "trace": meta}
        if meta["ok"] and not args.trace_only and not (args.max_params and meta.get("params", 0) > args.max_params):
            rec.update(analyse(e, meta, args, logs))
        results.append(rec)
        g = rec.get("groups", {})
        print("[%d/%d] %-28s trace %s%s  lower %s  groups %s  verify %s" % (
            i, len(entries), e.name, "ok" if meta["ok"] else "FAIL",
            " (cached)" if cached else " %.1fs" % meta.get("seconds", 0),
            {True: "ok", False: "FAIL"}.get(rec.get("lower", {}).get("ok"), "-"),
            ("%d/%d blocked (%d by ops)" % (g["blocked_groups"], g["groups"], g["blocked_by_ops_groups"])
             if "sets" in g else "-"),
            fmt_verify(rec.get("verify"))[0]), flush=True)
        summary = {"schema": "prunedep-zoo/1", "prunedep": args.prunedep, "prunedep_built": built,
                   "source": source, "verify": args.verify,
                   "seconds": round(time.time() - started, 1), "models": results}
        with open(json_path, "w") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
        with open(md_path, "w") as f:
            f.write(markdown(results, args))
    print("%d models in %.0f s; wrote %s and %s" % (len(results), time.time() - started, md_path, json_path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
