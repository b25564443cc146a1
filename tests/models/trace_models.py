#!/usr/bin/python3
"""Builds the test models of the TorchScript frontend.

    trace_models.py OUTDIR NAME...

For each NAME writes OUTDIR/NAME.pt (TorchScript, random weights, eval mode)
and OUTDIR/NAME.json, the facts the end-to-end tests compare prunedep with:

    {"name": ..., "mode": "trace" | "script",
     "input_shapes": ["1x3x224x224", "1x16:int64"],   # the --input-shape flags
     "outputs": [[1, 1000], ...],                     # every output, flattened
     "modules": ["conv1", "layer1.0.bn1", ...],       # layers actually called
     "ir_contains": [...]}                            # lines the IR must hold

`modules` lists, sorted, every layer that runs during the forward pass: each
module whose class is one of LAYER_TYPES and that is called (forward hooks;
the class name is matched exactly, as the op table matches it), and each
module whose `weight` a torch.nn.functional layer function receives
(MultiheadAttention runs F.linear on out_proj.weight without calling
out_proj; torchvision's LayerNorm2d runs F.layer_norm on its own weight).

No downloads: every torchvision model is built with weights=None and seeded.
"""
import json
import math
import os
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

LAYER_TYPES = {
    "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
    "Linear", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "GroupNorm", "LayerNorm",
    "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "Embedding", "PReLU",
}

IMAGE = [(1, 3, 224, 224)]


# ---------------------------------------------------------------- hand-written models
class ResidualAdd(nn.Module):
    """conv-bn-relu-conv-bn + shortcut: the add ties conv2 and the stem."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn0 = nn.BatchNorm2d(16)
        self.conv1 = nn.Conv2d(16, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 16, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU(inplace=True)
        self.head = nn.Linear(16, 10)

    def forward(self, x):
        x = self.relu(self.bn0(self.stem(x)))
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        x = self.relu(x + y)
        return self.head(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class SEBlock(nn.Module):
    """Squeeze-and-excitation: x * sigmoid(fc2(relu(fc1(pool(x)))))."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 32, 3, padding=1)
        self.fc1 = nn.Conv2d(32, 8, 1)
        self.fc2 = nn.Conv2d(8, 32, 1)
        self.out = nn.Conv2d(32, 16, 1)

    def forward(self, x):
        x = F.relu(self.conv(x))
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(F.adaptive_avg_pool2d(x, 1)))))
        return self.out(x * s)


class CatAxes(nn.Module):
    """cat on the channel axis (1 and -3) and on other axes (2 and -1)."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3, padding=1)
        self.b = nn.Conv2d(3, 8, 3, padding=1)
        self.c = nn.Conv2d(3, 16, 3, padding=1)
        self.d = nn.Conv2d(3, 16, 3, padding=1)
        self.e = nn.Conv2d(3, 16, 3, padding=1)
        self.f = nn.Conv2d(3, 16, 3, padding=1)
        self.g = nn.Conv2d(16, 4, 3, padding=1)
        self.h = nn.Conv2d(16, 4, 3, padding=1)
        self.i = nn.Conv2d(16, 4, 3, padding=1)

    def forward(self, x):
        channel = torch.cat([self.a(x), self.b(x)], dim=1)        # 16 channels
        channel_neg = torch.cat([self.a(x), self.b(x)], dim=-3)   # the same axis, negative
        spatial = torch.cat([self.c(x), self.d(x)], dim=2)        # height doubles
        width_neg = torch.cat([self.e(x), self.f(x)], dim=-1)     # width doubles
        return self.g(channel + channel_neg), self.h(spatial), self.i(width_neg)


class ChunkSplit(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 32, 3, padding=1)
        self.left = nn.Conv2d(16, 16, 3, padding=1)
        self.right = nn.Conv2d(16, 16, 3, padding=1)
        self.big = nn.Conv2d(24, 16, 1)
        self.small = nn.Conv2d(8, 16, 1)

    def forward(self, x):
        x = self.conv(x)
        a, b = x.chunk(2, dim=1)
        y = self.left(a) + self.right(b)
        p, q = torch.split(x, [24, 8], dim=1)
        return y + self.big(p) + self.small(q)


class ViewLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(4)
        self.fc_view = nn.Linear(8 * 4 * 4, 10)
        self.fc_flat = nn.Linear(8 * 4 * 4, 10)
        self.fc_reshape = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        x = self.pool(self.conv(x))
        v = self.fc_view(x.view(x.size(0), -1))
        f = self.fc_flat(torch.flatten(x, 1))
        r = self.fc_reshape(x.reshape(-1, 8 * 4 * 4))
        return v + f + r


class PermuteLinear(nn.Module):
    """Channels-last Linear between two convs, as in ConvNeXt."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, padding=1)
        self.norm = nn.LayerNorm(16)
        self.fc = nn.Linear(16, 32)
        self.conv2 = nn.Conv2d(32, 8, 1)

    def forward(self, x):
        x = self.conv(x).permute(0, 2, 3, 1)
        x = self.fc(self.norm(x))
        x = x.permute(0, 3, 1, 2).contiguous()
        return self.conv2(x.transpose(2, 3))


class DepthwiseGrouped(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 32, 3, padding=1)
        self.depthwise = nn.Conv2d(32, 32, 3, padding=1, groups=32)
        self.grouped = nn.Conv2d(32, 64, 3, padding=1, groups=4)
        self.pointwise = nn.Conv2d(64, 16, 1)

    def forward(self, x):
        return self.pointwise(F.relu6(self.grouped(F.relu(self.depthwise(self.conv(x))))))


class ConvTransposeGroupNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 32, 3, stride=2, padding=1)
        self.gn = nn.GroupNorm(4, 32)
        self.up = nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1)
        self.gn_up = nn.GroupNorm(16, 16)
        self.up_grouped = nn.ConvTranspose2d(16, 8, 2, stride=2, groups=2, bias=False)

    def forward(self, x):
        x = F.relu(self.gn(self.conv(x)))
        return self.up_grouped(F.silu(self.gn_up(self.up(x))))


class EmbeddingModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(1000, 64, padding_idx=0)
        self.proj = nn.Linear(64, 32)

    def forward(self, ids):
        return self.proj(self.embed(ids)).mean(dim=1)


class SelfAttention(nn.Module):
    """HuggingFace BERT-style self-attention: q/k/v/o Linear layers."""

    def __init__(self, hidden=64, heads=4):
        super().__init__()
        self.heads = heads
        self.head_dim = hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.dense = nn.Linear(hidden, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def split_heads(self, x):
        new_shape = x.size()[:-1] + (self.heads, self.head_dim)
        return x.view(new_shape).permute(0, 2, 1, 3)

    def forward(self, hidden, mask):
        q = self.split_heads(self.query(hidden))
        k = self.split_heads(self.key(hidden))
        v = self.split_heads(self.value(hidden))
        scores = torch.matmul(q, k.transpose(-1, -2)) / (self.head_dim ** 0.5)
        scores = scores + (1.0 - mask[:, None, None, :].to(scores.dtype)) * -10000.0
        probs = self.dropout(F.softmax(scores, dim=-1))
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        ctx = ctx.view(ctx.size()[:-2] + (self.heads * self.head_dim,))
        return self.norm(self.dense(ctx) + hidden)


class LayerZoo(nn.Module):
    """1d/3d convs, transposed convs, batch/instance norms and PReLU, with two
    inputs and a tuple output: the layer types the issue asks to cover."""

    def __init__(self):
        super().__init__()
        self.conv1d = nn.Conv1d(4, 8, 3, padding=1)
        self.bn1d = nn.BatchNorm1d(8)
        self.prelu = nn.PReLU(8)
        self.up1d = nn.ConvTranspose1d(8, 4, 4, stride=2, padding=1)
        self.in1d = nn.InstanceNorm1d(4, affine=True)
        self.conv3d = nn.Conv3d(2, 6, 3, padding=(1, 1, 1), dilation=1)
        self.bn3d = nn.BatchNorm3d(6, eps=1e-3)
        self.in3d = nn.InstanceNorm3d(6)
        self.up3d = nn.ConvTranspose3d(6, 3, 2, stride=2)
        self.conv2d = nn.Conv2d(2, 4, (3, 5), stride=(2, 1), padding=(1, 2), dilation=(1, 1))
        self.in2d = nn.InstanceNorm2d(4, track_running_stats=True)
        self.prelu1 = nn.PReLU()

    def forward(self, seq, vol):
        a = self.in1d(self.up1d(self.prelu(self.bn1d(self.conv1d(seq)))))
        b = self.up3d(self.in3d(self.bn3d(self.conv3d(vol))))
        c = self.prelu1(self.in2d(self.conv2d(vol[:, :, 0])))
        return a, b, c


class FunctionalLayers(nn.Module):
    """Layers used through their weights instead of called: F.conv2d and
    F.layer_norm on a module's own weight and bias, and MultiheadAttention,
    which runs F.linear on out_proj's weight (and on its packed in_proj)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
        self.norm = nn.LayerNorm(8)
        self.head = nn.Linear(8, 4)

    def forward(self, x):
        y = F.relu(F.conv2d(x, self.conv.weight, self.conv.bias, padding=1))
        seq = y.flatten(2).transpose(1, 2)
        a, _ = self.attn(seq, seq, seq, need_weights=False)
        seq = F.layer_norm(seq + a, (8,), self.norm.weight, self.norm.bias)
        return self.head(seq.mean(1))


class DictOutput(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.cls = nn.Linear(8, 5)
        self.box = nn.Linear(8, 4)

    def forward(self, x):
        f = torch.flatten(F.adaptive_avg_pool2d(self.conv(x), 1), 1)
        return {"logits": self.cls(f), "boxes": self.box(f)}


class ScriptedBranches(nn.Module):
    """Scripted (not traced): control flow that folds once shapes are known."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(16, 4)
        self.use_bn = True

    def forward(self, x):
        if x.dim() == 3:
            x = x.unsqueeze(0)
        y = self.conv(x)
        if self.use_bn:
            y = self.bn(y)
        if y.size(1) > 4:
            y = F.relu(y)
        else:
            y = torch.sigmoid(y)
        features = [y]
        features.append(torch.sigmoid(y))  # a list built by mutation (as DenseNet)
        y = torch.cat(features, 1)
        pooled = y.mean([2, 3])
        return self.fc(pooled), pooled


class ScriptedLoop(nn.Module):
    """Scripted with a data-dependent loop: cannot be lowered (negative test)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        while bool(y.sum() > 0):
            y = y - 1.0
        return y


# ------------------------------------------- hostile-input corpus (tests/e2e)
class ListOutput(nn.Module):
    """Returns a list (traced with strict=False, as a dict output is)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.left = nn.Conv2d(8, 4, 1)
        self.right = nn.Conv2d(8, 6, 1)

    def forward(self, x):
        y = F.relu(self.conv(x))
        return [self.left(y), self.right(y)]


class NestedOutput(nn.Module):
    """A tuple holding a tensor, a list and a dict (a detection head's shape)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.a = nn.Conv2d(8, 4, 1)
        self.b = nn.Conv2d(8, 4, 1)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        y = self.conv(x)
        pooled = torch.flatten(F.adaptive_avg_pool2d(y, 1), 1)
        return y, [self.a(y), self.b(y)], {"score": self.fc(pooled)}


class Identity(nn.Module):
    """No layers: forward returns its input. A legitimate model with nothing
    to prune (an empty report, not an error)."""

    def forward(self, x):
        return x


class SharedView(nn.Module):
    """b's weight is a transposed view of a's (one storage, other strides):
    prunedep cannot tell which entries are which and must say so."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(6, 6)
        self.b = nn.Linear(6, 6)
        self.b.weight = nn.Parameter(self.a.weight.detach().t())

    def forward(self, x):
        return self.b(self.a(x))


class CheckedInput(nn.Module):
    """Scripted; raises on inputs smaller than 8x8 (run by the tests with
    4x4: the model's own message must reach the user)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        if x.size(2) < 8 or x.size(3) < 8:
            raise ValueError("input smaller than 8x8")
        return self.conv(x)


class Recurrent(nn.Module):
    """Token ids -> Embedding -> 2-layer bidirectional LSTM (batch_first) -> a
    GRU over its output (time-major); a Linear tags every step of the GRU's
    output, another classifies from the last LSTM layer's h_n (both
    directions) and the GRU's h_n."""

    def __init__(self, vocab=50, dim=16, hidden=12, gru_hidden=10, classes=5):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, hidden, num_layers=2, bidirectional=True, batch_first=True)
        self.gru = nn.GRU(2 * hidden, gru_hidden)
        self.tag = nn.Linear(gru_hidden, classes)
        self.cls = nn.Linear(2 * hidden + gru_hidden, classes)

    def forward(self, ids):
        out, (h_n, _) = self.lstm(self.embed(ids))
        steps, g_n = self.gru(out.transpose(0, 1))
        last = torch.cat([h_n[-2], h_n[-1], g_n[-1]], dim=-1)
        return self.tag(steps).transpose(0, 1), self.cls(last)


