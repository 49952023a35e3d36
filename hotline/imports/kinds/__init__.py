"""Every importable kind; importing this package registers them all."""

from hotline.imports.kinds import calendar, directory, people  # noqa: F401
