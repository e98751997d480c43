"""Tasks API (工作任务): per evaluation, my tasks; claim, transfer, complete, reopen, and the
report section of a 报告章节 task.
"""

from __future__ import annotations

from flask.views import MethodView

from web.auth import client_addr
from web.rest import PAGED, caller, document_errors, make_blueprint, paged, session
from web.schemas import PageQuery
from web.tasks.schemas import (
    TaskCompleteIn,
    TaskIn,
    TaskListQuery,
    TaskOut,
    TaskReopenIn,
    TaskSectionIn,
    TaskTransferIn,
    TaskVersionIn,
)
from workflow.tasks import operations as tasks
from workflow.tasks import queries as task_queries

blp = make_blueprint("tasks", "工作任务：分派、领取、转交、完成、重新打开")


@blp.route("/evaluations/<int:evaluation_id>/tasks")
class EvaluationTasks(MethodView):
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, TaskOut(many=True), headers=PAGED)
    @document_errors(blp, 404)
    def get(self, query, evaluation_id):
        """The evaluation's tasks, a page at a time, with `overdue` computed from today's date
        (Beijing)."""
        return paged(task_queries.list_tasks(session(), caller(), evaluation_id, query["page"]))

    @blp.arguments(TaskIn)
    @blp.response(201, TaskOut)
    @document_errors(blp, 400, 403, 404)
    def post(self, data, evaluation_id):
        """Create a task (组长): `assignee` a group member, or null for the pool; a 报告章节 task
        (`report_section`) names its report `section` (a key of the report outline)."""
        spec = tasks.TaskSpec(
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            assignee_id=data["assignee"],
            due_date=data["due_date"],
            required=data["required"],
            section=data["section"],
        )
        return tasks.create_task(session(), caller(), evaluation_id, spec, client_addr())


@blp.route("/tasks")
@blp.arguments(TaskListQuery, location="query")
@blp.response(200, TaskOut(many=True), headers=PAGED)
def my_tasks(query):
    """My open tasks across evaluations (`mine=1`); without it, also the pool tasks I may
    claim; a page at a time, the nearest due date first."""
    which = task_queries.MINE if query["mine"] else task_queries.BOTH
    return paged(task_queries.my_tasks(session(), caller(), which, query["page"]))


@blp.route("/tasks/<int:task_id>")
@blp.response(200, TaskOut)
@document_errors(blp, 404)
def get_task(task_id):
    return task_queries.get_task(session(), caller(), task_id)


@blp.route("/tasks/<int:task_id>/claim", methods=["POST"])
@blp.arguments(TaskVersionIn)
@blp.response(200, TaskOut)
@document_errors(blp, 403, 404, 409)
def claim(data, task_id):
    """Claim a pool task (领取)."""
    return tasks.claim_task(session(), caller(), task_id, data["version"], client_addr())


@blp.route("/tasks/<int:task_id>/transfer", methods=["POST"])
@blp.arguments(TaskTransferIn)
@blp.response(200, TaskOut)
@document_errors(blp, 400, 403, 404, 409)
def transfer(data, task_id):
    """Transfer a task to another group member, with a reason (转交)."""
    return tasks.transfer_task(
        session(), caller(), task_id, data["to"], data["reason"], data["version"], client_addr()
    )


@blp.route("/tasks/<int:task_id>/complete", methods=["POST"])
@blp.arguments(TaskCompleteIn)
@blp.response(200, TaskOut)
@document_errors(blp, 400, 403, 404, 409)
def complete(data, task_id):
    """Complete a task with a result note and evidence documents (category `evidence`); a 报告章节
    task only once its section has text (409 `section_empty` otherwise)."""
    return tasks.complete_task(
        session(),
        caller(),
        task_id,
        data["note"],
        data["documents"],
        data["version"],
        client_addr(),
    )


@blp.route("/tasks/<int:task_id>/reopen", methods=["POST"])
@blp.arguments(TaskReopenIn)
@blp.response(200, TaskOut)
@document_errors(blp, 400, 403, 404, 409)
def reopen(data, task_id):
    """Reopen a done task (组长), with a reason."""
    return tasks.reopen_task(
        session(), caller(), task_id, data["reason"], data["version"], client_addr()
    )


@blp.route("/tasks/<int:task_id>/section", methods=["POST"])
@blp.arguments(TaskSectionIn)
@blp.response(200, TaskOut)
@document_errors(blp, 400, 403, 404, 409)
def set_section(data, task_id):
    """Set or change the report section of a 报告章节 task not yet done (组长)."""
    return tasks.set_task_section(
        session(), caller(), task_id, data["section"], data["version"], client_addr()
    )