class OpZoo(nn.Module):
    """The ATen ops decoder LMs, audio and video models trace into that a
    plain CNN does not: GPT-2's Conv1D (addmm on a transposed weight), a
    causal mask (arange, triu), baddbmm attention scores, einsum, glu,
    repeat_interleave and tensor_split."""

    def __init__(self, hidden=16):
        super().__init__()
        self.embed = nn.Linear(8, hidden)
        # HF GPT-2 Conv1D: y = addmm(bias, x, weight) with weight [in, out].
        self.attn_weight = nn.Parameter(torch.randn(hidden, 3 * hidden) * 0.02)
        self.attn_bias = nn.Parameter(torch.zeros(3 * hidden))
        self.proj = nn.Linear(hidden, hidden)
        self.gate = nn.Linear(hidden, 2 * hidden)
        self.mix = nn.Linear(hidden, hidden // 2)
        self.out = nn.Linear(hidden, 4)

    def forward(self, x):
        h = self.embed(x)                                   # [B, T, H]
        b, t, d = h.shape
        qkv = torch.addmm(self.attn_bias, h.reshape(b * t, d), self.attn_weight).view(b, t, 3 * d)
        q, k, v = qkv.split(d, dim=2)
        pos = torch.arange(t)
        mask = torch.triu(torch.ones(t, t), diagonal=1) * -1e4
        scores = torch.baddbmm(mask.expand(b, t, t), q, k.transpose(1, 2)) + pos.float()[None, None, :] * 0
        ctx = torch.einsum("bts,bsd->btd", scores.softmax(-1), v)
        h = h + self.proj(ctx)
        g = F.glu(self.gate(h), dim=-1)                     # [B, T, H]
        a, c = torch.tensor_split(g, 2, dim=-1)
        rep = torch.repeat_interleave(self.mix(h), 2, dim=-1)
        h = h + torch.cat([a, c], dim=-1) + rep
        return self.out(h)


# ------------------------------------------------------ the models people bring
# Written after the public originals (HF transformers' Llama and GPT-2, the
# PyTorch word_language_model, Ultralytics YOLOv8) at small sizes.
class LlamaRMSNorm(nn.Module):
    """HF LlamaRMSNorm: weight * x * rsqrt(mean(x^2) + eps)."""

    def __init__(self, hidden, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        input_dtype = hidden_states.dtype
        hidden_states = hidden_states.to(torch.float32)
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * hidden_states.to(input_dtype)


class LlamaRotaryEmbedding(nn.Module):
    """HF LlamaRotaryEmbedding: cos/sin caches of the positions, sliced to the
    sequence length."""

    def __init__(self, dim, max_positions=64, base=10000):
        super().__init__()
        inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim))
        self.register_buffer("inv_freq", inv_freq)
        t = torch.arange(max_positions, dtype=inv_freq.dtype)
        freqs = torch.einsum("i,j->ij", t, inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        self.register_buffer("cos_cached", emb.cos()[None, None, :, :], persistent=False)
        self.register_buffer("sin_cached", emb.sin()[None, None, :, :], persistent=False)

    def forward(self, x, seq_len):
        return (self.cos_cached[:, :, :seq_len, ...].to(dtype=x.dtype),
                self.sin_cached[:, :, :seq_len, ...].to(dtype=x.dtype))


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary_pos_emb(q, k, cos, sin, position_ids):
    cos = cos.squeeze(1).squeeze(0)          # [seq_len, dim]
    sin = sin.squeeze(1).squeeze(0)
    cos = cos[position_ids].unsqueeze(1)     # [bs, 1, seq_len, dim]
    sin = sin[position_ids].unsqueeze(1)
    return (q * cos) + (rotate_half(q) * sin), (k * cos) + (rotate_half(k) * sin)


def repeat_kv(hidden_states, n_rep):
    """HF repeat_kv: [b, kv_heads, t, d] -> [b, kv_heads * n_rep, t, d]."""
    batch, num_key_value_heads, slen, head_dim = hidden_states.shape
    if n_rep == 1:
        return hidden_states
    hidden_states = hidden_states[:, :, None, :, :].expand(batch, num_key_value_heads, n_rep, slen, head_dim)
    return hidden_states.reshape(batch, num_key_value_heads * n_rep, slen, head_dim)


class LlamaAttention(nn.Module):
    """Grouped-query attention: 8 query heads share 2 key/value heads."""

    def __init__(self, hidden, heads, kv_heads):
        super().__init__()
        self.hidden_size = hidden
        self.num_heads = heads
        self.head_dim = hidden // heads
        self.num_key_value_heads = kv_heads
        self.num_key_value_groups = heads // kv_heads
        self.q_proj = nn.Linear(hidden, heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(hidden, kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(hidden, kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(heads * self.head_dim, hidden, bias=False)
        self.rotary_emb = LlamaRotaryEmbedding(self.head_dim)

    def forward(self, hidden_states, attention_mask, position_ids):
        bsz, q_len, _ = hidden_states.size()
        query_states = self.q_proj(hidden_states).view(bsz, q_len, self.num_heads, self.head_dim).transpose(1, 2)
        key_states = self.k_proj(hidden_states).view(
            bsz, q_len, self.num_key_value_heads, self.head_dim).transpose(1, 2)
        value_states = self.v_proj(hidden_states).view(
            bsz, q_len, self.num_key_value_heads, self.head_dim).transpose(1, 2)
        cos, sin = self.rotary_emb(value_states, seq_len=q_len)
        query_states, key_states = apply_rotary_pos_emb(query_states, key_states, cos, sin, position_ids)
        key_states = repeat_kv(key_states, self.num_key_value_groups)
        value_states = repeat_kv(value_states, self.num_key_value_groups)
        attn_weights = torch.matmul(query_states, key_states.transpose(2, 3)) / math.sqrt(self.head_dim)
        attn_weights = attn_weights + attention_mask
        attn_weights = F.softmax(attn_weights, dim=-1, dtype=torch.float32).to(query_states.dtype)
        attn_output = torch.matmul(attn_weights, value_states)
        attn_output = attn_output.transpose(1, 2).contiguous()
        attn_output = attn_output.reshape(bsz, q_len, self.hidden_size)
        return self.o_proj(attn_output)


class LlamaMLP(nn.Module):
    """SwiGLU: down_proj(silu(gate_proj(x)) * up_proj(x))."""

    def __init__(self, hidden, intermediate):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, intermediate, bias=False)
        self.up_proj = nn.Linear(hidden, intermediate, bias=False)
        self.down_proj = nn.Linear(intermediate, hidden, bias=False)
        self.act_fn = nn.SiLU()

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))


class LlamaDecoderLayer(nn.Module):
    def __init__(self, hidden, heads, kv_heads, intermediate):
        super().__init__()
        self.self_attn = LlamaAttention(hidden, heads, kv_heads)
        self.mlp = LlamaMLP(hidden, intermediate)
        self.input_layernorm = LlamaRMSNorm(hidden)
        self.post_attention_layernorm = LlamaRMSNorm(hidden)

    def forward(self, hidden_states, attention_mask, position_ids):
        residual = hidden_states
        hidden_states = self.self_attn(self.input_layernorm(hidden_states), attention_mask, position_ids)
        hidden_states = residual + hidden_states
        residual = hidden_states
        return residual + self.mlp(self.post_attention_layernorm(hidden_states))


class LlamaModel(nn.Module):
    def __init__(self, vocab, hidden, heads, kv_heads, intermediate, layers):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, hidden)
        self.layers = nn.ModuleList(
            LlamaDecoderLayer(hidden, heads, kv_heads, intermediate) for _ in range(layers))
        self.norm = LlamaRMSNorm(hidden)

    def forward(self, input_ids):
        bsz, seq_len = input_ids.shape
        position_ids = torch.arange(seq_len, dtype=torch.long).unsqueeze(0).view(-1, seq_len)
        hidden_states = self.embed_tokens(input_ids)
        # The causal mask: the min float above the diagonal, 0 on and below.
        mask = torch.triu(torch.full((seq_len, seq_len), torch.finfo(hidden_states.dtype).min), diagonal=1)
        attention_mask = mask[None, None, :, :].expand(bsz, 1, seq_len, seq_len)
        for layer in self.layers:
            hidden_states = layer(hidden_states, attention_mask, position_ids)
        return self.norm(hidden_states)


