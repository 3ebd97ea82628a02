"""The import of the shared published data (data/import_shared.py with data/import_shared.yaml) and
the bundled result.

The import runs on tests/fixtures/import_shared/: real rows cut byte for byte from the shared files
(see its README), with the real YAML's mapping cut to the keys present and its superseded and
row_notes entries moved to the fixture's lines. Output goes to a temporary directory, never to
data/. Rows made for error cases are built here and marked SYNTHETIC (URL example.invalid).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import importlib.util
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from indicators.actuals.load import bundled_data_dir, load_actuals

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "data" / "import_shared.py"
CONFIG = REPO / "data" / "import_shared.yaml"
CATALOG = REPO / "src" / "indicators" / "catalog"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "import_shared"
SHARED = Path(os.environ.get("INDICATORS_SHARED_DATA", "/work/shared/data"))  # the real shared data, if here
FILES = ["nbs_annual.csv", "provincial/provincial_actuals.csv", "national_bulletins.csv", "regional_yearbooks.csv"]
OUTPUTS = ["10_nbs_annual.csv", "15_nbs_provincial.csv", "20_moe_bulletins.csv", "30_yearbooks.csv"]
SECTIONS = ["provincial", "mapping", "definitions", "coverage", "regions", "units", "superseded", "left_out"]
README = "# test-made README\n" + "".join(
    f"<!-- generated:{name}:start -->\n<!-- generated:{name}:end -->\n" for name in SECTIONS) + "hand-written text stays\n"
SYNTHETIC = "SYNTHETIC test-made row (not a published figure)"


def _script():
    spec = importlib.util.spec_from_file_location("import_shared_under_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MOD = _script()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _origins() -> dict[tuple[str, int], int]:
    """(shared file, line in the shared file) -> line in the fixture file."""
    with (FIXTURE / "origins.csv").open(encoding="utf-8", newline="") as fh:
        return {(r["fixture_file"], int(r["shared_line"])): int(r["fixture_line"]) for r in csv.DictReader(fh)}


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _fixture_config(shared: Path) -> dict:
    """The real YAML, cut to the fixture: mapping entries of the keys present, line entries moved to
    the fixture's lines (entries whose rows are not in the fixture dropped), the fixture's sha256."""
    config, origins = yaml.load(CONFIG.read_text(encoding="utf-8"), Loader=MOD.LOADER), _origins()
    present = {(f, r["indicator_key"]) for f in FILES for r in _read(shared / f)}
    for file, spec in config["inputs"].items():
        spec["sha256"] = _sha(shared / file)
    config["mapping"] = {f: [e for e in entries if (f, e["key"]) in present] for f, entries in config["mapping"].items()}
    for section, lines in (("superseded", ("line", "kept_line")), ("row_notes", ("line",))):
        config[section] = {f: [{**e, **{k: origins[(f, e[k])] for k in lines}} for e in entries
                               if all((f, e[k]) in origins for k in lines)]
                           for f, entries in config[section].items()}
    return config


def _make(tmp_path: Path, extra: dict[str, list[str]] | None = None) -> tuple[Path, dict]:
    """A copy of the fixture's shared directory (with extra rows appended) and its configuration."""
    shared = tmp_path / "shared"
    shutil.copytree(FIXTURE / "shared", shared)
    for file, rows in (extra or {}).items():
        with (shared / file).open("a", encoding="utf-8", newline="") as fh:
            fh.writelines(rows)
    return shared, _fixture_config(shared)


def _run(tmp_path: Path, shared: Path, config: dict) -> int:
    path = tmp_path / "import_shared.yaml"
    path.write_text(yaml.dump(config, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True,
                              sort_keys=False), encoding="utf-8")
    readme = tmp_path / "README.md"
    if not readme.exists():
        readme.write_text(README, encoding="utf-8")
    return MOD.main([str(shared), "--config", str(path), "--out", str(tmp_path / "actuals"), "--readme", str(readme)])


def _rows(tmp_path: Path, output: str) -> dict[tuple[str, str, str], dict]:
    return {(r["region"], r["indicator"], r["year"]): r for r in _read(tmp_path / "actuals" / output)}


def _synthetic(file: str, template_line: int, **changes) -> str:
    """A SYNTHETIC row: a fixture row of ``file`` with some fields changed and its source marked."""
    with (FIXTURE / "shared" / file).open(encoding="utf-8", newline="") as fh:
        row = list(csv.DictReader(fh))[template_line - 2]
    row.update(source_title=SYNTHETIC, source_url="https://example.invalid/synthetic", **changes)
    with (FIXTURE / "shared" / file).open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    return ",".join(f'"{row[c]}"' if ("," in row[c] or '"' in row[c]) else row[c] for c in header) + "\r\n"


