"""The web page at ``/``: choose a pack, fill its template, upload it, read and download the report.

Chinese first, English with ``?lang=en``.  The page is rendered here (Jinja2,
every value escaped); its script (``static/app.js``) sends the upload to the
REST API and shows the report the API returns: the same HTML page as
``pairing-rules score --out report.html``, in a sandboxed frame.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from .._i18n import Lang
from .._pack import Pack
from .._registry import Registry

TEMPLATES: Final = Path(__file__).with_name("templates")

#: the page's texts
TEXTS: Final[dict[str, dict[str, str]]] = {
    "zh": {
        "title": "结对帮扶与教共体规则评分",
        "lead": "选择规则包，下载填报模板，在 Excel 或 WPS 中填写后上传，即可查看并下载评分或检查报告。"
        "上传的文件只在本次处理时使用，处理完即删除，不会保存。",
        "switch": "English",
        "pack": "规则包",
        "choose": "选择",
        "step1": "1. 下载填报模板",
        "template": "下载填报模板（.xlsx）",
        "step2": "2. 上传填好的文件",
        "file": "文件（.xlsx、.xls、.ods、.csv 或 .json）",
        "step3": "3. 解释口径（可不改，已选默认值）",
        "no_interpretations": "本规则包没有需要选择的解释口径。",
        "default": "默认",
        "rationale": "理由",
        "quote": "原文",
        "rubric": "考核细则",
        "rubric_auto": "按记录的结对范围自动选择",
        "as_of": "检查日期",
        "outside_period": "年度在适用期（{period}）以外的记录也处理（默认不处理）",
        "score": "评分",
        "check": "检查",
        "working": "正在处理……",
        "result": "结果",
        "records": "已处理记录",
        "rejected": "未处理的记录",
        "rejected_none": "所有记录都已处理。",
        "sheet": "工作表",
        "row": "行",
        "column": "列",
        "field": "字段",
        "message": "说明",
        "notices": "文件提示",
        "report": "报告",
        "download": "下载报告",
        "error": "出错了",
        "document": "文件",
        "no_pack": "没有已安装的规则包。",
        "script": "本页需要启用 JavaScript。",
        # punctuation, as each language writes it
        "colon": "：",
        "open": "（",
        "close": "）",
        "semicolon": "；",
        "quote_open": "「",
        "quote_close": "」",
    },
    "en": {
        "title": "School-pairing rules: scoring and checks",
        "lead": "Choose a pack, download its template, fill it in Excel or WPS, upload it, then read "
        "and download the report. An upload is used for this request only and deleted at once; "
        "nothing is kept.",
        "switch": "中文",
        "pack": "Pack",
        "choose": "Choose",
        "step1": "1. Download the template",
        "template": "Download the template (.xlsx)",
        "step2": "2. Upload the filled file",
        "file": "File (.xlsx, .xls, .ods, .csv or .json)",
        "step3": "3. Interpretations (the defaults are chosen)",
        "no_interpretations": "This pack has no interpretation to choose.",
        "default": "default",
        "rationale": "Why",
        "quote": "Text",
        "rubric": "Rubric",
        "rubric_auto": "by each record's scope",
        "as_of": "Date of the check",
        "outside_period": "Also process records of a year outside the period ({period}); "
        "they are rejected by default",
        "score": "Score",
        "check": "Check",
        "working": "Working…",
        "result": "Result",
        "records": "Records processed",
        "rejected": "Rejected records",
        "rejected_none": "Every record was processed.",
        "sheet": "sheet",
        "row": "row",
        "column": "column",
        "field": "field",
        "message": "message",
        "notices": "About the file",
        "report": "Report",
        "download": "Download the report",
        "error": "Error",
        "document": "Document",
        "no_pack": "No pack is installed.",
        "script": "This page needs JavaScript.",
        "colon": ": ",
        "open": " (",
        "close": ")",
        "semicolon": "; ",
        "quote_open": "“",
        "quote_close": "”",
    },
}


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )


def _interpretations(pack: Pack, lang: Lang) -> list[dict[str, Any]]:
    out = []
    for i in pack.definition.interpretations:
        out.append(
            {
                "id": i.id,
                "label": i.label.get(lang),
                "default": i.default,
                "options": [
                    {
                        "value": a.value,
                        "label": a.label.get(lang),
                        "default": a.value == i.default,
                    }
                    for a in i.alternatives
                ],
                "rationale": i.rationale.get(lang) if i.rationale is not None else "",
                "section": i.source.section if i.source is not None else "",
                "quote": i.source.quote if i.source is not None else "",
            }
        )
    return out


def _fields(pack: Pack, lang: Lang) -> dict[str, dict[str, Any]]:
    """What the page calls each collection and each field it may name in a rejected row
    (``{"communities": {"noun": "教共体", "labels": {"sync_lessons": "城乡同步课堂节数"}}}``)."""
    from .._models import field_label

    return {
        name: {
            "noun": model.NOUN.get(lang),
            "labels": {key: field_label(model, key, lang) for key in model.model_fields},
        }
        for name, model in pack.record_types.items()
    }


def render_page(registry: Registry, lang: Lang, pack_id: str | None) -> str:
    """The page, in ``lang``, with ``pack_id`` chosen (default: the first pack)."""
    packs = registry.list_packs()
    chosen = next((p for p in packs if p.id == pack_id), packs[0] if packs else None)
    context: dict[str, Any] = {
        "lang": lang,
        "other": "en" if lang == "zh" else "zh",
        "t": TEXTS[lang],
        "packs": [{"id": p.id, "label": p.definition.label.get(lang)} for p in packs],
        "pack": None,
    }
    if chosen is not None:
        d = chosen.definition
        context["pack"] = {
            "id": chosen.id,
            "ref": chosen.ref,
            "label": d.label.get(lang),
            "title": chosen.document.title,
            "doc_number": chosen.document.doc_number or "",
            "interpretations": _interpretations(chosen, lang),
            "rubrics": [{"id": r.id, "label": r.label.get(lang)} for r in d.rubrics],
            "can_score": bool(d.rubrics),
            "can_check": bool(d.requirements or d.group_requirements),
            # an open period holds every year: no choice to offer
            "period": None if chosen.period.open else chosen.period.render(lang, written=True),
            "reads": bool(chosen.collections()),
            "fields": _fields(chosen, lang),
        }
    return str(_environment().get_template("index.html.j2").render(**context))


def make_web_router(registry: Registry) -> APIRouter:
    """The page's route."""
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def page(
        lang: Annotated[str, Query()] = "zh",
        pack: Annotated[str | None, Query()] = None,
    ) -> HTMLResponse:
        return HTMLResponse(render_page(registry, "en" if lang == "en" else "zh", pack))

    return router