class LlamaLM(nn.Module):
    """HF LlamaForCausalLM (2 layers, hidden 64, 8 query heads, 2 kv heads,
    SwiGLU 128, untied lm_head)."""

    def __init__(self, vocab=256, hidden=64, heads=8, kv_heads=2, intermediate=128, layers=2):
        super().__init__()
        self.model = LlamaModel(vocab, hidden, heads, kv_heads, intermediate, layers)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)

    def forward(self, input_ids):
        return self.lm_head(self.model(input_ids))


class Conv1D(nn.Module):
    """HF transformers' Conv1D: a Linear with its weight stored [nx, nf]."""

    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))
        nn.init.normal_(self.weight, std=0.02)

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


class NewGELUActivation(nn.Module):
    """HF gelu_new, GPT-2's activation (the tanh approximation)."""

    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class GPT2Attention(nn.Module):
    def __init__(self, embed_dim, heads, max_positions):
        super().__init__()
        self.register_buffer("bias", torch.tril(torch.ones((max_positions, max_positions), dtype=torch.bool))
                             .view(1, 1, max_positions, max_positions), persistent=False)
        self.embed_dim = embed_dim
        self.num_heads = heads
        self.head_dim = embed_dim // heads
        self.split_size = embed_dim
        self.c_attn = Conv1D(3 * embed_dim, embed_dim)
        self.c_proj = Conv1D(embed_dim, embed_dim)
        self.attn_dropout = nn.Dropout(0.1)
        self.resid_dropout = nn.Dropout(0.1)

    def _split_heads(self, tensor, num_heads, attn_head_size):
        new_shape = tensor.size()[:-1] + (num_heads, attn_head_size)
        return tensor.view(new_shape).permute(0, 2, 1, 3)      # (batch, head, seq, head_dim)

    def _merge_heads(self, tensor, num_heads, attn_head_size):
        tensor = tensor.permute(0, 2, 1, 3).contiguous()
        new_shape = tensor.size()[:-2] + (num_heads * attn_head_size,)
        return tensor.view(new_shape)

    def _attn(self, query, key, value):
        attn_weights = torch.matmul(query, key.transpose(-1, -2))
        attn_weights = attn_weights / torch.full([], value.size(-1) ** 0.5, dtype=attn_weights.dtype)
        query_length, key_length = query.size(-2), key.size(-2)
        causal_mask = self.bias[:, :, key_length - query_length: key_length, :key_length]
        mask_value = torch.full([], torch.finfo(attn_weights.dtype).min, dtype=attn_weights.dtype)
        attn_weights = torch.where(causal_mask, attn_weights.to(attn_weights.dtype), mask_value)
        attn_weights = self.attn_dropout(F.softmax(attn_weights, dim=-1))
        return torch.matmul(attn_weights, value)

    def forward(self, hidden_states):
        query, key, value = self.c_attn(hidden_states).split(self.split_size, dim=2)
        query = self._split_heads(query, self.num_heads, self.head_dim)
        key = self._split_heads(key, self.num_heads, self.head_dim)
        value = self._split_heads(value, self.num_heads, self.head_dim)
        attn_output = self._merge_heads(self._attn(query, key, value), self.num_heads, self.head_dim)
        return self.resid_dropout(self.c_proj(attn_output))


