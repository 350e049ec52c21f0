"""Data utilities: mini-batches, train/test splits and small toy datasets."""

from zeronn.data.csv import CSVTable, read_csv
from zeronn.data.images import load_image
from zeronn.data.loader import DataLoader, DatasetView
from zeronn.data.memmap import csv_to_memmap, mnist_memmap, open_memmap, write_memmap
from zeronn.data.split import train_test_split
from zeronn.data.toy import (
    make_blobs,
    make_circles,
    make_gauss,
    make_moons,
    make_multi_gauss,
    make_regression_plane,
    make_spirals,
    make_xor,
    xor,
)

__all__ = ["read_csv", "CSVTable", "load_image",
           "DataLoader", "train_test_split", "xor", "make_moons", "make_circles", "make_spirals", "make_blobs",
           "make_xor", "make_gauss", "make_regression_plane", "make_multi_gauss",
           "DatasetView", "write_memmap", "open_memmap", "mnist_memmap", "csv_to_memmap"]
