"""``zeronn demo``: the tutorial's network, written with ZeroNN, learns the XOR rows.

The tutorial trains a 3-4-1 network with sigmoid activations, no biases,
weights drawn from U[0, 1), on the sum of squared errors, for 1500 iterations,
with the update ``weights += d``.  Its ``d`` terms are built from
``2 * (y - output) * sigmoid'(...)``, which is exactly -dL/dW for
L = sum((y - output)^2); so ``weights += d`` is plain gradient descent,
W <- W - lr * dL/dW, with lr = 1.  The same thing in ZeroNN:

    model = Sequential(Linear(3, 4, bias=False, weight_init="rand"), Sigmoid(),
                       Linear(4, 1, bias=False, weight_init="rand"), Sigmoid())
    loss_fn = SSELoss()
    optimizer = SGD(model.parameters(), lr=1.0)
    for epoch in range(1500):
        loss = loss_fn(model(x), y)          # forward
        optimizer.zero_grad()
        model.backward(loss_fn.backward())   # backpropagation (chain rule)
        optimizer.step()                     # W <- W - lr * dL/dW

The flags answer the tutorial's closing questions from the shell: other
activations (``--activation tanh``), more or wider hidden layers
(``--hidden 8 8``), a learning rate and other optimizers (``--lr 0.5``,
``--optimizer adam --lr 0.05``), other initial weights (``--init``).
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from zeronn.cli.errors import CLIError
from zeronn.cli.settings import MAX_EPOCHS
from zeronn.cli.tables import format_table

__all__ = ["add_parser", "run", "build_network", "train_network"]

DESCRIPTION = """\
Train the tutorial's neural network on its four XOR rows and show what it learned.

The network is the tutorial's: 3 inputs -> 4 hidden units (sigmoid) -> 1 output
(sigmoid), no biases, weights drawn uniformly from [0, 1), trained on the sum of
squared errors by gradient descent with learning rate 1 for 1500 epochs.  It
prints the four predictions beside the targets and the final loss, and saves
the loss curve as a PNG (when matplotlib is installed).
"""

EPILOG = """\
examples:
  zeronn demo                                  the tutorial, as written
  zeronn demo --activation tanh                another activation in the hidden layer
  zeronn demo --hidden 8 8 --activation tanh   two hidden layers of 8 units
  zeronn demo --optimizer adam --lr 0.05       another optimizer and learning rate
  zeronn demo --bias --seed 3 --out xor.png    with biases, another seed, another file
  zeronn demo --activation relu --hidden 8 --init kaiming_uniform --lr 0.1
                                               ReLU needs weights of both signs: all-positive
                                               U[0, 1) weights often leave it stuck
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``demo`` on the ``zeronn`` command's subparsers."""
    parser = subparsers.add_parser(
        "demo",
        help="the tutorial's 3-4-1 network learns XOR (start here)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--activation", default="sigmoid", metavar="NAME",
                        help="hidden-layer activation: sigmoid, tanh, relu, leaky_relu, elu, selu, gelu, silu, "
                             "swish, softplus, identity (default: sigmoid)")
    parser.add_argument("--hidden", type=int, nargs="+", default=[4], metavar="N",
                        help="sizes of the hidden layers, one number per layer (default: 4)")
    parser.add_argument("--lr", type=float, default=1.0, help="learning rate (default: 1.0, the tutorial's)")
    parser.add_argument("--optimizer", default="sgd", metavar="NAME",
                        help="sgd, adam, adamw, rmsprop or adagrad (default: sgd, plain gradient descent)")
    parser.add_argument("--epochs", type=int, default=1500, help="training iterations over the 4 rows (default: 1500)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the initial weights (default: 0)")
    parser.add_argument("--init", default="auto", metavar="NAME",
                        help="initial weights: rand (U[0, 1), the tutorial's), xavier_uniform, xavier_normal, "
                             "kaiming_uniform, kaiming_normal, default (PyTorch's) ... (default: auto: rand for "
                             "the tutorial's 3-4-1 sigmoid network, kaiming_uniform for ReLU-like activations, "
                             "xavier_uniform otherwise)")
    parser.add_argument("--bias", action=argparse.BooleanOptionalAction, default=False,
                        help="give each layer a bias (default: no bias, as the tutorial)")
    parser.add_argument("--out", default="demo_loss.png", metavar="PNG",
                        help="where to save the loss curve (default: demo_loss.png)")
    parser.add_argument("--quiet", action="store_true", help="print only the predictions and the final loss")
    parser.add_argument("--explain", action="store_true",
                        help="first walk the four rows through the network: every multiplication with its shapes, "
                             "forward and backward, in the tutorial's own variable names (explain mode)")
    parser.add_argument("--lang", choices=("en", "zh"),
                        help="language of --explain's text (default: $ZERONN_LANG or en)")
    parser.set_defaults(handler=run)
    return parser


