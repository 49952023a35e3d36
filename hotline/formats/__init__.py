"""How each language writes dates and times (settings.FORMAT_MODULE_PATH), one style per language.

Django's own locale formats mix styles: bg has no DATETIME_FORMAT (it fell back to English's
"N j, Y, P", so a Bulgarian service report said "10:09 преди обяд") and en counts hours on a
12-hour clock. Each module here names the display formats pages use (DATE_FORMAT, TIME_FORMAT,
DATETIME_FORMAT, SHORT_DATE_FORMAT, SHORT_DATETIME_FORMAT, MONTH_DAY_FORMAT, YEAR_MONTH_FORMAT);
anything else (input formats, first day of the week) still comes from Django's locale. All use a
24-hour clock. Month names mid-sentence are the "E" format (the alternative, genitive names:
"7 декабря") where the language declines them.
"""
