"""DataLoader: batches, shuffling per epoch, drop_last, reproducibility and errors."""

import numpy as np
import pytest

import zeronn
from zeronn.data import DataLoader


def _data(n=10):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)      # row i is [2i, 2i+1]
    y = np.arange(n)
    return x, y


def test_batches_in_order_without_shuffle():
    x, y = _data(10)
    loader = DataLoader(x, y, batch_size=4)
    batches = list(loader)
    assert len(loader) == 3
    assert [len(yb) for _, yb in batches] == [4, 4, 2]          # 10 = 4 + 4 + 2
    np.testing.assert_array_equal(np.concatenate([yb for _, yb in batches]), y)
    np.testing.assert_array_equal(batches[1][0], x[4:8])


def test_drop_last_skips_incomplete_batch():
    x, y = _data(10)
    loader = DataLoader(x, y, batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert [len(yb) for _, yb in loader] == [4, 4]


def test_exact_multiple_has_no_partial_batch():
    x, y = _data(8)
    assert len(DataLoader(x, y, batch_size=4)) == 2
    assert len(DataLoader(x, y, batch_size=4, drop_last=True)) == 2


def test_without_targets_yields_inputs_alone():
    x, _ = _data(5)
    batches = list(DataLoader(x, batch_size=2))
    assert all(isinstance(b, np.ndarray) for b in batches)
    np.testing.assert_array_equal(np.concatenate(batches), x)


def test_shuffle_covers_every_sample_once_and_pairs_stay_aligned():
    x, y = _data(13)
    for xb, yb in DataLoader(x, y, batch_size=5, shuffle=True, seed=0):
        np.testing.assert_array_equal(xb[:, 0], 2 * yb)       # row i of x goes with label i
    seen = np.concatenate([yb for _, yb in DataLoader(x, y, batch_size=5, shuffle=True, seed=0)])
    np.testing.assert_array_equal(np.sort(seen), y)


def test_new_permutation_every_epoch_and_same_seed_same_order():
    x, y = _data(50)
    loader = DataLoader(x, y, batch_size=50, shuffle=True, seed=7)
    first = next(iter(loader))[1]
    second = next(iter(loader))[1]
    assert not np.array_equal(first, second)                   # a new order each epoch
    again = DataLoader(x, y, batch_size=50, shuffle=True, seed=7)
    np.testing.assert_array_equal(next(iter(again))[1], first)
    np.testing.assert_array_equal(next(iter(again))[1], second)
    other = DataLoader(x, y, batch_size=50, shuffle=True, seed=8)
    assert not np.array_equal(next(iter(other))[1], first)


def test_global_seed_makes_unseeded_shuffle_reproducible():
    x, y = _data(30)
    zeronn.manual_seed(3)
    a = next(iter(DataLoader(x, y, batch_size=30, shuffle=True)))[1]
    zeronn.manual_seed(3)
    b = next(iter(DataLoader(x, y, batch_size=30, shuffle=True)))[1]
    np.testing.assert_array_equal(a, b)


def test_no_shuffle_leaves_global_generator_untouched():
    x, y = _data(5)
    zeronn.manual_seed(0)
    expected = np.random.default_rng(0).random()
    DataLoader(x, y)
    assert zeronn.random.global_rng().random() == expected


def test_shared_rng_and_state_dict_restore_the_order():
    x, y = _data(20)
    rng = np.random.default_rng(1)
    loader = DataLoader(x, y, batch_size=20, shuffle=True, rng=rng)
    assert loader.rng is rng
    state = loader.state_dict()
    first = next(iter(loader))[1]
    loader.load_state_dict(state)
    np.testing.assert_array_equal(next(iter(loader))[1], first)


def test_lists_are_accepted():
    loader = DataLoader([[1.0], [2.0], [3.0]], [0, 1, 0], batch_size=2)
    xb, yb = next(iter(loader))
    assert xb.shape == (2, 1) and yb.tolist() == [0, 1]


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True])
def test_bad_batch_size_rejected_at_construction(batch_size):
    x, y = _data(4)
    with pytest.raises(ValueError, match="DataLoader batch_size must be a positive integer"):
        DataLoader(x, y, batch_size=batch_size)


def test_length_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match="same number of samples, got 4 inputs and 3 targets"):
        DataLoader(np.zeros((4, 2)), np.zeros(3))


def test_other_errors():
    with pytest.raises(ValueError, match="empty dataset"):
        DataLoader(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="first axis of samples"):
        DataLoader(np.float32(3.0))
    with pytest.raises(TypeError, match="numeric array"):
        DataLoader(np.array([[1, 2], [3]], dtype=object))
    with pytest.raises(ValueError, match="seed= or rng=, not both"):
        DataLoader(np.zeros((4, 2)), seed=1, rng=np.random.default_rng())
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        DataLoader(np.zeros((4, 2)), rng=3)
    with pytest.raises(TypeError, match="seed must be an int"):
        DataLoader(np.zeros((4, 2)), seed="a")


