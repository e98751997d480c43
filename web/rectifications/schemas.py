"""API schemas of 整改事项 (a contract: add fields, never rename)."""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields, validate

from web.schemas import Integer, PageQuery
from workflow.rectifications.models import RECTIFICATION_STATUSES


class RectificationFilters(Schema):
    """The 整改 list's filters (the list and its exports)."""

    unit_id = Integer(load_default=None, metadata={"description": "预算单位"})
    status = fields.String(load_default=None, validate=validate.OneOf(list(RECTIFICATION_STATUSES)))
    overdue = fields.Boolean(
        load_default=False, metadata={"description": "1: due before today, not done/accepted"}
    )


class RectificationQuery(RectificationFilters, PageQuery):
    """The list's filters, a page at a time."""


class RectificationExportQuery(RectificationFilters):
    """The list's filters: the export has every page."""


class RectificationVersionIn(Schema):
    version = Integer(load_default=None, metadata={"description": "the version read"})


class RectificationPatch(Schema):
    status = fields.String(
        load_default=None,
        validate=validate.OneOf(list(RECTIFICATION_STATUSES)),
        metadata={"description": "in_progress (开始整改) or done (整改完成: note and evidence)"},
    )
    note = fields.String(load_default=None, metadata={"description": "整改说明"})
    measure = fields.String(load_default=None, metadata={"description": "整改措施"})
    due_date = fields.Date(load_default=None, metadata={"description": "整改期限"})
    version = Integer(required=True, metadata={"description": "the version read"})


class RectificationReopenIn(RectificationVersionIn):
    reason = fields.String(required=True, metadata={"description": "退回理由"})


class HistoryOut(Schema):
    status = fields.String()
    status_label = fields.String()
    from_status = fields.String(allow_none=True)
    actor = fields.String(metadata={"description": "who (their name; 系统 for the archive)"})
    actor_id = Integer(allow_none=True)
    at = fields.DateTime()
    note = fields.String()
    reason = fields.String()


class RectificationOut(Schema):
    id = Integer()
    evaluation_id = Integer()
    unit_id = Integer()
    unit_name = fields.String()
    project_name = fields.String()
    year = Integer()
    kind = fields.String()
    problem = fields.String()
    cause = fields.String()
    measure = fields.String()
    owner_id = Integer(allow_none=True)
    owner_name = fields.String()
    due_date = fields.Date(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    overdue = fields.Boolean()
    note = fields.String()
    reason = fields.String()
    evidence = fields.Method(
        "_evidence",
        metadata={"description": "[{id, filename, url}]: 佐证材料, the evaluation's documents"},
    )
    history = fields.List(fields.Nested(HistoryOut))
    version = Integer()

    def _evidence(self, view) -> list[dict]:
        return [
            {
                "id": e.id,
                "filename": e.filename,
                "url": url_for(
                    "evaluations.DocumentItem",
                    evaluation_id=view.evaluation_id,
                    document_id=e.id,
                ),
            }
            for e in view.evidence
        ]