# --- the fixture run ----------------------------------------------------------------------------

def test_fixture_rows_carried_verbatim_with_definitions(tmp_path, capsys):
    shared, config = _make(tmp_path)
    assert _run(tmp_path, shared, config) == 0
    assert sorted(p.name for p in (tmp_path / "actuals").iterdir()) == OUTPUTS

    prov = _rows(tmp_path, "15_nbs_provincial.csv")
    assert len(prov) == 8  # 9 rows, general_hs_schools left out
    r = prov[("山东省", "sec_voc_new_enrollment", "2019")]
    assert (r["value"], r["unit"], r["definition"]) == ("26.7223", "万人", "excl_technician")
    assert r["origin"] == "shared/data/provincial/provincial_actuals.csv:9"
    assert r["source_url"].startswith("https://github.com/3112944976/National-Visualization-Web-Application/blob/")
    fixture_row = _read(FIXTURE / "shared" / "provincial" / "provincial_actuals.csv")[7]
    assert r["note"] == fixture_row["definition_note"] and "EXCLUDES 技工学校" in r["note"]  # copied as published
    assert {k: v["definition"] for k, v in prov.items()} == {
        ("全国", "sec_voc_students", "2019"): "excl_technician",
        ("全国", "technician_schools", "2009"): "standard",
        ("全国", "technician_schools", "2010"): "excl_shanghai",        # by_year step with its row note
        ("中山市", "sec_voc_graduates", "2018"): "unspecified",          # by_field region_level -> region
        ("合肥市", "sec_voc_students", "2012"): "excl_technician",
        ("山东省", "general_hs_new_enrollment", "2019"): "standard",
        ("山东省", "sec_voc_new_enrollment", "2019"): "excl_technician",
        ("山东省", "sec_voc_vocational_high_student_teacher_ratio", "2011"): "standard",  # renamed key
    }
    assert prov[("全国", "technician_schools", "2010")]["note"].endswith(
        "2010 figures equal 中国统计年鉴2011 表20-25 (技工学校, students 421.0万, schools 2998), a table that leaves out Shanghai")
    assert prov[("山东省", "sec_voc_vocational_high_student_teacher_ratio", "2011")]["value"] == "18.2066570678411"

    nbs = _rows(tmp_path, "10_nbs_annual.csv")
    assert {(k[1], k[2]): (v["value"], v["definition"]) for k, v in nbs.items()} == {
        ("sec_voc_new_enrollment", "2020"): ("644.6607", "incl_technician"),
        ("sec_voc_new_enrollment", "2021"): ("488.9890", "excl_technician"),
        ("senior_secondary_new_enrollment", "2022"): ("1455.3013", "excl_technician"),
        ("senior_secondary_new_enrollment", "2023"): ("1421.8362", "excl_ou"),
    }
    assert nbs[("全国", "senior_secondary_new_enrollment", "2023")]["note"] == "from 2023 excludes 国家开放大学中职部 (shared README)"
    assert nbs[("全国", "senior_secondary_new_enrollment", "2022")]["note"] == ""

    yb = _rows(tmp_path, "30_yearbooks.csv")
    assert {k: (v["value"], v["definition"]) for k, v in yb.items()} == {
        ("威海市", "sec_voc_students", "2017"): ("21000", "unspecified"),
        ("聊城市", "sec_voc_new_enrollment", "2015"): ("11803", "excl_technician"),
    }
    assert yb[("威海市", "sec_voc_students", "2017")]["note"] == (
        "中等职业学校在校生数(含与技工合署学校); source: 2.1万余人 (more than 21,000)")  # name qualifier; row note


