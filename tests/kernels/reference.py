"""Plain-loop references for the kernels: one output element at a time, straight from the formulas.

Slow and obvious on purpose; the kernel tests compare every backend with these in float64.
"""

import numpy as np


def padded(x, pads, value=0.0):
    """x (N, C, H, W) with (top, bottom, left, right) borders of ``value``."""
    n, c, h, w = x.shape
    top, bottom, left, right = pads
    out = np.full((n, c, h + top + bottom, w + left + right), value, dtype=np.float64)
    out[:, :, top:top + h, left:left + w] = x
    return out


def out_size(size, k, s, pad_total, d=1):
    return (size + pad_total - d * (k - 1) - 1) // s + 1


def im2col(x, kernel, stride, pads, dilation):
    """X_col[(c, i, j), (r, q, n)] = xp[n, c, r*s + i*d, q*s + j*d], entry by entry."""
    n_, c_, h, w = x.shape
    kh, kw = kernel
    xp = padded(x, pads)
    ho = out_size(h, kh, stride[0], pads[0] + pads[1], dilation[0])
    wo = out_size(w, kw, stride[1], pads[2] + pads[3], dilation[1])
    cols = np.zeros((c_ * kh * kw, ho * wo * n_))
    for c in range(c_):
        for i in range(kh):
            for j in range(kw):
                for r in range(ho):
                    for q in range(wo):
                        for n in range(n_):
                            cols[(c * kh + i) * kw + j, (r * wo + q) * n_ + n] = \
                                xp[n, c, r * stride[0] + i * dilation[0], q * stride[1] + j * dilation[1]]
    return cols


def col2im(dcols, x_shape, kernel, stride, pads, dilation):
    """Each dX_col entry added back to the pixel im2col copied it from; padding cut off."""
    n_, c_, h, w = x_shape
    kh, kw = kernel
    top, bottom, left, right = pads
    dxp = np.zeros((n_, c_, h + top + bottom, w + left + right))
    ho = out_size(h, kh, stride[0], top + bottom, dilation[0])
    wo = out_size(w, kw, stride[1], left + right, dilation[1])
    for c in range(c_):
        for i in range(kh):
            for j in range(kw):
                for r in range(ho):
                    for q in range(wo):
                        for n in range(n_):
                            dxp[n, c, r * stride[0] + i * dilation[0], q * stride[1] + j * dilation[1]] += \
                                dcols[(c * kh + i) * kw + j, (r * wo + q) * n_ + n]
    return dxp[:, :, top:top + h, left:left + w]


def maxpool_forward(x, kernel, stride, pad):
    """y = window max; argmax = first maximum in row-major order, or the last NaN (PyTorch's rule)."""
    n_, c_, h, w = x.shape
    kh, kw = kernel
    xp = padded(x, (pad[0], pad[0], pad[1], pad[1]), -np.inf)
    ho, wo = out_size(h, kh, stride[0], 2 * pad[0]), out_size(w, kw, stride[1], 2 * pad[1])
    y = np.zeros((n_, c_, ho, wo))
    argmax = np.zeros((n_, c_, ho, wo), dtype=np.int64)
    for n in range(n_):
        for c in range(c_):
            for r in range(ho):
                for q in range(wo):
                    best, where = -np.inf, 0
                    for i in range(kh):
                        for j in range(kw):
                            v = xp[n, c, r * stride[0] + i, q * stride[1] + j]
                            if v > best or np.isnan(v):
                                best, where = v, i * kw + j
                    y[n, c, r, q], argmax[n, c, r, q] = best, where
    return y, argmax


def maxpool_backward(g, argmax, x_shape, kernel, stride, pad):
    n_, c_, h, w = x_shape
    kw = kernel[1]
    dxp = np.zeros((n_, c_, h + 2 * pad[0], w + 2 * pad[1]))
    for n, c, r, q in np.ndindex(*g.shape):
        k = argmax[n, c, r, q]
        dxp[n, c, r * stride[0] + k // kw, q * stride[1] + k % kw] += g[n, c, r, q]
    return dxp[:, :, pad[0]:pad[0] + h, pad[1]:pad[1] + w]


def avgpool_forward(x, kernel, stride, pad, divisor):
    n_, c_, h, w = x.shape
    kh, kw = kernel
    xp = padded(x, (pad[0], pad[0], pad[1], pad[1]))
    ho, wo = out_size(h, kh, stride[0], 2 * pad[0]), out_size(w, kw, stride[1], 2 * pad[1])
    d = np.broadcast_to(divisor, (ho, wo))
    y = np.zeros((n_, c_, ho, wo))
    for n, c, r, q in np.ndindex(*y.shape):
        y[n, c, r, q] = xp[n, c, r * stride[0]:r * stride[0] + kh, q * stride[1]:q * stride[1] + kw].sum() / d[r, q]
    return y


def avgpool_backward(g, x_shape, kernel, stride, pad, divisor):
    n_, c_, h, w = x_shape
    kh, kw = kernel
    d = np.broadcast_to(divisor, g.shape[2:])
    dxp = np.zeros((n_, c_, h + 2 * pad[0], w + 2 * pad[1]))
    for n, c, r, q in np.ndindex(*g.shape):
        dxp[n, c, r * stride[0]:r * stride[0] + kh, q * stride[1]:q * stride[1] + kw] += g[n, c, r, q] / d[r, q]
    return dxp[:, :, pad[0]:pad[0] + h, pad[1]:pad[1] + w]


def softmax_cross_entropy(x, target):
    losses, probs = np.zeros(len(x)), np.zeros(x.shape)
    for n, row in enumerate(x):
        e = [np.exp(v - max(row)) for v in row]
        probs[n] = [v / sum(e) for v in e]
        losses[n] = -np.log(probs[n, target[n]])
    return losses, probs
