"""Channel-wise inverted dropout for feature maps."""

from __future__ import annotations

import numpy as np

from zeronn._validation import expect_ndim
from zeronn.nn.dropout import Dropout

__all__ = ["Dropout2d"]


class Dropout2d(Dropout):
    """Zero whole channels of (N, C, H, W) feature maps with probability ``p`` during training.

    Forward:   training: m ~ Bernoulli(1 - p), one draw per (sample, channel), shape (N, C, 1, 1);
                         y = x * m / (1 - p)            (m broadcast over H and W)
               eval:     y = x
    Backward:  dx = g * m / (1 - p)     (dx = g in eval mode)

    Neighbouring pixels of a feature map are strongly correlated, so dropping
    single pixels (``Dropout``) barely regularises a convolutional layer; dropping
    a whole channel does (Tompson et al. 2015).  As in ``Dropout``, the kept
    channels are divided by (1 - p) so the expected activation is unchanged.

    Parameters
    ----------
    p : float in [0, 1), default 0.5
        Probability of zeroing a channel.
    rng : None, int or numpy.random.Generator
        Source of the masks.
    """

    def mask_shape(self, x: np.ndarray) -> tuple[int, ...]:
        """(N, C, 1, 1): one draw per sample and channel, broadcast over H and W."""
        expect_ndim(self, x, 4, ("batch", "channels", "height", "width"))
        return x.shape[0], x.shape[1], 1, 1
