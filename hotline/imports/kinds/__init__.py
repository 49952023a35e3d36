"""Every importable kind; importing this package registers them all."""

from hotline.imports.kinds import calendar, catalogue, directory, equipment, people  # noqa: F401
