#!/usr/bin/python3
"""Trains the compression fixtures on sklearn's bundled digits and exports them as ONNX.

Run with Debian's interpreter (it has python3-torch, python3-sklearn, python3-onnx):

    /usr/bin/python3 compression-core/src/test/fixtures-src/generate.py

Writes into compression-core/src/test/resources/fixtures/ (see README.md next to this file).
Deterministic: fixed seeds, one thread, deterministic kernels, a fixed train/eval split.
"""
import io
import json
import os
import random
import sys
import warnings
import zipfile

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper
from sklearn.datasets import load_digits

SEED = 20261129
EVAL_COUNT = 360
CALIB_COUNT = 128
TESTDATA_COUNT = 8
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures"))


def seed_everything():
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


def split_digits():
    """Returns (train_x, train_y, eval_x, eval_y) with pixels scaled to [0, 1], shape [n, 8, 8]."""
    digits = load_digits()
    x = (digits.images.astype(np.float32) / 16.0)
    y = digits.target.astype(np.int64)
    order = np.random.RandomState(SEED).permutation(len(x))
    eval_idx, train_idx = order[:EVAL_COUNT], order[EVAL_COUNT:]
    return x[train_idx], y[train_idx], x[eval_idx], y[eval_idx]


def upsample16(x):
    """8x8 -> 1x16x16 (bilinear), so the convolutions have spatial extent to work on."""
    t = torch.from_numpy(x).unsqueeze(1)
    return F.interpolate(t, size=(16, 16), mode="bilinear", align_corners=False).numpy()


class ConvBnRelu(nn.Sequential):
    def __init__(self, cin, cout, stride=1):
        super().__init__(nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU())


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.a = ConvBnRelu(channels, channels)
        self.conv = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(channels)

    def forward(self, x):
        return F.relu(x + self.bn(self.conv(self.a(x))))


