"""What the tests of several apps share: a clock that moves, instants, the cases they start from.

Test support, not tests: it lives outside any tests/ folder so every app's tests import it
from one place (rather than from another app's conftest), and it is typed like the code.
"""
