"""What every list's filter bar shares: the district choices and the filters it hands the
selector."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from laborwatch.core.models import OrgUnit

# The form's field for a selector filter where the two names differ.
FORM_FIELD = {"district_code": "district", "query": "q", "worker_key": "key"}


def district_choices() -> list[tuple[str, object]]:
    units = OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT).order_by("sort_order")
    return [("", _("All districts")), *((unit.code, unit.label) for unit in units)]


class ListFilterForm(forms.Form):
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
        return self.filters_class(**values)
