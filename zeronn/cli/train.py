"""``zeronn train``: train a model on a dataset and write a folder with everything about the run."""

from __future__ import annotations

import argparse
import math
import os
import shlex
import sys
import time
from typing import Any, Optional

from zeronn.cli.errors import CLIError
from zeronn.cli.lr_find import parse_lr
from zeronn.cli.settings import MAX_EPOCHS, MAX_SAMPLES, TrainSettings, defaults_table
from zeronn.cli.training_setup import build_model, check_model_outputs, load_training_data, make_optimizer
from zeronn.models import MAX_PARAMETERS, PRESET_DESCRIPTIONS

__all__ = ["add_parser", "run", "CHECKPOINT_DIR", "MODEL_FILE"]

MODEL_FILE = "model.safetensors"
_D = TrainSettings()          # the defaults that --help names
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

Ctrl-C stops training and still writes the model trained so far.

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
(see zeronn.models.architecture for the format; end with one output per class,
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
  zeronn train --data old.csv --encoding latin-1            a CSV saved as Latin-1 / Windows-1252
  zeronn train --data mnist --model net.yaml --limit 500 --epochs 2     a quick try
  zeronn train --resume --out runs/lenet                    continue an interrupted run
  zeronn train --resume --out runs/lenet --epochs 20        ... and train it for longer

defaults that depend on the dataset:
{defaults_table()}

limits: --samples at most {MAX_SAMPLES:,}, --epochs at most {MAX_EPOCHS:,}, models at most
{MAX_PARAMETERS:,} parameters (refused before anything is allocated).
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
    data.add_argument("--encoding", metavar="NAME",
                      help=f"CSV only: text encoding of the file, e.g. latin-1 or cp1252 (default: {_D.encoding})")
    data.add_argument("--samples", type=int, metavar="N", help="toy sets only: number of points to generate")
    data.add_argument("--noise", type=float, metavar="STD", help="toy sets only: noise added to each coordinate")
    data.add_argument("--limit", type=int, metavar="N",
                      help="use only the first N training (and N test) samples, for a quick run")
    data.add_argument("--test-split", type=float, metavar="FRACTION",
                      help=f"fraction held out for the final test (toy sets, digits, CSV; default {_D.test_split:g})")
    data.add_argument("--validation-split", type=float, metavar="FRACTION",
                      help="fraction of the training data used to validate after each epoch "
                           "(default 0.1; 0 for xor, mnist and fashion-mnist)")

    model = parser.add_argument_group("model")
    model.add_argument("--model", "-m", metavar="MODEL",
                       help=f"preset (logistic, mlp, lenet, cnn) or a .json/.yaml architecture file "
                            f"(default: {_D.model})")
    model.add_argument("--hidden", type=int, nargs="+", metavar="N",
                       help="mlp only: hidden layer sizes (default: 64 64, or 256 128 for images)")
    model.add_argument("--activation", metavar="NAME",
                       help="mlp only: relu, tanh, sigmoid, leaky_relu, elu, selu, gelu, silu, softplus "
                            f"(default: {_D.activation})")
    model.add_argument("--dropout", type=float, metavar="P",
                       help="dropout rate of mlp (default 0) and of cnn's dense layer (default 0.3)")

    training = parser.add_argument_group("training")
    training.add_argument("--optimizer", metavar="NAME",
                          help=f"sgd, adam, adamw, rmsprop, adagrad (default: {_D.optimizer})")
    training.add_argument("--lr", type=parse_lr,
                          help="learning rate, or auto: run the learning-rate range test first (as zeronn lr-find) "
                               "and train with its suggestion (default: depends on the dataset, see below)")
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
    training.add_argument("--seed", type=int,
                          help=f"seed of the data, initial weights and shuffling (default: {_D.seed})")
    training.add_argument("--doctor", action="store_true",
                          help="watch the training and diagnose it: prints the top findings and writes doctor.md, "
                               "doctor.json and pictures into --out (see zeronn doctor)")

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
                        help="no progress or per-epoch lines; only the final one-line summary")
    parser.set_defaults(handler=run)
    return parser



