"""Every error of the package survives pickling, so a worker process (the pool of `assess --jobs`,
a Dask worker) that raises one reports it to the client intact, problems included."""

import importlib
import inspect
import pickle
import pkgutil

import pytest

import indicators
from indicators.errors import IndicatorsError, Problem, Severity, ValidationError


def _error_classes() -> list[type]:
    found = {}
    for info in pkgutil.iter_modules(indicators.__path__, "indicators."):
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, IndicatorsError):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


def _instance(cls: type) -> IndicatorsError:
    if issubclass(cls, ValidationError):
        return cls([Problem("my.csv", "value.not_a_number", "a number", row=3, column="value", value="1abc"),
                    Problem("my.csv", "value.missing", "a number", row=4, severity=Severity.MISSING)])
    return cls("something specific went wrong")


def test_the_package_has_its_error_classes():
    names = {c.__name__ for c in _error_classes()}
    assert {"IndicatorsError", "ValidationError", "CatalogError"} <= names


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda c: c.__name__)
def test_every_error_round_trips_through_pickle(cls):
    err = _instance(cls)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert str(back) == str(err)
    if isinstance(err, ValidationError):
        assert back.problems == err.problems
        assert back.title == err.title
        assert [p.severity for p in back.errors] == [Severity.ERROR]
