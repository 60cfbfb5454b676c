"""The bases of the web forms.

- `Form`: typed text never carries a control character. A form field that takes free text
  (a CharField other than a choice) refuses control characters with a message naming the
  character and where it is; a multi-line field (a textarea) allows tab and line breaks.
  Fields a subclass adds in its own `__init__` are covered too, since the check runs when
  the form is cleaned.
- `ListFilterForm`, `choice_filter`: what every list's filter bar shares: the district
  choices, the drop-downs that start with "All …", and the filters it hands the selector.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from laborwatch.core.models import OrgUnit
from laborwatch.core.validators import validate_multiline, validate_single_line

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# The form's field for a selector filter where the two names differ.
FORM_FIELD = {"district_code": "district", "query": "q", "worker_key": "key"}


class Form(forms.Form):
    def full_clean(self) -> None:
        for field in self.fields.values():
            # Django's own NUL check answers "不允许是用空字符串" (an empty string?): ours
            # names the character and where it is.
            field.validators = [
                v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
            ]
        super().full_clean()
        if not self.is_bound:
            return
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if not isinstance(field, forms.CharField) or not isinstance(value, str):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            try:
                (validate_multiline if multiline else validate_single_line)(value)
            except ValidationError as error:
                self.add_error(name, error)


def district_choices() -> list[tuple[str, object]]:
    units = OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT).order_by("sort_order")
    return [("", _("All districts")), *((unit.code, unit.label) for unit in units)]


def choice_filter(
    label: StrOrPromise, everything: StrOrPromise, choices: Iterable[tuple[Any, Any]]
) -> forms.ChoiceField:
    """A filter bar's drop-down: `everything` ("All …", blank: it narrows nothing), then
    `choices`."""
    return forms.ChoiceField(label=label, required=False, choices=[("", everything), *choices])


class ListFilterForm(Form):
    """A list's filter bar. `filters()` gives the selector's filters dataclass: each valid
    field fills the filter of its name (`district` → district_code, `q` → query); an invalid
    one is reported on the form and filters nothing, while the valid ones still apply."""

    filters_class: ClassVar[type]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "district" in self.fields:
            self.fields["district"].choices = district_choices()  # type: ignore[attr-defined]

    def filters(self) -> Any:
        if not self.is_bound:
            return self.filters_class()
        self.is_valid()
        values = {}
        for field in dataclasses.fields(self.filters_class):
            value = self.cleaned_data.get(FORM_FIELD.get(field.name, field.name))
            if value is not None:
                values[field.name] = value
        return self.filters_class(**values, **self.derived_filters(self.cleaned_data))

    def derived_filters(self, data: dict[str, Any]) -> dict[str, Any]:
        """Filters made from several fields (a dashboard figure's period from its two ends)."""
        return {}
