"""API schemas of task_queries."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from web.schemas import DateTime, Integer, PageQuery
from workflow.kernel import clock
from workflow.tasks import queries as task_queries
from workflow.tasks.models import TASK_KINDS, TASK_STATUSES


class TaskIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(TASK_KINDS)))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="")
    assignee = Integer(load_default=None, allow_none=True, metadata={"description": "null: 任务池"})
    due_date = fields.Date(load_default=None, allow_none=True)
    required = fields.Boolean(load_default=True)
    section = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "报告章节 tasks only (required there): a report section key"},
    )


class TaskListQuery(PageQuery):
    mine = fields.Boolean(
        load_default=False, metadata={"description": "only tasks I hold (else also the pool)"}
    )


class TaskVersionIn(Schema):
    version = Integer(load_default=None, metadata={"description": "the version read"})


class TaskTransferIn(TaskVersionIn):
    to = Integer(required=True, metadata={"description": "user id of a group member"})
    reason = fields.String(required=True)


class TaskCompleteIn(TaskVersionIn):
    note = fields.String(required=True, metadata={"description": "结果说明"})
    documents = fields.List(
        Integer(), load_default=list, metadata={"description": "evidence document ids"}
    )


class TaskReopenIn(TaskVersionIn):
    reason = fields.String(required=True)


class TaskSectionIn(TaskVersionIn):
    section = fields.String(required=True, metadata={"description": "a report section key"})


class TaskOut(Schema):
    id = Integer()
    evaluation_id = Integer()
    kind = fields.String()
    kind_label = fields.Function(lambda t: TASK_KINDS.get(t.kind, t.kind))
    section = fields.String(allow_none=True, metadata={"description": "报告章节 tasks"})
    section_title = fields.Function(task_queries.section_title)
    title = fields.String()
    description = fields.String()
    assignee = Integer(attribute="assignee_id", allow_none=True)
    assignee_name = fields.Function(lambda t: t.assignee.display_name if t.assignee else None)
    due_date = fields.Date(allow_none=True)
    required = fields.Boolean()
    status = fields.String()
    status_label = fields.Function(lambda t: TASK_STATUSES.get(t.status, t.status))
    overdue = fields.Function(lambda t: t.is_overdue(clock.today_local()))
    result_note = fields.String()
    attachments = fields.Function(lambda t: [a.document_id for a in t.attachments])
    created_by = Integer(attribute="created_by_id")
    created_at = DateTime()
    completed_at = DateTime(allow_none=True)
    completed_by = Integer(attribute="completed_by_id", allow_none=True)
    version = Integer()
