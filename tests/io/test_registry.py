"""The layer registry: what a model file may name, and how user layers become loadable."""

import numpy as np
import pytest

import zeronn
from zeronn import nn
from zeronn.io import ModelFileError, load, save, write_archive
from zeronn.nn import layer as layer_module
from zeronn.nn.layer import layer_from_spec, registered_name


@pytest.fixture(autouse=True)
def restore_registry():
    """The classes these tests register are forgotten afterwards (other tests list the registry's names)."""
    names, classes = dict(layer_module._REGISTRY), dict(layer_module._NAMES)
    yield
    layer_module._REGISTRY.clear()
    layer_module._REGISTRY.update(names)
    layer_module._NAMES.clear()
    layer_module._NAMES.update(classes)


def test_builtin_layers_are_registered_and_private_classes_never():
    assert nn.LAYER_REGISTRY["Linear"] is nn.Linear
    assert nn.LAYER_REGISTRY["Sequential"] is nn.Sequential
    assert all(not name.startswith("_") for name in nn.LAYER_REGISTRY)
    assert "Layer" not in nn.LAYER_REGISTRY
    assert "_BatchNorm" not in nn.LAYER_REGISTRY


def test_the_registry_cannot_be_edited_directly():
    with pytest.raises(TypeError):
        nn.LAYER_REGISTRY["Linear"] = nn.Identity          # read-only view: register_layer is the way in


def test_a_user_class_named_like_a_builtin_does_not_replace_it(tmp_path):
    class Linear(nn.Layer):                                 # a user's own "Linear", not registered
        def forward(self, x):
            return x

    assert nn.LAYER_REGISTRY["Linear"] is nn.Linear
    save(nn.Linear(3, 2), tmp_path / "m")
    assert type(load(tmp_path / "m")) is nn.Linear
    assert registered_name(Linear) is None


def test_defining_a_subclass_without_registering_still_works():
    class Scale(nn.Layer):
        def forward(self, x):
            return 2 * x

    np.testing.assert_array_equal(Scale()(np.ones(3)), [2.0, 2.0, 2.0])
    assert "Scale" not in nn.LAYER_REGISTRY


def test_an_unregistered_layer_cannot_be_saved_and_the_error_says_how(tmp_path):
    class Halve(nn.Layer):
        def forward(self, x):
            return x / 2

    with pytest.raises(TypeError, match="Halve.*not registered.*@zeronn.nn.register_layer"):
        save(nn.Sequential(nn.Linear(2, 2), Halve()), tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_registering_a_builtin_name_is_refused_with_a_namespace_hint():
    class Linear(nn.Layer):
        pass

    with pytest.raises(ValueError, match="built-in zeronn.nn.linear.Linear, which cannot be replaced.*namespace"):
        nn.register_layer(Linear)
    with pytest.raises(ValueError, match="built-in"):
        nn.register_layer(name="ReLU")(Linear)
    assert nn.LAYER_REGISTRY["Linear"] is nn.Linear


def test_namespaced_user_layer_round_trips(tmp_path):
    @nn.register_layer(namespace="registry_test")
    class Linear(nn.Layer):
        """A user's layer that shares its class name with a built-in one, kept apart by a namespace."""

        buffer_names = ("scale",)

        def __init__(self, size=2):
            super().__init__()
            self.size = size
            self.scale = np.full(size, 3.0, dtype=np.float32)

        def forward(self, x):
            return x * self.scale

        def get_config(self):
            return {"size": self.size}

    assert nn.LAYER_REGISTRY["registry_test.Linear"] is Linear
    model = nn.Sequential(nn.Linear(2, 2), Linear(2))
    model.layers[1].scale = np.array([5.0, 7.0], dtype=np.float32)
    assert nn.layer_to_spec(model.layers[1])["class"] == "registry_test.Linear"
    save(model, tmp_path / "m")
    loaded = load(tmp_path / "m")
    assert type(loaded.layers[0]) is nn.Linear and type(loaded.layers[1]) is Linear
    assert loaded.layers[1].scale.tolist() == [5.0, 7.0]


def test_register_as_plain_decorator_and_with_a_name():
    @nn.register_layer
    class RegistryPlain(nn.Layer):
        pass

    @nn.register_layer(name="RegistryRenamed")
    class Something(nn.Layer):
        pass

    assert nn.LAYER_REGISTRY["RegistryPlain"] is RegistryPlain
    assert nn.LAYER_REGISTRY["RegistryRenamed"] is Something
    assert type(layer_from_spec({"class": "RegistryRenamed", "config": {}})) is Something


def test_a_name_taken_by_another_user_class_is_refused():
    @nn.register_layer(name="RegistryTaken")
    class First(nn.Layer):
        pass

    class Second(nn.Layer):
        pass

    with pytest.raises(ValueError, match="'RegistryTaken': the name is taken by .*First"):
        nn.register_layer(name="RegistryTaken")(Second)
    with pytest.raises(ValueError, match="already registered as 'RegistryTaken'"):
        nn.register_layer(name="RegistryOther")(First)
    assert nn.LAYER_REGISTRY["RegistryTaken"] is First


def test_the_same_class_defined_again_replaces_itself():
    """A notebook cell run twice defines the class again: that is not a clash."""
    def define():
        @nn.register_layer(name="RegistryRedefined")
        class Again(nn.Layer):
            pass

        return Again

    first, second = define(), define()
    assert first is not second and nn.LAYER_REGISTRY["RegistryRedefined"] is second


@pytest.mark.parametrize("name", ["_Hidden", "a._b", "", "two words", "1abc"])
def test_private_and_malformed_names_are_refused(name):
    class Layerish(nn.Layer):
        pass

    with pytest.raises((ValueError, TypeError)):
        nn.register_layer(name=name)(Layerish)
    with pytest.raises(ValueError, match="private"):
        nn.register_layer(namespace="_internal")(Layerish)


def test_private_classes_are_never_registered():
    class _Helper(nn.Layer):
        pass

    with pytest.raises(ValueError, match="private"):
        nn.register_layer(_Helper)
    assert "_Helper" not in nn.LAYER_REGISTRY


def test_only_layer_classes_can_be_registered():
    with pytest.raises(TypeError, match="subclass of zeronn.nn.Layer"):
        nn.register_layer(dict)
    with pytest.raises(TypeError, match="subclass of zeronn.nn.Layer"):
        nn.register_layer(nn.Layer)


@pytest.mark.parametrize("name", ["_Pool2d", "_BatchNorm", "Layer", "builtins.eval", "os.system"])
def test_a_file_naming_an_internal_or_unknown_class_is_refused(tmp_path, name):
    path = tmp_path / "m"
    write_archive(path, {"architecture": {"class": name, "config": {}}, "state_dict": {}}, kind="model")
    with pytest.raises(ModelFileError, match=f"Unknown layer '{name}'") as info:
        load(path)
    choices = str(info.value).split("valid choices are: ")[1].split(" (")[0].split(", ")
    assert "Linear" in choices and "Sequential" in choices
    assert not [choice for choice in choices if any(part.startswith("_") for part in choice.split("."))]


def test_register_layer_is_exported():
    assert zeronn.nn.register_layer is nn.layer.register_layer
    assert "register_layer" in nn.__all__


def test_registrations_of_other_tests_do_not_leak():
    assert not [name for name in nn.LAYER_REGISTRY if name.startswith(("Registry", "registry_test."))]
