"""Fuzz: generated plan files (random structures, types, values, hostile strings, aliases, tags) either
load or fail as a CatalogError; `indicators targets --plans DIR` exits 0 or 1, never with a
traceback. Derandomized, so CI sees the same examples every run. Every file is synthetic."""

import contextlib
import io
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import indicators
from indicators.cli.main import main
from indicators.errors import CatalogError

pytestmark = pytest.mark.slow

SETTINGS = settings(derandomize=True, max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

BASE = {
    "plan": {"id": "fuzz_2024", "title_zh": "模糊规划", "region": "茌平区", "document_number": None, "issued": None,
             "source": "source.txt", "period": [2024, 2026], "domain": "vocational"},
    "targets": [{"indicator": "sec_voc_dual_qualified_teacher_share", "year": 2026, "written": "达到75%以上",
                 "kind": "target", "clause": "一", "quote": "到2026年双师型教师比例达到75%以上"}],
}
SOURCE = "到2026年双师型教师比例达到75%以上。"

HOSTILE = st.sampled_from(["\x00", "\x1b[31m", "\u202e", "=cmd|' /C calc'!A0", "$\\frac$", "../../etc/passwd",
                           "/dev/zero", "/etc/shadow", "9" * 5000, "1e400", "nan", "-5", "145%", "：", "\r\n", "~"])
TEXT = st.one_of(st.text(max_size=30), HOSTILE, st.builds(lambda a, b: a + b, HOSTILE, st.text(max_size=10)))
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30, max_value=10**40),
                   st.floats(allow_nan=True, allow_infinity=True), TEXT)
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)
PLAN_KEYS = st.sampled_from(sorted(BASE["plan"]) + ["title_en", "level", "note", "definition", "junk"])
TARGET_KEYS = st.sampled_from(sorted(BASE["targets"][0]) + ["value", "value_high", "tolerance", "unit",
                                                            "comparator", "region", "confirmed", "junk"])


@st.composite
def plan_docs(draw):
    """The good plan with a few fields replaced by anything, or the whole document replaced."""
    if draw(st.integers(0, 9)) == 0:
        return draw(VALUE)
    doc = yaml.safe_load(yaml.safe_dump(BASE))
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            doc["plan"][draw(PLAN_KEYS)] = draw(VALUE)
        else:
            doc["targets"][0][draw(TARGET_KEYS)] = draw(VALUE)
    if draw(st.integers(0, 5)) == 0:
        doc[draw(st.sampled_from(["plan", "targets"]))] = draw(VALUE)
    return doc


RAW = st.sampled_from([
    "a: &a [1, 2]\nb: [*a, *a, *a]\n", "a: &a [x]\n" + "".join(f"b{i}: &b{i} [*{'a' if i == 0 else f'b{i-1}'}] \n"
                                                              for i in range(200)),
    "!!python/object/apply:os.system [ls]\n", "plan: !!binary aGVsbG8=\n", "plan: !!set {a, b}\n",
    "plan: {? [a]: 1}\n", "[" * 3000, "plan:\n  <<: *nope\n", "\ufeffplan: {}\n", "%YAML 9.9\n---\n",
    "plan: 2024-99-99\n", "plan:\n  id: x\n  issued: 2024-02-30\n", "plan: {id: 1}\ntargets: [{year: 0x7e8}]\n",
])


def _check(text: str | bytes, regions: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "plans"
        d.mkdir()
        f = d / "fuzz_2024.yaml"
        f.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        (d / "source.txt").write_text(SOURCE, encoding="utf-8")
        if regions is not None:
            (d / "regions.yaml").write_text(regions, encoding="utf-8")
        try:
            indicators.load_catalog([d], env=False, bundled=False)
        except CatalogError as exc:
            assert exc.problems and all(p.code and p.file for p in exc.problems)
            exc.render()
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main(["targets", "--plans", str(d)])
        assert code in (0, 1) and "Traceback" not in err.getvalue()


@SETTINGS
@given(plan_docs())
def test_generated_plan_files_load_or_fail_cleanly(doc):
    _check(yaml.safe_dump(doc, allow_unicode=True))


@SETTINGS
@given(RAW, st.text(max_size=40))
def test_hostile_yaml_text_fails_cleanly(raw, tail):
    _check(raw + tail)


@settings(derandomize=True, max_examples=30, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_fail_cleanly(data):
    _check(data)


REGION = st.fixed_dictionaries({}, optional={"en": VALUE, "level": VALUE, "parent": VALUE, "override": VALUE})


@SETTINGS
@given(st.dictionaries(st.one_of(TEXT, st.sampled_from(["茌平区", "聊城市", "全国"])), REGION, max_size=4))
def test_generated_regions_files_load_or_fail_cleanly(regions):
    _check(yaml.safe_dump(BASE, allow_unicode=True), yaml.safe_dump(regions, allow_unicode=True))
