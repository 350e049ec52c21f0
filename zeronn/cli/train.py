"""``zeronn train``: train a model on a dataset and write a folder with everything about the run."""

from __future__ import annotations

import argparse
import math
import os
import shlex
import time
from typing import Any

import numpy as np

from zeronn.cli.errors import CLIError
from zeronn.cli.presets import PRESET_DESCRIPTIONS

__all__ = ["add_parser", "run", "build_model", "CHECKPOINT_DIR", "MODEL_FILE"]

MODEL_FILE = "model.safetensors"
CHECKPOINT_DIR = "checkpoints"

DESCRIPTION = """\
Train a classifier and write everything about the run into one folder (--out):

  model.safetensors   the trained model (load it with zeronn.load, or use it with
                      zeronn evaluate / predict / summary); model.json beside it
                      holds the class names, input shape and input scaling
  history.json/.csv   loss and accuracy after every epoch (zeronn plot history.json)
  curves.png          loss and accuracy curves, training and validation
  confusion_matrix.png, and for 2-D data decision_boundary.png and .gif, for
                      images predictions.png, and for CNNs conv_filters.png
  report.md           final metrics, time per epoch, parameter count, versions,
                      and the exact command that repeats the run
  run.json, checkpoints/   what --resume needs to continue an interrupted run

Datasets: xor, moons, circles, spirals, blobs (generated from --seed), digits
(scikit-learn's 8x8 digits), mnist, fashion-mnist (set ZERONN_DATA to the
folder holding mnist/ and fashion-mnist/ when offline), or a CSV file: one
row per sample, numeric feature columns, and a label column (--label-column,
default the last one); features are standardised with the training rows'
mean and standard deviation.

Models: a preset, or a JSON/YAML architecture file, e.g. net.yaml:
    - Flatten
    - Linear: [784, 128]
    - relu
    - Linear: [128, 10]
(see zeronn.cli.architecture for the format; end with one output per class,
no softmax: the loss is cross-entropy on the raw scores).
"""

_PRESETS_TEXT = "\n".join(f"  {name:<9} {text}" for name, text in PRESET_DESCRIPTIONS.items())

