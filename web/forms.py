"""Base forms (Flask-WTF) every area's forms build on."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    SelectChoice,
    SelectMultipleField,
    ValidationError,
    widgets,
)
from wtforms import (
    IntegerField as _IntegerField,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import Optional

from web.input import INT_MAX, INT_MIN, RANGE_MESSAGE
from workflow.kernel.money import money_str


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def whole(value: object) -> int:
    """Coerce a choice's value to an int an `integer` column holds (ValueError otherwise, which
    WTForms shows at the field)."""
    number = int(value)  # type: ignore[call-overload]
    if not INT_MIN <= number <= INT_MAX:
        raise ValueError(RANGE_MESSAGE)
    return number


def _optional_int(value: object) -> int | None:
    """Coerce a select's value to an int; the blank option means None."""
    if value in (None, "", "None"):
        return None
    return whole(value)


class IntegerField(_IntegerField):
    """A number typed in a form, within what an `integer` column holds."""

    def pre_validate(self, form) -> None:
        if self.data is not None and not INT_MIN <= self.data <= INT_MAX:
            raise ValidationError(RANGE_MESSAGE)


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


class MoneyField(DecimalField):
    """金额（万元）on a form: the number as typed, never rounded; the service refuses it with the
    API's own checks (`workflow.kernel.money.money_problem`), and it is shown back as the API
    writes it, so an edit keeps every decimal."""

    def __init__(self, label: str | None = None, validators=None, **kwargs) -> None:
        super().__init__(label, validators or [Optional()], places=None, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return money_str(self.data) or ""