class GPT2MLP(nn.Module):
    def __init__(self, intermediate, embed_dim):
        super().__init__()
        self.c_fc = Conv1D(intermediate, embed_dim)
        self.c_proj = Conv1D(embed_dim, intermediate)
        self.act = NewGELUActivation()
        self.dropout = nn.Dropout(0.1)

    def forward(self, hidden_states):
        return self.dropout(self.c_proj(self.act(self.c_fc(hidden_states))))


class GPT2Block(nn.Module):
    def __init__(self, embed_dim, heads, max_positions):
        super().__init__()
        self.ln_1 = nn.LayerNorm(embed_dim, eps=1e-5)
        self.attn = GPT2Attention(embed_dim, heads, max_positions)
        self.ln_2 = nn.LayerNorm(embed_dim, eps=1e-5)
        self.mlp = GPT2MLP(4 * embed_dim, embed_dim)

    def forward(self, hidden_states):
        hidden_states = hidden_states + self.attn(self.ln_1(hidden_states))
        return hidden_states + self.mlp(self.ln_2(hidden_states))


class GPT2Model(nn.Module):
    def __init__(self, vocab, embed_dim, heads, layers, max_positions):
        super().__init__()
        self.wte = nn.Embedding(vocab, embed_dim)
        self.wpe = nn.Embedding(max_positions, embed_dim)
        self.drop = nn.Dropout(0.1)
        self.h = nn.ModuleList(GPT2Block(embed_dim, heads, max_positions) for _ in range(layers))
        self.ln_f = nn.LayerNorm(embed_dim, eps=1e-5)

    def forward(self, input_ids):
        input_shape = input_ids.size()
        input_ids = input_ids.view(-1, input_shape[-1])
        position_ids = torch.arange(0, input_shape[-1], dtype=torch.long).unsqueeze(0).view(-1, input_shape[-1])
        hidden_states = self.drop(self.wte(input_ids) + self.wpe(position_ids))
        for block in self.h:
            hidden_states = block(hidden_states)
        return self.ln_f(hidden_states)


class GPT2LM(nn.Module):
    """HF GPT2LMHeadModel (2 layers, 64 wide, 4 heads): lm_head's weight IS the
    token embedding's weight (tied)."""

    def __init__(self, vocab=256, embed_dim=64, heads=4, layers=2, max_positions=32):
        super().__init__()
        self.transformer = GPT2Model(vocab, embed_dim, heads, layers, max_positions)
        self.lm_head = nn.Linear(embed_dim, vocab, bias=False)
        self.lm_head.weight = self.transformer.wte.weight   # tie_weights()

    def forward(self, input_ids):
        return self.lm_head(self.transformer(input_ids))


class LSTMLM(nn.Module):
    """The PyTorch word_language_model RNNModel (AWD-LSTM's shape): Embedding,
    a 2-layer LSTM over [T, B], a Linear decoder, log_softmax."""

    def __init__(self, ntoken=100, ninp=32, nhid=48, nlayers=2):
        super().__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(0.0)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=0.0)
        self.decoder = nn.Linear(nhid, ntoken)

    def forward(self, input):
        emb = self.drop(self.encoder(input))
        output, _ = self.rnn(emb)
        decoded = self.decoder(self.drop(output)).view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1)


class GRUClassifier(nn.Module):
    """A 2-layer bidirectional GRU (batch_first) over feature frames; the last
    time step's two directions feed a Linear classifier."""

    def __init__(self, features=20, hidden=32, classes=5):
        super().__init__()
        self.gru = nn.GRU(features, hidden, num_layers=2, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, classes)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(out[:, -1, :])


def autopad(k, p=None, d=1):
    if d > 1:
        k = d * (k - 1) + 1 if isinstance(k, int) else [d * (x - 1) + 1 for x in k]
    if p is None:
        p = k // 2 if isinstance(k, int) else [x // 2 for x in k]
    return p


class YoloConv(nn.Module):
    """Ultralytics Conv: conv (no bias) + BatchNorm + SiLU."""
    default_act = nn.SiLU()

    def __init__(self, c1, c2, k=1, s=1, p=None, g=1, d=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, autopad(k, p, d), groups=g, dilation=d, bias=False)
        self.bn = nn.BatchNorm2d(c2)
        self.act = self.default_act

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class YoloBottleneck(nn.Module):
    def __init__(self, c1, c2, shortcut=True, g=1, k=(3, 3), e=0.5):
        super().__init__()
        c_ = int(c2 * e)
        self.cv1 = YoloConv(c1, c_, k[0], 1)
        self.cv2 = YoloConv(c_, c2, k[1], 1, g=g)
        self.add = shortcut and c1 == c2

    def forward(self, x):
        return x + self.cv2(self.cv1(x)) if self.add else self.cv2(self.cv1(x))