def test_row_notes_cumulative_note_and_supersession(tmp_path, capsys):
    shared, config = _make(tmp_path)
    _run(tmp_path, shared, config)
    out = capsys.readouterr().out
    moe = _rows(tmp_path, "20_moe_bulletins.csv")
    assert set(moe) == {("全国", "higher_voc_expansion_cumulative", "2021"),
                        ("全国", "sec_voc_dual_qualified_teacher_share", "2021"),
                        ("全国", "sec_voc_new_enrollment", "2019")}
    assert moe[("全国", "higher_voc_expansion_cumulative", "2021")]["note"] == (
        "高职三年扩招累计人数(2019-2021); cumulative over 2019-2021; cumulative count, not an annual value")
    assert "lower bound (55%以上), given jointly for 中职 and 高职" in moe[
        ("全国", "sec_voc_dual_qualified_teacher_share", "2021")]["note"]

    # superseded: the rounded 600.37万 (fixture line 4) is gone, the table figure (line 5) kept and noted
    kept = moe[("全国", "sec_voc_new_enrollment", "2019")]
    assert (kept["value"], kept["definition"], kept["origin"]) == (
        "6003657", "incl_technician", "shared/data/national_bulletins.csv:5")
    assert kept["note"] == ("中等职业教育招生数(含技工学校); "
                            "also published as 6003700 persons (shared/data/national_bulletins.csv:4)")
    assert ("superseded shared/data/national_bulletins.csv:4 (6003700) by shared/data/national_bulletins.csv:5 "
            "(6003657): rounded (600.37万, page dated 2020) restatement of the MOE 2019 table figure") in out
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert ("| shared/data/national_bulletins.csv:4 | sec_voc_new_enrollment | 2019 | 6003700 persons | "
            "shared/data/national_bulletins.csv:5 (6003657) |") in readme


def test_left_outs_counted_printed_and_documented(tmp_path, capsys):
    shared, config = _make(tmp_path)
    _run(tmp_path, shared, config)
    out = capsys.readouterr().out
    for key in ("general_hs_graduates", "general_hs_schools", "sec_voc_teacher_qualification_rate",
                "zhongkao_candidates", "private_general_hs_fulltime_teachers"):
        assert f"skipped    1  {key}" in out
    assert "regional_yearbooks.csv: 4 rows read, 2 written to" in out and "2 skipped, 0 superseded" in out
    assert "national_bulletins.csv: 5 rows read, 3 written to" in out and "1 skipped, 1 superseded" in out
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert ("| provincial/provincial_actuals.csv | general_hs_schools | 1 | "
            "staff, teacher or school breakdown not needed by the product |") in readme
    assert "| regional_yearbooks.csv | zhongkao_candidates | 1 | 中考 candidates: not requested |" in readme
    assert ("| regional_yearbooks.csv | private_general_hs_fulltime_teachers | 1 | "
            "private-school (民办) / public-school series, not needed by the product |") in readme  # by prefix
    assert ("| nbs_annual.csv | general_hs_graduates | 1 | graduates of general senior high: not needed |") in readme
    assert "| sec_voc_new_enrollment | excl_technician | 1 |  | 1 (山东省; 2019) |  |" in readme
    assert "| definition | meaning | rows (10 / 15 / 20 / 30) |" in readme
    assert "hand-written text stays" in readme


def test_rerun_is_byte_identical(tmp_path, capsys):
    shared, config = _make(tmp_path)
    digest = lambda: {p.name: _sha(p) for p in sorted((tmp_path / "actuals").iterdir())} | {
        "README": _sha(tmp_path / "README.md")}
    _run(tmp_path, shared, config)
    first = digest()
    _run(tmp_path, shared, config)
    assert digest() == first


# --- the sha256 of the inputs ---------------------------------------------------------------

def test_changed_input_stops_with_file_expected_and_actual_sha256(tmp_path):
    shared, config = _make(tmp_path)
    expected = config["inputs"]["national_bulletins.csv"]["sha256"]
    path = shared / "national_bulletins.csv"
    path.write_bytes(path.read_bytes().replace(b",6003657,", b",6003658,"))  # SYNTHETIC edit of a copy
    actual = _sha(path)
    with pytest.raises(SystemExit) as exc:
        _run(tmp_path, shared, config)
    msg = str(exc.value)
    assert f"{path}: the input differs from the version the mapping was made for" in msg
    assert f"expected sha256 {expected}" in msg and "accessed 2026-12-01" in msg
    assert f"actual sha256   {actual}" in msg
    assert "national_bulletins" in msg and "nbs_annual" not in msg  # only the changed file is named
    assert not (tmp_path / "actuals").exists()


def test_line_entry_that_no_longer_matches_its_row_stops(tmp_path):
    shared, config = _make(tmp_path)
    config["superseded"]["national_bulletins.csv"][0]["value"] = "6003600"
    with pytest.raises(SystemExit, match=r"superseded: national_bulletins.csv:4: value is '6003700' in the file, "
                                         r"'6003600' in import_shared.yaml"):
        _run(tmp_path, shared, config)


# --- errors that stop the import before anything is written ---------------------------------------

