"""Private helpers shared by convolution and pooling: sizes, window slices, im2col, col2im.

The kernel offset (i, j) of a sliding window with stride s and dilation d
sees, for output pixel (r, c), the input pixel (r*s + i*d, c*s + j*d).  For a
fixed offset these pixels form one strided slice along the row and column
axes, so a loop over the kh*kw offsets (never over pixels or samples) visits
every window element with a few large array operations.

im2col and col2im take images as (C, H, W, N): channels first, batch last
(see ``Conv2d`` for why); pooling uses the same slices on (N, C, H, W) arrays.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = [
    "output_size",
    "window",
    "offsets",
    "im2col",
    "col2im",
    "matmul_transposed",
    "GEMM_PIECE_WORK",
    "GEMM_MIN_COLUMNS",
]

#: Multiply-adds per piece of a long weight-gradient product, and the fewest columns per piece.
#: Measured here (OpenBLAS, 2 threads, float32): dW = G @ X_col.T for a (30 x 57,600) G and a
#: (26 x 57,600) X_col ran at 20 GFLOP/s in one call and at 60 GFLOP/s in pieces of 1,024
#: columns; for a (6 x 50,176) G pieces of ~6,000 columns were best.  Pieces of about a
#: million multiply-adds were the fastest or within 15% of it for every shape we tried.
GEMM_PIECE_WORK = 1_000_000
GEMM_MIN_COLUMNS = 1024


def output_size(size: int, kernel: int, stride: int, pad_total: int, dilation: int = 1) -> int:
    """Number of window positions along one axis.

    out = floor((size + pad_total - dilation*(kernel - 1) - 1) / stride) + 1,
    where ``pad_total`` is the padding added on both sides together (2p when symmetric).
    """
    return (size + pad_total - dilation * (kernel - 1) - 1) // stride + 1


def window(offset: int, stride: int, dilation: int, count: int) -> slice:
    """Input positions seen by kernel offset ``offset`` for output positions 0 .. count-1.

    They are offset*dilation, offset*dilation + stride, ..., i.e. one strided slice.
    """
    start = offset * dilation
    return slice(start, start + stride * (count - 1) + 1, stride)


def offsets(
    kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int], out_hw: tuple[int, int]
) -> Iterator[tuple[int, int, slice, slice]]:
    """Yield ``(i, j, rows, cols)`` for every kernel offset in row-major order.

    Indexing the row and column axes of an image with ``rows`` and ``cols``
    gives an (H_out, W_out) grid whose entry (r, c) is the pixel that kernel
    element (i, j) meets in the window of output pixel (r, c).
    """
    for i in range(kernel[0]):
        rows = window(i, stride[0], dilation[0], out_hw[0])
        for j in range(kernel[1]):
            yield i, j, rows, window(j, stride[1], dilation[1], out_hw[1])


def im2col(
    xp: np.ndarray,
    cols: np.ndarray,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """Copy every window of ``xp`` into ``cols``, one slab per kernel offset.

    xp    (C, Hp, Wp, N)           padded input, batch axis last
    cols  (C, kh, kw, Ho, Wo, N)   filled in place:  cols[c, i, j, r, q, n] = xp[c, r*s + i*d, q*s + j*d, n]

    Reshaped to (C*kh*kw, Ho*Wo*N) it is the im2col matrix of the convolution.
    With the batch axis last, each slab is made of runs of N (or, at stride 1,
    Wo*N) neighbouring numbers, which copy at memory speed.
    """
    out_hw = cols.shape[3:5]
    for i, j, rows, columns in offsets(kernel, stride, dilation, out_hw):
        cols[:, i, j] = xp[:, rows, columns]                    # (C, Ho, Wo, N) slab
    return cols


def col2im(
    dcols: np.ndarray,
    dxp: np.ndarray,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """The adjoint of ``im2col``: add each slab of ``dcols`` back where it was copied from.

    dcols (C, kh, kw, Ho, Wo, N)   gradient of the im2col matrix
    dxp   (C, Hp, Wp, N)           zero-filled on entry; receives the sums, in place

    A pixel that sits in several windows receives the sum of their gradients.
    """
    out_hw = dcols.shape[3:5]
    for i, j, rows, columns in offsets(kernel, stride, dilation, out_hw):
        dxp[:, rows, columns] += dcols[:, i, j]                 # (C, Ho, Wo, N) slab
    return dxp


def matmul_transposed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return a @ b.T for a (M, L) and b (K, L), cutting a long L into pieces.

    a @ b.T = sum over pieces p of a[:, p] @ b[:, p].T.  BLAS runs a product with
    small M and K but a very long inner axis L slowly; pieces of about a
    million multiply-adds (``GEMM_PIECE_WORK``) run several times faster.
    """
    m, length = a.shape
    chunk = max(GEMM_MIN_COLUMNS, GEMM_PIECE_WORK // (m * b.shape[0]))
    if length <= 2 * chunk:
        return a @ b.T                                          # (M, K)
    out = a[:, :chunk] @ b[:, :chunk].T                         # (M, K)
    piece = np.empty_like(out)
    for start in range(chunk, length, chunk):
        stop = start + chunk
        np.matmul(a[:, start:stop], b[:, start:stop].T, out=piece)
        out += piece
    return out
