"""Base forms (Flask-WTF) every area's forms build on."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    SelectChoice,
    SelectMultipleField,
    widgets,
)
from wtforms.meta import DefaultMeta


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def _optional_int(value: object) -> int | None:
    """Coerce a select's value to an int; the blank option means None."""
    if value in (None, "", "None"):
        return None
    return int(value)  # type: ignore[arg-type]


class Form(FlaskForm):
    """Base form: WTForms' own messages in Chinese (its bundled `zh` catalogue)."""

    class Meta:
        locales = ("zh",)

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)


class MultiCheckboxField(SelectMultipleField):
    """A multi-select shown as a list of checkboxes (easier to use than `<select multiple>`)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
