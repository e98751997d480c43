"""The evaluation page's cards of 上年评价结果, 结果应用 and 评价结果公开 (what they show)."""

from __future__ import annotations

from typing import Any

import roles
from web.results.api import publication_dict
from web.results.forms import DecisionForm, PublicationForm
from workflow.accounts.models import User
from workflow.lifecycle.models import Evaluation
from workflow.results import queries
from workflow.results.rules import Rule, label


def result_panel(
    session, user: User, evaluation: Evaluation, form: DecisionForm | None = None
) -> dict[str, Any]:
    """The 结果应用 and 公开 cards of an archived evaluation's page (上年评价结果 is the
    evaluation's own `previous`); nothing before archive."""
    if evaluation.state != "archived":
        return {}
    view = queries.decision_of(session, user, evaluation)
    if form is None and view.can_decide:
        # what was decided, else what the 等级 suggests (预选)
        shown = Rule("", view.decision, view.percentage) if view.decision else view.suggested
        form = DecisionForm(
            formdata=None,
            decision=shown.decision if shown else None,
            percentage=shown.percentage if shown else None,
            comment=view.comment,
        )
    publication = queries.publication_of(session, evaluation)
    return {
        "decision": view,
        "decision_form": form,
        "decision_text": label(view.decision, view.percentage),
        "suggested_text": label(view.suggested.decision, view.suggested.percentage)
        if view.suggested
        else None,
        "publication": publication_dict(publication),
        "publication_form": PublicationForm(formdata=None),
        "can_publish": roles.can_publish_result(user, evaluation),
    }
