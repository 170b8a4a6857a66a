"""The real server: ``pairing-rules serve`` in a subprocess, over real HTTP on this machine.

With the server running, the API gives the command line's numbers for every
pack's sample, bad records come back as structured entries, and the OpenAPI
document validates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import pairing_rules as pr

from .cli_helpers import run
from .serve_helpers import multipart, post_json, request

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted(REPO.glob("packs/*/examples/*.json"))
AS_OF = "2022-12-31"


def _cases() -> list[tuple[str, str, Path]]:
    out = []
    for sample in SAMPLES:
        pack = pr.get_pack(sample.parts[-3])
        if pack.definition.rubrics:
            out.append((pack.id, "score", sample))
        if pack.definition.requirements or pack.definition.group_requirements:
            out.append((pack.id, "check", sample))
    return out


CASES = _cases()


@pytest.mark.parametrize(
    ("pack_id", "action", "sample"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_the_api_gives_the_command_lines_numbers(
    live_server: str, pack_id: str, action: str, sample: Path
) -> None:
    extra = ["--as-of", AS_OF] if action == "check" else []
    printed = run(action, pack_id, str(sample), *extra, "--format", "json")
    assert printed.code == 0, printed.err
    expected = json.loads(printed.out)
    body, media = multipart([("as_of", AS_OF)] if extra else [], (sample.name, sample.read_bytes()))
    status, _headers, raw = request(
        f"{live_server}/api/v1/packs/{pack_id}/{action}",
        data=body,
        headers={"content-type": media},
    )
    assert status == 200, raw[:500]
    answer = json.loads(raw)
    if action == "score":
        assert raw == printed.out.encode("utf-8")  # the same writer, the same bytes
        assert [(r["id"], r["total"], r["grade"]) for r in answer["results"]] == [
            (r["id"], r["total"], r["grade"]) for r in expected["results"]
        ]
    else:
        assert answer == expected


def test_bad_records_come_back_structured(live_server: str) -> None:
    records = [
        {"id": "A", "type": "融合型", "scope": "县域内", "year": 2022, "satisfaction": 95},
        {"id": "B", "type": "融合型", "scope": "县域内", "year": 2022, "satisfaction": "很高"},
        {"id": "A", "type": "融合型", "scope": "县域内", "year": 2022},
    ]
    status, answer = post_json(
        f"{live_server}/api/v1/packs/cangnan2022/score", {"data": {"communities": records}}
    )
    assert status == 200
    assert [r["id"] for r in answer["results"]] == ["A"]
    rejected: list[dict[str, Any]] = answer["rejected"]
    assert [(r["index"], r["errors"][0]["code"]) for r in rejected] == [
        (1, "not_a_number"),
        (2, "duplicate_id"),
    ]
    assert rejected[0]["errors"][0]["value"] == "很高"
    status, error = post_json(f"{live_server}/api/v1/packs/nope/score", {"data": {}})
    assert status == 404 and error["error"]["code"] == "unknown_pack"


def test_the_openapi_document_validates(live_server: str) -> None:
    from openapi_spec_validator import validate

    status, _headers, raw = request(f"{live_server}/api/v1/openapi.json")
    assert status == 200
    document = json.loads(raw)
    validate(document)
    assert document["openapi"].startswith("3.1")
    status, headers, _page = request(f"{live_server}/")
    assert status == 200 and "text/html" in headers["content-type"]
    assert "default-src 'self'" in headers["content-security-policy"]


def test_an_error_in_a_worker_process_comes_back_structured(live_server: str) -> None:
    # the upload is read in a worker process: its error arrives whole, naming the user's file
    body, media = multipart([], ("我的填报.xlsx", b"PK\x03\x04 not a workbook"))
    status, _headers, raw = request(
        f"{live_server}/api/v1/packs/cangnan2022/score",
        data=body,
        headers={"content-type": media},
    )
    error = json.loads(raw)["error"]
    assert status == 422, raw[:500]
    assert error["loc"]["file"] == "我的填报.xlsx"
    assert "Excel" in error["message"]["zh"] and "Traceback" not in raw.decode("utf-8")
    # an unknown rubric is found where the scorer is made: in the worker process
    status, answer = post_json(
        f"{live_server}/api/v1/packs/cangnan2022/score",
        {"data": {"communities": []}, "rubric": "nope"},
    )
    assert status == 422, answer
    assert (answer["error"]["code"], answer["error"]["value"]) == ("unknown_rubric", "nope")