def test_duplicate_stops_the_script_and_writes_nothing(tmp_path):
    dup = _synthetic("provincial/provincial_actuals.csv", 9, value="26.9999")
    shared, config = _make(tmp_path, {"provincial/provincial_actuals.csv": [dup]})
    with pytest.raises(SystemExit) as exc:
        _run(tmp_path, shared, config)
    msg = str(exc.value)
    assert "15_nbs_provincial.csv: duplicate" in msg
    assert "provincial/provincial_actuals.csv:9" in msg and "provincial/provincial_actuals.csv:11" in msg
    assert not (tmp_path / "actuals").exists()


@pytest.mark.parametrize("changes, expected", [
    # an empty value cell: file, line and column named
    ({"value": ""}, "provincial/provincial_actuals.csv:11: column value is empty"),
    # a key neither mapped nor left out
    ({"indicator_key": "made_up_key"}, "key 'made_up_key' neither mapped nor in left_out"),
    # a city the definition rule does not list
    ({"region": "东莞市", "region_level": "city"}, "region '东莞市' not in mapping"),
    # a year after the closing step of a by_year rule (技工学校 from 2011 come from nbs_annual.csv)
    ({"indicator_key": "technician_schools", "year": "2011"}, "no definition step for year 2011"),
])
def test_bad_input_stops_with_a_clear_error(tmp_path, changes, expected):
    bad = _synthetic("provincial/provincial_actuals.csv", 5, **changes)  # 中山市 2018
    shared, config = _make(tmp_path, {"provincial/provincial_actuals.csv": [bad]})
    with pytest.raises(SystemExit) as exc:
        _run(tmp_path, shared, config)
    assert expected in str(exc.value)


@pytest.mark.parametrize("edit, expected", [
    (lambda c: c["mapping"]["nbs_annual.csv"][0].update(definition="made_up_label"),
     "unknown definition label(s) ['made_up_label']"),
    (lambda c: c["mapping"]["nbs_annual.csv"][0].update(definiton="standard"), "unknown field(s) ['definiton']"),
    (lambda c: c["mapping"]["nbs_annual.csv"][0].update(definition={"rule": "no_such_rule"}),
     "rule 'no_such_rule' is not in the rules section"),
    (lambda c: c["left_out"]["nbs_annual.csv"].append({"key": "x", "because": "no_such_reason"}),
     "'no_such_reason' is not in left_out_reasons"),
    (lambda c: c["mapping"]["nbs_annual.csv"].append(
        {"key": "education_funding_total", "indicator": "education_funding_total", "definition": "standard"}),
     "mapping entries that matched no row"),
])
def test_bad_yaml_stops_with_a_clear_error(tmp_path, edit, expected):
    shared, config = _make(tmp_path)
    edit(config)
    with pytest.raises(SystemExit) as exc:
        _run(tmp_path, shared, config)
    assert expected in str(exc.value)


# --- the real YAML and the real shared files ------------------------------------------------------

def test_real_yaml_records_each_input_and_its_definitions():
    config = MOD.load_config(CONFIG)
    assert config.files == FILES and [config.output_name(f) for f in FILES] == OUTPUTS
    for spec in config.inputs.values():
        assert re.fullmatch(r"[0-9a-f]{64}", spec["sha256"])
        assert datetime.date.fromisoformat(spec["accessed"]) >= datetime.date(2026, 11, 21)  # a date, as text
    assert set(config.labels) == {"standard", "incl_technician", "excl_technician", "school_only", "excl_ou",
                                  "excl_shanghai", "subsidised_only", "unspecified"}
    # the national 中职 break and its README description
    rule = config.mapping[("nbs_annual.csv", "sec_voc_new_enrollment")][1]
    assert MOD.describe_rule(rule) == "<= 2020: `incl_technician`; >= 2021: `excl_technician`"
    assert all(reason.strip() for reason in config.left_out.values())


def test_recorded_sha256_are_those_of_the_shared_files():
    if not all((SHARED / f).is_file() for f in FILES):
        pytest.skip(f"the shared data are not at {SHARED} (set INDICATORS_SHARED_DATA)")
    MOD.check_inputs(SHARED, MOD.load_config(CONFIG))  # raises SystemExit naming a changed file


def test_fixture_rows_are_the_shared_rows_byte_for_byte():
    if not all((SHARED / f).is_file() for f in FILES):
        pytest.skip(f"the shared data are not at {SHARED} (set INDICATORS_SHARED_DATA)")
    for (file, shared_line), fixture_line in _origins().items():
        fixture = (FIXTURE / "shared" / file).read_bytes().split(b"\n")
        assert fixture[fixture_line - 1] == (SHARED / file).read_bytes().split(b"\n")[shared_line - 1], (file, shared_line)
        assert fixture[0] == (SHARED / file).read_bytes().split(b"\n")[0]


