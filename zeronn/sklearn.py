"""scikit-learn estimators around ZeroNN networks: ``ZeroNNClassifier`` and ``ZeroNNRegressor``.

They follow scikit-learn's conventions (``fit``/``predict``/``partial_fit``,
learned attributes ending in ``_``, ``get_params``/``set_params``, no work in
``__init__``) and pass ``sklearn.utils.estimator_checks.check_estimator``, so
they drop into ``Pipeline``, ``GridSearchCV`` and ``cross_val_score``:

>>> from sklearn.model_selection import GridSearchCV
>>> from zeronn.sklearn import ZeroNNClassifier
>>> search = GridSearchCV(ZeroNNClassifier(max_epochs=50), {"lr": [1e-3, 1e-2]}, cv=3)
>>> search.fit(X, y).best_params_                                   # doctest: +SKIP

The network is an MLP built from ``hidden_layer_sizes`` and ``activation``
(like ``MLPClassifier``), or any ZeroNN model given as ``module=``: a layer
(copied before training, so the estimator can be cloned and refitted) or a
builder ``module(n_features=..., n_outputs=..., rng=...) -> Layer`` called
when the data's sizes are known (as skorch does).  The classifier's network
gives one raw score per class (cross-entropy on the logits); the regressor's
one value per target (mean squared error).

This module needs scikit-learn (``pip install "zeronn[sklearn]"``); import it
explicitly (``import zeronn.sklearn``): ``import zeronn`` does not need it.
"""

from __future__ import annotations

import copy
import os
import warnings
from typing import Any, Optional, Union

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from zeronn.functional import softmax
from zeronn.io import load as load_model
from zeronn.io import load_metadata
from zeronn.io import save as save_model
from zeronn.nn.activation import get_activation
from zeronn.nn.layer import Layer
from zeronn.nn.linear import Linear
from zeronn.nn.sequential import Sequential
from zeronn.train.callbacks import Callback
from zeronn.train.history import History
from zeronn.train.scoring import run_predict
from zeronn.train.trainer import Trainer

__all__ = ["ZeroNNClassifier", "ZeroNNRegressor"]

PathLike = Union[str, "os.PathLike[str]"]

#: Key of the estimator's facts inside a model file's metadata.
METADATA_KEY = "zeronn.sklearn"
#: Parameters written into a model file (everything but ``module`` and ``optimizer_kwargs``, which need not be JSON).
_SAVED_PARAMS = ("hidden_layer_sizes", "activation", "optimizer", "lr", "batch_size", "max_epochs", "weight_decay",
                 "early_stopping", "validation_fraction", "n_iter_no_change", "tol", "shuffle", "random_state",
                 "warm_start", "input_shape", "dtype", "verbose")


class _StopWhenFlat(Callback):
    """Stop when ``monitor`` has not fallen by more than ``tol`` for ``patience`` epochs in a row (as MLPClassifier).

    With ``keep_best`` the weights of the best epoch are copied aside and put back at the end.
    """

    def __init__(self, monitor: str, tol: float, patience: int, keep_best: bool) -> None:
        super().__init__()
        self.monitor, self.tol, self.patience, self.keep_best = monitor, tol, patience, keep_best
        self.best = np.inf
        self.flat_epochs = 0
        self.best_state: Optional[dict[str, np.ndarray]] = None
        self.converged = False

    def on_epoch_end(self, epoch: int, logs: Optional[dict[str, Any]] = None) -> None:
        value = float((logs or {})[self.monitor])
        self.flat_epochs = self.flat_epochs + 1 if value > self.best - self.tol else 0
        if value < self.best:
            self.best = value
            if self.keep_best:
                self.best_state = {name: array.copy() for name, array in self.trainer.model.state_dict().items()}
        if self.flat_epochs >= self.patience:
            self.converged = True
            self.trainer.stop_training = True

    def on_train_end(self, logs: Optional[dict[str, Any]] = None) -> None:
        if self.best_state is not None:
            self.trainer.model.load_state_dict(self.best_state)


