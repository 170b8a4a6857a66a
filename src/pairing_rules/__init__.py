"""pairing-rules: school-pairing policy documents as versioned, cited, testable rule packs.

The public API is what ``__all__`` lists; everything in a module whose name
starts with ``_`` is private.

>>> import pairing_rules
>>> pairing_rules.CommunityType("融合性") is pairing_rules.CommunityType.FUSION
True
"""

from __future__ import annotations

from ._audit import AuditFinding, Conflict
from ._conditions import Condition, ConditionResult
from ._dataset import Dataset, FieldError, Rejection, load_dataset, validate_records
from ._diff import DiffReport, TopicChange, diff
from ._engine import (
    AuditReport,
    CheckReport,
    QuotaReport,
    RecordCheck,
    Scorer,
    ScoreReport,
    audit,
    check,
    quota,
    score,
)
from ._enums import AssistanceForm, CommunityType, Locale, Scope, Stage, VerificationLevel
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
    Count,
    Identifier,
    Name,
    Pair,
    Percent,
    Record,
    Region,
    School,
    YesNo,
    field_label,
    labelled_field,
    record_key,
)
from ._numbers import Rounding, round_to
from ._pack import Fact, Pack, PackDefinition, PackError, Provision, load_pack, pack_from_data
from ._provenance import Document, Source, normalize_quote
from ._quota import PrintedSum, QuotaFormula, QuotaRow, QuotaTable
from ._registry import (
    AUTOLOAD_ENV,
    ENTRY_POINT_GROUP,
    PluginError,
    Registry,
    UnknownPackError,
    get_pack,
    list_packs,
    make_plugin_manager,
    plugin_errors,
)
from ._requirements import Evidence, Finding, GroupRequirement, Requirement, Status
from ._rubric import (
    AdjustmentItem,
    BonusItem,
    Grade,
    GradeScheme,
    ItemResult,
    RatioItem,
    Rubric,
    ScoreSheet,
    ThresholdItem,
    TimelinessItem,
    Veto,
    VetoHit,
)
from ._tables import Recount, StatedFigure, Table
from .io import InputError

__version__ = "0.1.0"

__all__ = [
    "AUTOLOAD_ENV",
    "ENTRY_POINT_GROUP",
    "AdjustmentItem",
    "Agreement",
    "Alternative",
    "AssistanceForm",
    "AuditFinding",
    "AuditReport",
    "BonusItem",
    "CheckReport",
    "Choices",
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
    "Locale",
    "Milestone",
    "MilestoneState",
    "MilestoneStatus",
    "Name",
    "Pack",
    "PackDefinition",
    "PackError",
    "Pair",
    "Percent",
    "PluginError",
    "PrintedSum",
    "Progress",
    "Provision",
    "QuotaFormula",
    "QuotaReport",
    "QuotaRow",
    "QuotaTable",
    "RatioItem",
    "Record",
    "RecordCheck",
    "Recount",
    "Region",
    "Registry",
    "Rejection",
    "Requirement",
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
    "audit",
    "check",
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
    "record_key",
    "round_to",
    "score",
    "validate_records",
]
