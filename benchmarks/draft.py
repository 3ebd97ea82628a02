"""How much of a real plan `indicators draft` finds, and how much of what it drafts is noise.

Runs the drafter on every text of more_plans/ (15 real excerpts, copied to a temporary folder so
the shared copies are never written) and compares the drafted entries with the hand-made
inventory (targets_inventory.csv, 93 targets):

- found (recall): inventory targets with a drafted entry of the same year and value;
- noise: drafted entries that match no inventory target;
- indicator agreement: found targets whose drafted key is the inventory concept's key;
- coverage: inventory targets whose concept has a key in the bundled vocabulary.

    PYTHONPATH=src python benchmarks/draft.py [/work/shared/more_plans]
"""

from __future__ import annotations

import csv
import math
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

import indicators
from indicators.drafting.write import draft_plan
from indicators.plans.vocabulary import load_vocabulary

DEFAULT = Path("/work/shared/more_plans")

# inventory concept -> vocabulary key (the transcriber's names are not the project's)
CONCEPTS = {
    "voc_share_of_senior_secondary_enrollment": "voc_share_of_senior_secondary_enrollment",
    "sec_voc_enrollment": "sec_voc_students",
    "higher_voc_share_of_higher_ed": "higher_voc_share_of_higher_education",
    "sec_voc_grad_progression_rate": "sec_voc_graduate_progression_rate",
    "higher_voc_grad_to_bachelor_rate": "higher_voc_graduate_progression_rate",
    "national_demo_sec_voc_schools": "national_demo_sec_voc_schools",
    "provincial_voc_innovation_zones": "provincial_voc_innovation_zones",
    "voc_graduates_supplied": "voc_graduates_supplied",
    "dual_upgrade_trainees": "dual_upgrade_trainees",
    "specialty_coverage_local_industry": "specialty_coverage_local_industry",
    "specialty_coverage_pillar_industry": "specialty_coverage_pillar_industry",
    "national_demo_specialties": "national_demo_majors",
    "provincial_demo_specialties": "provincial_demo_majors",
    "national_quality_sec_voc_schools": "national_quality_sec_voc_schools",
    "public_voc_schools_meeting_national_key_standard_share": "national_key_standard_voc_school_share",
    "demo_training_bases_provincial": "provincial_demo_training_bases",
    "demo_training_bases_national": "national_demo_training_bases",
    "voc_training_centers": "voc_training_centres",
    "sec_voc_dual_qualified_teacher_share": "sec_voc_dual_qualified_teacher_share",
    "sec_voc_teacher_technician_share": "sec_voc_teacher_technician_share",
    "sec_voc_teacher_master_share": "voc_teacher_master_degree_share",
    "training_reemployment": "reemployment_training_persons",
    "training_rural_practical": "rural_practical_training_person_times",
    "training_entrepreneurship": "entrepreneurship_training_persons",
    "training_incumbent_workers": "incumbent_worker_training_person_times",
    "high_level_applied_undergrad_universities": "high_level_applied_undergrad_universities",
    "high_level_higher_voc_schools": "high_level_higher_voc_institutions",
    "high_level_sec_voc_schools": "high_level_sec_voc_schools",
    "dual_teacher_training_bases": "dual_teacher_training_bases",
    "teacher_innovation_teams": "voc_teacher_innovation_teams",
    "voc_dual_qualified_teacher_share": "voc_dual_qualified_teacher_share",
    "industry_education_training_bases": "province_level_integration_training_bases",
    "industry_education_integration_enterprises": "integration_enterprises",
    "demo_voc_education_groups": "province_level_model_voc_groups",
    "sec_voc_grad_admission_share": "sec_voc_graduate_admission_share",
    "voc_bachelor_intake_share_of_higher_voc_intake": "voc_bachelor_intake_share_of_higher_voc",
    "training_person_times": "vocational_training_person_times",
    "skills_certificates_obtained": "certificates_obtained_persons",
    "certified_workers_total": "certificate_holders_total",
    "skilled_talent_total": "skilled_workers_total",
    "training_person_times_enterprise_annual": "vocational_training_person_times",
    "skills_certificates_enterprise_annual": "certificates_obtained_persons",
    "training_person_times_colleges_annual": "vocational_training_person_times",
    "skills_certificates_colleges_annual": "certificates_obtained_persons",
    "training_private_institutions_annual": "vocational_training_persons",
    "skills_certificates_private_annual": "certificates_obtained_persons",
    "provincial_hr_brands": "hr_service_brands",
    "county_skills_competitions": "skills_competitions",
    "subsidized_training_person_times": "subsidised_training_person_times",
    "new_skilled_talent": "new_skilled_talents",
    "new_high_skilled_talent": "new_high_skilled_talents",
    "high_skilled_share_of_skilled": "high_skilled_share_of_skilled",
    "skilled_talent_share_of_employed": "skilled_share_of_employed",
    "subsidized_training_person_times_cumulative": "subsidised_training_person_times",
    "migrant_worker_training_person_times_cumulative": "migrant_worker_training_person_times",
    "public_training_bases_new": "public_training_bases",
    "high_skilled_talent_total": "high_skilled_workers_total",
    "training_person_times_annual": "vocational_training_person_times",
    "dual_post_teacher_share": "dual_post_teacher_share",
    "shared_training_bases": "public_training_bases",
    "sec_voc_teacher_qualification_rate": "sec_voc_teacher_qualification_rate",
    "higher_voc_dual_or_master_teacher_share": "higher_voc_dual_or_master_teacher_share",
    "sec_voc_cert_holding_rate": "sec_voc_graduate_certificate_rate",
    "higher_voc_cert_holding_rate": "higher_voc_graduate_certificate_rate",
    "voc_grad_quality_employment_rate": "voc_graduate_quality_employment_rate",
    "training_reemployment_annual": "reemployment_training_person_times",
    "training_rural_transfer_annual": "rural_practical_training_person_times",
    "higher_voc_per_student_appropriation": "higher_voc_per_student_allocation",
    "modern_demo_sec_voc_schools": "modern_demo_sec_voc_schools",
    "higher_voc_enrollment": "higher_voc_students",
    "voc_group_participation_rate": "voc_group_participation_rate",
    "enterprise_participation_rate": "enterprise_participation_rate",
    "experienced_teacher_share": "experienced_teacher_share",
}
# the inventory's person-times rows for new high-skilled talents (national 14th plan) use another key
UNIT_VARIANTS = {("new_high_skilled_talent", "person_times"): "new_high_skilled_talents_person_times",
                 ("skills_certificates_obtained", "person_times"): "certificates_obtained_person_times"}


