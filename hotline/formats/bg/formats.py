# 7 декември 2026 г., 09:30. "E" is the month's alternative name, the one written after a day
# (Bulgarian does not decline it, but writes it in lower case: Django's bg catalog capitalises
# both forms, so the project's bg catalog gives the "alt. month" context its lower-case words).
DATE_FORMAT = "j E Y г."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y г., H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
MONTH_DAY_FORMAT = "j E"
YEAR_MONTH_FORMAT = "F Y г."
