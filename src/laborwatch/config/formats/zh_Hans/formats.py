"""Number formats for zh-hans: Django's own, with the comma grouping of Chinese financial tables."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