class C2f(nn.Module):
    """cv1 -> chunk(2, 1) -> each bottleneck appends to the list -> cat -> cv2."""

    def __init__(self, c1, c2, n=1, shortcut=False, g=1, e=0.5):
        super().__init__()
        self.c = int(c2 * e)
        self.cv1 = YoloConv(c1, 2 * self.c, 1, 1)
        self.cv2 = YoloConv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(YoloBottleneck(self.c, self.c, shortcut, g, k=(3, 3), e=1.0) for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).chunk(2, 1))
        y.extend(m(y[-1]) for m in self.m)
        return self.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    def __init__(self, c1, c2, k=5):
        super().__init__()
        c_ = c1 // 2
        self.cv1 = YoloConv(c1, c_, 1, 1)
        self.cv2 = YoloConv(c_ * 4, c2, 1, 1)
        self.m = nn.MaxPool2d(kernel_size=k, stride=1, padding=k // 2)

    def forward(self, x):
        x = self.cv1(x)
        y1 = self.m(x)
        y2 = self.m(y1)
        return self.cv2(torch.cat((x, y1, y2, self.m(y2)), 1))


class YOLOv8Backbone(nn.Module):
    """yolov8n.yaml's backbone and PAN neck (widths 16..256, depths 1-2); returns
    the P3, P4 and P5 features the Detect head would read."""

    def __init__(self):
        super().__init__()
        self.b0 = YoloConv(3, 16, 3, 2)            # P1/2
        self.b1 = YoloConv(16, 32, 3, 2)           # P2/4
        self.b2 = C2f(32, 32, 1, True)
        self.b3 = YoloConv(32, 64, 3, 2)           # P3/8
        self.b4 = C2f(64, 64, 2, True)
        self.b5 = YoloConv(64, 128, 3, 2)          # P4/16
        self.b6 = C2f(128, 128, 2, True)
        self.b7 = YoloConv(128, 256, 3, 2)         # P5/32
        self.b8 = C2f(256, 256, 1, True)
        self.b9 = SPPF(256, 256, 5)
        self.up = nn.Upsample(None, 2, "nearest")
        self.h12 = C2f(256 + 128, 128, 1)
        self.h15 = C2f(128 + 64, 64, 1)            # P3 out
        self.h16 = YoloConv(64, 64, 3, 2)
        self.h18 = C2f(64 + 128, 128, 1)           # P4 out
        self.h19 = YoloConv(128, 128, 3, 2)
        self.h21 = C2f(128 + 256, 256, 1)          # P5 out

    def forward(self, x):
        p3 = self.b4(self.b3(self.b2(self.b1(self.b0(x)))))
        p4 = self.b6(self.b5(p3))
        p5 = self.b9(self.b8(self.b7(p4)))
        h12 = self.h12(torch.cat([self.up(p5), p4], 1))
        out3 = self.h15(torch.cat([self.up(h12), p3], 1))
        out4 = self.h18(torch.cat([self.h16(out3), h12], 1))
        out5 = self.h21(torch.cat([self.h19(out4), p5], 1))
        return out3, out4, out5


# ---------------------------------------------------------------- the table
def tv(name, **kw):
    def build():
        return getattr(torchvision.models, name)(weights=None, **kw)
    return build


# name -> (builder, [(shape, dtype)], mode)
MODELS = {
    "resnet18": (tv("resnet18"), IMAGE, "trace"),
    "resnet50": (tv("resnet50"), IMAGE, "trace"),
    "resnext50_32x4d": (tv("resnext50_32x4d"), IMAGE, "trace"),
    "mobilenet_v2": (tv("mobilenet_v2"), IMAGE, "trace"),
    "mobilenet_v3_small": (tv("mobilenet_v3_small"), IMAGE, "trace"),
    "densenet121": (tv("densenet121"), IMAGE, "trace"),
    "shufflenet_v2_x1_0": (tv("shufflenet_v2_x1_0"), IMAGE, "trace"),
    "squeezenet1_1": (tv("squeezenet1_1"), IMAGE, "trace"),
    "vgg16_bn": (tv("vgg16_bn"), IMAGE, "trace"),
    "googlenet": (tv("googlenet", aux_logits=False, init_weights=False), IMAGE, "trace"),
    "inception_v3": (tv("inception_v3", aux_logits=False, init_weights=False),
                     [(1, 3, 299, 299)], "trace"),
    "efficientnet_b0": (tv("efficientnet_b0"), IMAGE, "trace"),
    "regnet_y_400mf": (tv("regnet_y_400mf"), IMAGE, "trace"),
    "convnext_tiny": (tv("convnext_tiny"), IMAGE, "trace"),
    "vit_b_16": (tv("vit_b_16"), IMAGE, "trace"),
    "swin_t": (tv("swin_t"), IMAGE, "trace"),
    "alexnet": (tv("alexnet"), IMAGE, "trace"),
    "residual_add": (ResidualAdd, [(1, 3, 32, 32)], "trace"),
    "se_block": (SEBlock, [(1, 3, 32, 32)], "trace"),
    "cat_axes": (CatAxes, [(1, 3, 16, 16)], "trace"),
    "chunk_split": (ChunkSplit, [(1, 3, 16, 16)], "trace"),
    "view_linear": (ViewLinear, [(2, 3, 16, 16)], "trace"),
    "permute_linear": (PermuteLinear, [(1, 3, 16, 12)], "trace"),
    "depthwise_grouped": (DepthwiseGrouped, [(1, 3, 16, 16)], "trace"),
    "convtranspose_groupnorm": (ConvTransposeGroupNorm, [(1, 3, 16, 16)], "trace"),
    "embedding": (EmbeddingModel, [((1, 16), torch.int64)], "trace"),
    "self_attention": (SelfAttention, [(2, 12, 64), ((2, 12), torch.int64)], "trace"),
    "layer_zoo": (LayerZoo, [(2, 4, 16), (1, 2, 4, 8, 8)], "trace"),
    "recurrent": (Recurrent, [((2, 7), torch.int64)], "trace"),
    "functional_layers": (FunctionalLayers, [(1, 3, 8, 8)], "trace"),
    "op_zoo": (OpZoo, [(2, 6, 8)], "trace"),
    "llama_lm": (LlamaLM, [((1, 16), torch.int64)], "trace"),
    "gpt2_lm": (GPT2LM, [((1, 16), torch.int64)], "trace"),
    "lstm_lm": (LSTMLM, [((12, 2), torch.int64)], "trace"),
    "gru_classifier": (GRUClassifier, [(2, 10, 20)], "trace"),
    "yolov8_backbone": (YOLOv8Backbone, [(1, 3, 64, 64)], "trace"),
    "dict_output": (DictOutput, [(1, 3, 16, 16)], "trace"),
    "scripted_branches": (ScriptedBranches, [(1, 3, 16, 16)], "script"),
    "scripted_loop": (ScriptedLoop, [(1, 3, 8, 8)], "script"),
    "list_output": (ListOutput, [(1, 3, 16, 16)], "trace"),
    "nested_output": (NestedOutput, [(1, 3, 16, 16)], "trace"),
    "identity": (Identity, [(1, 3, 16, 16)], "trace"),
    "checked_input": (CheckedInput, [(1, 3, 16, 16)], "script"),
    "shared_view": (SharedView, [(2, 6)], "trace"),
}

# Lines (without the trailing loc) the lowered IR of a hand-written model
# must contain: the structure the frontend must get right beyond the layer
# list and shapes (which tensors meet where, and the constant arguments).
IR_CONTAINS = {
    "residual_add": ['%add: f32[1,16,32,32] = aten::add(%relu, %bn2) {alpha = 1} scope "" : ResidualAdd'],
    "se_block": ['%mul: f32[1,32,32,32] = aten::mul(%relu, %sigmoid) scope "" : SEBlock'],
    "cat_axes": ['= aten::cat(%a, %b) {dim = 1}', '= aten::cat(%a_1, %b_1) {dim = -3}',
                 '= aten::cat(%c, %d) {dim = 2}', '= aten::cat(%e, %f) {dim = -1}'],
    "chunk_split": ['%chunk: f32[1,16,16,16], %chunk_1: f32[1,16,16,16] = aten::chunk(%conv) '
                    '{chunks = 2, dim = 1}',
                    '= aten::split_with_sizes(%conv) {split_sizes = [24, 8], dim = 1}',
                    '= nn.Conv2d(%chunk_1) {in_channels = 16'],
    "view_linear": ['%view: f32[2,128] = aten::view(%pool) {size = [2, -1]}',
                    '%flatten: f32[2,128] = aten::flatten(%pool) {start_dim = 1, end_dim = -1}'],
    "permute_linear": ['%permute: f32[1,16,12,16] = aten::permute(%conv) {dims = [0, 2, 3, 1]}'],
    "depthwise_grouped": ['%depthwise: f32[1,32,16,16] = nn.Conv2d(%conv) {in_channels = 32, '
                          'out_channels = 32, kernel_size = [3, 3], stride = [1, 1], padding = [1, 1], '
                          'dilation = [1, 1], groups = 32, bias = true} module "depthwise"'],
    "convtranspose_groupnorm": [
        '= nn.ConvTranspose2d(%relu) {in_channels = 32, out_channels = 16, kernel_size = [3, 3], '
        'stride = [2, 2], padding = [1, 1], dilation = [1, 1], groups = 1, bias = true, '
        'output_padding = [1, 1]} module "up"',
        '= nn.GroupNorm(%conv) {num_groups = 4, num_channels = 32, eps = 1e-05, affine = true}'],
    "embedding": ['%embed: f32[1,16,64] = nn.Embedding(%input) {num_embeddings = 1000, '
                  'embedding_dim = 64, padding_idx = 0} module "embed"'],
    "self_attention": ['%matmul: f32[2,4,12,12] = aten::matmul(%permute, %transpose)',
                       '%softmax: f32[2,4,12,12] = aten::softmax(%add) {dim = -1, dtype = none}'],
    # Layers used through their weights are layer ops of the module holding
    # the weights (FunctionalLayers.h); MultiheadAttention's packed in_proj
    # stays a function op on the attention module's own parameters.
    "functional_layers": [
        '%conv: f32[1,8,8,8] = nn.Conv2d(%input) {in_channels = 3, out_channels = 8, '
        'kernel_size = [3, 3], stride = [1, 1], padding = [1, 1], dilation = [1, 1], groups = 1, '
        'bias = true} module "conv"',
        '%attn.linear: f32[64,1,24] = aten::linear(%attn.transpose, %attn.in_proj_weight, '
        '%attn.in_proj_bias) scope "attn" : MultiheadAttention',
        '%attn.out_proj: f32[64,8] = nn.Linear(%attn.view_3) {in_features = 8, out_features = 8, '
        'bias = true} module "attn.out_proj"',
        '%norm: f32[1,64,8] = nn.LayerNorm(%add) {normalized_shape = [8], eps = 1e-05, '
        'elementwise_affine = true} module "norm"'],
    # nn.LSTM / nn.GRU are one function op on the module's weights; a tensor
    # list followed by more tensors (the LSTM's hx before its weights) keeps
    # its length as "operand" markers.
    "recurrent": ['= aten::lstm(%embed, %lstm.zeros, %lstm.zeros_1, %lstm.weight_ih_l0, ',
                  '{hx = ["operand", "operand"], has_biases = true, num_layers = 2, dropout = 0.0, '
                  'train = false, bidirectional = true, batch_first = true} scope "lstm" : LSTM',
                  '%gru.gru: f32[7,2,10], %gru.gru_1: f32[1,2,10] = aten::gru(%transpose, %gru.zeros, '
                  '%gru.weight_ih_l0, %gru.weight_hh_l0, %gru.bias_ih_l0, %gru.bias_hh_l0) {has_biases = true, '
                  'num_layers = 1, dropout = 0.0, train = false, bidirectional = false, batch_first = false}'],
    # HF's Conv1D (addmm on a weight stored [in, out]) is a Linear layer op
    # with `transposed`; the lm_head whose weight is the token embedding's
    # (the tracer passes it as an argument) is a Linear tied to it.
    "gpt2_lm": ['= nn.Linear(%transformer.h.0.attn.c_attn.view) {in_features = 64, out_features = 192, '
                'bias = true, transposed = true} module "transformer.h.0.attn.c_attn"',
                '%lm_head: f32[1,16,256] = nn.Linear(%transformer.ln_f) {in_features = 64, out_features = 256, '
                'bias = false, tied = "transformer.wte.weight"} module "lm_head"'],
    "scripted_branches": ['%relu: f32[1,8,16,16] = aten::relu(%bn)',
                          '%cat: f32[1,16,16,16] = aten::cat(%relu, %sigmoid) {dim = 1}'],
}

DTYPE_FLAG = {torch.float32: "", torch.int64: ":int64"}


def example_inputs(specs):
    """Random inputs of the given shapes; integer inputs are small ids/masks
    so that every embedding index is valid."""
    out = []
    for spec in specs:
        shape, dtype = (spec, torch.float32) if isinstance(spec[0], int) else spec
        if dtype.is_floating_point:
            out.append(torch.randn(*shape, dtype=dtype))
        else:
            out.append(torch.randint(0, 2, shape, dtype=dtype))
    return out, [("x".join(map(str, shape)) + DTYPE_FLAG[dtype])
                 for shape, dtype in ((s, torch.float32) if isinstance(s[0], int) else s
                                      for s in specs)]


def flatten_outputs(out):
    if isinstance(out, torch.Tensor):
        return [list(out.shape)]
    if isinstance(out, dict):
        out = list(out.values())
    result = []
    for o in out:
        result += flatten_outputs(o)
    return result


def called_layers(model, inputs):
    """Module paths of the LAYER_TYPES modules that run on `inputs`."""
    called, hooks = set(), []
    for path, module in model.named_modules():
        if type(module).__name__ in LAYER_TYPES:
            hooks.append(module.register_forward_hook(
                lambda m, i, o, path=path: called.add(path)))
    with torch.no_grad():
        out = model(*inputs)
    for h in hooks:
        h.remove()
    return sorted(called), out


# The torch.nn.functional functions that compute a layer from its weight.
LAYER_FUNCTIONS = [
    "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d", "batch_norm", "instance_norm", "group_norm", "layer_norm",
    "embedding", "prelu",
]


def layers_used_through_weights(model, inputs):
    """Module paths whose `weight` a LAYER_FUNCTIONS function receives, in a
    forward with autograd on (as traced: no fused attention fast path)."""
    owners = {}
    for path, module in model.named_modules():
        w = module._parameters.get("weight") if path else None
        if isinstance(w, torch.Tensor):
            owners[id(w)] = path
    used = set()
    originals = [(F, name, getattr(F, name)) for name in LAYER_FUNCTIONS]
    # HF's Conv1D: torch.addmm(bias, x, weight) on its own weight.
    originals.append((torch, "addmm", torch.addmm))

    def spy(fn):
        def wrapper(*args, **kwargs):
            for a in list(args) + list(kwargs.values()):
                if isinstance(a, torch.Tensor) and id(a) in owners:
                    used.add(owners[id(a)])
            return fn(*args, **kwargs)
        return wrapper

    try:
        for owner, name, fn in originals:
            setattr(owner, name, spy(fn))
        with torch.enable_grad():
            model(*inputs)
    finally:
        for owner, name, fn in originals:
            setattr(owner, name, fn)
    return used


def build(name, outdir):
    builder, specs, mode = MODELS[name]
    torch.manual_seed(0)
    model = builder().eval()
    inputs, flags = example_inputs(specs)
    modules, out = called_layers(model, inputs)
    modules = sorted(set(modules) | layers_used_through_weights(model, inputs))
    # Traced with autograd on, as NNI traces: in eval mode under no_grad,
    # nn.MultiheadAttention takes its fused fast path and the trace shows one
    # aten::_native_multi_head_attention instead of its projections, matmuls
    # and softmax.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TracerWarnings about size-dependent code
        if mode == "trace":
            # strict=False lets a model return a dict (traced as prim::DictConstruct).
            ts = torch.jit.trace(model, tuple(inputs), check_trace=False, strict=False)
        else:
            ts = torch.jit.script(model)
    pt = os.path.join(outdir, name + ".pt")
    ts.save(pt)
    facts = {"name": name, "mode": mode, "input_shapes": flags,
             "outputs": flatten_outputs(out), "modules": modules,
             "ir_contains": IR_CONTAINS.get(name, [])}
    with open(os.path.join(outdir, name + ".json"), "w") as f:
        json.dump(facts, f, indent=1)
        f.write("\n")


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: trace_models.py OUTDIR NAME...  (names: " + " ".join(MODELS) + ")")
    torch.set_num_threads(1)  # the build traces models in parallel, one per core
    outdir = argv[1]
    for name in argv[2:]:
        if name not in MODELS:
            sys.exit("trace_models.py: unknown model '%s'" % name)
        build(name, outdir)


if __name__ == "__main__":
    main(sys.argv)
