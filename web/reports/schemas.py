"""API schemas of the report."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from web.schemas import DateTime, Integer
from workflow.reports.models import PROBLEM_KINDS


class CommentOut(Schema):
    id = Integer()
    section = fields.String()
    round = Integer()
    stage = fields.String()
    stage_label = fields.String()
    author = Integer()
    author_name = fields.String()
    body = fields.String()
    at = DateTime()


class SectionTaskOut(Schema):
    """An open 报告章节 task of the section: who is assigned to write it."""

    id = Integer()
    title = fields.String()
    assignee = Integer(allow_none=True, metadata={"description": "null: 任务池"})
    assignee_name = fields.String(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    due_date = fields.Date(allow_none=True)


class ChangeOut(Schema):
    """A figure the section was drafted with that the data now words otherwise."""

    figure = fields.String(metadata={"description": "its key, e.g. '3.3.1 完成值', '总分'"})
    label = fields.String(metadata={"description": "for a person: '3.3.1 群众满意度 完成值'"})
    was = fields.String(metadata={"description": "the words drafted"})
    now = fields.String(allow_none=True, metadata={"description": "the words now; null: gone"})
    in_text = fields.Boolean(metadata={"description": "the section's text still says `was`"})


class SectionOut(Schema):
    key = fields.String()
    number = fields.String(metadata={"description": "一、二、…"})
    title = fields.String()
    body = fields.String(metadata={"description": "plain text: paragraphs, '- ' lists, | tables"})
    version = Integer()
    updated_by = Integer(allow_none=True, metadata={"description": "null: generated"})
    updated_by_name = fields.String(allow_none=True)
    updated_at = DateTime()
    generated = fields.Boolean()
    comments = fields.List(fields.Nested(CommentOut))
    tasks = fields.List(
        fields.Nested(SectionTaskOut), metadata={"description": "open 报告章节 tasks"}
    )
    stale = fields.Boolean(
        metadata={"description": "the data changed since the section was drafted (报告撰写)"}
    )
    changes = fields.List(fields.Nested(ChangeOut))
    regenerable = fields.Boolean(
        metadata={"description": "drafted from the data: POST …/regenerate redrafts it"}
    )


class ProblemOut(Schema):
    id = Integer()
    kind = fields.String()
    kind_label = fields.String()
    problem = fields.String()
    cause = fields.String()
    measure = fields.String()
    owner = fields.Raw(allow_none=True, metadata={"description": "user id or a name"})
    owner_name = fields.String(allow_none=True)
    due_date = fields.Date(allow_none=True)


class CheckOut(Schema):
    code = fields.String()
    message = fields.String()
    section = fields.String(allow_none=True)


class ArchiveOut(Schema):
    sha256 = fields.String()
    size = Integer()
    generated_at = DateTime()
    docx_sha256 = fields.String(allow_none=True, metadata={"description": "the signed Word file"})
    docx_size = Integer(allow_none=True)


class ArchiveRenderOut(Schema):
    """签发文件的生成: the signed PDF and Word file follow the approval that archives."""

    status = fields.String(
        metadata={"description": "pending / running (生成中), done (已生成), failed (生成失败)"}
    )
    label = fields.String()
    attempts = Integer()
    error = fields.String(allow_none=True, metadata={"description": "the last failed try"})
    next_attempt_at = DateTime(allow_none=True)


class ReportOut(Schema):
    evaluation_id = Integer()
    title = fields.String()
    state = fields.String()
    round = Integer()
    editable = fields.Boolean()
    can_comment = fields.Boolean()
    sections = fields.List(fields.Nested(SectionOut))
    problems = fields.List(fields.Nested(ProblemOut))
    checks = fields.List(fields.Nested(CheckOut), metadata={"description": "blocks submission"})
    archived = fields.Nested(ArchiveOut, allow_none=True)
    archive_render = fields.Nested(
        ArchiveRenderOut,
        allow_none=True,
        metadata={"description": "once archived: whether the signed files exist yet"},
    )


class SectionIn(Schema):
    body = fields.String(required=True)
    version = Integer(required=True, metadata={"description": "the version read"})


class RegenerateIn(Schema):
    version = Integer(
        load_default=None,
        metadata={"description": "the version read: if given and no longer current, 409"},
    )


class VersionOut(Schema):
    version = Integer()
    body = fields.String()
    author = Integer(allow_none=True)
    author_name = fields.String()
    at = DateTime()


class DiffQuery(Schema):
    from_ = Integer(required=True, data_key="from")
    to = Integer(required=True)


class DiffOut(Schema):
    section = fields.String()
    from_ = fields.Raw(data_key="from")
    to = fields.Raw()
    changed = Integer()
    rows = fields.Raw(
        metadata={
            "description": '[{"op": equal|replace|insert|delete, "left", "right"}]; '
            'a side is {"line","text","segments":[{"text","changed"}]} or null'
        }
    )


class ProblemIn(Schema):
    problem = fields.String(required=True, validate=validate.Length(min=1))
    cause = fields.String(load_default="")
    measure = fields.String(load_default="")
    owner = fields.Raw(
        load_default=None, allow_none=True, metadata={"description": "user id or a name"}
    )
    due_date = fields.Date(load_default=None, allow_none=True)
    kind = fields.String(load_default="problem", validate=validate.OneOf(list(PROBLEM_KINDS)))


class CommentIn(Schema):
    section = fields.String(required=True)
    body = fields.String(required=True, validate=validate.Length(min=1))


class RoundOut(Schema):
    round = Integer()
    comments = fields.List(fields.Nested(CommentOut))
