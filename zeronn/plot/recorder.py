"""Watching a decision boundary form: a training callback that records it, epoch after epoch.

>>> recorder = DecisionBoundaryRecorder(x, y, every=5)
>>> zeronn.fit(model, x, y, loss="bce", optimizer="adam", epochs=200, callbacks=[recorder])
>>> recorder.save_gif("moons.gif", fps=8)          # an animation
>>> recorder.plot_frames(n=6, path="moons.png")    # or a strip of snapshots

The grid of predictions is computed right after the epochs it is asked for
(and once before training, and after the last epoch), in eval mode without
caches; the picture is drawn only when saved.  Memory stays bounded on long
runs: past ``max_stored`` frames every other one is dropped and recording
continues at half the rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from zeronn._validation import check_positive_float, check_positive_int
from zeronn.plot._mpl import INSTALL_HINT, PathLike, figure_to_rgba, finish, new_figure
from zeronn.plot.decision_boundary import (
    BoundaryGrid,
    check_labels,
    check_points,
    draw_boundary,
    grid_extent,
    predict_grid,
)
from zeronn.train.callbacks import Callback

if TYPE_CHECKING:                                   # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["BoundaryFrame", "DecisionBoundaryRecorder", "frame_title", "pick_evenly"]


@dataclass(frozen=True)
class BoundaryFrame:
    """One snapshot: the grid after ``epoch`` completed epochs (0 = before training) and that epoch's loss."""

    epoch: int
    loss: Optional[float]
    grid: BoundaryGrid


def frame_title(frame: BoundaryFrame) -> str:
    """"epoch 12   loss 0.3012", or "before training" for epoch 0."""
    if frame.epoch == 0:
        return "before training"
    text = f"epoch {frame.epoch}"
    return text if frame.loss is None else f"{text}   loss {frame.loss:.4f}"


def _adaptive_palette(image_module: Any) -> Any:
    """Pillow's adaptive-palette constant (``Image.Palette.ADAPTIVE`` since Pillow 9.1, ``Image.ADAPTIVE`` before)."""
    return getattr(image_module, "Palette", image_module).ADAPTIVE


def pick_evenly(count: int, wanted: int) -> list[int]:
    """Indices of ``wanted`` items spread evenly over ``count``, always the first and the last."""
    if count <= wanted:
        return list(range(count))
    return sorted(set(np.round(np.linspace(0, count - 1, wanted)).astype(int).tolist()))


