"""The Python program that builds and trains the page's network, exactly as the server did.

``export_code(session)`` writes the data, the features, the network, the
loss, the optimizer, the schedule and the training loop as plain ZeroNN code:
run it and it reaches the same weights, to the last bit, as the page after
the same number of epochs (unless weights were edited by hand or settings
changed mid-way; the program then says so at the top).  Comments are in the
session's language.
"""

from __future__ import annotations

from typing import Optional

from zeronn.lang import tr
from zeronn.playground.config import PlaygroundConfig, config_to_query
from zeronn.playground.data import FEATURE_CODE, PlaygroundData, builtin_call, train_size
from zeronn.playground.network import OPTIMIZER_ARGUMENTS, SCHEDULE_ARGUMENTS, activation_name

__all__ = ["export_code", "ACTIVATION_CLASSES"]

#: ZeroNN class of each activation name.
ACTIVATION_CLASSES = {
    "relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "identity": "Identity", "leaky_relu": "LeakyReLU",
    "elu": "ELU", "selu": "SELU", "gelu": "GELU", "silu": "SiLU", "softplus": "Softplus",
}

_LOSS_CLASSES = {"binary": "BCEWithLogitsLoss", "multiclass": "CrossEntropyLoss", "regression": "MSELoss"}
_OPTIMIZER_CLASSES = {"sgd": "SGD", "momentum": "SGD", "nesterov": "SGD", "adam": "Adam", "adamw": "AdamW",
                      "rmsprop": "RMSprop", "adagrad": "Adagrad"}
_SCHEDULE_CLASSES = {"step": "StepLR", "exponential": "ExponentialLR", "cosine": "CosineAnnealingLR",
                     "plateau": "ReduceLROnPlateau"}


def _data_lines(config: PlaygroundConfig, data: PlaygroundData, csv_path: Optional[str], lang: str) -> list[str]:
    center, scale = data.center.tolist(), data.scale.tolist()
    if config.data != "csv":
        lines = [f"x, y = {builtin_call(config)}"]
    else:
        lines = [f"table = read_csv({csv_path!r})", "x = table.features                                  # (n, 2)"]
        if data.task == "regression":
            lines += ["y = np.array([float(label) for label in table.labels])[:, None]      # (n, 1)",
                      f"y = (y - {data.y_center!r}) * {data.y_scale!r}"
                      + tr("                 # targets scaled into [-1, 1]", "                 # 目标值缩放到 [-1, 1]",
                           lang)]
        else:
            lines += ["classes = class_names(table.labels)" + f"                 # {data.classes!r}",
                      "y = encode_labels(table.labels, classes)            # (n,) class indices"]
        lines += [f"order = np.random.default_rng({config.seed}).permutation(len(x))",
                  "x, y = x[order], y[order]"]
    n_train = train_size(config.points if config.data != "csv" else len(data.x_train) + len(data.x_test),
                         config.ratio)
    lines += [
        f"x = (x - np.array({center!r})) * np.array({scale!r})"
        + tr("   # into the page's square [-6, 6]^2", "   # 变换到页面的方形区域 [-6, 6]^2", lang),
        f"n_train = {n_train}",
        "x_train, y_train = x[:n_train], y[:n_train]",
        "x_test, y_test = x[n_train:], y[n_train:]",
    ]
    return lines


def _feature_lines(config: PlaygroundConfig) -> list[str]:
    columns = ", ".join(FEATURE_CODE[name] for name in config.features)
    return [
        "def features(points):",
        "    x1, x2 = points[:, 0], points[:, 1]",
        f"    return np.stack([{columns}], axis=1)          # (n, {len(config.features)})",
        "",
        "",
        "inputs_train, inputs_test = features(x_train), features(x_test)",
    ]


def _model_lines(config: PlaygroundConfig, n_inputs: int, n_outputs: int) -> list[str]:
    activation = ACTIVATION_CLASSES[activation_name(config.activation)]
    lines = [f"rng = np.random.default_rng({config.seed})", "model = Sequential("]
    width = n_inputs
    for units in config.layers:
        lines.append(f"    Linear({width}, {units}, rng=rng, dtype='float64'), {activation}(),")
        width = units
    lines += [f"    Linear({width}, {n_outputs}, rng=rng, dtype='float64'),", ")"]
    return lines


def _penalty_lines(config: PlaygroundConfig, lang: str) -> list[str]:
    if config.reg == "none" or config.reg_rate == 0:
        return []
    derivative = "np.sign(layer.weight.data)" if config.reg == "l1" else "layer.weight.data"
    comment = tr(f"{config.reg.upper()} regularization of the weights",
                 f"权重的 {config.reg.upper()} 正则化", lang)
    return [
        f"        for layer in model.layers:                  # {comment}",
        "            if isinstance(layer, Linear):",
        f"                layer.weight.grad = layer.weight.grad + {config.reg_rate!r} * {derivative}",
    ]