@pytest.mark.slow
def test_real_import_reproduces_the_bundled_files(tmp_path, capsys):
    """The whole import on the real shared files gives data/actuals and data/README.md byte for byte."""
    if not all((SHARED / f).is_file() for f in FILES):
        pytest.skip(f"the shared data are not at {SHARED} (set INDICATORS_SHARED_DATA)")
    readme = tmp_path / "README.md"
    shutil.copy(REPO / "data" / "README.md", readme)
    assert MOD.main([str(SHARED), "--out", str(tmp_path / "actuals"), "--readme", str(readme)]) == 0
    for name in OUTPUTS:
        assert (tmp_path / "actuals" / name).read_bytes() == (REPO / "data" / "actuals" / name).read_bytes(), name
    assert readme.read_bytes() == (REPO / "data" / "README.md").read_bytes()


# --- the bundled data ---------------------------------------------------------------------------

def _bundled_rows() -> list[dict]:
    rows = []
    for path in sorted(bundled_data_dir().glob("*.csv")):
        rows += [{**r, "_file": path.name} for r in _read(path)]
    return rows


def test_every_bundled_row_resolves_in_the_catalog():
    regions = yaml.safe_load((CATALOG / "regions.yaml").read_text(encoding="utf-8"))
    indicators = yaml.safe_load((CATALOG / "indicators.yaml").read_text(encoding="utf-8"))
    rows = _bundled_rows()
    assert {r["_file"] for r in rows} >= {"10_nbs_annual.csv", "15_nbs_provincial.csv"}
    assert sorted({r["region"] for r in rows} - set(regions)) == []
    assert sorted({r["indicator"] for r in rows} - set(indicators)) == []
    provinces = [k for k, v in regions.items() if v["level"] == "province"]
    assert len(provinces) == 31 and all(regions[p]["en"] and regions[p]["parent"] == "全国" for p in provinces)
    assert regions["合肥市"]["parent"] == "安徽省" and regions["中山市"]["parent"] == "广东省"
    for r in rows:
        assert r["source_url"].strip() and r["quote"].strip() and r["origin"].startswith("shared/data/"), r


@pytest.mark.slow
def test_load_actuals_gives_shandong_provincial_series_and_derived_rows(catalog):
    f = load_actuals(catalog=catalog, with_baselines=False).frame
    sd = f[(f["region"] == "山东省") & f["file"].astype(str).str.endswith("15_nbs_provincial.csv")]
    for ind in ("sec_voc_new_enrollment", "sec_voc_students", "sec_voc_graduates", "sec_voc_fulltime_teachers"):
        s = sd[sd["indicator"] == ind]
        assert len(s) >= 12 and set(s["definition"]) == {"excl_technician"}, ind
        assert s["source_url"].str.startswith("https://github.com/3112944976/").all()
    assert set(sd[sd["indicator"] == "general_hs_new_enrollment"]["definition"]) == {"standard"}

    def one(**kw):
        sel = f
        for k, v in kw.items():
            sel = sel[sel[k] == v]
        assert len(sel) == 1, kw
        return sel.iloc[0]

    voc = one(region="山东省", indicator="sec_voc_new_enrollment", definition="excl_technician", year=2019)
    gen = one(region="山东省", indicator="general_hs_new_enrollment", definition="standard", year=2019)
    share = one(region="山东省", indicator="voc_share_of_senior_secondary_enrollment", definition="excl_technician",
                year=2019)
    assert share["origin"] == "derived" and "general_hs_new_enrollment" in share["derivation"]
    assert share["value"] == pytest.approx(voc["value"] / (voc["value"] + gen["value"]) * 100)
    students = one(region="山东省", indicator="sec_voc_students", definition="excl_technician", year=2019)
    teachers = one(region="山东省", indicator="sec_voc_fulltime_teachers", definition="excl_technician", year=2019)
    ratio = one(region="山东省", indicator="sec_voc_student_teacher_ratio", definition="excl_technician", year=2019)
    assert ratio["origin"] == "derived" and "sec_voc_fulltime_teachers" in ratio["derivation"]
    assert ratio["value"] == pytest.approx(students["value"] / teachers["value"])

    # national: 2005-2019 published excl_technician (provincial file), 2020 rebuilt, never both
    nat = f[(f["region"] == "全国") & (f["indicator"] == "sec_voc_new_enrollment") & (f["definition"] == "excl_technician")]
    assert not nat.duplicated("year").any()
    by_year = nat.set_index("year")["origin"]
    assert all(by_year[y].startswith("shared/data/provincial/") for y in range(2005, 2020))
    assert by_year[2020] == "derived"