def test_repr():
    assert repr(DataLoader(np.zeros((5, 2)), batch_size=2)) == \
        "DataLoader(num_samples=5, batch_size=2, shuffle=False, drop_last=False)"


# ---------------------------------------------------------------------------------------- memmaps and datasets
class Squares:
    """A dataset object: sample i is ([i], i^2); it counts what it was asked for."""

    def __init__(self, n, pairs=True):
        self.n, self.pairs, self.requests = n, pairs, []

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        index = np.asarray(index)
        self.requests.append(len(index))
        x = index.astype(np.float32)[:, None]                      # (batch, 1)
        return (x, index.astype(np.float32) ** 2) if self.pairs else x


def test_memmap_batches_are_read_not_copied(tmp_path):
    x, y = _data(10)
    mm = np.memmap(tmp_path / "x.dat", dtype=np.float32, mode="w+", shape=x.shape)
    mm[:] = x
    loader = DataLoader(np.memmap(tmp_path / "x.dat", dtype=np.float32, mode="r", shape=x.shape), y, batch_size=4)
    assert not loader.x.flags.owndata                              # a view of the mapping, not a copy
    np.testing.assert_array_equal(np.concatenate([xb for xb, _ in loader]), x)
    shuffled = DataLoader(loader.x, y, batch_size=4, shuffle=True, seed=0)
    for xb, yb in shuffled:
        np.testing.assert_array_equal(xb[:, 0], 2 * yb)


def test_dataset_object_of_pairs_read_batch_by_batch():
    data = Squares(10)
    loader = DataLoader(data, batch_size=4, shuffle=True, seed=0)
    data.requests.clear()
    batches = list(loader)
    assert data.requests == [4, 4, 2]                              # each batch read once, inputs and targets together
    for xb, yb in batches:
        np.testing.assert_array_equal(xb[:, 0] ** 2, yb)
    assert sorted(np.concatenate([xb[:, 0] for xb, _ in batches]).tolist()) == list(range(10))


def test_dataset_object_of_inputs_with_array_targets():
    data = Squares(6, pairs=False)
    batches = list(DataLoader(data, np.arange(6), batch_size=4))
    np.testing.assert_array_equal(batches[1][0][:, 0], [4, 5])
    assert max(data.requests) <= 4                                 # never the whole dataset


def test_dataset_view_is_array_like():
    from zeronn.data.loader import DatasetView, split_rows

    view = DatasetView(Squares(7, pairs=False))
    assert len(view) == 7 and view.shape == (7, 1) and view.dtype == np.float32 and view.ndim == 2
    np.testing.assert_array_equal(view[2:4][:, 0], [2, 3])
    np.testing.assert_array_equal(view[np.array([6, 0])][:, 0], [6, 0])
    tail = split_rows(view, 5)
    assert len(tail) == 2 and tail[0].tolist() == [5.0]
    with pytest.raises(ValueError, match="must return 3 samples"):
        DatasetView(lambda_dataset())[0:3]


def lambda_dataset():
    class Broken:
        def __len__(self):
            return 5

        def __getitem__(self, index):
            return np.zeros((1, 2))

    return Broken()


class Moons:
    """A dataset object over in-memory moons, answering index arrays; it records the largest request."""

    def __init__(self, pairs):
        self.x, self.y = zeronn.data.make_moons(5000, noise=0.1, seed=0)
        self.pairs, self.largest = pairs, 0

    def __len__(self):
        return len(self.x)

    def __getitem__(self, index):
        self.largest = max(self.largest, len(index))
        return (self.x[index], self.y[index]) if self.pairs else self.x[index]


def _moons_model():
    return zeronn.nn.Sequential(zeronn.nn.Linear(2, 8, rng=0), zeronn.nn.Tanh(), zeronn.nn.Linear(8, 2, rng=1))


def test_fit_evaluate_predict_on_dataset_objects_match_arrays():
    reference = _moons_model()
    arrays = Moons(pairs=True)
    expected = zeronn.fit(reference, arrays.x, arrays.y, loss="cross_entropy", optimizer="adam", lr=0.05, epochs=2,
                          batch_size=64, validation_split=0.25, seed=0, verbose=0)
    for pairs in (True, False):
        data = Moons(pairs)
        model = _moons_model()
        args = (data, None) if pairs else (data, data.y)
        history = zeronn.fit(model, *args, loss="cross_entropy", optimizer="adam", lr=0.05, epochs=2, batch_size=64,
                             validation_split=0.25, seed=0, verbose=0)
        assert history["loss"] == expected["loss"] and history["val_accuracy"] == expected["val_accuracy"]
        np.testing.assert_array_equal(zeronn.predict(model, data, batch_size=64), zeronn.predict(reference, data.x))
        scores = zeronn.evaluate(model, *args, loss="cross_entropy", batch_size=64)
        assert scores == zeronn.evaluate(reference, data.x, data.y, loss="cross_entropy", batch_size=64)
        assert data.largest <= 1024                                # batches, and the data checks' look at both ends