def export_code(config: PlaygroundConfig, data: PlaygroundData, *, epochs: int, n_inputs: int,
                csv_path: Optional[str] = None, caveat: Optional[str] = None, lang: str = "en") -> str:
    """The program that rebuilds and retrains ``config``'s network for ``epochs`` epochs.

    Parameters
    ----------
    config : PlaygroundConfig
    data : PlaygroundData
        The session's data (its scaling numbers and task go into the code).
    epochs : int
        Epochs to train (the page's epoch counter).
    n_inputs : int
        Number of feature columns.
    csv_path : str, optional
        Path of the CSV file when ``config.data == "csv"``.
    caveat : str, optional
        A note written at the top (weights edited by hand, settings changed mid-way).
    lang : {"en", "zh"}
    """
    loss = _LOSS_CLASSES[data.task]
    optimizer_class = _OPTIMIZER_CLASSES[config.optimizer]
    imports = ["import numpy as np", "", "import zeronn"]
    if config.data == "csv":
        imports += ["from zeronn.data import read_csv", "from zeronn.data.csv import class_names, encode_labels"]
    else:
        imports.append(f"from zeronn.data import {builtin_call(config).split('(')[0]}")
    imports.append(f"from zeronn.losses import {loss}")
    layer_classes = sorted({"Linear", "Sequential"} | ({ACTIVATION_CLASSES[activation_name(config.activation)]}
                                                        if config.layers else set()))
    imports.append(f"from zeronn.nn import {', '.join(layer_classes)}")
    optim_names = sorted({optimizer_class} | ({_SCHEDULE_CLASSES[config.schedule]}
                                              if config.schedule != "none" else set()))
    imports.append(f"from zeronn.optim import {', '.join(optim_names)}")

    optimizer = OPTIMIZER_ARGUMENTS[config.optimizer].format(params="model.parameters()", lr=repr(config.lr))
    scheduler = ([f"scheduler = {SCHEDULE_ARGUMENTS[config.schedule].format(opt='optimizer')}"]
                 if config.schedule != "none" else [])
    if config.schedule == "plateau":
        scheduler_step = ["    scheduler.step(test_loss)"]
    elif config.schedule != "none":
        scheduler_step = ["    scheduler.step()"]
    else:
        scheduler_step = []
    targets = (["targets_train = y_train[:, None].astype(np.float64)   # (n_train, 1): 0 or 1",
                "targets_test = y_test[:, None].astype(np.float64)"]
               if data.task == "binary" else ["targets_train, targets_test = y_train, y_test"])
    header = [
        '"""' + tr("A network built in the ZeroNN playground, with the same data, features, network and training",
                   "在 ZeroNN playground 中搭建的网络：数据、特征、网络和训练循环都与页面完全相同", lang),
        tr("loop as the page: run it and it reaches the same weights after the same number of epochs.",
           "运行它，训练同样多的轮次（epoch）后得到与页面相同的权重。", lang),
        "",
        tr("Page settings: ", "页面设置：", lang) + config_to_query(config),
    ]
    if caveat:
        header += ["", caveat]
    header.append('"""')
    lines = header + [""] + imports + ["", f"epochs = {epochs}", f"batch_size = {config.batch}", ""]
    lines += ["# " + tr("1. The points", "1. 数据点", lang)] + _data_lines(config, data, csv_path, lang) + ["", ""]
    lines += ["# " + tr("2. The features the network sees", "2. 网络看到的输入特征", lang)] + _feature_lines(config)
    lines += targets + [""]
    lines += ["# " + tr("3. The network, its loss function and optimizer", "3. 网络、损失函数和优化器", lang)]
    lines += _model_lines(config, n_inputs, data.n_outputs)
    lines += [f"loss_fn = {loss}()", f"optimizer = {optimizer}"] + scheduler + [""]
    lines += [
        "# " + tr("4. Training: mini-batches in a fresh random order each epoch",
                  "4. 训练：每个 epoch 以新的随机顺序遍历小批量", lang),
        f"shuffle = np.random.default_rng({config.seed + 1})",
        "",
        "",
        "def losses():",
        "    with zeronn.no_grad():",
        "        return loss_fn(model(inputs_train), targets_train), loss_fn(model(inputs_test), targets_test)",
        "",
        "",
        "for epoch in range(1, epochs + 1):",
        "    order = shuffle.permutation(n_train)",
        "    for start in range(0, n_train, batch_size):",
        "        rows = order[start:start + batch_size]",
        "        optimizer.zero_grad()",
        "        loss_fn(model(inputs_train[rows]), targets_train[rows])",
        "        model.backward(loss_fn.backward())" + tr("            # backpropagation", "            # 反向传播",
                                                       lang),
    ]
    lines += _penalty_lines(config, lang)
    lines += ["        optimizer.step()", "    train_loss, test_loss = losses()"] + scheduler_step
    lines += [
        "    if epoch % 50 == 0:",
        "        print(f'epoch {epoch}: train loss {train_loss:.4f}, test loss {test_loss:.4f}')",
        "",
        "train_loss, test_loss = losses()",
        "print(f'after {epochs} epochs: train loss {train_loss:.4f}, test loss {test_loss:.4f}')",
        "zeronn.save(model, 'playground_model.safetensors')",
        "",
    ]
    return "\n".join(lines)
