"""Data utilities: mini-batches, train/test splits and small toy datasets."""

from zeronn.data.loader import DataLoader
from zeronn.data.split import train_test_split
from zeronn.data.toy import make_blobs, make_circles, make_moons, make_spirals, xor

__all__ = ["DataLoader", "train_test_split", "xor", "make_moons", "make_circles", "make_spirals", "make_blobs"]
