"""The persona fixtures of the access matrices (tests/conftest.py), in one list."""

ALL_PERSONAS = [
    "owner", "colleague", "outsider", "liaison", "centre_staff", "leader", "auditor", "admin_user",
]  # fmt: skip