# ----------------------------------------------------------------------------------------- model
def _bytes_text(count: float) -> str:
    return f"{count / 1e9:,.1f} GB" if count >= 1e9 else f"{count / 1e6:,.1f} MB"


def _check_memory(model: Any, data: Any, settings: TrainSettings) -> None:
    """Refuse a batch whose training step would need more than 80% of the machine's memory (estimated)."""
    from zeronn.models.memory import physical_memory_bytes, training_bytes

    available = physical_memory_bytes()
    batch = min(settings.batch_size, len(data.x_train))
    needed = training_bytes(model, data.input_shape, batch)
    if available is not None and needed > 0.8 * available:
        raise CLIError(
            f"--batch-size {settings.batch_size}: one training step of {batch:,} samples would need about "
            f"{_bytes_text(needed)}, more than this machine's {_bytes_text(available)} of memory allows; "
            "use a smaller --batch-size"
        )


# ----------------------------------------------------------------------------------------- optimizer
def _make_scheduler(settings: TrainSettings, optimizer: Any, epochs: Optional[int] = None) -> Any:
    from zeronn.optim import lr_scheduler

    epochs = settings.epochs if epochs is None else epochs
    if settings.scheduler == "none":
        return None
    if settings.scheduler == "cosine":
        return lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    milestones = sorted({max(1, epochs // 2), max(1, (3 * epochs) // 4)})
    return lr_scheduler.MultiStepLR(optimizer, milestones=milestones, gamma=0.1)


def _describe_optimizer(settings: TrainSettings) -> str:
    parts = [f"{settings.optimizer} lr={settings.lr:g}"]
    if settings.momentum is not None:
        parts.append(f"momentum={settings.momentum:g}")
    if settings.weight_decay is not None:
        parts.append(f"weight_decay={settings.weight_decay:g}")
    if settings.scheduler != "none":
        parts.append(f"{settings.scheduler} schedule")
    parts.append(f"batch size {settings.batch_size}")
    return ", ".join(parts)


# ----------------------------------------------------------------------------------------- callbacks
def _callbacks(settings: TrainSettings, data: Any, out: str) -> tuple[list[Any], Any]:
    """EarlyStopping, ModelCheckpoint and (2-D data with pictures) the decision-boundary recorder."""
    from zeronn.train.callbacks import EarlyStopping, ModelCheckpoint

    callbacks: list[Any] = []
    monitor = "val_loss" if settings.validation_split > 0 else "loss"
    if settings.patience:
        callbacks.append(EarlyStopping(monitor=monitor, patience=settings.patience, restore_best_weights=True))
    if settings.checkpoint_every:
        callbacks.append(ModelCheckpoint(os.path.join(out, CHECKPOINT_DIR), every=settings.checkpoint_every,
                                         keep_last=1, save_best=False))
    recorder = None
    if settings.plots and data.kind == "points" and data.input_shape == (2,) and _has_matplotlib():
        from zeronn.plot import DecisionBoundaryRecorder

        every = max(1, settings.epochs // 40)
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


# ----------------------------------------------------------------------------------------- resume
def _resume(trainer: Any, settings: TrainSettings, checkpoints: str) -> list[str]:
    """Load the newest checkpoint into ``trainer``; return notes on what happens next.

    Refuses to go back (fewer --epochs than already trained) and to continue a
    run that stopped early.  A cosine schedule that already reached its end
    (learning rate 0) restarts for the extra epochs: a new cosine from the
    starting rate down to 0 over them (a warm restart, as in SGDR).
    """
    out = settings.out
    done = trainer.restore(checkpoints)
    if trainer.stop_training:
        raise CLIError(f"the run in {out} stopped early after epoch {done} (no improvement for --patience "
                       f"{settings.patience} epochs): there is nothing left to resume")
    if settings.epochs < done:
        raise CLIError(f"the run in {out} has already trained {done} epochs; --epochs {settings.epochs} would "
                       f"train none: give --epochs above {done} to train longer, or use the model as it is")
    notes = []
    if settings.epochs == done:
        notes.append(f"all {done} epochs were already trained: writing the results again")
    scheduler = trainer.scheduler
    if settings.scheduler == "cosine" and scheduler is not None and settings.epochs > done \
            and scheduler.last_epoch >= scheduler.T_max:
        for group, base in zip(trainer.optimizer.param_groups, scheduler.base_lrs):
            group["lr"] = base
        trainer.scheduler = _make_scheduler(settings, trainer.optimizer, epochs=settings.epochs - done)
        notes.append(f"the cosine schedule ended with epoch {done} at lr {scheduler.get_last_lr()[0]:g}; epochs "
                     f"{done + 1}-{settings.epochs} follow a new cosine schedule from lr {settings.lr:g} down to 0 "
                     "(a warm restart)")
    elif settings.scheduler == "step" and scheduler is not None and settings.epochs > done:
        notes.append(f"epochs {done + 1}-{settings.epochs} continue the step schedule at lr "
                     f"{trainer.learning_rate():g}")
    return notes


# ----------------------------------------------------------------------------------------- run
def _dataset_details(data: Any, settings: TrainSettings) -> str:
    n_test = 0 if data.x_test is None else len(data.x_test)
    n_val = int(math.ceil(len(data.x_train) * settings.validation_split)) if settings.validation_split else 0
    shape = "x".join(map(str, data.input_shape))
    return (f"{data.name}: {len(data.x_train)} training samples ({n_val} of them for validation), "
            f"{n_test} test samples, input {shape}, {data.num_classes} classes")


def _save_interrupted(out: str, trainer: Any, info: dict[str, Any]) -> str:
    """After Ctrl-C: write the model as trained so far (with its info), and its history; return a sentence."""
    from zeronn.cli.modelfile import save_model

    trainer.model.eval()
    path = os.path.join(out, MODEL_FILE)
    save_model(trainer.model, path, info)             # evaluate / predict / summary work on it as on a finished run
    trainer.history.to_json(os.path.join(out, "history.json"))
    trainer.history.to_csv(os.path.join(out, "history.csv"))
    return f"the model as trained so far was written to {path}"


def _restored_epoch(callbacks: list[Any]) -> Optional[int]:
    """The epoch (from 1) whose weights EarlyStopping put back, if it did."""
    from zeronn.train.callbacks import EarlyStopping

    return next((c.restored_epoch for c in callbacks if isinstance(c, EarlyStopping)), None)


def _early_stop_text(callbacks: list[Any]) -> Optional[str]:
    """"stopped early at epoch 12, weights of epoch 7 restored" when an EarlyStopping callback stopped the run."""
    from zeronn.train.callbacks import EarlyStopping

    for callback in callbacks:
        if isinstance(callback, EarlyStopping) and callback.stopped_epoch is not None:
            restored = callback.restored_epoch
            return (f"stopped early at epoch {callback.stopped_epoch + 1}"
                    + (f", weights of epoch {restored} restored" if restored is not None else ""))
    return None


def _summary_line(settings: TrainSettings, written: list[str], test: Optional[dict[str, Any]], history: Any,
                  wall: float, callbacks: list[Any]) -> str:
    """The one line printed at the end, also with --quiet."""
    parts = [f"trained {len(history.epoch)} epochs in {wall:.1f} s"]
    early = _early_stop_text(callbacks)
    if early is not None:
        parts.append(early)
    if test is not None:
        parts.append(f"test accuracy {test['accuracy']:.4f}")
    elif history.history.get("accuracy"):
        parts.append(f"training accuracy {history.history['accuracy'][-1]:.4f}")
    parts.append(f"{len(written)} files in {settings.out}")
    return "done: " + ", ".join(parts) + f" (model: {os.path.join(settings.out or '', MODEL_FILE)})"


def run(args: argparse.Namespace) -> int:
    """Train with parsed arguments; return the exit code."""
    import zeronn
    from zeronn.cli import settings as run_settings
    from zeronn.cli.artifacts import write_outputs
    from zeronn.train import Trainer

    auto = args.lr == "auto" and not args.resume         # --lr auto: found below, after the model is built
    if args.lr == "auto":
        args.lr = None
    settings = run_settings.resolve(args)
    _require_safetensors()
    out = settings.out or ""
    if os.path.exists(out) and not os.path.isdir(out):
        raise CLIError(f"--out {out} is a file; give a folder")
    command = shlex.join(["zeronn", *args.argv])
    checkpoints = os.path.join(out, CHECKPOINT_DIR)
    if args.resume and not (os.path.isdir(checkpoints) and os.listdir(checkpoints)):
        raise CLIError(f"nothing to resume in {out}: no checkpoint was written there yet")

    zeronn.manual_seed(settings.seed)
    data = load_training_data(settings)
    model, model_source = build_model(settings, data.input_shape, data.num_classes)
    loss = check_model_outputs(model, data.x_train, data.num_classes, model_source)
    _check_memory(model, data, settings)
    if auto:
        from zeronn.cli.lr_find import auto_lr

        settings.lr = auto_lr(model, make_optimizer(settings, model), loss, data, settings, out, quiet=settings.quiet)
    optimizer = make_optimizer(settings, model)
    scheduler = _make_scheduler(settings, optimizer)
    callbacks, recorder = _callbacks(settings, data, out)
    doctor = None
    if args.doctor:
        from zeronn.doctor import Doctor

        doctor = Doctor()
        callbacks.append(doctor)
    quiet = settings.quiet
    trainer = Trainer(model, loss=loss, optimizer=optimizer, scheduler=scheduler, callbacks=callbacks,
                      metrics=("accuracy",), seed=settings.seed, verbose=0 if quiet else 1)
    notes = _resume(trainer, settings, checkpoints) if args.resume else []
    os.makedirs(out, exist_ok=True)
    run_settings.write_run_file(out, settings, command)

    if not quiet:
        print(f"{'Resuming' if args.resume else 'Training'} {model_source} ({model.num_parameters():,} parameters) "
              f"on {_dataset_details(data, settings)}")
        print(f"{_describe_optimizer(settings)}, {settings.epochs} epochs, seed {settings.seed}, writing to {out}")
        for note in notes:
            print(f"note: {note}")
    started = time.perf_counter()
    try:
        history = trainer.fit(data.x_train, data.y_train, epochs=settings.epochs, batch_size=settings.batch_size,
                              validation_split=settings.validation_split, shuffle=True)
    except KeyboardInterrupt:
        from zeronn.cli.artifacts import model_info

        info = model_info(data, settings, model_source, command, None, trainer.epoch)
        saved = _save_interrupted(out, trainer, info)
        hint = (f"; continue from the last checkpoint with: zeronn train --resume --out {shlex.quote(out)}"
                if settings.checkpoint_every else "")
        args.interrupt_hint = f" in epoch {trainer.epoch + 1} ({trainer.epoch} complete); {saved}{hint}"
        raise
    except FloatingPointError as error:                  # the loss became NaN: the doctor says why, then the error
        if doctor is not None:
            from zeronn.cli.doctor import finish_doctor

            doctor.note_failure(str(error))
            finish_doctor(doctor, out, plots=settings.plots)
        raise
    wall = time.perf_counter() - started
    model.eval()
    written, test = write_outputs(
        out=out, model=model, data=data, settings=settings, history=history, recorder=recorder,
        command=command, model_source=model_source, details=_dataset_details(data, settings),
        optimizer_text=_describe_optimizer(settings), resumed=args.resume,
        wall_seconds=wall, quiet=quiet, notes=notes, restored_epoch=_restored_epoch(callbacks),
    )
    if doctor is not None:
        from zeronn.cli.doctor import finish_doctor

        written += [os.path.basename(path) for path in finish_doctor(doctor, out, plots=settings.plots)]
    if not quiet:
        print(f"\nwrote {len(written)} files to {out}: {', '.join(written)}")
    print(_summary_line(settings, written, test, history, wall, callbacks))
    sys.stdout.flush()
    return 0
