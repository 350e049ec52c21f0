"""What ``zeronn train`` writes after training: model, history, pictures and ``report.md``.

Pictures are a bonus: when matplotlib is missing, or one picture fails, the
run still succeeds and the report says which pictures are missing and why.
"""

from __future__ import annotations

import math
import os
import sys
from typing import Any, Callable, Optional

import numpy as np

from zeronn.nn.conv import Conv2d

__all__ = ["write_outputs", "final_metrics", "model_info"]


def final_metrics(history: Any, test: Optional[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Loss and accuracy of the last epoch (training, validation) and of the test set."""
    last = {key: values[-1] for key, values in history.history.items() if values}
    metrics: dict[str, dict[str, float]] = {}
    train = {k: float(v) for k, v in last.items() if k in ("loss", "accuracy")}
    validation = {k[4:]: float(v) for k, v in last.items() if k in ("val_loss", "val_accuracy")}
    if train:
        metrics["train (last epoch)"] = train
    if validation and not all(math.isnan(v) for v in validation.values()):
        metrics["validation (last epoch)"] = validation
    if test is not None:
        metrics["test"] = {"loss": test["loss"], "accuracy": test["accuracy"]}
    return metrics


def model_info(data: Any, settings: Any, model_source: str, command: str,
               test: Optional[dict[str, Any]], epochs_run: int) -> dict[str, Any]:
    """The JSON facts stored with the model (see ``zeronn.cli.modelfile``)."""
    from zeronn.cli.settings import reproduce_command

    return {
        "input_shape": list(data.input_shape),
        "classes": list(data.classes),
        "data": {"kind": data.kind, "spec": data.spec, "preprocessing": data.preprocessing},
        "model": {"source": model_source},
        "training": {
            "command": command,
            "reproduce": reproduce_command(settings),
            "seed": settings.seed,
            "epochs": epochs_run,
            "test_metrics": {} if test is None else {"loss": test["loss"], "accuracy": test["accuracy"]},
        },
    }


Picture = tuple[str, str, Callable[[str], Any]]


def _pictures(out: str, model: Any, data: Any, history: Any, recorder: Any,
              test: Optional[dict[str, Any]], restored_epoch: Optional[int]) -> list[Picture]:
    """(file name, description, function that draws it to a path) for each picture that applies."""
    from zeronn import plot

    pictures: list[tuple[str, str, Callable[[str], Any]]] = [
        ("curves.png", "loss and accuracy per epoch, training and validation; the star marks the best epoch",
         lambda path: plot.plot_history(history, path, restored_epoch=restored_epoch)),
    ]
    if test is not None:
        pictures.append(("confusion_matrix.png", "test set: true class (rows) against predicted class",
                         lambda path: plot.plot_confusion_matrix(np.asarray(test["confusion_matrix"]),
                                                                 data.classes, path=path)))
    if data.kind == "points" and data.input_shape == (2,):
        x, y = (data.x_test, data.y_test) if data.x_test is not None else (data.x_train, data.y_train)
        pictures.append(("decision_boundary.png", "what the model predicts over the plane, test points on top",
                         lambda path: plot.plot_decision_boundary(model, x, y, path, class_names=data.classes)))
        if recorder is not None and recorder.frames:
            pictures.append(("decision_boundary.gif", "the decision boundary during training",
                             lambda path: recorder.save_gif(path, max_frames=25)))
    if data.kind == "images" and data.x_test is not None:
        from zeronn.train.inference import predict_proba

        images, labels = data.x_test[:25], data.y_test[:25]
        predicted = predict_proba(model, images).argmax(axis=1)
        pictures.append(("predictions.png", "the first test images with predicted (and true) labels, mistakes marked",
                         lambda path: plot.plot_image_grid(images, labels, predicted, data.classes, n=len(images),
                                                           path=path)))
    if any(isinstance(layer, Conv2d) for layer in model.modules()):
        pictures.append(("conv_filters.png", "the kernels of the first convolution",
                         lambda path: plot.plot_conv_filters(model, path)))
    return pictures


def _draw_pictures(out: str, pictures: list[tuple[str, str, Callable[[str], Any]]], notes: list[str],
                   quiet: bool) -> list[tuple[str, str]]:
    drawn = []
    for name, description, draw in pictures:
        try:
            draw(os.path.join(out, name))
        except (ImportError, ValueError, TypeError, RuntimeError, OSError) as error:
            message = f"{name} was not drawn: {' '.join(str(error).split())}"
            notes.append(message)
            if not quiet:
                print(f"zeronn: warning: {message}", file=sys.stderr)
            if isinstance(error, ImportError):
                break                       # matplotlib is missing: the other pictures would fail the same way
            continue
        drawn.append((name, description))
    return drawn


def write_outputs(*, out: str, model: Any, data: Any, settings: Any, history: Any, recorder: Any,
                  command: str, model_source: str, details: str, optimizer_text: str, resumed: bool,
                  wall_seconds: float, quiet: bool, notes: Optional[list[str]] = None,
                  restored_epoch: Optional[int] = None) -> tuple[list[str], Optional[dict[str, Any]]]:
    """Write everything into ``out``; return the file names, in the order written, and the test scores."""
    from zeronn.cli.evaluate import evaluate_model, format_results
    from zeronn.cli.modelfile import save_model
    from zeronn.cli.report import RunReport, render_report
    from zeronn.cli.settings import reproduce_command
    from zeronn.io.atomic import atomic_write_bytes

    notes = list(notes or [])
    test = None
    if data.x_test is not None:
        test = evaluate_model(model, data.x_test, data.y_test, data.classes)
        if not quiet:
            print(f"\ntest set ({len(data.x_test)} samples):")
            print(format_results(test) if data.num_classes <= 12 else
                  f"accuracy  {test['accuracy']:.4f}\nloss      {test['loss']:.4f}")
    epochs_run = len(history.epoch)
    files: list[tuple[str, str]] = []
    model_path = os.path.join(out, "model.safetensors")
    info = model_info(data, settings, model_source, command, test, epochs_run)
    for path in save_model(model, model_path, info):
        name = os.path.basename(path)
        files.append((name, "the trained model" if name.endswith(".safetensors") else
                      "class names, input shape and scaling of the model's inputs"))
    history.to_json(os.path.join(out, "history.json"))
    history.to_csv(os.path.join(out, "history.csv"))
    files += [("history.json", "loss and metrics per epoch (zeronn plot history.json)"),
              ("history.csv", "the same, as a table")]
    if settings.plots:
        pictures = _pictures(out, model, data, history, recorder, test, restored_epoch)
        files += _draw_pictures(out, pictures, notes, quiet)
    else:
        notes.append("pictures skipped (--no-plots)")
    if resumed and recorder is not None:
        notes.append("the decision-boundary animation starts at the resumed epoch")
    times = [t for t in history.history.get("time", []) if isinstance(t, float) and math.isfinite(t)]
    report = RunReport(
        command=command,
        seed=settings.seed,
        dataset=os.path.basename(data.name),
        dataset_details=details,
        model=model_source,
        parameters=model.num_parameters(),
        model_table=model.summary(data.input_shape, print_fn=None),
        optimizer=optimizer_text,
        epochs_run=epochs_run,
        epochs_asked=settings.epochs,
        epoch_seconds=times,
        metrics=final_metrics(history, test),
        files=files,
        notes=notes + [f"training took {wall_seconds:.1f} s of wall time, with validation, checkpoints and recording"],
        reproduce=reproduce_command(settings),
        test_text="" if test is None else format_results(test),
    )
    atomic_write_bytes(os.path.join(out, "report.md"), render_report(report).encode("utf-8"))
    return [name for name, _ in files] + ["report.md"], test
