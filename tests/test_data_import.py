"""The import of the shared published data (data/import_shared.py) and the bundled result.

The import is run on a small fixture made here in a temporary directory: test-made rows in the
layout of the four shared files, values and URLs invented (example.invalid), never written to
data/. The script runs from a copy inside a temporary repository layout, so it writes there.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import shutil
from pathlib import Path

import pytest
import yaml

from indicators.actuals import bundled_data_dir, load_actuals

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "data" / "import_shared.py"
CATALOG = REPO / "src" / "indicators" / "catalog"

HEAD = "region,region_level,indicator_key,indicator_name_zh,year,value,unit,kind,source_title,source_url,quote\n"
PROV_HEAD = ("region,region_level,indicator_key,indicator_name_zh,year,value,unit,definition_note,source_title,"
             "source_url,quote\n")
URL = "https://example.invalid/test-fixture"
NOTE = "TEST 中等职业学校(机构) EXCLUDES 技工学校"

# test-made rows (values invented), one file each
NBS_ROWS = [
    f"全国,national,sec_voc_new_enrollment,中等职业教育招生数,2020,600.1,万人,actual,TEST NBS,{URL}/nbs,test row a\n",
    f"全国,national,sec_voc_new_enrollment,中等职业教育招生数,2021,480.2,万人,actual,TEST NBS,{URL}/nbs,test row b\n",
    f"全国,national,general_hs_graduates,普通高中毕业生数,2021,700.0,万人,actual,TEST NBS,{URL}/nbs,test row c\n",
]
MOE_ROWS = [
    f"全国,national,higher_voc_student_teacher_ratio,高职生师比,2014,17.5,ratio_per_teacher,actual,TEST MOE,{URL}/moe,test row d\n",
]
YB_ROWS = [
    f"山东省,province,sec_voc_staff,中等职业学校(机构)教职工数(不含技工学校),2015,70001,persons,actual,TEST YB,{URL}/yb,test row e\n",
    f"山东省,province,zhongkao_candidates,中考人数,2015,900000,persons,actual,TEST YB,{URL}/yb,test row f\n",
]
PROV_ROWS = [
    f"山东省,province,sec_voc_new_enrollment,中等职业学校招生数,2019,26.1234,万人,{NOTE},TEST PROV,{URL}/prov,\"row 省份=山东省,年份=2019; test\"\n",
    f"全国,national,sec_voc_students,中等职业学校(机构)在校学生数,2019,1200.5,万人,{NOTE},TEST PROV,{URL}/prov,test row g\n",
    f"山东省,province,general_hs_new_enrollment,普通高中招生数,2019,58.1,万人,普通高中 only,TEST PROV,{URL}/prov,test row h\n",
    f"山东省,province,voc_high_student_teacher_ratio,职业高中生师比,2011,15.5,ratio_per_teacher,职业高中 only,TEST PROV,{URL}/prov,test row i\n",
    f"全国,national,technician_schools,技工学校数,2009,3000,count,技工学校 only,TEST PROV,{URL}/prov,test row j\n",
    f"全国,national,technician_schools,技工学校数,2010,2990,count,技工学校 only,TEST PROV,{URL}/prov,test row k\n",
    f"合肥市,city,sec_voc_students,中等职业学校在校学生数（不含技工学校）,2012,140000,persons,excludes 技工学校,TEST PROV,{URL}/prov,test row l\n",
    f"中山市,city,sec_voc_graduates,中等职业学校毕业生数,2018,4000,persons,scope not stated,TEST PROV,{URL}/prov,test row m\n",
    f"山东省,province,general_hs_schools,普通高中学校数,2019,600,count,普通高中 only,TEST PROV,{URL}/prov,test row n\n",
]
README = """# test-made README
<!-- generated:provincial:start -->
<!-- generated:provincial:end -->
<!-- generated:left_out:start -->
<!-- generated:left_out:end -->
hand-written text stays
"""


def _make(tmp_path: Path, prov_rows=PROV_ROWS) -> tuple[Path, Path]:
    """A repository copy (script, catalog, README) and a shared directory with the fixture."""
    repo, shared = tmp_path / "repo", tmp_path / "shared"
    (repo / "data").mkdir(parents=True)
    shutil.copy(SCRIPT, repo / "data" / "import_shared.py")
    (repo / "data" / "README.md").write_text(README, encoding="utf-8")
    shutil.copytree(CATALOG, repo / "src" / "indicators" / "catalog")
    (shared / "provincial").mkdir(parents=True)
    for name, head, rows in (("nbs_annual.csv", HEAD, NBS_ROWS), ("national_bulletins.csv", HEAD, MOE_ROWS),
                             ("regional_yearbooks.csv", HEAD, YB_ROWS),
                             ("provincial/provincial_actuals.csv", PROV_HEAD, prov_rows)):
        (shared / name).write_text(head + "".join(rows), encoding="utf-8")
    return repo, shared


def _run(repo: Path, shared: Path):
    """Run the copied script's main() on the fixture. Its MAPPING is cut to the fixture's keys and
    SUPERSEDED emptied: the full tables name rows of the real files, which a fixture does not hold."""
    spec = importlib.util.spec_from_file_location(f"import_shared_{id(repo)}", repo / "data" / "import_shared.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    present = set()
    for path in shared.rglob("*.csv"):
        rel = path.relative_to(shared).as_posix()
        with path.open(encoding="utf-8", newline="") as fh:
            present |= {(rel, r["indicator_key"]) for r in csv.DictReader(fh)}
    mod.MAPPING = {k: v for k, v in mod.MAPPING.items() if k in present}
    mod.SUPERSEDED, mod.NOTES = {}, {}
    return mod.main(["import_shared.py", str(shared)])


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _digest(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_fixture_rows_carried_verbatim_with_labels_and_left_outs(tmp_path, capsys):
    repo, shared = _make(tmp_path)
    assert _run(repo, shared) == 0
    out = capsys.readouterr().out
    actuals = repo / "data" / "actuals"
    assert sorted(p.name for p in actuals.iterdir()) == [
        "10_nbs_annual.csv", "15_nbs_provincial.csv", "20_moe_bulletins.csv", "30_yearbooks.csv"]

    prov = {(r["region"], r["indicator"], r["year"]): r for r in _read(actuals / "15_nbs_provincial.csv")}
    assert len(prov) == len(PROV_ROWS) - 1  # general_hs_schools left out
    r = prov[("山东省", "sec_voc_new_enrollment", "2019")]
    assert (r["value"], r["unit"], r["definition"]) == ("26.1234", "万人", "excl_technician")
    assert (r["source_title"], r["source_url"], r["quote"]) == ("TEST PROV", f"{URL}/prov", "row 省份=山东省,年份=2019; test")
    assert r["origin"] == "shared/data/provincial/provincial_actuals.csv:2"
    assert NOTE in r["note"]
    labels = {k: v["definition"] for k, v in prov.items()}
    assert labels[("全国", "sec_voc_students", "2019")] == "excl_technician"
    assert labels[("山东省", "general_hs_new_enrollment", "2019")] == "standard"
    assert labels[("山东省", "sec_voc_vocational_high_student_teacher_ratio", "2011")] == "standard"
    assert labels[("全国", "technician_schools", "2009")] == "standard"
    assert labels[("全国", "technician_schools", "2010")] == "excl_shanghai"
    assert labels[("合肥市", "sec_voc_students", "2012")] == "excl_technician"
    assert labels[("中山市", "sec_voc_graduates", "2018")] == "unspecified"

    nbs = {r["year"]: r["definition"] for r in _read(actuals / "10_nbs_annual.csv")}
    assert nbs == {"2020": "incl_technician", "2021": "excl_technician"}
    yb = _read(actuals / "30_yearbooks.csv")
    assert [(r["indicator"], r["definition"], r["value"]) for r in yb] == [("sec_voc_staff", "excl_technician", "70001")]

    # left-outs: printed and written to the README with their reason; hand-written text kept
    assert "skipped    1  general_hs_schools" in out and "skipped    1  zhongkao_candidates" in out
    readme = (repo / "data" / "README.md").read_text(encoding="utf-8")
    assert "| provincial/provincial_actuals.csv | general_hs_schools | 1 |" in readme
    assert "| regional_yearbooks.csv | zhongkao_candidates | 1 | 中考 candidates: not requested |" in readme
    assert "| sec_voc_new_enrollment | excl_technician | 1 |  | 1 (山东省; 2019) |  |" in readme
    assert "hand-written text stays" in readme


def test_rerun_is_byte_identical(tmp_path, capsys):
    repo, shared = _make(tmp_path)
    _run(repo, shared)
    first = _digest(repo / "data" / "actuals") | {"README": hashlib.sha256((repo / "data" / "README.md").read_bytes()).hexdigest()}
    _run(repo, shared)
    second = _digest(repo / "data" / "actuals") | {"README": hashlib.sha256((repo / "data" / "README.md").read_bytes()).hexdigest()}
    assert first == second


def test_duplicate_stops_the_script_and_writes_nothing(tmp_path):
    dup = PROV_ROWS + [PROV_ROWS[0].replace("26.1234", "26.9999")]
    repo, shared = _make(tmp_path, dup)
    with pytest.raises(SystemExit) as exc:
        _run(repo, shared)
    msg = str(exc.value)
    assert "15_nbs_provincial.csv: duplicate" in msg
    assert "provincial/provincial_actuals.csv:2" in msg and f"provincial/provincial_actuals.csv:{len(dup) + 1}" in msg
    assert not (repo / "data" / "actuals").exists() or not any((repo / "data" / "actuals").iterdir())


@pytest.mark.parametrize("bad, expected", [
    # an empty value cell: file, line and column named
    (PROV_ROWS[0].replace("26.1234", ""), "provincial/provincial_actuals.csv:11: column value is empty"),
    # a key neither mapped nor left out
    (PROV_ROWS[0].replace("sec_voc_new_enrollment", "made_up_key"), "key 'made_up_key' neither mapped nor in LEFT_OUT"),
    # a city the definition rule does not list
    (PROV_ROWS[7].replace("中山市", "东莞市"), "region '东莞市' not in mapping"),
])
def test_bad_input_stops_with_a_clear_error(tmp_path, bad, expected):
    repo, shared = _make(tmp_path, PROV_ROWS + [bad])
    with pytest.raises(SystemExit) as exc:
        _run(repo, shared)
    assert expected in str(exc.value)


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
