"""The JSON contract: every result's JSON is its public model's dump, its schema is published.

For every pack's sample, the command line's ``--format json`` output validates
against ``pairing-rules schema NAME`` and reads back with the model's
``model_validate_json``; the streamed score writer writes the model's dump byte
for byte; every result carries the contract's version.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import pairing_rules as pr
from pairing_rules.io._readers import read_dataset
from pairing_rules.io._report_json import score_report_bytes

from .cli_helpers import Run, run


def cli(*args: str) -> Run:
    """The command line in this process (fast); one test runs it as a subprocess too."""
    import contextlib
    import io

    from pairing_rules.cli._main import run as main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Run(code, out.getvalue(), err.getvalue())


jsonschema = pytest.importorskip("jsonschema")

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted(REPO.glob("packs/*/examples/*.json"))
AS_OF = "2022-12-31"
MODELS: dict[str, Any] = {
    "score": pr.ScoreReport,
    "check": pr.CheckReport,
    "audit": pr.AuditReport,
    "quota": pr.QuotaReport,
    "diff": pr.DiffReport,
}


def _runs() -> list[tuple[str, str, list[str]]]:
    """(id, result name, command line) of every result the samples give."""
    out = []
    for sample in SAMPLES:
        pack = pr.get_pack(sample.parts[-3])
        d = pack.definition
        if d.rubrics:
            out.append((f"{pack.id}-score", "score", ["score", pack.id, str(sample)]))
        if d.requirements or d.group_requirements:
            out.append(
                (f"{pack.id}-check", "check", ["check", pack.id, str(sample), "--as-of", AS_OF])
            )
        out.append((f"{pack.id}-audit", "audit", ["audit", pack.id]))
        if d.quotas:
            out.append((f"{pack.id}-quota", "quota", ["quota", pack.id]))
            out.append((f"{pack.id}-quota-audit", "quota", ["quota", pack.id, "--audit"]))
    out.append(
        ("diff", "diff", ["diff", "zhejiang2019", "zhejiang2021", "--input", str(SAMPLES[-1])])
    )
    return out


RUNS = _runs()


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    out = {}
    for name in MODELS:
        printed = cli("schema", name)
        assert printed.code == 0, printed.err
        schema = json.loads(printed.out)
        jsonschema.Draft202012Validator.check_schema(schema)
        out[name] = schema
    return out


@pytest.mark.parametrize(("name", "command"), [r[1:] for r in RUNS], ids=[r[0] for r in RUNS])
def test_cli_json_is_the_published_contract(
    schemas: dict[str, Any], name: str, command: list[str]
) -> None:
    done = cli(*command, "--format", "json")
    assert done.code == 0, done.err
    data = json.loads(done.out)
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in jsonschema.Draft202012Validator(schemas[name]).iter_errors(data)
    ]
    assert errors == []
    assert data["contract"] == pr.CONTRACT_VERSION
    model = MODELS[name].model_validate_json(done.out)
    # what the model reads back, it writes again: the JSON is exactly its dump
    assert model.model_dump(mode="json") == data


def test_the_streamed_score_report_is_the_models_dump_byte_for_byte(tmp_path: Path) -> None:
    sample = REPO / "packs" / "cangnan2022" / "examples" / "communities-2022.xlsx"
    printed = run("score", "cangnan2022", str(sample), "--format", "json")
    assert printed.code == 0, printed.err
    pack = pr.get_pack("cangnan2022")
    dataset = read_dataset(sample, pack.record_types, pack.collections())
    report = pr.score(pack, dataset).model_copy(update={"notices": dataset.notices})
    assert printed.out.encode("utf-8") == score_report_bytes(report)
    assert printed.out.encode("utf-8") == score_report_bytes(
        pr.ScoreReport.model_validate_json(printed.out)
    )
    # the file --out writes is the same JSON
    out = tmp_path / "report.json"
    assert run("score", "cangnan2022", str(sample), "--out", str(out)).code == 0
    assert json.loads(out.read_bytes()) == json.loads(printed.out)


def test_a_report_with_rejections_reads_back() -> None:
    pack = pr.get_pack("cangnan2022")
    report = pr.score(
        pack,
        {
            "communities": [
                {"id": "A", "type": "融合型", "scope": "县域内", "year": 2022, "satisfaction": 120},
                {"id": "B", "type": "融合型", "scope": "县域内", "year": 2022, "colour": "red"},
                "not a record",
                {"id": "C", "type": "融合型", "scope": "县域内", "year": 2022},
            ]
        },
    )
    data = report.model_dump(mode="json")
    assert [r["errors"][0]["code"] for r in data["rejected"]] == [
        "value_too_large",
        "unknown_field",
        "not_a_record",
    ]
    # the reason is in the model, in its JSON, and read back from it
    assert data["rejected"][0]["reason"]["zh"].startswith("“群众满意度（%）”")
    again = pr.ScoreReport.model_validate_json(json.dumps(data))
    assert again.model_dump(mode="json") == data
    assert again.rejected[1].reason == report.rejected[1].reason
    assert again.results == report.results


def test_numbers_are_json_numbers_in_every_dump() -> None:
    pack = pr.get_pack("zhejiang2021")
    sample = json.loads((REPO / "packs/zhejiang2021/examples/communities-2021.json").read_text())
    report = pr.check(pack, sample, as_of=dt.date(2021, 12, 31))
    data = report.model_dump(mode="json")
    shares = [m["target_share"] for m in data["milestones"] if m["target_share"] is not None]
    assert shares and all(isinstance(s, int | float) for s in shares)
    progress = data["progress"]
    assert isinstance(progress["expected_share"], int | float)
    # 4 places, as the command line always wrote it
    assert progress["observed_share"] == float(report.progress.observed_share)  # type: ignore[union-attr]
    assert report.progress.observed_share == report.progress.observed_share.quantize(  # type: ignore[union-attr]
        Decimal("0.0001")
    )
    again = pr.CheckReport.model_validate(data)
    assert again.milestones == report.milestones
    assert pr.CheckReport.model_validate_json(report.model_dump_json()) == report


def test_a_quota_report_reads_back_under_its_own_keys() -> None:
    pack = pr.get_pack("zhejiang2021")
    for audited in (False, True):
        report = pr.quota(pack, audit_rows=audited)
        data = report.model_dump(mode="json")
        row = data["rows"][0]
        assert report.region_key in row and ("deviation" in row) is audited
        again = pr.QuotaReport.model_validate_json(json.dumps(data))
        assert again.model_dump(mode="json") == data
        assert [r.region for r in again.rows] == [r.region for r in report.rows]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.parts[-3])
def test_each_samples_input_matches_its_packs_input_schema(sample: Path) -> None:
    pack_id = sample.parts[-3]
    printed = cli("schema", f"input:{pack_id}")
    assert printed.code == 0, printed.err
    schema = json.loads(printed.out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(json.loads(sample.read_text(encoding="utf-8")))) == []
    # a misspelt collection or field is refused by the schema, as by the reader
    assert list(validator.iter_errors({"comunities": []}))
    pack = pr.get_pack(pack_id)
    name = pack.collections()[0]
    assert list(validator.iter_errors({name: [{"id": "x", "colour": "red"}]}))


def test_the_schema_command_names_what_it_offers() -> None:
    unknown = cli("schema", "nothing")
    assert unknown.code == 2
    for name in ("score", "check", "input:ID"):
        assert name in unknown.err


@pytest.mark.parametrize("pin", ["==", "@"])
def test_a_pinned_pack(pin: str) -> None:
    pack = pr.get_pack("cangnan2022")
    assert pr.get_pack(f"cangnan2022{pin}{pack.version}") is pack


def test_a_pin_of_another_version_is_refused() -> None:
    with pytest.raises(pr.PackVersionError) as caught:
        pr.get_pack("cangnan2022==1.9.0")
    error = caught.value
    installed = pr.get_pack("cangnan2022").version
    assert (error.code, error.wanted, error.installed) == (
        "pack_version_mismatch",
        "1.9.0",
        installed,
    )
    assert "1.9.0" in error.text.zh and installed in error.text.zh
    assert f"installed at version {installed}" in error.text.en
    done = cli("score", "cangnan2022==1.9.0", str(SAMPLES[0]))
    assert done.code == 2 and installed in done.err and "Traceback" not in done.err