#: Activations whose networks start best with He/Kaiming weights (zero for negative inputs, or nearly).
RELU_LIKE = ("relu", "leaky_relu", "elu", "selu", "gelu", "silu", "swish", "softplus")


def default_init(hidden: Sequence[int], activation: str) -> str:
    """The ``--init auto`` rule.

    The tutorial's own network (one hidden layer of 4 sigmoid units) keeps the
    tutorial's U[0, 1) weights ("rand"), so ``zeronn demo`` is exactly the
    tutorial.  Any other network gets weights of both signs, scaled to its
    layer sizes: "kaiming_uniform" (He) for ReLU-like activations,
    "xavier_uniform" (Glorot) for sigmoid, tanh and the rest.  All-positive
    U[0, 1) weights often leave deeper or ReLU-like networks stuck (e.g.
    ``--hidden 8 8 --activation gelu`` gets 3 of the 4 rows right at best).
    """
    key = activation.strip().lower().replace("-", "_")
    if list(hidden) == [4] and key == "sigmoid":
        return "rand"
    return "kaiming_uniform" if key in RELU_LIKE else "xavier_uniform"


def build_network(n_inputs: int, hidden: Sequence[int], activation: str, *, bias: bool, seed: int,
                  init: str = "rand", dtype: Any = None) -> Any:
    """The tutorial's network: [Linear -> activation] per hidden size, then Linear -> Sigmoid.

    Weights start in U[0, 1) as the tutorial's ``np.random.rand`` (``init="rand"``)
    or follow another ``zeronn.nn.init`` name (``"auto"``: see ``default_init``);
    biases, when asked for, start at 0.
    """
    if init == "auto":
        init = default_init(hidden, activation)
    from zeronn.nn.activation import Sigmoid, get_activation
    from zeronn.nn.linear import Linear
    from zeronn.nn.sequential import Sequential

    rng = np.random.default_rng(seed)
    layers = []
    previous = n_inputs
    for size in hidden:
        layers += [Linear(previous, size, bias=bias, weight_init=init, bias_init="zeros", rng=rng,
                          dtype=dtype),
                   get_activation(activation)]
        previous = size
    layers += [Linear(previous, 1, bias=bias, weight_init=init, bias_init="zeros", rng=rng, dtype=dtype),
               Sigmoid()]
    return Sequential(*layers)


