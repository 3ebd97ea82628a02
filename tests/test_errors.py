"""Every error of the package survives pickling, so a worker process (the pool of `assess --jobs`,
a Dask worker) that raises one reports it to the client intact, problems included."""

import importlib
import inspect
import pickle
import pkgutil

import pytest

import indicators
from indicators.errors import DecodeRefusal, IndicatorsError, Problem, Severity, ValidationError


def _exception_classes() -> dict[str, type]:
    """Every exception class defined anywhere in the package, subpackages included, by qualified name."""
    found = {}
    for info in pkgutil.walk_packages(indicators.__path__, "indicators."):
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__ == module.__name__:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


def _error_classes() -> list[type]:
    found = _exception_classes()
    return [found[k] for k in sorted(found) if issubclass(found[k], IndicatorsError)]


def _instance(cls: type) -> IndicatorsError:
    if issubclass(cls, DecodeRefusal):
        return cls("Shift-JIS or another Japanese encoding")
    if issubclass(cls, ValidationError):
        return cls([Problem("my.csv", "value.not_a_number", "a number", row=3, column="value", value="1abc"),
                    Problem("my.csv", "value.missing", "a number", row=4, severity=Severity.MISSING)])
    return cls("something specific went wrong")


def test_the_package_has_its_error_classes():
    names = {c.__name__ for c in _error_classes()}
    assert {"IndicatorsError", "ValidationError", "CatalogError", "ParseError", "UnitError", "SeriesError",
            "RegionError", "PublishError", "DecodeRefusal"} <= names


# control flow inside one function's module: raised and caught there, never seen by a caller
_PRIVATE = {"indicators.actuals.cells._Refused", "indicators.plans.safe_yaml._TooManyAliases"}


def test_every_error_lives_in_errors_py_under_indicators_error():
    """One module holds the errors: a class declared elsewhere is found by the walk over subpackages."""
    found = _exception_classes()
    assert found, "the walk found no exception class at all"
    elsewhere = sorted(k for k, c in found.items() if c.__module__ != "indicators.errors" and k not in _PRIVATE)
    assert elsewhere == []
    assert all(issubclass(c, IndicatorsError) for k, c in found.items() if k not in _PRIVATE)


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda c: c.__name__)
def test_every_error_round_trips_through_pickle(cls):
    err = _instance(cls)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert str(back) == str(err)
    if isinstance(err, DecodeRefusal):
        assert back.looks_like == err.looks_like
    if isinstance(err, ValidationError):
        assert back.problems == err.problems
        assert back.title == err.title
        assert [p.severity for p in back.errors] == [Severity.ERROR]
