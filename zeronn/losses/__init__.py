"""Losses: each computes a score and its gradient with respect to the prediction."""

from zeronn.losses.loss import REDUCTIONS, Loss

__all__ = ["Loss", "REDUCTIONS"]
