"""Structured errors: a stable code, a place, zh and en, the value; typed argument errors.

Every code the library uses is in ``ERROR_CODES``, from which the documentation's
table is written; every public callable has type hints that resolve.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import typing
from pathlib import Path

import pytest

import pairing_rules as pr
from pairing_rules._dataset import _CODES
from pairing_rules._errors import ErrorInfo
from pairing_rules.serve._failures import STATUS

REPO = Path(__file__).resolve().parents[1]
SOURCES = [
    p
    for p in [*REPO.glob("src/pairing_rules/**/*.py"), *REPO.glob("packs/*/src/**/*.py")]
    if "_lint" not in p.name and p.name != "_audit.py"
]
#: calls whose ``code`` is an error code (audit findings and lint issues have codes of their own)
ERROR_CALLS = {
    "FieldError",
    "InputError",
    "ErrorDetail",
    "RequestError",
    "InterpretationError",
    "UnknownNameError",
    "plain_error",
}


def codes_in_source() -> dict[str, str]:
    """Every error code written in the source: code → where."""
    found: dict[str, str] = {}
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name not in ERROR_CALLS:
                    continue
                values = [k.value for k in node.keywords if k.arg == "code"]
                if name in ("RequestError", "plain_error") and node.args:
                    values.append(node.args[0])
                for value in values:
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        found[value.value] = f"{path.relative_to(REPO)}:{value.lineno}"
            elif isinstance(node, ast.ClassDef) and node.name.endswith("Error"):
                for item in node.body:
                    if (
                        isinstance(item, ast.Assign)
                        and any(getattr(t, "id", None) == "code" for t in item.targets)
                        and isinstance(item.value, ast.Constant)
                    ):
                        found[item.value.value] = f"{path.relative_to(REPO)}:{item.lineno}"
    return found


def test_every_code_used_is_documented() -> None:
    found = codes_in_source()
    assert len(found) > 30, "the scan must find the codes"
    undocumented = {c: where for c, where in found.items() if c not in pr.ERROR_CODES}
    assert undocumented == {}
    assert set(_CODES.values()) <= set(pr.ERROR_CODES)
    assert set(STATUS) <= set(pr.ERROR_CODES)
    for code, (zh, en, concerns) in pr.ERROR_CODES.items():
        assert zh and en and concerns in ("record", "file", "request", "pack"), code


def test_the_docs_table_lists_every_code() -> None:
    pytest.importorskip("sphinx")
    import importlib.util
    import sys

    ext = REPO / "docs" / "_ext"
    sys.path.insert(0, str(ext))
    try:
        spec = importlib.util.spec_from_file_location(
            "pairing_docs_errors", ext / "pairing_docs" / "_errors.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ext))
    table = module.render_error_codes()
    for code in pr.ERROR_CODES:
        assert f"| `{code}` |" in table
    page = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    assert "```{error-codes}" in page


@pytest.fixture(scope="module")
def pack() -> pr.Pack:
    return pr.get_pack("cangnan2022")


RECORD = {"id": "CN-01", "type": "融合型", "scope": "县域内", "year": 2022, "sync_lessons": 20}


@pytest.mark.parametrize("data", ["abc", b"abc", 42, 4.2, None])
def test_data_of_the_wrong_type_is_a_type_error(pack: pr.Pack, data: object) -> None:
    with pytest.raises(pr.ArgumentTypeError) as caught:
        pr.score(pack, data)  # type: ignore[arg-type]
    error = caught.value
    assert isinstance(error, TypeError)
    assert error.code == "wrong_argument_type" and error.field == "data"
    assert "Dataset" in error.text.en and "记录列表" in error.text.zh
    assert type(data).__name__ in error.text.en
    with pytest.raises(pr.ArgumentTypeError):
        pr.check(pr.get_pack("zhejiang2021"), data)  # type: ignore[arg-type]


def test_a_pack_of_the_wrong_type_is_a_type_error() -> None:
    with pytest.raises(pr.ArgumentTypeError) as caught:
        pr.score("cangnan2022", {"communities": []})  # type: ignore[arg-type]
    assert caught.value.field == "pack"
    with pytest.raises(TypeError):
        pr.audit(None)  # type: ignore[arg-type]
    with pytest.raises(pr.ArgumentTypeError):
        pr.score(pr.get_pack("cangnan2022"), {}, interpretations=["a=b"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "as_of", ["2022-12-31", 20221231, dt.datetime(2022, 12, 31, 10, tzinfo=dt.UTC)]
)
def test_a_check_date_of_the_wrong_type_is_a_type_error(pack: pr.Pack, as_of: object) -> None:
    # it failed deep inside, comparing a milestone's date with it
    with pytest.raises(pr.ArgumentTypeError) as caught:
        pr.check(pack, {"communities": [RECORD]}, as_of=as_of)  # type: ignore[arg-type]
    error = caught.value
    assert (error.code, error.field) == ("wrong_argument_type", "as_of")
    assert "datetime.date" in error.text.zh and type(as_of).__name__ in error.text.en
    report = pr.check(pack, {"communities": [RECORD]}, as_of=dt.date(2022, 12, 31))
    assert report.as_of == dt.date(2022, 12, 31) and report.as_of_given


def test_an_unknown_rubric_is_a_structured_error(pack: pr.Pack) -> None:
    with pytest.raises(pr.UnknownNameError) as caught:
        pr.score(pack, {"communities": [RECORD]}, rubric="nope")
    error = caught.value
    assert isinstance(error, KeyError)  # a lookup by name, as before
    assert (error.code, error.field, error.value) == ("unknown_rubric", "rubric", "nope")
    assert "county" in error.text.zh and "county" in error.text.en
    detail = error.detail()
    assert detail.model_dump(mode="json")["loc"]["field"] == "rubric"
    with pytest.raises(pr.UnknownNameError) as table:
        pr.quota(pr.get_pack("zhejiang2021"), table="nope")
    assert table.value.code == "unknown_quota_table"
    with pytest.raises(pr.NothingToRunError) as nothing:
        pr.quota(pack)
    assert nothing.value.code == "nothing_to_run" and isinstance(nothing.value, ValueError)


@pytest.mark.parametrize(
    ("overrides", "code", "interpretation", "value"),
    [
        (
            {"cangnan2022.grade_basis": "both"},
            "unknown_interpretation_value",
            "cangnan2022.grade_basis",
            "both",
        ),
        ({"cangnan2022.nothing": "x"}, "unknown_interpretation", "cangnan2022.nothing", "x"),
    ],
)
def test_an_interpretation_error_names_the_interpretation_and_the_value(
    pack: pr.Pack, overrides: dict[str, str], code: str, interpretation: str, value: str
) -> None:
    with pytest.raises(pr.InterpretationError) as caught:
        pr.score(pack, {"communities": [RECORD]}, interpretations=overrides)
    error = caught.value
    assert (error.code, error.interpretation, error.value) == (code, interpretation, value)
    assert value in error.text.zh and value in error.text.en


def test_model_instances_are_records_wherever_records_are(pack: pr.Pack) -> None:
    record = pr.CommunityYear.model_validate(RECORD)
    by_dict = pr.score(pack, {"communities": [RECORD]})
    by_model = pr.score(pack, {"communities": [record]})
    assert by_model.rejected == [] and by_model.results == by_dict.results
    assert pr.score(pack, [record]).results == by_dict.results
    twice = pr.score(pack, {"communities": [record, record]})
    assert [e.code for r in twice.rejected for e in r.errors] == ["duplicate_id"]
    # a record of another type is read by its fields
    pair = pr.Pair.model_validate({"id": "P1", "supporter": "甲", "supported": "乙"})
    wrong = pr.score(pack, {"communities": [pair]})
    assert wrong.results == [] and {e.code for e in wrong.rejected[0].errors} >= {"unknown_field"}


def test_record_points_name_the_grade_id(pack: pr.Pack) -> None:
    scorer = pr.Scorer(pack)
    record = pr.CommunityYear.model_validate(RECORD)
    points = scorer.points(record)
    sheet = scorer.score_record(record)
    assert points is not None and sheet is not None
    assert points.grade_id == points.grade == sheet.grade_id
    assert sheet.grade != sheet.grade_id  # a score sheet's grade is the label
    rubric, _items, total, _reach, _grade = points  # still a five-tuple
    assert (rubric, total) == (sheet.rubric, sheet.total)


def _public_callables() -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for name in pr.__all__:
        obj = getattr(pr, name)
        if inspect.isfunction(obj):
            out.append((name, obj))
        elif inspect.isclass(obj):
            out.append((name, obj))
            for attr, value in vars(obj).items():
                if inspect.isfunction(value) and (attr == "__init__" or not attr.startswith("_")):
                    out.append((f"{name}.{attr}", value))
    return out


CALLABLES = _public_callables()


def test_there_are_public_callables() -> None:
    names = {n for n, _ in CALLABLES}
    assert {"score_table", "score", "Scorer.__init__", "Registry.get_pack"} <= names


@pytest.mark.parametrize(("name", "obj"), CALLABLES, ids=[n for n, _ in CALLABLES])
def test_type_hints_resolve(name: str, obj: object) -> None:
    typing.get_type_hints(obj)


@pytest.mark.parametrize(
    ("record", "code"),
    [
        ({**RECORD, "satisfaction": 120}, "value_too_large"),
        ({**RECORD, "sync_lessons": -1}, "value_too_small"),
        ({**RECORD, "colour": "red"}, "unknown_field"),
        ({"id": "X", "scope": "县域内", "year": 2022}, "missing"),
        ({**RECORD, "type": "混合型"}, "not_an_option"),
        ({**RECORD, "sync_lessons": "many"}, "not_an_integer"),
        ({**RECORD, "satisfaction": 0.95}, "percent_fraction"),
        ({**RECORD, "teachers_barrier_free": "maybe"}, "not_yes_no"),
        ("CN-01", "not_a_record"),
    ],
)
def test_each_rejection_has_a_code(pack: pr.Pack, record: object, code: str) -> None:
    report = pr.score(pack, {"communities": [record]})
    (rejection,) = report.rejected
    error = rejection.errors[0]
    assert error.code == code
    assert error.message.zh and error.message.en
    dumped = rejection.model_dump(mode="json")
    assert dumped["errors"][0]["code"] == code and dumped["collection"] == "communities"


def _raised(call: typing.Callable[[], object]) -> ErrorInfo:
    with pytest.raises(ErrorInfo) as caught:
        call()
    return caught.value


def test_errors_arrive_whole_in_another_process(pack: pr.Pack, tmp_path: Path) -> None:
    # an error raised in a Dask worker or a server's worker process is pickled to reach the
    # caller: each arrives with its class, message, code, place and value
    import pickle

    errors = [
        _raised(lambda: pr.score(pack, "abc")),  # type: ignore[arg-type]
        _raised(lambda: pr.score(pack, {"communities": [RECORD]}, rubric="nope")),
        _raised(lambda: pr.quota(pack)),
        _raised(lambda: pr.score(pack, {}, interpretations={"cangnan2022.grade_basis": "x"})),
        _raised(lambda: pr.get_pack("no-such-pack")),
        _raised(lambda: pr.get_pack("cangnan2022==0.0.1")),
        _raised(lambda: pr.read_table(tmp_path / "missing.csv")),
    ]
    kinds = {type(e).__name__ for e in errors}
    assert len(kinds) == len(errors), kinds  # seven kinds of error
    for error in errors:
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error)
        assert str(again) == str(error)
        assert vars(again) == vars(error)
        assert again.detail() == error.detail()
    assert errors[-1].loc is not None and errors[-1].loc.file.endswith("missing.csv")


def test_every_public_exception_is_an_error_info_of_the_public_api() -> None:
    """As docs/errors.md says: one base to catch, every exception with a code and zh/en."""
    assert "ErrorInfo" in pr.__all__ and pr.ErrorInfo is ErrorInfo
    exceptions = [
        getattr(pr, name)
        for name in pr.__all__
        if inspect.isclass(getattr(pr, name)) and issubclass(getattr(pr, name), BaseException)
    ]
    assert {pr.ColumnarError, pr.MissingExtraError} <= set(exceptions)
    assert [e.__name__ for e in exceptions if not issubclass(e, pr.ErrorInfo)] == []


def test_a_rule_the_table_path_cannot_compute_carries_its_code() -> None:
    import pickle

    from pairing_rules._compile_ints import checked

    with pytest.raises(pr.ColumnarError) as caught:
        checked(2**200)
    error = caught.value
    assert isinstance(error, ValueError) and isinstance(error, pr.ErrorInfo)
    assert error.code == "columnar_error" and error.code in pr.ERROR_CODES
    assert "128" in error.text.zh and "128 bits" in error.text.en
    assert not any(word in error.text.zh for word in ("value", "table", "bits"))
    assert error.detail().code == "columnar_error"
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is pr.ColumnarError and again.text == error.text


def test_a_missing_extra_carries_its_code(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from pairing_rules._frames import require

    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(pr.MissingExtraError) as caught:
        require("polars")
    error = caught.value
    assert isinstance(error, ImportError) and isinstance(error, pr.ErrorInfo)
    assert error.code == "missing_extra" and error.code in pr.ERROR_CODES
    assert (error.module, error.extra) == ("polars", "scale")
    assert "缺少 polars" in error.text.zh and "pairing-rules[scale]" in error.text.zh
    assert "polars is missing" in error.text.en and "extra" not in error.text.zh
    assert error.detail().value == "polars"