class DigitsCnn(nn.Module):
    """1x16x16 -> Conv/BN/ReLU(16) -> MaxPool -> Conv/BN/ReLU(32) -> residual(32) -> Conv/BN/ReLU(64)
    -> GlobalAveragePool -> Flatten -> Gemm(10); `width` multiplies every channel count."""

    def __init__(self, width=1):
        super().__init__()
        c1, c2, c3 = 16 * width, 32 * width, 64 * width
        self.stem = ConvBnRelu(1, c1)
        self.pool = nn.MaxPool2d(2)
        self.widen = ConvBnRelu(c1, c2)
        self.res = ResidualBlock(c2)
        self.head_conv = ConvBnRelu(c2, c3, stride=2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(c3, 10)

    def forward(self, x):
        x = self.pool(self.stem(x))
        x = self.res(self.widen(x))
        x = self.gap(self.head_conv(x))
        return self.fc(torch.flatten(x, 1))


class EncoderLayer(nn.Module):
    """Pre-norm encoder layer written out by hand so the exporter emits plain MatMul/Softmax/
    LayerNormalization (nn.TransformerEncoderLayer's eval fast path exports poorly in torch 1.13)."""

    def __init__(self, tokens, d_model, heads, ffn):
        super().__init__()
        self.tokens, self.d_model = tokens, d_model
        self.heads, self.head_dim = heads, d_model // heads
        self.ln1 = nn.LayerNorm(d_model)
        self.q = nn.Linear(d_model, d_model)
        self.k = nn.Linear(d_model, d_model)
        self.v = nn.Linear(d_model, d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.ln2 = nn.LayerNorm(d_model)
        self.ff1 = nn.Linear(d_model, ffn)
        self.ff2 = nn.Linear(ffn, d_model)

    def forward(self, x):
        # Python-int shapes (not x.shape) so the exported Reshapes take constants, not Shape/Gather chains.
        tokens, d = self.tokens, self.d_model
        h = self.ln1(x)
        q, k, v = self.q(h), self.k(h), self.v(h)
        q, k, v = (t.reshape(-1, tokens, self.heads, self.head_dim).transpose(1, 2) for t in (q, k, v))
        att = torch.softmax(q @ k.transpose(-2, -1) * (self.head_dim ** -0.5), dim=-1)
        y = (att @ v).transpose(1, 2).reshape(-1, tokens, d)
        x = x + self.proj(y)
        return x + self.ff2(F.gelu(self.ff1(self.ln2(x))))


class DigitsTransformer(nn.Module):
    """[batch, 8 rows, 8 pixels]: each row is a token -> Linear embed(96) + learned positions
    -> 2 encoder layers (4 heads, FFN 256) -> LayerNorm -> mean over tokens -> Linear(10)."""

    def __init__(self, d_model=96, heads=4, ffn=256, layers=2):
        super().__init__()
        self.embed = nn.Linear(8, d_model)
        self.pos = nn.Parameter(torch.zeros(1, 8, d_model))
        self.layers = nn.ModuleList(EncoderLayer(8, d_model, heads, ffn) for _ in range(layers))
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, 10)

    def forward(self, x):
        x = self.embed(x) + self.pos
        for layer in self.layers:
            x = layer(x)
        return self.head(self.norm(x).mean(dim=1))


def augment(xb):
    """Small random shifts so the CNN generalises; the transformer sees clean rows."""
    shift = torch.randint(-1, 2, (2,)).tolist()
    return torch.roll(xb, shifts=shift, dims=(-2, -1))


def train(model, x, y, epochs, lr, batch, aug=False):
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs * ((len(x) + batch - 1) // batch))
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    gen = torch.Generator().manual_seed(SEED)
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for i in range(0, len(xt), batch):
            idx = perm[i:i + batch]
            xb = augment(xt[idx]) if aug and epoch < epochs - 3 else xt[idx]
            loss = F.cross_entropy(model(xb), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        if epoch % 10 == 0 or epoch == epochs - 1:
            print(f"  epoch {epoch:3d} loss {total / len(xt):.4f}", flush=True)
    model.eval()
    return model


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(torch.from_numpy(x)).argmax(1).numpy() == y).mean())


def export(model, sample, path, opset):
    # PRESERVE (with the model in eval mode) keeps BatchNormalization nodes: TrainingMode.EVAL would
    # run the eval peephole that folds BN into Conv, and the pruning pass needs BN to exist.
    # Constant folding stays on: it only folds all-constant subgraphs (BN has a data input), and
    # without it every Linear weight reaches its MatMul through a Transpose node instead of being
    # a plain initializer, which is not what quantizers (or users' exports) look like.
    warnings.filterwarnings("ignore", message=".*constant folding.*")  # model is in eval mode: safe
    torch.onnx.export(model, torch.from_numpy(sample), path, opset_version=opset,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    # Strip the producer's version noise so reruns with the same torch produce the same bytes.
    m.doc_string = ""
    onnx.save(m, path)
    return m


def save_npz(path, **arrays):
    # savez (uncompressed) with fixed array order; np.savez writes no timestamps into the zip.
    np.savez(path, **arrays)


def testdata_zip(path, x, ref):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, arr in (("input_0.pb", x), ("output_0.pb", ref)):
            tensor = numpy_helper.from_array(arr, name="input" if name.startswith("input") else "logits")
            info = zipfile.ZipInfo("test_data_set_0/" + name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, tensor.SerializeToString())


def op_counts(m):
    counts = {}
    for n in m.graph.node:
        counts[n.op_type] = counts.get(n.op_type, 0) + 1
    return dict(sorted(counts.items()))


def main():
    os.makedirs(OUT, exist_ok=True)
    seed_everything()
    tr_x, tr_y, ev_x, ev_y = split_digits()
    calib_idx = np.random.RandomState(SEED + 1).choice(len(tr_x), CALIB_COUNT, replace=False)
    meta = {"generator": "compression-core/src/test/fixtures-src/generate.py", "seed": SEED,
            "torch": torch.__version__, "onnx": onnx.__version__, "models": {}}

    # (name, model, input prep, opset, training, data): `data` names the fixture whose eval/calib
    # npz files the model shares (same input), so the wide CNN adds only its .onnx.
    specs = [
        ("digits_cnn", DigitsCnn, upsample16, 13, dict(epochs=40, lr=3e-3, batch=64, aug=True), None),
        ("digits_transformer", DigitsTransformer, lambda a: a, 17, dict(epochs=60, lr=2e-3, batch=64), None),
        # 4x the CNN's multiply-accumulates (7.2 M per image instead of 1.8 M): at batch 1 the small CNN
        # runs in ~40 us, mostly per-node overhead that no quantization removes; this one is compute-bound.
        ("digits_cnn_wide", lambda: DigitsCnn(width=2), upsample16, 13,
         dict(epochs=40, lr=3e-3, batch=64, aug=True), "digits_cnn"),
    ]
    for name, cls, prep, opset, hp, data in specs:
        print(f"training {name}", flush=True)
        torch.manual_seed(SEED)
        trx, evx = prep(tr_x).astype(np.float32), prep(ev_x).astype(np.float32)
        model = train(cls(), trx, tr_y, **hp)
        acc = accuracy(model, evx, ev_y)
        onnx_path = os.path.join(OUT, name + ".onnx")
        m = export(model, evx[:2], onnx_path, opset)
        if data is None:
            save_npz(os.path.join(OUT, name + "_eval.npz"), input=evx, labels=ev_y)
            save_npz(os.path.join(OUT, name + "_calib.npz"), input=trx[calib_idx])
        params = sum(p.numel() for p in model.parameters())
        meta["models"][name] = {
            "file": name + ".onnx", "data": data or name, "opset": opset, "input": "input", "output": "logits",
            "input_shape": ["batch"] + list(evx.shape[1:]), "eval_samples": int(len(evx)),
            "calib_samples": CALIB_COUNT, "eval_accuracy": round(acc, 6), "parameters": int(params),
            "file_bytes": os.path.getsize(onnx_path), "ops": op_counts(m)}
        print(f"  {name}: eval accuracy {acc:.4f}, {params} parameters, "
              f"{os.path.getsize(onnx_path)} bytes, ops {op_counts(m)}", flush=True)
        if name == "digits_cnn":
            with torch.no_grad():
                ref = model(torch.from_numpy(evx[:TESTDATA_COUNT])).numpy()
            testdata_zip(os.path.join(OUT, "digits_cnn_testdata.zip"), evx[:TESTDATA_COUNT], ref)

    with open(os.path.join(OUT, "metadata.json"), "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"total fixture bytes: {total}")
    if total > 3 * 1024 * 1024:
        sys.exit("fixtures exceed 3 MB")


if __name__ == "__main__":
    main()