EPILOG = f"""\
presets:
{_PRESETS_TEXT}

examples:
  zeronn train --data moons                                 an MLP on two moons, sensible defaults
  zeronn train --data spirals --hidden 64 64 64 --activation tanh --epochs 300
  zeronn train --data mnist --model lenet --out runs/lenet
  zeronn train --data fashion-mnist --model cnn --out runs/fashion-cnn
  zeronn train --data iris.csv --label-column species --model logistic
  zeronn train --data mnist --model net.yaml --limit 500 --epochs 2     a quick try
  zeronn train --resume --out runs/lenet                    continue an interrupted run
  zeronn train --resume --out runs/lenet --epochs 20        ... and train it for longer

defaults that depend on the dataset:
  dataset        epochs  lr     batch size  validation split  scheduler  checkpoint every
  xor            300     0.05   4           0                 none       50
  moons/circles  50      0.01   32          0.1               none       10
  blobs          30      0.01   32          0.1               none       10
  spirals        200     0.01   32          0.1               none       10
  digits         30      0.002  32          0.1               none       5
  mnist          12      0.002  64          0                 cosine     1
  fashion-mnist  12      0.002  128         0                 cosine     1
  CSV file       100     0.01   32          0.1               none       10
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``train`` on the ``zeronn`` command's subparsers."""
    parser = subparsers.add_parser(
        "train",
        help="train a model on a dataset; writes model, history, plots and report.md",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data = parser.add_argument_group("data")
    data.add_argument("--data", "-d", metavar="DATA",
                      help="xor, moons, circles, spirals, blobs, digits, mnist, fashion-mnist, or a CSV file")
    data.add_argument("--label-column", metavar="COLUMN",
                      help="CSV only: name or position of the label column (default: the last column)")
    data.add_argument("--samples", type=int, metavar="N", help="toy sets only: number of points to generate")
    data.add_argument("--noise", type=float, metavar="STD", help="toy sets only: noise added to each coordinate")
    data.add_argument("--limit", type=int, metavar="N",
                      help="use only the first N training (and N test) samples, for a quick run")
    data.add_argument("--test-split", type=float, metavar="FRACTION",
                      help="fraction held out for the final test (toy sets, digits, CSV; default 0.2)")
    data.add_argument("--validation-split", type=float, metavar="FRACTION",
                      help="fraction of the training data used to validate after each epoch "
                           "(default 0.1; 0 for xor, mnist and fashion-mnist)")

    model = parser.add_argument_group("model")
    model.add_argument("--model", "-m", metavar="MODEL",
                       help="preset (logistic, mlp, lenet, cnn) or a .json/.yaml architecture file (default: mlp)")
    model.add_argument("--hidden", type=int, nargs="+", metavar="N",
                       help="mlp only: hidden layer sizes (default: 64 64, or 256 128 for images)")
    model.add_argument("--activation", metavar="NAME",
                       help="mlp only: relu, tanh, sigmoid, leaky_relu, elu, selu, gelu, silu, softplus "
                            "(default: relu)")
    model.add_argument("--dropout", type=float, metavar="P",
                       help="dropout rate of mlp (default 0) and of cnn's dense layer (default 0.3)")

    training = parser.add_argument_group("training")
    training.add_argument("--optimizer", metavar="NAME", help="sgd, adam, adamw, rmsprop, adagrad (default: adam)")
    training.add_argument("--lr", type=float, help="learning rate (default: depends on the dataset, see below)")
    training.add_argument("--momentum", type=float, help="momentum of sgd and rmsprop (default: 0)")
    training.add_argument("--weight-decay", type=float, metavar="WD", help="L2 weight decay (default: 0)")
    training.add_argument("--scheduler", choices=("none", "cosine", "step"),
                          help="learning-rate schedule over the epochs: none, cosine (annealing to 0) or step "
                               "(x0.1 at half and at three quarters of the epochs) (default: see below)")
    training.add_argument("--epochs", "-e", type=int, help="passes over the training data (default: see below)")
    training.add_argument("--batch-size", "-b", type=int, metavar="N",
                          help="samples per optimizer step (default: see below)")
    training.add_argument("--patience", type=int, metavar="N",
                          help="stop early when the validation loss has not improved for N epochs "
                               "(the best weights are kept) (default: never stop early)")
    training.add_argument("--seed", type=int, help="seed of the data, initial weights and shuffling (default: 0)")

    output = parser.add_argument_group("output")
    output.add_argument("--out", "-o", metavar="DIR", help="output folder (default: runs/DATA-MODEL)")
    output.add_argument("--checkpoint-every", type=int, metavar="N",
                        help="write a checkpoint every N epochs for --resume, and after the last one "
                             "(default: 1 for image datasets, 10 for small ones; 0: never)")
    output.add_argument("--resume", action="store_true",
                        help="continue the interrupted run in --out with its saved settings")
    output.add_argument("--plots", action=argparse.BooleanOptionalAction, default=None,
                        help="draw the pictures (default: yes, when matplotlib is installed)")
    output.add_argument("--quiet", "-q", action="store_true", default=None,
                        help="no progress bar or per-epoch lines")
    parser.set_defaults(handler=run)
    return parser


# ----------------------------------------------------------------------------------------- checks
def _check_settings(s: dict[str, Any]) -> None:
    def positive(key: str, value: Any, minimum: float = 1) -> None:
        if value is not None and not value >= minimum:
            raise CLIError(f"--{key.replace('_', '-')} must be at least {minimum}, got {value}")

    for key in ("epochs", "batch_size", "samples", "limit", "patience"):
        positive(key, s.get(key))
    positive("checkpoint_every", s.get("checkpoint_every"), 0)
    if not (isinstance(s["lr"], (int, float)) and s["lr"] > 0 and math.isfinite(s["lr"])):
        raise CLIError(f"--lr must be a positive number, got {s['lr']}")
    for key in ("test_split", "validation_split"):
        value = s.get(key)
        if value is not None and not 0 <= value < 1:
            raise CLIError(f"--{key.replace('_', '-')} must be a fraction in [0, 1), got {value}")
    if s.get("dropout") is not None and not 0 <= s["dropout"] < 1:
        raise CLIError(f"--dropout must be in [0, 1), got {s['dropout']}")
    if s.get("hidden") and min(s["hidden"]) < 1:
        raise CLIError(f"--hidden sizes must be at least 1, got {' '.join(map(str, s['hidden']))}")
    if s.get("noise") is not None and s["noise"] < 0:
        raise CLIError(f"--noise must be >= 0, got {s['noise']}")


# ----------------------------------------------------------------------------------------- model
def _is_file_model(name: str) -> bool:
    return name.lower().endswith((".json", ".yaml", ".yml"))


def build_model(settings: dict[str, Any], input_shape: tuple[int, ...], num_classes: int) -> tuple[Any, str]:
    """Build the preset or architecture file named by ``settings["model"]``; return (model, description)."""
    name = settings["model"]
    if _is_file_model(name):
        from zeronn.cli.architecture import load_architecture

        for key in ("hidden", "dropout"):
            if settings.get(key) is not None:
                raise CLIError(f"--{key} applies to presets; set it in {name} instead")
        architecture = load_architecture(name)
        if architecture.input_shape is not None and tuple(architecture.input_shape) != tuple(input_shape):
            raise CLIError(f"{name} declares input_shape {list(architecture.input_shape)}, "
                           f"but the data gives samples of shape {list(input_shape)}")
        return architecture.model, f"{os.path.basename(name)} (architecture file)"
    from zeronn.cli.presets import build_preset

    if settings.get("activation") not in (None, "relu") and name != "mlp":
        raise CLIError(f"--activation applies to --model mlp only, not {name!r}")
    model = build_preset(name, input_shape, num_classes, hidden=settings.get("hidden"),
                         activation=settings.get("activation") or "relu", dropout=settings.get("dropout"))
    return model, name


def _check_outputs(model: Any, x: np.ndarray, num_classes: int, source: str) -> str:
    """Run one sample through the model; check it gives one score per class; return the loss name."""
    from zeronn.cli.inference import output_kind
    from zeronn.grad_mode import no_grad

    model.eval()
    try:
        with no_grad():
            out = model(x[:1])
    except ValueError as error:
        raise CLIError(f"the model {source} does not fit the data: {error}") from None
    finally:
        model.train()
    if out.ndim != 2 or out.shape[1] != num_classes:
        raise CLIError(
            f"the model {source} gives outputs of shape {tuple(out.shape[1:])} per sample, but the data has "
            f"{num_classes} classes: end it with a layer of {num_classes} outputs (e.g. Linear(..., {num_classes}))"
        )
    kind = output_kind(model)
    if kind in ("probabilities", "sigmoid"):
        raise CLIError(
            f"the model {source} ends with a {'Softmax' if kind == 'probabilities' else 'Sigmoid'}; remove it: "
            "training uses the cross-entropy loss on raw scores (logits), which includes the softmax"
        )
    return "nll" if kind == "log_probabilities" else "cross_entropy"


# ----------------------------------------------------------------------------------------- optimizer
def _make_optimizer(settings: dict[str, Any], model: Any) -> Any:
    from zeronn.optim import get_optimizer

    name = settings["optimizer"]
    options: dict[str, Any] = {"lr": settings["lr"]}
    if settings.get("momentum") is not None:
        if name not in ("sgd", "rmsprop"):
            raise CLIError(f"--momentum applies to sgd and rmsprop, not {name!r}")
        options["momentum"] = settings["momentum"]
    if settings.get("weight_decay") is not None:
        options["weight_decay"] = settings["weight_decay"]
    return get_optimizer(name, model.parameters(), **options)


def _make_scheduler(settings: dict[str, Any], optimizer: Any) -> Any:
    kind = settings.get("scheduler") or "none"
    epochs = settings["epochs"]
    if kind == "none":
        return None
    from zeronn.optim import lr_scheduler

    if kind == "cosine":
        return lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    milestones = sorted({max(1, epochs // 2), max(1, (3 * epochs) // 4)})
    return lr_scheduler.MultiStepLR(optimizer, milestones=milestones, gamma=0.1)


def _describe_optimizer(settings: dict[str, Any]) -> str:
    parts = [f"{settings['optimizer']} lr={settings['lr']:g}"]
    for key in ("momentum", "weight_decay"):
        if settings.get(key) is not None:
            parts.append(f"{key}={settings[key]:g}")
    if settings.get("scheduler") not in (None, "none"):
        parts.append(f"{settings['scheduler']} schedule")
    parts.append(f"batch size {settings['batch_size']}")
    return ", ".join(parts)


# ----------------------------------------------------------------------------------------- callbacks
def _callbacks(settings: dict[str, Any], data: Any, out: str) -> tuple[list[Any], Any]:
    """EarlyStopping, ModelCheckpoint and (2-D data with pictures) the decision-boundary recorder."""
    from zeronn.train.callbacks import EarlyStopping, ModelCheckpoint

    callbacks: list[Any] = []
    monitor = "val_loss" if settings["validation_split"] > 0 else "loss"
    if settings.get("patience"):
        callbacks.append(EarlyStopping(monitor=monitor, patience=settings["patience"], restore_best_weights=True))
    if settings.get("checkpoint_every"):
        callbacks.append(ModelCheckpoint(os.path.join(out, CHECKPOINT_DIR), every=settings["checkpoint_every"],
                                         keep_last=1, save_best=False))
    recorder = None
    if settings.get("plots") and data.kind == "points" and data.input_shape == (2,) and _has_matplotlib():
        from zeronn.plot import DecisionBoundaryRecorder

        every = max(1, settings["epochs"] // 40)
        recorder = DecisionBoundaryRecorder(data.x_train, data.y_train, every=every, resolution=80)
        callbacks.append(recorder)
    return callbacks, recorder


def _require_safetensors() -> None:
    """Fail before training, not after it, when the model could not be saved."""
    import importlib.util

    if importlib.util.find_spec("safetensors") is None:
        raise CLIError("zeronn train saves models with safetensors, which is not installed: "
                       "pip install safetensors (or pip install 'zeronn[io]')")


def _has_matplotlib() -> bool:
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


# ----------------------------------------------------------------------------------------- run
def _dataset_details(data: Any, settings: dict[str, Any]) -> str:
    n_test = 0 if data.x_test is None else len(data.x_test)
    n_val = int(math.ceil(len(data.x_train) * settings["validation_split"])) if settings["validation_split"] else 0
    shape = "x".join(map(str, data.input_shape))
    return (f"{data.name}: {len(data.x_train)} training samples ({n_val} of them for validation), "
            f"{n_test} test samples, input {shape}, {data.num_classes} classes")


def _load_data(settings: dict[str, Any]) -> Any:
    from zeronn.cli.data_sources import load_dataset

    if settings["data"] == "xor" and settings.get("validation_split"):
        raise CLIError("xor has only 4 rows: it cannot spare any for validation (leave out --validation-split)")
    return load_dataset(
        settings["data"], seed=settings["seed"], test_split=settings["test_split"], limit=settings.get("limit"),
        samples=settings.get("samples"), noise=settings.get("noise"), label_column=settings.get("label_column"),
    )


def run(args: argparse.Namespace) -> int:
    """Train with parsed arguments; return the exit code."""
    import zeronn
    from zeronn.cli import settings as run_settings
    from zeronn.cli.artifacts import write_outputs
    from zeronn.train import fit

    settings = run_settings.resolve(args)
    _check_settings(settings)
    _require_safetensors()
    out = settings["out"]
    if os.path.exists(out) and not os.path.isdir(out):
        raise CLIError(f"--out {out} is a file; give a folder")
    command = shlex.join(["zeronn", *getattr(args, "argv", [])])
    checkpoints = os.path.join(out, CHECKPOINT_DIR)
    if args.resume and not (os.path.isdir(checkpoints) and os.listdir(checkpoints)):
        raise CLIError(f"nothing to resume in {out}: no checkpoint was written there yet")

    zeronn.manual_seed(settings["seed"])
    data = _load_data(settings)
    model, model_source = build_model(settings, data.input_shape, data.num_classes)
    loss = _check_outputs(model, data.x_train, data.num_classes, model_source)
    optimizer = _make_optimizer(settings, model)
    scheduler = _make_scheduler(settings, optimizer)
    os.makedirs(out, exist_ok=True)
    callbacks, recorder = _callbacks(settings, data, out)
    run_settings.write_run_file(out, settings, command)
    if settings.get("checkpoint_every"):
        args.interrupt_hint = f"; continue with: zeronn train --resume --out {shlex.quote(out)}"

    quiet = bool(settings.get("quiet"))
    if not quiet:
        print(f"{'Resuming' if args.resume else 'Training'} {model_source} ({model.num_parameters():,} parameters) "
              f"on {_dataset_details(data, settings)}")
        print(f"{_describe_optimizer(settings)}, {settings['epochs']} epochs, seed {settings['seed']}, "
              f"writing to {out}")
    started = time.perf_counter()
    history = fit(
        model, data.x_train, data.y_train,
        loss=loss, optimizer=optimizer, epochs=settings["epochs"], batch_size=settings["batch_size"],
        validation_split=settings["validation_split"], scheduler=scheduler, callbacks=callbacks,
        metrics=("accuracy",), shuffle=True, seed=settings["seed"], verbose=0 if quiet else 1,
        resume_from=checkpoints if args.resume else None,
    )
    wall = time.perf_counter() - started
    model.eval()
    written = write_outputs(
        out=out, model=model, data=data, settings=settings, history=history, recorder=recorder,
        command=command, model_source=model_source, details=_dataset_details(data, settings),
        optimizer_text=_describe_optimizer(settings), resumed=args.resume,
        wall_seconds=wall, quiet=quiet,
    )
    if not quiet:
        print(f"\nwrote {len(written)} files to {out}: {', '.join(written)}")
    return 0
