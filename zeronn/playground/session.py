"""One learner's playground: data, network, optimizer and history, trained epoch by epoch on request.

Each browser tab gets its own ``Session``; ``SessionStore`` holds at most
``max_sessions`` of them and forgets the least recently used one when a new
tab arrives.  A session's memory is bounded by the configuration limits (at
most 5000 points, 6 layers of 8 units, ``MAX_HISTORY`` epochs of losses).

Training is the plain loop a learner would write, and exactly the loop the
exported code (``codegen.export_code``) contains::

    for each epoch:
        order = shuffle.permutation(n_train)
        for each batch of `batch` rows in that order:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            model.backward(loss_fn.backward())
            add_penalty(model, reg, rate)
            optimizer.step()
        scheduler.step()
"""

from __future__ import annotations

import math
import os
import secrets
import tempfile
import threading
from collections import OrderedDict
from typing import Any, Optional

import numpy as np

from zeronn.doctor import Doctor
from zeronn.explain import explain
from zeronn.grad_mode import no_grad
from zeronn.io import save
from zeronn.lang import tr
from zeronn.optim import ReduceLROnPlateau
from zeronn.playground.codegen import export_code
from zeronn.playground.config import (
    ConfigError,
    PlaygroundConfig,
    config_to_dict,
    config_to_query,
    structural_change,
    update_config,
)
from zeronn.playground.data import CSVSource, PlaygroundData, feature_matrix, loss_targets, make_data
from zeronn.playground.maps import grid_features, network_maps
from zeronn.playground.network import (
    add_penalty,
    build_loss,
    build_model,
    build_optimizer,
    build_scheduler,
    evaluation_twin,
    linear_layers,
)

__all__ = ["Session", "SessionStore", "MAX_HISTORY", "MAX_EPOCHS_PER_REQUEST", "DOCTOR_EVERY", "DOCTOR_WINDOW"]

#: Losses kept per session (older epochs are thinned out, keeping every other one).
MAX_HISTORY = 2000
#: Most epochs one /api/train request may ask for.
MAX_EPOCHS_PER_REQUEST = 100
#: The doctor samples layer statistics every DOCTOR_EVERY steps and starts a fresh record every DOCTOR_WINDOW epochs.
DOCTOR_EVERY = 10
DOCTOR_WINDOW = 500
#: Findings sent to the page, diagnosed again every FINDINGS_EVERY epochs.
MAX_FINDINGS = 6
FINDINGS_EVERY = 5


def _finite(value: float) -> Optional[float]:
    """A float for JSON, or None for NaN/inf (JSON has no NaN)."""
    return float(value) if math.isfinite(value) else None


def _json_safe(value: Any) -> Any:
    """``value`` with every NaN/inf float (at any depth) replaced by None, as JSON needs."""
    if isinstance(value, float):
        return _finite(value)
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return value


def _shape_line(record: dict[str, Any]) -> str:
    """'input (10, 2) -> output (10, 4); weight (2, 4), bias (4,)' for one explain record."""
    line = f"input {tuple(record['input_shape'])} -> output {tuple(record['output_shape'])}"
    parameters = ", ".join(f"{name} {tuple(shape)}" for name, shape in record["parameter_shapes"].items())
    return f"{line}; {parameters}" if parameters else line


def _rounded(matrix: np.ndarray) -> Any:
    """A weight matrix as nested lists of 4-significant-digit numbers (None where not finite)."""
    return [[_finite(float(f"{v:.4g}")) for v in row] for row in matrix.tolist()]