def _year(v) -> int | None:
    if v is None or v is pd.NA or (isinstance(v, str) and not v) or (isinstance(v, float) and math.isnan(v)):
        return None
    return int(float(v))


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def run(folder: Path = DEFAULT) -> dict:
    index = list(csv.DictReader((folder / "index.tsv").open(encoding="utf-8"), delimiter="\t"))
    inventory = list(csv.DictReader((folder / "targets_inventory.csv").open(encoding="utf-8")))
    vocab = load_vocabulary()
    per_doc, found_total, drafted_total, noise_total, agree_total = [], 0, 0, 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for doc in index:
            shutil.copy(folder / f"{doc['doc_id']}.txt", work / f"{doc['doc_id']}.txt")
            draft_plan(work / f"{doc['doc_id']}.txt", doc["region"], work / f"{doc['doc_id']}.yaml",
                       plan_id=doc["doc_id"])
        # every draft must load as it is
        cat = indicators.load_catalog([work], env=False, include_drafts=True)
        for doc in index:
            rows = cat.targets[cat.targets["plan"] == doc["doc_id"]]
            drafted = [(_year(r.year), r.value, r.indicator, r.quote) for r in rows.itertuples()]
            used = [False] * len(drafted)
            inv = [r for r in inventory if r["doc_id"] == doc["doc_id"]]
            found = agree = 0
            for r in inv:
                y, v = _year(r["year"]), float(r["value"])
                cands = [k for k, d in enumerate(drafted)
                         if not used[k] and d[0] == y and d[1] is not None and _same(d[1], v)]
                # prefer the drafted entry whose quote holds the inventory's quote
                cands.sort(key=lambda k: r["quote"] not in drafted[k][3] and drafted[k][3] not in r["quote"])
                if cands:
                    used[cands[0]] = True
                    found += 1
                    want = UNIT_VARIANTS.get((r["indicator_key"], r["unit"]), CONCEPTS.get(r["indicator_key"]))
                    agree += drafted[cands[0]][2] == want
            noise = used.count(False)
            per_doc.append({"doc": doc["doc_id"], "targets": len(inv), "found": found, "drafted": len(drafted),
                            "noise": noise, "indicator_agrees": agree})
            found_total += found
            drafted_total += len(drafted)
            noise_total += noise
            agree_total += agree
    covered = sum(1 for r in inventory
                  if UNIT_VARIANTS.get((r["indicator_key"], r["unit"]), CONCEPTS.get(r["indicator_key"])) in vocab)
    return {"per_doc": per_doc, "targets": len(inventory), "found": found_total, "drafted": drafted_total,
            "noise": noise_total, "indicator_agrees": agree_total, "covered": covered}


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else DEFAULT
    r = run(folder)
    print(f"{'document':55} {'targets':>7} {'found':>5} {'drafted':>7} {'noise':>5} {'key ok':>6}")
    for d in r["per_doc"]:
        print(f"{d['doc']:55} {d['targets']:7} {d['found']:5} {d['drafted']:7} {d['noise']:5} {d['indicator_agrees']:6}")
    n = r["targets"]
    print(f"found (recall): {r['found']}/{n} = {r['found'] / n:.1%} (goal >= 90%)")
    print(f"noise: {r['noise']}/{r['drafted']} drafted entries = {r['noise'] / max(1, r['drafted']):.1%} (goal <= 25%)")
    print(f"indicator key as the inventory's concept, among found: {r['indicator_agrees']}/{r['found']} = "
          f"{r['indicator_agrees'] / max(1, r['found']):.1%}")
    print(f"vocabulary coverage: {r['covered']}/{n} = {r['covered'] / n:.1%} of inventory targets have a key "
          f"(goal >= 90%)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
