"""``zeronn lr-find``: the learning-rate range test on the data and model ``zeronn train`` would use."""

from __future__ import annotations

import argparse
import os
from typing import Any

__all__ = ["add_parser", "run", "find_lr", "parse_lr", "auto_lr"]

DESCRIPTION = """\
Find a learning rate before training: Leslie Smith's range test as fastai runs
it. The model trains for up to --steps batches while the learning rate grows
exponentially from 1e-7 to 10; the loss (smoothed) first falls, then blows up.
The suggestion is fastai's "valley": a little past the middle of the longest
stretch where the loss keeps falling. The model is thrown away afterwards.

Takes the same data, model and optimizer options as `zeronn train` (see
zeronn train --help); `zeronn train --lr auto` runs this test first and
trains with its suggestion.
"""

EPILOG = """\
examples:
  zeronn lr-find --data moons
  zeronn lr-find --data mnist --optimizer sgd --momentum 0.9 --plot runs/lr_find.png
  zeronn train --data mnist --lr auto             find the rate, then train with it
"""


def _train_parser() -> argparse.ArgumentParser:
    """``zeronn train``'s parser, whose data, model and training options lr-find shares."""
    from zeronn.cli.train import add_parser as add_train_parser

    scratch = argparse.ArgumentParser(add_help=False)
    return add_train_parser(scratch.add_subparsers())


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``lr-find`` on the ``zeronn`` command's subparsers."""
    parser = subparsers.add_parser(
        "lr-find",
        parents=[_train_parser()],
        conflict_handler="resolve",
        help="find a good learning rate for zeronn train (the LR range test)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search = parser.add_argument_group("range test")
    search.add_argument("--steps", type=int, default=100, metavar="N", help="batches of the test (default: 100)")
    search.add_argument("--start-lr", type=float, default=1e-7, metavar="LR", help="first rate (default: 1e-7)")
    search.add_argument("--end-lr", type=float, default=10.0, metavar="LR", help="last rate (default: 10)")
    search.add_argument("--plot", metavar="PNG",
                        help="where to draw the curve (default: lr_find.png in --out, or in the current folder)")
    parser.set_defaults(handler=run)
    return parser


def find_lr(model: Any, optimizer: Any, loss: Any, x: Any, y: Any, *, batch_size: int, seed: int,
            num_steps: int = 100, start_lr: float = 1e-7, end_lr: float = 10.0) -> Any:
    """Run ``zeronn.lr_find`` for the CLI (``lr-find`` and ``train --lr auto``); return its result."""
    from zeronn.train.lr_finder import lr_find

    return lr_find(model, x, y, loss=loss, optimizer=optimizer, start_lr=start_lr, end_lr=end_lr,
                   num_steps=num_steps, batch_size=batch_size, seed=seed)


def run(args: argparse.Namespace) -> int:
    """Run the test and print the suggestion; return the exit code."""
    import zeronn
    from zeronn.cli import settings as run_settings
    from zeronn.cli.training_setup import build_model, check_model_outputs, load_training_data, make_optimizer

    args.lr = args.lr if isinstance(args.lr, float) else None
    settings = run_settings.resolve(args)
    zeronn.manual_seed(settings.seed)
    data = load_training_data(settings)
    model, model_source = build_model(settings, data.input_shape, data.num_classes)
    loss = check_model_outputs(model, data.x_train, data.num_classes, model_source)
    optimizer = make_optimizer(settings, model)
    result = find_lr(model, optimizer, loss, data.x_train, data.y_train, batch_size=settings.batch_size,
                     seed=settings.seed, num_steps=args.steps, start_lr=args.start_lr, end_lr=args.end_lr)
    low = result.lrs[int(min(range(len(result.losses)), key=lambda i: result.losses[i]))]
    print(f"{model_source} on {data.name}, {settings.optimizer}, batch size {settings.batch_size}: "
          f"{len(result.lrs)} steps from {result.lrs[0]:.2g} to {result.lrs[-1]:.2g}"
          f"{' (stopped: the loss blew up)' if result.stopped_early else ''}")
    print(f"lowest smoothed loss at lr {low:.3g}")
    print(f"suggested learning rate ({result.method}): {result.suggestion:.3g}")
    plot = args.plot or (os.path.join(args.out, "lr_find.png") if args.out else "lr_find.png")
    if settings.plots:
        result.plot(plot)
        print(f"curve saved to {plot}")
    print(f"next: zeronn train --data {settings.data} --lr {result.suggestion:.3g}")
    return 0


def parse_lr(text: str) -> Any:
    """``--lr`` of ``zeronn train``: a number, or ``auto`` (run the range test first)."""
    if text.strip().lower() == "auto":
        return "auto"
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--lr must be a number or 'auto', got {text!r}") from None


def auto_lr(model: Any, optimizer: Any, loss: Any, data: Any, settings: Any, out: str, *, quiet: bool) -> float:
    """For ``zeronn train --lr auto``: run the range test with the run's model and optimizer; return the rate.

    The model and optimizer are restored afterwards; the curve goes to ``out/lr_find.png`` when pictures are on.
    """
    result = find_lr(model, optimizer, loss, data.x_train, data.y_train, batch_size=settings.batch_size,
                     seed=settings.seed)
    if settings.plots:
        result.plot(os.path.join(out, "lr_find.png"))
    if not quiet:
        print(f"lr auto: the learning-rate range test ({len(result.lrs)} steps) suggests {result.suggestion:.3g} "
              f"({result.method}); training with it")
    return float(f"{result.suggestion:.3g}")
