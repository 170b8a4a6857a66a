"""pairing-rules: school-pairing policy documents as versioned, cited, testable rule packs.

The public API is what ``__all__`` lists; everything in a module whose name
starts with ``_`` is private.

>>> import pairing_rules
>>> pairing_rules.CommunityType("融合性") is pairing_rules.CommunityType.FUSION
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from ._aggregate import Aggregation, aggregate_log
    from ._audit import AuditFinding, Conflict
    from ._columnar import TableScorer, TableScores, score_table
    from ._columnar_check import TableChecker, TableChecks, check_table
    from ._compile_ints import ColumnarError
    from ._conditions import Condition, ConditionResult
    from ._dataset import Dataset, FieldError, Rejection, load_dataset, validate_records
    from ._definition import Fact, PackDefinition, PythonSpec
    from ._diff import DiffReport, TopicChange, diff
    from ._engine import (
        AuditReport,
        CheckReport,
        QuotaReport,
        RecordCheck,
        RequirementCheck,
        audit,
        check,
        quota,
    )
    from ._enums import AssistanceForm, CommunityType, Locale, Scope, Stage, VerificationLevel
    from ._errors import InputError
    from ._frames import MissingExtraError, records_frame
    from ._hookspecs import hookimpl, hookspec
    from ._i18n import Lang, Text
    from ._interpretations import (
        Alternative,
        Choices,
        Interpretation,
        InterpretationError,
        InterpretationUse,
        parse_assignments,
    )
    from ._milestones import Milestone, MilestoneState, MilestoneStatus, Progress
    from ._models import (
        Agreement,
        Community,
        CommunityYear,
        Limit,
        Pair,
        Record,
        Region,
        School,
        field_label,
        labelled_field,
        record_key,
    )
    from ._numbers import Rounding, round_to
    from ._pack import Origin, Pack, PackError, Provenance, load_pack, pack_from_data
    from ._provenance import Document, Source, normalize_quote
    from ._quota import PrintedSum, QuotaFormula, QuotaRow, QuotaTable
    from ._registry import (
        AUTOLOAD_ENV,
        CHOOSE_ENV,
        ENTRY_POINT_GROUP,
        PackConflictError,
        PackLoadError,
        PluginError,
        Registry,
        UnknownPackError,
        get_pack,
        list_packs,
        make_plugin_manager,
        plugin_errors,
    )
    from ._requirements import Evidence, Finding, GroupRequirement, Requirement, Status
    from ._results import ItemResult, ScoreSheet, VetoHit
    from ._rubric import (
        AdjustmentItem,
        BonusItem,
        Grade,
        GradeScheme,
        RatioItem,
        Rubric,
        ThresholdItem,
        TimelinessItem,
        Veto,
    )
    from ._rules import Provision, Reading
    from ._scoring import Explanation, RecordPoints, Scorer, ScoreReport, score
    from ._synthetic import synthetic_activity_log, synthetic_communities, synthetic_community_years
    from ._tables import Recount, StatedFigure, Table
    from ._values import Count, Identifier, Name, Percent, YesNo
    from .io._table_files import read_table

__version__ = "0.1.0"

__all__ = [
    "AUTOLOAD_ENV",
    "CHOOSE_ENV",
    "ENTRY_POINT_GROUP",
    "AdjustmentItem",
    "Aggregation",
    "Agreement",
    "Alternative",
    "AssistanceForm",
    "AuditFinding",
    "AuditReport",
    "BonusItem",
    "CheckReport",
    "Choices",
    "ColumnarError",
    "Community",
    "CommunityType",
    "CommunityYear",
    "Condition",
    "ConditionResult",
    "Conflict",
    "Count",
    "Dataset",
    "DiffReport",
    "Document",
    "Evidence",
    "Explanation",
    "Fact",
    "FieldError",
    "Finding",
    "Grade",
    "GradeScheme",
    "GroupRequirement",
    "Identifier",
    "InputError",
    "Interpretation",
    "InterpretationError",
    "InterpretationUse",
    "ItemResult",
    "Lang",
    "Limit",
    "Locale",
    "Milestone",
    "MilestoneState",
    "MilestoneStatus",
    "MissingExtraError",
    "Name",
    "Origin",
    "Pack",
    "PackConflictError",
    "PackDefinition",
    "PackError",
    "PackLoadError",
    "Pair",
    "Percent",
    "PluginError",
    "PrintedSum",
    "Progress",
    "Provenance",
    "Provision",
    "PythonSpec",
    "QuotaFormula",
    "QuotaReport",
    "QuotaRow",
    "QuotaTable",
    "RatioItem",
    "Reading",
    "Record",
    "RecordCheck",
    "RecordPoints",
    "Recount",
    "Region",
    "Registry",
    "Rejection",
    "Requirement",
    "RequirementCheck",
    "Rounding",
    "Rubric",
    "School",
    "Scope",
    "ScoreReport",
    "ScoreSheet",
    "Scorer",
    "Source",
    "Stage",
    "StatedFigure",
    "Status",
    "Table",
    "TableChecker",
    "TableChecks",
    "TableScorer",
    "TableScores",
    "Text",
    "ThresholdItem",
    "TimelinessItem",
    "TopicChange",
    "UnknownPackError",
    "VerificationLevel",
    "Veto",
    "VetoHit",
    "YesNo",
    "__version__",
    "aggregate_log",
    "audit",
    "check",
    "check_table",
    "diff",
    "field_label",
    "get_pack",
    "hookimpl",
    "hookspec",
    "labelled_field",
    "list_packs",
    "load_dataset",
    "load_pack",
    "make_plugin_manager",
    "normalize_quote",
    "pack_from_data",
    "parse_assignments",
    "plugin_errors",
    "quota",
    "read_table",
    "record_key",
    "records_frame",
    "round_to",
    "score",
    "score_table",
    "synthetic_activity_log",
    "synthetic_communities",
    "synthetic_community_years",
    "validate_records",
]

#: where each public name lives; imported on first use, so that ``import pairing_rules``
#: (and the command line's start-up) loads nothing it does not need
_LAZY: Final[dict[str, str]] = {
    "AuditFinding": "._audit",
    "Conflict": "._audit",
    "Condition": "._conditions",
    "ConditionResult": "._conditions",
    "Dataset": "._dataset",
    "FieldError": "._dataset",
    "Rejection": "._dataset",
    "load_dataset": "._dataset",
    "validate_records": "._dataset",
    "DiffReport": "._diff",
    "TopicChange": "._diff",
    "diff": "._diff",
    "AuditReport": "._engine",
    "CheckReport": "._engine",
    "QuotaReport": "._engine",
    "RecordCheck": "._engine",
    "RequirementCheck": "._engine",
    "RecordPoints": "._scoring",
    "Scorer": "._scoring",
    "ScoreReport": "._scoring",
    "Explanation": "._scoring",
    "audit": "._engine",
    "check": "._engine",
    "quota": "._engine",
    "score": "._scoring",
    "AssistanceForm": "._enums",
    "CommunityType": "._enums",
    "Locale": "._enums",
    "Scope": "._enums",
    "Stage": "._enums",
    "VerificationLevel": "._enums",
    "hookimpl": "._hookspecs",
    "hookspec": "._hookspecs",
    "Lang": "._i18n",
    "Text": "._i18n",
    "Alternative": "._interpretations",
    "Choices": "._interpretations",
    "Interpretation": "._interpretations",
    "InterpretationError": "._interpretations",
    "InterpretationUse": "._interpretations",
    "parse_assignments": "._interpretations",
    "Milestone": "._milestones",
    "MilestoneState": "._milestones",
    "MilestoneStatus": "._milestones",
    "Progress": "._milestones",
    "Agreement": "._models",
    "Limit": "._models",
    "Community": "._models",
    "CommunityYear": "._models",
    "Count": "._values",
    "Identifier": "._values",
    "Name": "._values",
    "Pair": "._models",
    "Percent": "._values",
    "Record": "._models",
    "Region": "._models",
    "School": "._models",
    "YesNo": "._values",
    "field_label": "._models",
    "labelled_field": "._models",
    "record_key": "._models",
    "Rounding": "._numbers",
    "round_to": "._numbers",
    "Fact": "._definition",
    "Pack": "._pack",
    "PackDefinition": "._definition",
    "PythonSpec": "._definition",
    "Origin": "._pack",
    "Provenance": "._pack",
    "PackError": "._pack",
    "Provision": "._rules",
    "Reading": "._rules",
    "load_pack": "._pack",
    "pack_from_data": "._pack",
    "Document": "._provenance",
    "Source": "._provenance",
    "normalize_quote": "._provenance",
    "PrintedSum": "._quota",
    "QuotaFormula": "._quota",
    "QuotaRow": "._quota",
    "QuotaTable": "._quota",
    "AUTOLOAD_ENV": "._registry",
    "CHOOSE_ENV": "._registry",
    "PackConflictError": "._registry",
    "PackLoadError": "._registry",
    "ENTRY_POINT_GROUP": "._registry",
    "PluginError": "._registry",
    "Registry": "._registry",
    "UnknownPackError": "._registry",
    "get_pack": "._registry",
    "list_packs": "._registry",
    "make_plugin_manager": "._registry",
    "plugin_errors": "._registry",
    "Evidence": "._requirements",
    "Finding": "._requirements",
    "GroupRequirement": "._requirements",
    "Requirement": "._requirements",
    "Status": "._requirements",
    "AdjustmentItem": "._rubric",
    "BonusItem": "._rubric",
    "Grade": "._rubric",
    "GradeScheme": "._rubric",
    "ItemResult": "._results",
    "RatioItem": "._rubric",
    "Rubric": "._rubric",
    "ScoreSheet": "._results",
    "ThresholdItem": "._rubric",
    "TimelinessItem": "._rubric",
    "Veto": "._rubric",
    "VetoHit": "._results",
    "Recount": "._tables",
    "StatedFigure": "._tables",
    "Table": "._tables",
    "InputError": "._errors",
    "ColumnarError": "._compile_ints",
    "TableChecker": "._columnar_check",
    "TableChecks": "._columnar_check",
    "TableScorer": "._columnar",
    "TableScores": "._columnar",
    "check_table": "._columnar_check",
    "score_table": "._columnar",
    "MissingExtraError": "._frames",
    "records_frame": "._frames",
    "Aggregation": "._aggregate",
    "aggregate_log": "._aggregate",
    "read_table": ".io._table_files",
    "synthetic_activity_log": "._synthetic",
    "synthetic_communities": "._synthetic",
    "synthetic_community_years": "._synthetic",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
