"""The desk's admin for matching; see `matches` and `occupations`."""

from . import matches, occupations  # noqa: F401 - registers the admins
