"""The months as written after a day ("7 декември"), for the languages whose Django catalog gets
them wrong. Django looks these up in the "alt. month" context (the "E" date format); listing them
here keeps them in the project's catalogs, which Django reads before its own, so that Bulgarian
writes them in lower case where Django's bg catalog capitalises them."""

from django.utils.translation import pgettext_lazy

ALTERNATIVE_MONTHS = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]