class Session:
    """The state behind one tab.

    Parameters
    ----------
    config : PlaygroundConfig
    csv_source : CSVSource, optional
        The data used when ``config.data == "csv"``.
    """

    def __init__(self, config: PlaygroundConfig, csv_source: Optional[CSVSource] = None) -> None:
        self.id = secrets.token_hex(8)
        self.lock = threading.Lock()
        self.csv_source = csv_source
        self.config = config
        self.data_version = 0
        self._build()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        """Fresh data, network, optimizer and history for ``self.config``."""
        config = self.config
        self.data: PlaygroundData = make_data(config, self.csv_source)
        self.inputs_train = feature_matrix(self.data.x_train, config.features)        # (n_train, k)
        self.inputs_test = feature_matrix(self.data.x_test, config.features)          # (n_test, k)
        self.targets_train = loss_targets(self.data.task, self.data.y_train)          # (n_train, 1) or (n_train,)
        self.targets_test = loss_targets(self.data.task, self.data.y_test)
        self.grid_inputs = grid_features(config.features)                             # (GRID*GRID, k)
        self.loss_fn = build_loss(self.data.task)
        self.data_version += 1
        self.reset()

    def reset(self) -> None:
        """Start training again from the seeded initial weights."""
        self.model = build_model(self.config, self.inputs_train.shape[1], self.data.n_outputs)
        self.viewer = evaluation_twin(self.model)                                     # same parameters
        self.shuffle = np.random.default_rng(self.config.seed + 1)
        self.epoch = 0
        self.history: list[list[Any]] = []
        self.weights_edited = False
        self.settings_changed = False
        self.diverged: Optional[str] = None
        self._new_optimizer()
        self.train_loss, self.test_loss = self._losses()

    def _new_optimizer(self) -> None:
        self.optimizer = build_optimizer(self.config, self.model)
        self.scheduler = build_scheduler(self.config, self.optimizer)
        self._new_doctor()

    def _new_doctor(self) -> None:
        """A doctor watching the current model and optimizer (its record starts again)."""
        self.doctor = Doctor(every=DOCTOR_EVERY, lang=self.config.lang)
        self.doctor.watch(self.model, self.optimizer, loss=self.loss_fn)
        self.doctor_epochs = 0
        self._findings: list[dict[str, Any]] = []
        self._findings_key: Any = None

    def apply(self, changes: Any) -> bool:
        """Apply setting changes; rebuild data and network when they need it.  Returns whether it rebuilt."""
        new = update_config(self.config, changes)
        rebuild = structural_change(self.config, new)
        if new.data == "csv" and self.csv_source is None:
            raise ConfigError("setting 'data': 'csv' needs a CSV file (start with --data FILE.csv or upload one)")
        old, self.config = self.config, new
        if rebuild:
            try:
                self._build()
            except ValueError:
                self.config = old
                raise
        elif (old.optimizer, old.lr, old.schedule) != (new.optimizer, new.lr, new.schedule):
            self._new_optimizer()
            self.settings_changed = self.settings_changed or self.epoch > 0
        elif (old.reg, old.reg_rate, old.batch) != (new.reg, new.reg_rate, new.batch):
            self.settings_changed = self.settings_changed or self.epoch > 0
        return rebuild

    def use_csv(self, source: CSVSource) -> None:
        """Switch to an uploaded CSV file."""
        self.csv_source = source
        self.config = update_config(self.config, {"data": "csv"})
        self._build()

    # ------------------------------------------------------------------ training
    def _losses(self) -> tuple[float, float]:
        with no_grad():
            train = self.loss_fn(self.viewer(self.inputs_train), self.targets_train)
            test = self.loss_fn(self.viewer(self.inputs_test), self.targets_test)
        return float(train), float(test)

    def train_epoch(self) -> list[Any]:
        """One pass over the training points in mini-batches, then one scheduler step."""
        config = self.config
        n_train = len(self.inputs_train)
        order = self.shuffle.permutation(n_train)
        for start in range(0, n_train, config.batch):
            rows = order[start:start + config.batch]
            xb, yb = self.inputs_train[rows], self.targets_train[rows]             # (b, k), (b,) or (b, 1)
            self.optimizer.zero_grad()
            loss = self.loss_fn(self.model(xb), yb)
            self.model.backward(self.loss_fn.backward())
            add_penalty(self.model, config.reg, config.reg_rate)
            self.doctor.step(loss, x=xb, y=yb)
            self.optimizer.step()
        self.epoch += 1
        self.train_loss, self.test_loss = self._losses()
        self._doctor_epoch()
        if isinstance(self.scheduler, ReduceLROnPlateau):
            self.scheduler.step(self.test_loss)
        elif self.scheduler is not None:
            self.scheduler.step()
        return self._record()

    def _doctor_epoch(self) -> None:
        if self.doctor_epochs >= DOCTOR_WINDOW:               # bounded memory: the doctor's record starts again
            self._new_doctor()
        self.doctor.end_epoch(self.train_loss if math.isfinite(self.train_loss) else math.nan,
                              val_loss=self.test_loss if math.isfinite(self.test_loss) else math.nan)
        self.doctor_epochs += 1
        if not math.isfinite(self.train_loss):
            self.doctor.note_failure(f"the loss became {self.train_loss} at epoch {self.epoch}")

    def findings(self, *, fresh: bool = False) -> list[dict[str, Any]]:
        """The doctor's findings in the session's language, most serious first (JSON-ready).

        Diagnosed again every ``FINDINGS_EVERY`` epochs (or when ``fresh``); in between the last ones are sent.
        """
        key = (self.epoch // FINDINGS_EVERY, self.config.lang, id(self.doctor))
        if fresh or self._findings_key != key:
            found = self.doctor.findings(self.config.lang)[:MAX_FINDINGS]
            self._findings = [_json_safe(finding.to_dict()) for finding in found]
            self._findings_key = key
        return self._findings

    def _record(self) -> list[Any]:
        row = [self.epoch, _finite(self.train_loss), _finite(self.test_loss)]
        self.history.append(row)
        if len(self.history) > MAX_HISTORY:
            self.history = self.history[::2]
        if not (math.isfinite(self.train_loss) and math.isfinite(self.test_loss)):
            self.diverged = (f"the loss became {self.train_loss} at epoch {self.epoch}: "
                             f"lower the learning rate (now {self.config.lr:g}) and press reset")
        return row

    def train(self, epochs: int) -> list[list[Any]]:
        """Train up to ``epochs`` epochs (stopping if the loss diverges); return the new history rows."""
        rows = []
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):   # divergence is reported, not warned
            for _ in range(epochs):
                if self.diverged:
                    break
                try:
                    rows.append(self.train_epoch())
                except ArithmeticError as error:
                    self.diverged = f"training stopped at epoch {self.epoch + 1}: {error}"
        return rows

    def set_weight(self, layer: int, source: int, target: int, value: float) -> None:
        """Set weight [source, target] of the ``layer``-th Linear (the link source -> target in the page)."""
        linears = linear_layers(self.model)
        if not 0 <= layer < len(linears):
            raise ConfigError(f"weight: layer must be 0 to {len(linears) - 1}, got {layer}")
        weight = linears[layer].weight.data                                           # (in, out)
        if not (0 <= source < weight.shape[0] and 0 <= target < weight.shape[1]):
            raise ConfigError(f"weight: layer {layer} links units 0..{weight.shape[0] - 1} to "
                              f"0..{weight.shape[1] - 1}, got {source} -> {target}")
        weight[source, target] = value
        self.weights_edited = True
        self.train_loss, self.test_loss = self._losses()

    # ------------------------------------------------------------------ what the page sees
    def snapshot(self, *, full: bool, new_rows: Optional[list[list[Any]]] = None) -> dict[str, Any]:
        """The JSON the page draws: maps, weights, losses; with ``full``, also the points and settings."""
        state: dict[str, Any] = {
            "session": self.id,
            "epoch": self.epoch,
            "train_loss": _finite(self.train_loss),
            "test_loss": _finite(self.test_loss),
            "lr": _finite(float(self.optimizer.param_groups[0]["lr"])),
            "diverged": self.diverged,
            "findings": self.findings(fresh=full),
            "weights": [_rounded(layer.weight.data) for layer in linear_layers(self.model)],
            "biases": [[_finite(float(f"{b:.4g}")) for b in layer.bias.data.tolist()]
                       for layer in linear_layers(self.model) if layer.bias is not None],
        }
        state.update(network_maps(self.viewer, self.config.features, self.data.task, self.grid_inputs))
        if full:
            state.update(self._full_state())
        else:
            state["losses"] = new_rows or []
        return state

    def _full_state(self) -> dict[str, Any]:
        data = self.data
        return {
            "config": config_to_dict(self.config),
            "query": config_to_query(self.config),
            "history": self.history,
            "data_version": self.data_version,
            "task": data.task,
            "classes": data.classes,
            "csv_name": self.csv_source.name if self.csv_source else None,
            "train": {"x": np.round(data.x_train, 3).tolist(), "y": data.y_train.ravel().tolist()},
            "test": {"x": np.round(data.x_test, 3).tolist(), "y": data.y_test.ravel().tolist()},
        }

    def explain(self) -> dict[str, Any]:
        """The explain view (``zeronn.explain``) of one training batch, each layer tagged with its page column.

        Column c >= 1 of the page holds the c-th Linear layer and the activation after it; the loss goes
        with the output column.
        """
        rows = slice(0, min(self.config.batch, len(self.inputs_train)))
        explanation = explain(self.viewer, self.inputs_train[rows], self.targets_train[rows], loss=self.loss_fn,
                              lang=self.config.lang)
        records = []
        for record in explanation.records:
            data = record.to_dict()
            records.append({
                "column": data["index"] // 2 + 1,
                "name": data["name"],
                "layer": data["layer"],
                "forward": data["forward_formula"] + ["", data["forward_shapes"]],
                "backward": data["backward_formulas"] + [""] + [f"{name}: {shape}" for name, shape
                                                             in data["backward_shapes"].items()],
                "shapes": _shape_line(data),
                "stats": ", ".join(f"{name} {value:.4g}" for name, value in data["stats"].items()
                                   if isinstance(value, (int, float)) and not isinstance(value, bool)),
                "statistics": data["stats"],
            })
        loss = explanation.loss.to_dict()
        records.append({"column": len(self.config.layers) + 1, "name": "loss", "layer": loss["name"],
                        "forward": loss["formula"], "backward": None, "shapes": None,
                        "stats": None if loss["value"] is None else f"loss {loss['value']:.4g}",
                        "statistics": {"loss": loss["value"]}})
        return _json_safe({"epoch": self.epoch, "batch": rows.stop, "records": records, "text": explanation.text})

    def python_code(self) -> str:
        """The program that rebuilds and retrains this network (see ``codegen.export_code``)."""
        lang = self.config.lang
        notes = []
        if self.weights_edited:
            notes.append(tr("Note: weights were edited by hand in the page; this program trains from the start "
                            "without those edits.", "注意：页面中手动修改过权重；本程序从头训练，不含这些修改。", lang))
        if self.settings_changed:
            notes.append(tr("Note: settings changed during training in the page; this program uses the final "
                            "settings from the start.", "注意：页面训练过程中修改过设置；本程序从头使用最终设置。",
                            lang))
        return export_code(self.config, self.data, epochs=self.epoch, n_inputs=self.inputs_train.shape[1],
                           csv_path=self.csv_source.path if self.csv_source else None,
                           caveat="\n".join(notes) or None, lang=lang)

    def model_file(self) -> bytes:
        """The trained model as a ``.safetensors`` file's bytes (``zeronn.load`` reads it)."""
        metadata = {
            "source": "zeronn playground",
            "settings": config_to_query(self.config),
            "features": self.config.features,
            "task": self.data.task,
            "classes": self.data.classes,
            "epoch": self.epoch,
            "input_center": self.data.center.tolist(),
            "input_scale": self.data.scale.tolist(),
        }
        with tempfile.TemporaryDirectory(prefix="zeronn-playground-") as folder:
            path = os.path.join(folder, "model.safetensors")
            save(self.model, path, metadata=metadata)
            with open(path, "rb") as handle:
                return handle.read()


class SessionStore:
    """At most ``max_sessions`` sessions, the least recently used forgotten first.

    Thread-safe: the store has its own lock; each session has another that
    the server holds while it works on that session.
    """

    def __init__(self, max_sessions: int = 16) -> None:
        if max_sessions < 1:
            raise ValueError(f"max_sessions must be >= 1, got {max_sessions}")
        self.max_sessions = max_sessions
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, session: Session) -> None:
        with self._lock:
            self._sessions[session.id] = session
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)

    def get(self, session_id: Any) -> Optional[Session]:
        """The session, marked as just used; None when unknown or evicted."""
        if not isinstance(session_id, str):
            return None
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None:
                self._sessions.move_to_end(session_id)
            return session

    def remove(self, session_id: str) -> bool:
        with self._lock:
            return self._sessions.pop(session_id, None) is not None

    def __len__(self) -> int:
        return len(self._sessions)
