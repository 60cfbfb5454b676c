"""Password rules with Chinese messages: Django's validators, one of them re-worded.

Django 5.2 changed the minimum-length message and its Chinese catalogue has not caught up, so
that message would show in English; the rule itself stays Django's.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return _("This password is too short: it must contain at least %(n)d characters.") % {
            "n": self.min_length
        }

    def get_help_text(self) -> str:
        return _("Your password must contain at least %(n)d characters.") % {"n": self.min_length}
