"""The `hotline` command: Django's management commands under one name.

`hotline serve`, `hotline worker`, `hotline demo`, `hotline token create USER`, `hotline check`,
`hotline migrate` ... ; `hotline help` lists them all.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hotline", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