class DecisionBoundaryRecorder(Callback):
    """Callback that records the decision boundary of a 2-D classifier during ``fit``.

    Parameters
    ----------
    x : array-like of shape (n_samples, 2)
        Points drawn in every frame (usually the training data); they also
        fix the region of the plane shown.
    y : array-like of shape (n_samples,), (n_samples, 1) or one-hot
        Their classes.
    every : int, default 1
        Record after epochs 1, 1 + every, 1 + 2 * every, ... (and always
        before training and after the last epoch).
    resolution : int, default 100
        Grid points per axis.
    output : {"auto", "probability", "logit"}, default "auto"
        How a single model output is read (see ``plot_decision_boundary``).
    max_stored : int, default 200
        Frames kept in memory before thinning (each holds resolution**2 floats).

    Attributes
    ----------
    frames : list of BoundaryFrame
        The recorded snapshots, in order.
    """

    def __init__(
        self,
        x: Any,
        y: Any,
        every: int = 1,
        *,
        resolution: int = 100,
        output: str = "auto",
        max_stored: int = 200,
    ) -> None:
        super().__init__()
        self.x = check_points(x, "DecisionBoundaryRecorder")
        self.y = check_labels(y, len(self.x), "DecisionBoundaryRecorder")
        self.every = check_positive_int("every", every)
        self.resolution = check_positive_int("resolution", resolution)
        self.output = output
        self.max_stored = max(check_positive_int("max_stored", max_stored), 2)
        self.extent = grid_extent(self.x)
        self.frames: list[BoundaryFrame] = []
        self._stride = 1                              # doubles each time the frames are thinned
        self._last_epoch: Optional[int] = None
        self._last_loss: Optional[float] = None

    # ------------------------------------------------------------------ recording
    def record(self, epoch: int, loss: Optional[float] = None) -> BoundaryFrame:
        """Compute the grid for the model as it is now and append it as a frame."""
        grid = predict_grid(self.model, self.extent, self.resolution, output=self.output,
                            owner="DecisionBoundaryRecorder")
        frame = BoundaryFrame(int(epoch), None if loss is None else float(loss), grid)
        self.frames.append(frame)
        if len(self.frames) > self.max_stored:
            self.frames = self.frames[::2]             # keep the first, drop every other
            self._stride *= 2
        return frame

    def on_train_begin(self, logs: Optional[dict[str, Any]] = None) -> None:
        if not self.frames:
            start = getattr(self.trainer, "epoch", 0)        # > 0 when fit resumes from a checkpoint
            self.record(start if isinstance(start, int) else 0)

    def on_epoch_end(self, epoch: int, logs: Optional[dict[str, Any]] = None) -> None:
        loss = (logs or {}).get("loss")
        self._last_epoch, self._last_loss = epoch + 1, loss
        if epoch % (self.every * self._stride) == 0:
            self.record(epoch + 1, loss)

    def on_train_end(self, logs: Optional[dict[str, Any]] = None) -> None:
        last = self._last_epoch
        if last is not None and (not self.frames or self.frames[-1].epoch != last):
            self.record(last, self._last_loss)

    # ------------------------------------------------------------------ pictures
    def _require_frames(self) -> None:
        if not self.frames:
            raise RuntimeError(
                "DecisionBoundaryRecorder has no frames yet: pass it to fit(..., callbacks=[recorder]) first"
            )

    def plot_frames(
        self,
        n: int = 6,
        path: Optional[PathLike] = None,
        *,
        cols: int = 3,
        figsize: Optional[tuple[float, float]] = None,
        dpi: float = 100,
    ) -> "Figure":
        """Draw ``n`` frames spread evenly over training (first and last included) in a grid.

        Returns the figure; saves it as a PNG of ``figsize * dpi`` pixels when ``path`` is given.
        """
        self._require_frames()
        chosen = [self.frames[i] for i in pick_evenly(len(self.frames), check_positive_int("n", n))]
        cols = min(check_positive_int("cols", cols), len(chosen))
        rows = -(-len(chosen) // cols)
        figure = new_figure(figsize or (3.2 * cols, 3.0 * rows), dpi)
        for position, frame in enumerate(chosen):
            ax = figure.add_subplot(rows, cols, position + 1)
            draw_boundary(ax, frame.grid, self.x, self.y, colorbar=False)
            ax.set_title(frame_title(frame), fontsize=9)
        return finish(figure, path, dpi)

    def save_gif(
        self,
        path: PathLike,
        fps: float = 5,
        *,
        max_frames: int = 40,
        hold_last: float = 1.5,
        figsize: tuple[float, float] = (4.0, 4.0),
        dpi: float = 80,
    ) -> Path:
        """Write the frames as an animated GIF (looping) and return its path.

        Parameters
        ----------
        path : str or Path
            Where to write (missing folders are created).
        fps : float, default 5
            Frames per second.
        max_frames : int, default 40
            At most this many frames, spread evenly (first and last included),
            which keeps the file small.
        hold_last : float, default 1.5
            Seconds the last frame stays before the loop restarts.
        figsize, dpi
            Each frame is ``figsize * dpi`` pixels.
        """
        self._require_frames()
        try:
            from PIL import Image
        except ImportError as error:
            raise ImportError(INSTALL_HINT) from error
        fps = check_positive_float("fps", fps)
        chosen = [self.frames[i] for i in pick_evenly(len(self.frames), check_positive_int("max_frames", max_frames))]
        figure = new_figure(figsize, dpi)
        ax = figure.add_subplot()
        pictures = []
        for frame in chosen:
            ax.clear()
            draw_boundary(ax, frame.grid, self.x, self.y, colorbar=False)
            ax.set_title(frame_title(frame), fontsize=10)
            rgb = figure_to_rgba(figure)[..., :3]                                   # (H, W, 3) uint8
            pictures.append(Image.fromarray(rgb).convert("P", palette=_adaptive_palette(Image), colors=128))
        step_ms = int(round(1000.0 / fps))
        durations = [step_ms] * (len(pictures) - 1) + [max(step_ms, int(round(1000.0 * hold_last)))]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        pictures[0].save(path, format="GIF", save_all=True, append_images=pictures[1:],
                         duration=durations, loop=0)
        return path

    def __repr__(self) -> str:
        return f"DecisionBoundaryRecorder(every={self.every}, resolution={self.resolution}, frames={len(self.frames)})"