def train_network(model: Any, x: np.ndarray, y: np.ndarray, *, optimizer: str, lr: float, epochs: int,
                  report: Any = None) -> list[float]:
    """Full-batch training on the sum of squared errors; returns the loss of every epoch.

    ``report(epoch, loss)`` is called now and then (about ten times in all).
    """
    from zeronn.losses import SSELoss
    from zeronn.optim import get_optimizer

    loss_fn = SSELoss()
    opt = get_optimizer(optimizer, model.parameters(), lr=lr)
    every = max(1, epochs // 10)
    losses = []
    for epoch in range(1, epochs + 1):
        loss = loss_fn(model(x), y)                 # forward: predictions, then their squared errors
        if not math.isfinite(loss):
            raise CLIError(f"the loss became {loss} at epoch {epoch}; try a smaller --lr")
        opt.zero_grad()
        model.backward(loss_fn.backward())          # backpropagation: dL/dW for every weight
        opt.step()                                  # W <- W - lr * dL/dW (for sgd)
        losses.append(float(loss))
        if report is not None and (epoch % every == 0 or epoch == 1):
            report(epoch, loss)
    return losses


def _save_curve(losses: list[float], path: str, title: str) -> str:
    """Save the loss curve; return a sentence saying what happened."""
    from zeronn.plot import plot_loss

    try:
        plot_loss(losses, path, title=title, xlabel="epoch")
    except ImportError as error:        # matplotlib missing: the demo still works without the picture
        return f"(no loss curve: {' '.join(str(error).split())})"
    return f"loss curve saved to {path}"


def run(args: argparse.Namespace) -> int:
    """Run the demo with parsed arguments; return the exit code."""
    from zeronn.data import xor

    if args.epochs < 1:
        raise CLIError(f"--epochs must be at least 1, got {args.epochs}")
    if any(size < 1 for size in args.hidden):
        raise CLIError(f"--hidden sizes must be at least 1, got {' '.join(map(str, args.hidden))}")
    if not (args.lr > 0 and math.isfinite(args.lr)):
        raise CLIError(f"--lr must be a positive finite number, got {args.lr}")
    if args.epochs > MAX_EPOCHS:
        raise CLIError(f"--epochs must be at most {MAX_EPOCHS:,}, got {args.epochs}")
    if len(args.hidden) > 100 or max(args.hidden) > 10_000:
        raise CLIError(f"--hidden: at most 100 layers of at most 10,000 units, got {' '.join(map(str, args.hidden))}")
    if not 0 <= args.seed < 2**32:
        raise CLIError(f"--seed must be an integer in [0, 2**32), got {args.seed}")
    out_dir = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(out_dir):
        raise CLIError(f"cannot save {args.out}: the folder {out_dir} does not exist")

    x, y = xor(dtype=np.float64)                    # (4, 3), (4, 1)
    init = default_init(args.hidden, args.activation) if args.init == "auto" else args.init
    model = build_network(x.shape[1], args.hidden, args.activation, bias=args.bias, seed=args.seed,
                          init=init, dtype=np.float64)      # float64 like the tutorial's NumPy code
    sizes = "-".join(str(n) for n in [x.shape[1], *args.hidden, 1])
    if not args.quiet:
        print(f"The tutorial's network, {sizes} ({args.activation} hidden, sigmoid output, "
              f"{'with' if args.bias else 'no'} biases, {init} initial weights), {args.optimizer} lr={args.lr:g}, "
              f"seed {args.seed}")

    if args.explain:
        from zeronn.explain import explain
        from zeronn.losses import SSELoss

        print(explain(model, x, y, loss=SSELoss(), lang=args.lang).text)

    def report(epoch: int, loss: float) -> None:
        print(f"  epoch {epoch:>{len(str(args.epochs))}}/{args.epochs}  loss {loss:.6f}")

    losses = train_network(model, x, y, optimizer=args.optimizer, lr=args.lr, epochs=args.epochs,
                           report=None if args.quiet else report)
    model.eval()
    prediction = model(x)                           # (4, 1)
    rows = [(" ".join(f"{v:g}" for v in row), f"{t[0]:g}", f"{p[0]:.4f}", f"{round(p[0]):d}")
            for row, t, p in zip(x, y, prediction)]
    print()
    print(format_table(["input", "target", "prediction", "rounded"], rows, align_right=[False, True, True, True]))
    final = float(((prediction - y) ** 2).sum())
    print(f"\nfinal loss (sum of squared errors): {final:.6f}")
    correct = int((np.round(prediction) == y).sum())
    print(f"{correct} of 4 rows right after rounding")
    if correct < 4:
        print("(not learned yet: try more --epochs, another --seed or --lr; with relu, --init kaiming_uniform)")
    print(_save_curve(losses, args.out, f"Tutorial network {sizes}: sum of squared errors"))
    return 0