class _ZeroNNEstimator(BaseEstimator):
    """What the classifier and the regressor share: parameters, network building, training, saving."""

    def __init__(
        self,
        module: Any = None,
        *,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        optimizer: str = "adam",
        lr: float = 1e-3,
        batch_size: int = 200,
        max_epochs: int = 200,
        weight_decay: float = 0.0,
        optimizer_kwargs: Optional[dict[str, Any]] = None,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        shuffle: bool = True,
        random_state: Any = None,
        warm_start: bool = False,
        input_shape: Optional[tuple[int, ...]] = None,
        dtype: str = "float64",
        verbose: int = 0,
    ) -> None:
        self.module = module
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.lr = lr
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.weight_decay = weight_decay
        self.optimizer_kwargs = optimizer_kwargs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start
        self.input_shape = input_shape
        self.dtype = dtype
        self.verbose = verbose

    # ------------------------------------------------------------------ what subclasses define
    _loss_name = "mse"

    def _encode_targets(self, y: np.ndarray, *, first: bool, incremental: bool, classes: Any = None) -> np.ndarray:
        raise NotImplementedError

    # ------------------------------------------------------------------ argument checks (in fit, not __init__)
    def _check_params(self) -> None:
        name = type(self).__name__
        for key in ("batch_size", "max_epochs", "n_iter_no_change"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name}: {key} must be a positive integer, got {value!r}")
        if not 0.0 < float(self.validation_fraction) < 1.0:
            raise ValueError(f"{name}: validation_fraction must be in (0, 1), got {self.validation_fraction!r}")
        if self.dtype not in ("float32", "float64"):
            raise ValueError(f"{name}: dtype must be 'float32' or 'float64', got {self.dtype!r}")
        if self.module is not None and not isinstance(self.module, Layer) and not callable(self.module):
            raise TypeError(f"{name}: module must be a zeronn Layer or a function (n_features, n_outputs, rng) -> "
                            f"Layer, got {type(self.module).__name__}")

    def _hidden_sizes(self) -> tuple[int, ...]:
        sizes = self.hidden_layer_sizes
        sizes = (sizes,) if isinstance(sizes, (int, np.integer)) else tuple(sizes)
        if not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 1 for s in sizes):
            raise ValueError(f"{type(self).__name__}: hidden_layer_sizes must be positive integers, "
                             f"got {self.hidden_layer_sizes!r}")
        return tuple(int(s) for s in sizes)

    # ------------------------------------------------------------------ data
    def _validate_x(self, X: Any, *, reset: bool, y: Any = "no_validation") -> Any:
        if isinstance(y, str) and y == "no_validation":
            return validate_data(self, X, reset=reset, dtype=(np.float64, np.float32))
        return validate_data(self, X, y, reset=reset, dtype=(np.float64, np.float32), multi_output=True,
                             y_numeric=not isinstance(self, ClassifierMixin))

    def _network_input(self, X: np.ndarray) -> np.ndarray:
        """Rows of ``X`` in the network's dtype and, with ``input_shape``, reshaped to (n, *input_shape)."""
        X = X.astype(self.dtype, copy=False)                                       # (n, n_features)
        if self.input_shape is None:
            return X
        shape = tuple(int(d) for d in self.input_shape)
        if int(np.prod(shape)) != X.shape[1]:
            raise ValueError(f"{type(self).__name__}: input_shape={shape} holds {int(np.prod(shape))} numbers, "
                             f"but X has {X.shape[1]} features")
        return X.reshape(len(X), *shape)                                           # (n, *input_shape)

    # ------------------------------------------------------------------ the network
    def _seed_generator(self) -> np.random.Generator:
        state = check_random_state(self.random_state)
        return np.random.default_rng(int(state.randint(np.iinfo(np.int32).max)))

    def _build_module(self, n_features: int, n_outputs: int, rng: np.random.Generator) -> Layer:
        if isinstance(self.module, Layer):
            model = copy.deepcopy(self.module)
        elif self.module is not None:
            model = self.module(n_features=n_features, n_outputs=n_outputs, rng=rng)
            if not isinstance(model, Layer):
                raise TypeError(f"{type(self).__name__}: module(...) must return a zeronn Layer, "
                                f"got {type(model).__name__}")
        else:
            layers: list[Layer] = []
            previous = n_features
            for size in self._hidden_sizes():
                layers += [Linear(previous, size, rng=rng, dtype=self.dtype), get_activation(self.activation)]
                previous = size
            layers.append(Linear(previous, n_outputs, rng=rng, dtype=self.dtype))
            model = Sequential(*layers)
        return model.to(self.dtype)

    def _check_output(self, model: Layer, X: np.ndarray, n_outputs: int) -> None:
        out = run_predict(model, X[:1])                                            # (1, n_outputs)
        if out.shape != (1, n_outputs):
            raise ValueError(f"{type(self).__name__}: the module must give {n_outputs} outputs per sample "
                             f"(n_outputs), but it gives shape {out.shape[1:]} for one sample")

    def _new_trainer(self, model: Layer, rng: np.random.Generator) -> tuple[Trainer, _StopWhenFlat]:
        kwargs = dict(self.optimizer_kwargs or {})
        if self.weight_decay:
            kwargs["weight_decay"] = float(self.weight_decay)
        if isinstance(self.optimizer, str):
            from zeronn.optim import get_optimizer

            optimizer = get_optimizer(self.optimizer, model.parameters(), lr=self.lr, **kwargs)
        else:
            optimizer = self.optimizer(model.parameters(), lr=self.lr, **kwargs)   # an optimizer class
        stopper = _StopWhenFlat("val_loss" if self.early_stopping else "loss", float(self.tol),
                                int(self.n_iter_no_change), keep_best=bool(self.early_stopping))
        trainer = Trainer(model, loss=self._loss_name, optimizer=optimizer, metrics=(), seed=rng,
                          callbacks=[stopper], verbose=int(self.verbose) if self.verbose else 0)
        return trainer, stopper

    def _initialize(self, X: np.ndarray, n_outputs: int) -> np.random.Generator:
        rng = self._seed_generator()
        self.model_ = self._build_module(X.shape[1] if self.input_shape is None else int(np.prod(X.shape[1:])),
                                         n_outputs, rng)
        self._check_output(self.model_, X, n_outputs)
        self.history_ = History()
        self.loss_curve_: list[float] = []
        return rng

    def _run(self, X: np.ndarray, Y: np.ndarray, trainer: Trainer, epochs: int,
             stopper: Optional[_StopWhenFlat]) -> int:
        """Train for up to ``epochs`` more epochs (early stopping only with a ``stopper``); return how many ran."""
        done = trainer.epoch
        validation_split = float(self.validation_fraction) if self.early_stopping and stopper is not None else 0.0
        if stopper is not None and validation_split and len(X) * validation_split < 1:
            validation_split = 0.0                                                 # too few samples to hold out
            stopper.monitor = "loss"
        trainer.fit(X, Y, epochs=done + epochs, batch_size=min(int(self.batch_size), len(X)),
                    validation_split=validation_split, shuffle=bool(self.shuffle))
        ran = trainer.epoch - done
        self.history_ = trainer.history
        self.loss_curve_ = list(trainer.history["loss"])
        return ran

    # ------------------------------------------------------------------ fit / partial_fit
    def _fit(self, X: Any, y: Any, *, incremental: bool, classes: Any = None) -> "_ZeroNNEstimator":
        self._check_params()
        keep = incremental or bool(self.warm_start)
        first = not (keep and hasattr(self, "model_"))
        X, y = self._validate_x(X, reset=first, y=y)
        Y = self._encode_targets(y, first=first, incremental=incremental, classes=classes)
        Xn = self._network_input(X)
        if first:
            rng = self._initialize(Xn, self._n_outputs())
            self.n_iter_ = 0
        else:
            rng = self._seed_generator()
        if incremental:
            if first or not hasattr(self, "_trainer"):
                self._trainer, _ = self._new_trainer(self.model_, rng)
            self._trainer.callbacks = []                                           # one epoch, no stopping rule
            self.n_iter_ += self._run(Xn, Y, self._trainer, 1, None)
            return self
        trainer, stopper = self._new_trainer(self.model_, rng)
        self.n_iter_ = self._run(Xn, Y, trainer, int(self.max_epochs), stopper)
        self._trainer = trainer
        if not stopper.converged:
            warnings.warn(f"{type(self).__name__}: max_epochs={self.max_epochs} reached and the loss is still "
                          "falling; raise max_epochs or lr", ConvergenceWarning, stacklevel=3)
        return self

    def _n_outputs(self) -> int:
        raise NotImplementedError

    def _raw_output(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "model_")
        X = self._validate_x(X, reset=False)
        return run_predict(self.model_, self._network_input(X)).astype(np.float64, copy=False)  # (n, n_outputs)

    # ------------------------------------------------------------------ model files
    def _file_facts(self) -> dict[str, Any]:
        raise NotImplementedError

    def _restore_facts(self, facts: dict[str, Any]) -> None:
        raise NotImplementedError

    def save(self, path: PathLike) -> None:
        """Write the fitted network to a ZeroNN model file, with what the estimator needs to come back.

        The file is an ordinary model file (``zeronn.load(path)`` gives the
        network); its metadata holds the estimator's class, parameters,
        ``classes_``, ``n_features_in_`` and training history under
        ``"zeronn.sklearn"``.  Read it back with ``ZeroNNClassifier.load(path)``
        (or ``ZeroNNRegressor.load``).
        """
        check_is_fitted(self, "model_")
        params = {key: _json_param(getattr(self, key)) for key in _SAVED_PARAMS}
        facts = {
            "estimator": type(self).__name__,
            "params": params,
            "custom_module": self.module is not None,
            "n_features_in": int(self.n_features_in_),
            "feature_names_in": [str(n) for n in getattr(self, "feature_names_in_", [])] or None,
            "n_iter": int(self.n_iter_),
            "history": self.history_.state_dict(),
            **self._file_facts(),
        }
        save_model(self.model_, path, metadata={METADATA_KEY: facts})

    @classmethod
    def load(cls, path: PathLike) -> Any:
        """Rebuild a fitted estimator saved with ``save``; it predicts exactly as the saved one did.

        Raises
        ------
        ModelFileError
            As ``zeronn.load`` (missing, damaged or tampered file).
        ValueError
            The file holds no estimator, or one of another class.
        """
        facts = load_metadata(path).get(METADATA_KEY)
        if not isinstance(facts, dict) or not isinstance(facts.get("params"), dict):
            raise ValueError(f"'{os.fspath(path)}' is a model file without scikit-learn estimator metadata: "
                             f"save it with {cls.__name__}(...).fit(X, y).save(path)")
        if facts.get("estimator") != cls.__name__:
            raise ValueError(f"'{os.fspath(path)}' holds a {facts.get('estimator')}, not a {cls.__name__}: "
                             f"load it with {facts.get('estimator')}.load(path)")
        params = dict(facts["params"])
        for key in ("hidden_layer_sizes", "input_shape"):
            if isinstance(params.get(key), list):
                params[key] = tuple(params[key])
        model = load_model(path)
        estimator = cls(module=copy.deepcopy(model) if facts.get("custom_module") else None, **params)
        estimator.model_ = model
        estimator.n_features_in_ = int(facts["n_features_in"])
        if facts.get("feature_names_in"):
            estimator.feature_names_in_ = np.asarray(facts["feature_names_in"], dtype=object)
        estimator.n_iter_ = int(facts["n_iter"])
        estimator.history_ = History()
        estimator.history_.load_state_dict(facts["history"])
        estimator.loss_curve_ = list(estimator.history_["loss"]) if "loss" in estimator.history_ else []
        estimator._restore_facts(facts)
        return estimator


