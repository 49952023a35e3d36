"""Translation markers for the pure core.

The core cannot import Django's gettext, yet its labels and refusal messages must be
translated. `gettext_noop` has the name xgettext already looks for, so `makemessages`
collects these strings; the Django layer translates them when it shows them.
"""


def gettext_noop(message: str) -> str:
    return message
