"""The REST API, in process (Starlette's test client): every route, its errors and its limits.

A score's JSON is byte for byte what ``pairing-rules score --format json`` writes
for the same file; a request wrong as a whole is a 4xx with the structured
error; rejected records come back in a 200 answer; nothing is left behind.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("python_multipart")
from fastapi.testclient import TestClient

import pairing_rules as pr
from pairing_rules.serve import Settings, create_app

from .cli_helpers import run

REPO = Path(__file__).resolve().parents[1]
CANGNAN_XLSX = REPO / "packs" / "cangnan2022" / "examples" / "communities-2022.xlsx"
SAMPLES = {p.parts[-3]: p for p in sorted(REPO.glob("packs/*/examples/*.json"))}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD = {"id": "CN-01", "type": "融合型", "scope": "县域内", "year": 2022, "sync_lessons": 20}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(max_bytes=2_000_000, max_records=500))) as c:
        yield c


@pytest.fixture
def temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The requests' temporary folders go here, so that a test can see them gone."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert body["contract"] == pr.CONTRACT_VERSION
    error = body["error"]
    assert error["code"] in pr.ERROR_CODES
    assert error["message"]["zh"] and error["message"]["en"]
    return dict(error)


def test_packs_and_a_packs_detail(client: TestClient) -> None:
    listed = client.get("/api/v1/packs").json()
    assert [p["id"] for p in listed["packs"]] == [p.id for p in pr.list_packs()]
    detail = client.get("/api/v1/packs/cangnan2022").json()
    pr.PackDetail.model_validate(detail)
    basis = next(i for i in detail["interpretations"] if i["id"] == "cangnan2022.grade_basis")
    assert basis["alternatives"] and basis["rationale"]["zh"] and basis["source"]["quote"]
    assert detail["input_schema"]["properties"]["communities"]["type"] == "array"
    assert {r["id"] for r in detail["rubrics"]} == {"county", "cross_region"}
    missing = client.get("/api/v1/packs/nowhere")
    assert missing.status_code == 404 and error_of(missing)["code"] == "unknown_pack"


def test_an_uploaded_workbook_scores_as_the_command_line_does(
    client: TestClient, temporary: Path
) -> None:
    with CANGNAN_XLSX.open("rb") as f:
        answer = client.post(
            "/api/v1/packs/cangnan2022/score",
            files={"file": ("communities-2022.xlsx", f)},
            data={"set": ["cangnan2022.grade_basis=scaled"]},
        )
    assert answer.status_code == 200, answer.text
    printed = run(
        "score",
        "cangnan2022",
        str(CANGNAN_XLSX),
        "--set",
        "cangnan2022.grade_basis=scaled",
        "--format",
        "json",
    )
    assert answer.content == printed.out.encode("utf-8")
    assert list(temporary.iterdir()) == []  # the upload's folder is gone


@pytest.mark.parametrize("pack_id", sorted(SAMPLES))
def test_json_input_gives_the_command_lines_numbers(client: TestClient, pack_id: str) -> None:
    pack = pr.get_pack(pack_id)
    data = json.loads(SAMPLES[pack_id].read_text(encoding="utf-8"))
    if pack.definition.rubrics:
        answer = client.post(f"/api/v1/packs/{pack_id}/score", json={"data": data})
        assert answer.status_code == 200, answer.text
        expected = pr.score(pack, data).model_dump(mode="json")
        assert answer.json() == expected
    if pack.definition.requirements or pack.definition.group_requirements:
        answer = client.post(
            f"/api/v1/packs/{pack_id}/check", json={"data": data, "as_of": "2022-12-31"}
        )
        assert answer.status_code == 200, answer.text
        import datetime as dt

        expected = pr.check(pack, data, as_of=dt.date(2022, 12, 31)).model_dump(mode="json")
        assert answer.json() == expected


def test_rejected_records_come_back_structured_beside_the_scored_ones(
    client: TestClient,
) -> None:
    records = [
        GOOD,
        {**GOOD, "id": "CN-02", "satisfaction": 120},
        {**GOOD, "id": "CN-03", "colour": "red"},
    ]
    answer = client.post("/api/v1/packs/cangnan2022/score", json={"data": {"communities": records}})
    assert answer.status_code == 200
    body = answer.json()
    assert [r["id"] for r in body["results"]] == ["CN-01"]
    errors = [
        (r["index"], r["errors"][0]["code"], r["errors"][0]["field"]) for r in body["rejected"]
    ]
    assert errors == [(1, "value_too_large", "satisfaction"), (2, "unknown_field", "colour")]
    assert body["rejected"][0]["errors"][0]["value"] == "120"


def test_a_record_outside_the_period_is_scored_only_when_asked(client: TestClient) -> None:
    # cangnan2022 holds for 2022 (its document's period): a 2025 record is rejected, naming the
    # period, unless the request asks for it (a JSON key, a form field or a query parameter)
    records = [GOOD, {**GOOD, "id": "CN-25", "year": 2025}]
    url = "/api/v1/packs/cangnan2022/score"
    plain = client.post(url, json={"data": {"communities": records}}).json()
    assert [r["id"] for r in plain["results"]] == ["CN-01"]
    [rejected] = plain["rejected"]
    assert (rejected["id"], rejected["errors"][0]["code"]) == ("CN-25", "outside_period")
    assert "2022" in rejected["errors"][0]["message"]["zh"]
    asked = client.post(url, json={"data": {"communities": records}, "outside_period": True})
    sheets = {r["id"]: r for r in asked.json()["results"]}
    assert sheets["CN-25"]["period"]["status"] == "outside"
    assert sheets["CN-25"]["total"] == sheets["CN-01"]["total"]  # the same numbers, another year
    by_query = client.post(
        url + "?outside_period=true", json={"data": {"communities": records}}
    ).json()
    assert [r["id"] for r in by_query["results"]] == ["CN-01", "CN-25"]
    csv = "id,type,scope,year,sync_lessons\nCN-01,融合型,县域内,2022,20\nCN-25,融合型,县域内,2025,20\n"
    by_form = client.post(
        url, files={"file": ("in.csv", csv.encode("utf-8"))}, data={"outside_period": "true"}
    ).json()
    assert [r["id"] for r in by_form["results"]] == ["CN-01", "CN-25"]
    checked = client.post(
        "/api/v1/packs/cangnan2022/check",
        json={"data": {"communities": records}, "outside_period": True, "as_of": "2022-12-31"},
    ).json()
    assert {r["id"] for r in checked["results"]} == {"CN-01", "CN-25"}


def test_a_bad_row_of_an_uploaded_csv_is_named_by_row_and_column(client: TestClient) -> None:
    text = "id,type,scope,year,satisfaction\nA,融合型,县域内,2022,90\nB,融合型,县域内,2022,150\n"
    answer = client.post(
        "/api/v1/packs/cangnan2022/score",
        files={"file": ("填报.csv", io.BytesIO(text.encode("utf-8")), "text/csv")},
    )
    assert answer.status_code == 200
    (rejected,) = answer.json()["rejected"]
    assert rejected["loc"] == {"file": "填报.csv", "sheet": None, "row": 3, "column": None}
    assert rejected["errors"][0]["column"] == "E"
    assert rejected["errors"][0]["code"] == "value_too_large"


@pytest.mark.parametrize(
    ("query", "headers", "media"),
    [
        ("?format=xlsx", {}, XLSX),
        ("?format=html", {}, "text/html"),
        ("", {"accept": XLSX}, XLSX),
        ("", {"accept": "text/html"}, "text/html"),
        ("", {"accept": "*/*"}, "application/json"),
    ],
)
def test_reports_by_format_or_accept(
    client: TestClient, query: str, headers: dict[str, str], media: str
) -> None:
    with CANGNAN_XLSX.open("rb") as f:
        answer = client.post(
            f"/api/v1/packs/cangnan2022/score{query}",
            files={"file": ("communities-2022.xlsx", f)},
            headers=headers,
        )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(media)
    if media == XLSX:
        assert answer.content[:2] == b"PK"
        assert "filename*=UTF-8''cangnan2022-" in answer.headers["content-disposition"]
    if media == "text/html":
        assert "<html" in answer.text and "CN-" in answer.text


def test_check_reports_and_the_template(client: TestClient) -> None:
    data = json.loads(SAMPLES["zhejiang2021"].read_text(encoding="utf-8"))
    html = client.post(
        "/api/v1/packs/zhejiang2021/check?format=html&lang=en",
        json={"data": data, "as_of": "2021-12-31"},
    )
    assert html.status_code == 200 and "Check report" in html.text
    template = client.get("/api/v1/packs/cangnan2022/template")
    assert template.status_code == 200 and template.content[:2] == b"PK"


def test_audit_and_quota(client: TestClient) -> None:
    audit = client.get("/api/v1/packs/cangnan2022/audit")
    assert audit.json() == pr.audit(pr.get_pack("cangnan2022")).model_dump(mode="json")
    quota = client.get("/api/v1/packs/zhejiang2021/quota", params={"audit": "true"})
    assert quota.json() == pr.quota(pr.get_pack("zhejiang2021"), audit_rows=True).model_dump(
        mode="json"
    )
    bad = client.get("/api/v1/packs/zhejiang2021/quota", params={"set": "nothing=1"})
    assert bad.status_code == 422 and error_of(bad)["code"] == "unknown_interpretation"


def test_an_interpretation_changes_the_score(client: TestClient) -> None:
    short = {**GOOD, "sync_lessons": 15, "sync_subjects": 2}

    def total(overrides: dict[str, str]) -> Any:
        answer = client.post(
            "/api/v1/packs/cangnan2022/score",
            json={"data": {"communities": [short]}, "interpretations": overrides},
        )
        return answer.json()["results"][0]["total"]

    assert total({}) == 0
    assert total({"cangnan2022.partial_credit": "proportional"}) == 22.5


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"json": {"data": {"communities": [GOOD]}, "rubric": "nope"}}, 422, "unknown_rubric"),
        (
            {
                "json": {
                    "data": {"communities": [GOOD]},
                    "interpretations": {"cangnan2022.grade_basis": "x"},
                }
            },
            422,
            "unknown_interpretation_value",
        ),
        ({"json": {"data": {"comunities": [GOOD]}}}, 422, "unknown_collection"),
        ({"json": {"data": [GOOD]}}, 400, "invalid_request"),
        ({"json": {"records": {}}}, 400, "invalid_request"),
        ({"content": b"{", "headers": {"content-type": "application/json"}}, 400, "not_json"),
        (
            {"content": b"id,type", "headers": {"content-type": "text/csv"}},
            415,
            "unsupported_media_type",
        ),
        ({"files": {"file": ("run.exe", b"MZ")}}, 415, "unsupported_file_type"),
        ({"files": {"file": ("empty.csv", b"")}}, 422, "no_records"),
        ({"files": {"file": ("bad.json", b"{")}}, 400, "not_json"),
        (
            {"files": {"file": ("c.csv", b"id\nA\n")}, "data": {"set": "grade_basis"}},
            422,
            "bad_assignment",
        ),
        (
            {"json": {"data": {"communities": [GOOD]}, "as_of": "tomorrow"}},
            400,
            "invalid_request",
        ),
        (
            {"json": {"data": {"communities": [GOOD]}, "outside_period": "maybe"}},
            400,
            "wrong_argument_type",
        ),
    ],
)
def test_a_request_wrong_as_a_whole(
    client: TestClient, kwargs: dict[str, Any], status: int, code: str
) -> None:
    answer = client.post("/api/v1/packs/cangnan2022/score", **kwargs)
    assert answer.status_code == status, answer.text
    error = error_of(answer)
    assert error["code"] == code
    assert "Traceback" not in answer.text


def test_an_upload_error_names_the_users_file_not_the_servers(client: TestClient) -> None:
    answer = client.post(
        "/api/v1/packs/cangnan2022/score", files={"file": ("我的填报.json", b"[1, 2")}
    )
    error = error_of(answer)
    assert error["loc"]["file"] == "我的填报.json"
    assert tempfile.gettempdir() not in answer.text


def test_an_unknown_format_and_an_unknown_route(client: TestClient) -> None:
    answer = client.post(
        "/api/v1/packs/cangnan2022/score?format=pdf", json={"data": {"communities": [GOOD]}}
    )
    assert answer.status_code == 406 and error_of(answer)["code"] == "unsupported_format"
    missing = client.get("/api/v1/nothing")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"


def test_limits_of_size_and_records() -> None:
    app = create_app(Settings(max_bytes=4_000, max_records=2))
    with TestClient(app) as small:
        many = {"communities": [{**GOOD, "id": f"C{n}"} for n in range(3)]}
        answer = small.post("/api/v1/packs/cangnan2022/score", json={"data": many})
        assert answer.status_code == 413
        error = error_of(answer)
        assert error["code"] == "too_many_records" and "2" in error["message"]["zh"]
        text = "id,type,scope,year\n" + "".join(f"C{n},融合型,县域内,2022\n" for n in range(3))
        upload = small.post(
            "/api/v1/packs/cangnan2022/score", files={"file": ("c.csv", text.encode())}
        )
        assert upload.status_code == 413 and error_of(upload)["code"] == "too_many_records"
        big = small.post(
            "/api/v1/packs/cangnan2022/score",
            files={"file": ("big.csv", b"id,type\n" + b"x" * 10_000)},
        )
        assert big.status_code == 413
        error = error_of(big)
        assert error["code"] == "request_too_large" and "4000 bytes" in error["message"]["en"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: the body is counted as it comes
            yield b'{"data": {"communities": ['
            for _ in range(1000):
                yield b'{"id": "A"},'
            yield b"]}}"

        streamed = small.post(
            "/api/v1/packs/cangnan2022/score",
            content=chunks(),
            headers={"content-type": "application/json"},
        )
        assert streamed.status_code == 413 and error_of(streamed)["code"] == "request_too_large"


def test_the_openapi_document_uses_the_published_schemas(client: TestClient) -> None:
    from openapi_spec_validator import validate

    from pairing_rules._result_schema import model_schema

    document = client.get("/api/v1/openapi.json").json()
    validate(document)
    schemas = document["components"]["schemas"]
    published = model_schema(pr.ScoreReport)
    for name, schema in published.pop("$defs").items():
        assert (
            json.loads(json.dumps(schemas[name]).replace("components/schemas", "$defs")) == schema
        )
    assert json.loads(
        json.dumps(schemas["ScoreReport"]).replace("components/schemas", "$defs")
    ) == (published)
    score = document["paths"]["/api/v1/packs/{pack_id}/score"]["post"]
    assert set(score["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert score["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ScoreReport"
    }
    assert score["responses"]["413"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorResponse"
    }


def test_scoring_on_a_pack_without_a_rubric_is_refused(client: TestClient) -> None:
    """As score() refuses it: the records are not passed over in an empty 200 answer."""
    record = {"id": "SX-01", "type": "融合型", "scope": "县域内", "year": 2021}
    with pytest.raises(pr.NothingToRunError):
        pr.score(pr.get_pack("zhejiang2021"), {"communities": [record]})
    answer = client.post(
        "/api/v1/packs/zhejiang2021/score", json={"data": {"communities": [record]}}
    )
    assert answer.status_code == 422
    error = error_of(answer)
    assert error["code"] == "nothing_to_run" and error["value"] == "zhejiang2021"
    upload = client.post(
        "/api/v1/packs/zhejiang2021/score",
        files={"file": ("records.json", json.dumps({"communities": [record]}).encode())},
    )
    assert upload.status_code == 422 and error_of(upload)["code"] == "nothing_to_run"


def test_a_form_the_parser_refuses_is_answered_in_chinese_too(client: TestClient) -> None:
    two = client.post(
        "/api/v1/packs/cangnan2022/score",
        files=[("file", ("a.json", b"{}")), ("file", ("b.json", b"{}"))],
    )
    no_boundary = client.post(
        "/api/v1/packs/cangnan2022/score",
        content=b"x",
        headers={"content-type": "multipart/form-data"},
    )
    for answer in (two, no_boundary):
        assert answer.status_code == 400
        error = error_of(answer)
        assert error["code"] == "invalid_request"
        assert "上传的表单无法读取" in error["message"]["zh"]
        # the parser's own sentence is English: it stays out of the Chinese message
        assert not re.search("[A-Za-z]{4,}", error["message"]["zh"].replace("file", ""))
        assert "cannot be read" in error["message"]["en"]


def test_the_openapi_document_keeps_the_422_answers(client: TestClient) -> None:
    """An unknown interpretation, rubric or quota table is answered 422: the document says so."""
    document = client.get("/api/v1/openapi.json").json()
    assert "HTTPValidationError" not in json.dumps(document)
    error = {"$ref": "#/components/schemas/ErrorResponse"}
    for path, method in (
        ("/api/v1/packs/{pack_id}/score", "post"),
        ("/api/v1/packs/{pack_id}/check", "post"),
        ("/api/v1/packs/{pack_id}/audit", "get"),
        ("/api/v1/packs/{pack_id}/quota", "get"),
    ):
        responses = document["paths"][path][method]["responses"]
        assert responses["422"]["content"]["application/json"]["schema"] == error, path
        assert responses["400"]["content"]["application/json"]["schema"] == error, path
    answer = client.get("/api/v1/packs/zhejiang2021/quota", params={"table": "nope"})
    assert answer.status_code == 422 and error_of(answer)["code"] == "unknown_quota_table"


def test_the_page_and_its_assets(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "结对帮扶" in page.text and 'lang="zh-CN"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "http://" not in page.text and "https://" not in page.text
    english = client.get("/", params={"lang": "en", "pack": "zhejiang2021"})
    assert 'lang="en"' in english.text and 'data-pack="zhejiang2021"' in english.text
    for asset in ("/static/app.js", "/static/app.css"):
        assert client.get(asset).status_code == 200
    # a pack in force for a while offers to process the records of other years; one for any
    # year (hunan2016) has nothing to offer
    dated = client.get("/", params={"pack": "cangnan2022"}).text
    # the period as people write dates: 2022年1月1日 in Chinese
    assert 'id="outside_period"' in dated
    assert "适用期（2022年1月1日 至 2022年12月31日）以外" in dated
    in_english = client.get("/", params={"pack": "cangnan2022", "lang": "en"}).text
    assert "outside the period (2022-01-01 to 2022-12-31)" in in_english
    assert 'id="outside_period"' not in client.get("/", params={"pack": "hunan2016"}).text
    hostile = client.get("/", params={"pack": "<script>alert(1)</script>"})
    assert "<script>alert(1)" not in hostile.text


def test_the_page_names_a_rejected_rows_field_by_its_label(client: TestClient) -> None:
    import html
    import re

    def fields(lang: str) -> dict[str, Any]:
        page = client.get("/", params={"pack": "cangnan2022", "lang": lang}).text
        found = re.search(r'<script type="application/json" id="fields">(.*?)</script>', page)
        assert found is not None
        return dict(json.loads(html.unescape(found.group(1))))

    chinese, english = fields("zh"), fields("en")
    assert chinese["communities"]["noun"] == "教共体"
    assert chinese["communities"]["labels"]["satisfaction"] == "群众满意度（%）"
    assert chinese["communities"]["labels"]["type"] == "教共体模式"
    assert english["communities"]["labels"]["type"] == "community type"
    script = client.get("/static/app.js").text
    assert "cell(row, fieldLabel(record.collection, error.field));" in script


PACK_ROUTES = (
    ("/api/v1/packs/{pack_id}", "get"),
    ("/api/v1/packs/{pack_id}/score", "post"),
    ("/api/v1/packs/{pack_id}/check", "post"),
    ("/api/v1/packs/{pack_id}/audit", "get"),
    ("/api/v1/packs/{pack_id}/quota", "get"),
    ("/api/v1/packs/{pack_id}/template", "get"),
)


def test_the_openapi_document_declares_a_pinned_packs_409(client: TestClient) -> None:
    """A pack id may pin a version (``cangnan2022==1.0.0``): another one installed is a 409."""
    answer = client.get("/api/v1/packs/cangnan2022==1.0.0")
    assert answer.status_code == 409 and error_of(answer)["code"] == "pack_version_mismatch"
    document = client.get("/api/v1/openapi.json").json()
    error = {"$ref": "#/components/schemas/ErrorResponse"}
    for path, method in PACK_ROUTES:
        responses = document["paths"][path][method]["responses"]
        assert responses["409"]["content"]["application/json"]["schema"] == error, path
    template = document["paths"]["/api/v1/packs/{pack_id}/template"]["get"]["responses"]
    assert template["422"]["content"]["application/json"]["schema"] == error


def test_the_openapi_document_declares_the_query_options(client: TestClient) -> None:
    """score and check read set, rubric, as_of and outside_period from the query too."""
    document = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/packs/{pack_id}/score", "/api/v1/packs/{pack_id}/check"):
        parameters = {
            p["name"]: p
            for p in document["paths"][path]["post"]["parameters"]
            if p["in"] == "query"
        }
        assert set(parameters) >= {"format", "lang", "set", "rubric", "as_of", "outside_period"}
        assert parameters["set"]["schema"]["type"] == "array" and parameters["set"]["explode"]
        assert parameters["as_of"]["schema"] == {"type": "string", "format": "date"}
        assert parameters["outside_period"]["schema"]["type"] == "boolean"
        assert all(not p["required"] for p in parameters.values())
    # as the document says: an option given as a query parameter is used
    answer = client.post(
        "/api/v1/packs/cangnan2022/score?rubric=nope", json={"data": {"communities": [GOOD]}}
    )
    assert answer.status_code == 422 and error_of(answer)["code"] == "unknown_rubric"


@pytest.mark.parametrize(
    ("method", "route"),
    [("post", "score"), ("post", "check"), ("get", "template")],
)
def test_an_unsupported_language_is_refused(client: TestClient, method: str, route: str) -> None:
    """lang=fr was answered in Chinese, as if it had not been given."""
    kwargs: dict[str, Any] = {"json": {"data": {"communities": [GOOD]}}} if method == "post" else {}
    answer = getattr(client, method)(f"/api/v1/packs/cangnan2022/{route}?lang=fr", **kwargs)
    assert answer.status_code == 400, answer.text
    error = error_of(answer)
    assert error["code"] == "invalid_request"
    assert error["loc"]["field"] == "lang" and error["value"] == "fr"
    for message in error["message"].values():
        assert "lang" in message and "zh" in message and "en" in message
    english = getattr(client, method)(f"/api/v1/packs/cangnan2022/{route}?lang=en", **kwargs)
    assert english.status_code == 200


def test_the_openapi_document_names_the_languages(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for path, method in PACK_ROUTES[1:3] + PACK_ROUTES[-1:]:
        (lang,) = [p for p in document["paths"][path][method]["parameters"] if p["name"] == "lang"]
        assert lang["schema"]["enum"] == ["zh", "en"], path


def test_a_parsers_english_stays_out_of_the_chinese_message(client: TestClient) -> None:
    """The JSON parser's and the parameter validator's sentences are English: only in ``en``."""
    not_json = client.post(
        "/api/v1/packs/cangnan2022/score",
        content=b'{"data": {\n  "communities": [}}',
        headers={"content-type": "application/json"},
    )
    assert not_json.status_code == 400
    error = error_of(not_json)
    assert error["code"] == "not_json"
    assert error["message"]["zh"] == "请求体不是有效的 JSON（第 2 行第 19 列）"
    assert "line 2" in error["message"]["en"]
    wrong = client.get("/api/v1/packs/zhejiang2021/quota", params={"audit": "maybe"})
    assert wrong.status_code == 400
    error = error_of(wrong)
    assert error["code"] == "invalid_request" and error["loc"]["field"] == "audit"
    assert error["message"]["zh"] == "请求参数 audit 的取值 'maybe' 无效"
    assert "valid boolean" in error["message"]["en"]
    for answer in (not_json, wrong):
        zh = error_of(answer)["message"]["zh"]
        zh = zh.replace("JSON", "").replace("audit", "").replace("maybe", "")
        assert not re.search("[A-Za-z]{3,}", zh), zh
