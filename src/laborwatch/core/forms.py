"""The base of every web form: typed text never carries a control character.

A form field that takes free text (a CharField other than a choice) refuses control
characters with a message naming the character and where it is; a multi-line field (a
textarea) allows tab and line breaks. Fields a subclass adds in its own `__init__` are
covered too, since the check runs when the form is cleaned.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from laborwatch.core.validators import validate_multiline, validate_single_line


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