def _json_param(value: Any) -> Any:
    """A parameter value as JSON (tuples become lists; a RandomState or class becomes None)."""
    if isinstance(value, tuple):
        return [_json_param(v) for v in value]
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str, list)):
        return value
    return None


class ZeroNNClassifier(ClassifierMixin, _ZeroNNEstimator):
    """A ZeroNN network as a scikit-learn classifier (binary and multi-class).

    The network ends in one raw score per class, trained with cross-entropy;
    ``predict_proba`` is the softmax of the scores and ``predict`` the class
    with the highest one.

    Parameters
    ----------
    module : Layer or callable, optional
        The network: a ZeroNN layer/model (deep-copied at every ``fit``), or a
        builder ``module(n_features=..., n_outputs=..., rng=...) -> Layer``.
        Default: an MLP from ``hidden_layer_sizes`` and ``activation``.
    hidden_layer_sizes : tuple of int, default (100,)
        Hidden sizes of the default MLP.
    activation : str, default "relu"
        Any ``zeronn.nn.get_activation`` name ("relu", "tanh", "sigmoid", "gelu"...).
    optimizer : str or optimizer class, default "adam"
        "sgd", "adam", "adamw", "rmsprop", "adagrad", or a class ``cls(params, lr=..., **kwargs)``.
    lr : float, default 1e-3
        Learning rate.
    batch_size : int, default 200
        Mini-batch size (at most the number of samples).
    max_epochs : int, default 200
        Most passes over the data in ``fit``.
    weight_decay : float, default 0
        L2 penalty given to the optimizer.
    optimizer_kwargs : dict, optional
        More optimizer arguments (``{"momentum": 0.9}``).
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the data, stop when its loss stops
        falling and keep the best epoch's weights.
    validation_fraction : float, default 0.1
    n_iter_no_change : int, default 10
        Epochs without an improvement of more than ``tol`` before stopping.
    tol : float, default 1e-4
    shuffle : bool, default True
        New sample order every epoch.
    random_state : int, RandomState or None
        Seeds the initial weights and the shuffling: the same int gives the same model.
    warm_start : bool, default False
        ``fit`` continues from the current network instead of a new one.
    input_shape : tuple of int, optional
        Shape each row of X is reshaped to before the network (``(1, 28, 28)`` for a CNN on flat pixels).
    dtype : {"float64", "float32"}, default "float64"
        The network's float type.
    verbose : int, default 0
        Progress display of ``zeronn.fit``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when X had column names
    model_ : zeronn.nn.Layer
        The trained network.
    history_ : zeronn.train.History
        Per-epoch values ("loss", "val_loss" with early stopping, "lr", "time").
    loss_curve_ : list of float
        The training loss of every epoch.
    n_iter_ : int
        Epochs run by the last ``fit`` (total epochs for ``partial_fit``).

    Examples
    --------
    >>> clf = ZeroNNClassifier(hidden_layer_sizes=(16,), random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2])                                     # doctest: +SKIP
    """

    _loss_name = "cross_entropy"

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        return tags

    def fit(self, X: Any, y: Any) -> "ZeroNNClassifier":
        """Train a new network on X (n_samples, n_features) and labels y (n_samples,); return self."""
        self._fit(X, y, incremental=False)
        return self

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> "ZeroNNClassifier":
        """One epoch over (X, y) on the current network; the first call needs ``classes`` (all labels)."""
        self._fit(X, y, incremental=True, classes=classes)
        return self

    def _encode_targets(self, y: np.ndarray, *, first: bool, incremental: bool, classes: Any = None) -> np.ndarray:
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if first:
            if classes is not None:
                labels = np.unique(classes)
            elif incremental:
                raise ValueError(f"{type(self).__name__}.partial_fit needs classes= (every label) on its first call")
            else:
                labels = np.unique(y)
            if len(labels) < 2:
                raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes, got one class "
                                 f"({labels[0]!r}) only")
            self.classes_ = labels
        unknown = np.setdiff1d(y, self.classes_)
        if len(unknown):
            raise ValueError(f"{type(self).__name__}: y holds labels not seen in classes_ {self.classes_.tolist()}: "
                             f"{unknown[:5].tolist()}")
        return np.searchsorted(self.classes_, y).astype(np.int64)                 # (n,) class numbers

    def _n_outputs(self) -> int:
        return len(self.classes_)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), in the order of ``classes_``."""
        return softmax(self._raw_output(X), axis=1)                                # (n, n_classes)

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """Log of ``predict_proba``."""
        from zeronn.functional import log_softmax

        return log_softmax(self._raw_output(X), axis=1)                           # (n, n_classes)

    def predict(self, X: Any) -> np.ndarray:
        """The most likely class of every row of X, shape (n_samples,)."""
        scores = self._raw_output(X)                                               # (n, n_classes)
        return self.classes_[np.argmax(scores, axis=1)]

    def _file_facts(self) -> dict[str, Any]:
        return {"classes": self.classes_.tolist(), "classes_dtype": self.classes_.dtype.str}

    def _restore_facts(self, facts: dict[str, Any]) -> None:
        dtype = np.dtype(facts["classes_dtype"])
        self.classes_ = np.asarray(facts["classes"], dtype=object if dtype.kind == "O" else dtype)


class ZeroNNRegressor(RegressorMixin, _ZeroNNEstimator):
    """A ZeroNN network as a scikit-learn regressor (one or several targets), trained with mean squared error.

    Parameters are those of ``ZeroNNClassifier``; the network gives one value
    per target (``module`` builders receive ``n_outputs`` = number of targets).

    Attributes
    ----------
    n_outputs_ : int
        Number of targets.
    n_features_in_, model_, history_, loss_curve_, n_iter_ : as ``ZeroNNClassifier``.

    Examples
    --------
    >>> reg = ZeroNNRegressor(hidden_layer_sizes=(32,), lr=1e-2, random_state=0).fit(X, y)
    >>> reg.predict(X[:2])                                           # doctest: +SKIP
    """

    _loss_name = "mse"

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X: Any, y: Any) -> "ZeroNNRegressor":
        """Train a new network on X (n_samples, n_features) and targets y (n_samples,) or (n_samples, n_targets)."""
        self._fit(X, y, incremental=False)
        return self

    def partial_fit(self, X: Any, y: Any) -> "ZeroNNRegressor":
        """One epoch over (X, y) on the current network (a new one on the first call)."""
        self._fit(X, y, incremental=True)
        return self

    def _encode_targets(self, y: np.ndarray, *, first: bool, incremental: bool, classes: Any = None) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        Y = y.reshape(len(y), -1) if y.ndim <= 2 else None                       # (n, n_outputs)
        if Y is None:
            raise ValueError(f"{type(self).__name__}: y must be 1-D or 2-D, got shape {y.shape}")
        if first:
            self.n_outputs_ = Y.shape[1]
            self._y_1d = y.ndim == 1
        elif Y.shape[1] != self.n_outputs_:
            raise ValueError(f"{type(self).__name__}: y has {Y.shape[1]} targets, the network was fitted "
                             f"on {self.n_outputs_}")
        return Y.astype(self.dtype)

    def _n_outputs(self) -> int:
        return int(self.n_outputs_)

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets, shape (n_samples,) for a 1-D y, else (n_samples, n_targets)."""
        out = self._raw_output(X)                                                  # (n, n_outputs)
        return out[:, 0] if self._y_1d else out

    def _file_facts(self) -> dict[str, Any]:
        return {"n_outputs": int(self.n_outputs_), "y_1d": bool(self._y_1d)}

    def _restore_facts(self, facts: dict[str, Any]) -> None:
        self.n_outputs_ = int(facts["n_outputs"])
        self._y_1d = bool(facts["y_1d"])
