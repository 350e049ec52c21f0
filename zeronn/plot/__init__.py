"""Pictures of training and of what a network has learned (needs ``pip install 'zeronn[plot]'``).

Every function returns a ``matplotlib.figure.Figure`` drawn off-screen (no
display needed, pyplot never touched) and also writes a PNG when given
``path=``; ``dpi=`` sets its resolution (``figsize * dpi`` pixels).

>>> from zeronn.plot import plot_loss
>>> plot_loss(loss_values, "loss.png")            # the tutorial's loss curve

========================== ==========================================================
``plot_loss``              a loss curve (list of losses, or a History)
``plot_history``           loss and metrics, training and validation, side by side
``plot_decision_boundary`` what a 2-D classifier predicts over the plane
``DecisionBoundaryRecorder`` callback: the boundary over epochs, as a GIF or snapshots
``plot_activations``       each activation and its derivative (from its own backward)
``plot_confusion_matrix``  true vs predicted classes
``plot_image_grid``        images with predicted vs true labels, mistakes in red
``plot_conv_filters``      the kernels of the first Conv2d
``plot_feature_maps``      the channels of a layer's output for one image
``plot_gradient_stats``    the training doctor's gradient norms, update/weight ratios
``plot_lr_finder``         the learning-rate finder's curve with its suggestion
========================== ==========================================================

``plot_activation_histograms`` draws the doctor's per-layer output histograms over steps.

matplotlib is imported only when a picture is drawn, so ``import zeronn``
works without it.  In Jupyter a returned figure shows as the cell's value;
to open it in a window from a script, hand it to pyplot first (recent
matplotlib, e.g. 3.11): ``plt.figure(fig); plt.show()``.
"""

from zeronn.plot.activations import plot_activations
from zeronn.plot.confusion import plot_confusion_matrix
from zeronn.plot.conv import plot_conv_filters, plot_feature_maps
from zeronn.plot.curves import plot_history, plot_loss
from zeronn.plot.decision_boundary import plot_decision_boundary
from zeronn.plot.doctor import plot_activation_histograms, plot_gradient_stats
from zeronn.plot.images import plot_image_grid
from zeronn.plot.lr_finder import plot_lr_finder
from zeronn.plot.recorder import DecisionBoundaryRecorder

__all__ = [
    "plot_loss",
    "plot_history",
    "plot_decision_boundary",
    "DecisionBoundaryRecorder",
    "plot_activations",
    "plot_confusion_matrix",
    "plot_image_grid",
    "plot_conv_filters",
    "plot_feature_maps",
    "plot_activation_histograms",
    "plot_gradient_stats",
    "plot_lr_finder",
]
