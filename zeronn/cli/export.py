"""``zeronn export MODEL --format onnx``: write a trained model as an ONNX file for onnxruntime and friends."""

from __future__ import annotations

import argparse
import os
from typing import Any, Optional

import numpy as np

from zeronn.cli.errors import CLIError

__all__ = ["add_parser", "run", "parse_shape"]

FORMATS = ("onnx",)

DESCRIPTION = """\
Convert a model file written by `zeronn train` (or zeronn.save) to ONNX, so that
onnxruntime, OpenCV, TensorRT or a browser can run it. The batch axis stays free.
The input shape of one sample comes from the model's info (`zeronn train` stores
it); give --input-shape for other models.
"""

EPILOG = """\
examples:
  zeronn export runs/mnist/model.safetensors --format onnx           writes runs/mnist/model.onnx
  zeronn export model.safetensors --format onnx --input-shape 1,28,28 --out mnist.onnx --check
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``export`` on the ``zeronn`` command's subparsers."""
    parser = subparsers.add_parser(
        "export",
        help="convert a model file to ONNX",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", metavar="MODEL", help="a model file (.safetensors) or a run folder")
    parser.add_argument("--format", choices=FORMATS, default="onnx", help="output format (default: onnx)")
    parser.add_argument("--out", metavar="PATH", help="the file to write (default: MODEL with .onnx)")
    parser.add_argument("--input-shape", metavar="C,H,W", help="one sample's shape, e.g. 784 or 1,28,28")
    parser.add_argument("--float64", action="store_true", help="export in float64 instead of float32")
    parser.add_argument("--check", action="store_true",
                        help="run the file with onnxruntime on random inputs and compare with ZeroNN")
    parser.set_defaults(handler=run)
    return parser


def parse_shape(text: str) -> tuple[int, ...]:
    """'1,28,28' or '1x28x28' -> (1, 28, 28); a clear error otherwise."""
    parts = text.replace("x", ",").replace(" ", "").split(",")
    try:
        shape = tuple(int(part) for part in parts)
    except ValueError:
        raise CLIError(f"--input-shape must be integers separated by commas, such as 1,28,28, got {text!r}") from None
    if not shape or min(shape) < 1:
        raise CLIError(f"--input-shape must be positive integers, got {text!r}")
    return shape


def _input_shape(args: argparse.Namespace, info: dict[str, Any]) -> tuple[int, ...]:
    if args.input_shape:
        return parse_shape(args.input_shape)
    shape: Optional[list[int]] = info.get("input_shape")
    if not shape:
        raise CLIError(f"{args.model}: the model file does not say what one input looks like; "
                       "give --input-shape, e.g. --input-shape 1,28,28")
    return tuple(int(d) for d in shape)


def _default_out(model_path: str) -> str:
    if os.path.isdir(model_path):
        return os.path.join(model_path, "model.onnx")
    return os.path.splitext(model_path)[0] + ".onnx"


def _compare(model: Any, path: str, shape: tuple[int, ...], dtype: Any) -> float:
    """Largest relative difference between onnxruntime and ZeroNN on 8 random samples."""
    try:
        import onnxruntime as ort
    except ImportError:
        raise CLIError('--check needs onnxruntime: pip install "zeronn[onnx]"') from None
    x = np.random.default_rng(0).normal(size=(8, *shape)).astype(dtype)              # (8, *shape)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    got = session.run(None, {"input": x})[0]
    want = model(x)
    return float(np.max(np.abs(got - want)) / max(float(np.max(np.abs(want))), 1e-30))


def run(args: argparse.Namespace) -> int:
    """Export; return the exit code."""
    from zeronn.cli.modelfile import load_model
    from zeronn.onnx_export import export_onnx

    model, info = load_model(args.model)
    shape = _input_shape(args, info)
    out = args.out or _default_out(args.model)
    dtype = np.float64 if args.float64 else np.float32
    proto = export_onnx(model, out, input_shape=shape, dtype=dtype)
    output_dims = [d.dim_param or d.dim_value for d in proto.graph.output[0].type.tensor_type.shape.dim]
    print(f"exported {args.model} to {out} (ONNX opset {proto.opset_import[0].version}, "
          f"input (batch, {', '.join(map(str, shape))}) -> output ({', '.join(map(str, output_dims))}), "
          f"{np.dtype(dtype).name})")
    if args.check:
        difference = _compare(model, out, shape, dtype)
        print(f"onnxruntime agrees with ZeroNN: largest relative difference {difference:.1e}")
        if difference > 1e-4:
            raise CLIError(f"onnxruntime's outputs differ from ZeroNN's by {difference:.1e} (relative)")
    return 0
