"""What MNIST and Fashion-MNIST consist of: file names, shapes, checksums, download mirrors, class names.

Checksums are of the *decompressed* files.  The MD5s are the ones published
with the datasets (torchvision and the Fashion-MNIST repository list them);
the SHA-256s were computed from files with exactly those MD5s.  The gzip files
themselves differ between mirrors (compression settings), so they are not
checksummed: their content is.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DatasetFile",
    "DatasetSpec",
    "MNIST",
    "FASHION_MNIST",
    "MNIST_CLASSES",
    "FASHION_MNIST_CLASSES",
    "MNIST_MEAN",
    "MNIST_STD",
    "FASHION_MNIST_MEAN",
    "FASHION_MNIST_STD",
]


@dataclass(frozen=True)
class DatasetFile:
    """One IDX file of a dataset.

    ``name`` is the decompressed file name; the distributed file is ``name + ".gz"``.
    """

    name: str
    shape: tuple[int, ...]
    md5: str = ""
    sha256: str = ""

    @property
    def checksums(self) -> dict[str, str]:
        """The known hex digests of the decompressed content, by hashlib name."""
        return {algorithm: digest for algorithm, digest in (("sha256", self.sha256), ("md5", self.md5)) if digest}


@dataclass(frozen=True)
class DatasetSpec:
    """Everything the loaders need to know about one IDX dataset.

    Attributes
    ----------
    name : str
        Folder name used under ``$ZERONN_DATA`` and the cache (e.g. ``"fashion-mnist"``).
    title : str
        Name shown in messages.
    train_images, train_labels, test_images, test_labels : DatasetFile
    mirrors : tuple of str
        Base URLs tried in order; a file's URL is ``mirror + name + ".gz"``.
    system_dirs : tuple of str
        Folders where an operating-system package installs the files.
    classes : tuple of str
        Class name of each label value.
    homepage : str
        Where the dataset is described (shown when it cannot be found).
    """

    name: str
    title: str
    train_images: DatasetFile
    train_labels: DatasetFile
    test_images: DatasetFile
    test_labels: DatasetFile
    mirrors: tuple[str, ...]
    system_dirs: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    homepage: str = ""

    @property
    def files(self) -> tuple[DatasetFile, ...]:
        """The four files, in the order train images, train labels, test images, test labels."""
        return (self.train_images, self.train_labels, self.test_images, self.test_labels)


MNIST_CLASSES: tuple[str, ...] = tuple(str(digit) for digit in range(10))

FASHION_MNIST_CLASSES: tuple[str, ...] = (
    "T-shirt/top",  # 0
    "Trouser",      # 1
    "Pullover",     # 2
    "Dress",        # 3
    "Coat",         # 4
    "Sandal",       # 5
    "Shirt",        # 6
    "Sneaker",      # 7
    "Bag",          # 8
    "Ankle boot",   # 9
)

# Mean and standard deviation of the training pixels after ``to_float`` (values in [0, 1]),
# for ``normalize(x, mean, std)``.
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
FASHION_MNIST_MEAN, FASHION_MNIST_STD = 0.2860, 0.3530

MNIST = DatasetSpec(
    name="mnist",
    title="MNIST",
    train_images=DatasetFile(
        "train-images-idx3-ubyte", (60000, 28, 28), md5="6bbc9ace898e44ae57da46a324031adb",
        sha256="ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    train_labels=DatasetFile(
        "train-labels-idx1-ubyte", (60000,), md5="a25bea736e30d166cdddb491f175f624",
        sha256="65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    test_images=DatasetFile(
        "t10k-images-idx3-ubyte", (10000, 28, 28), md5="2646ac647ad5339dbf082846283269ea",
        sha256="0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    test_labels=DatasetFile(
        "t10k-labels-idx1-ubyte", (10000,), md5="27ae3e4e09519cfbb04c329615203637",
        sha256="ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",        # PyTorch's mirror (torchvision)
        "https://storage.googleapis.com/cvdf-datasets/mnist/",   # CVDF mirror (TensorFlow)
        "http://yann.lecun.com/exdb/mnist/",                     # the original site
    ),
    classes=MNIST_CLASSES,
    homepage="http://yann.lecun.com/exdb/mnist/",
)

FASHION_MNIST = DatasetSpec(
    name="fashion-mnist",
    title="Fashion-MNIST",
    train_images=DatasetFile(
        "train-images-idx3-ubyte", (60000, 28, 28), md5="f4a8712d7a061bf5bd6d2ca38dc4d50a",
        sha256="c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    ),
    train_labels=DatasetFile(
        "train-labels-idx1-ubyte", (60000,), md5="9018921c3c673c538a1fc5bad174d6f9",
        sha256="bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    ),
    test_images=DatasetFile(
        "t10k-images-idx3-ubyte", (10000, 28, 28), md5="8181f5470baa50b63fa0f6fddb340f0a",
        sha256="5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    ),
    test_labels=DatasetFile(
        "t10k-labels-idx1-ubyte", (10000,), md5="15d484375f8d13e6eb1aabb0c3f46965",
        sha256="0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ),
    mirrors=(
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",   # Zalando Research's site
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",  # Keras's mirror
    ),
    system_dirs=("/usr/share/datasets/fashion-mnist",),                  # Debian: dataset-fashion-mnist
    classes=FASHION_MNIST_CLASSES,
    homepage="https://github.com/zalandoresearch/fashion-mnist",
)
