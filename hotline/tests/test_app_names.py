"""Issue 17: the admin names every section of Hotline in the reader's language."""

from django.apps import apps
from django.utils.functional import Promise


def test_every_hotline_app_has_a_translated_name():
    ours = [c for c in apps.get_app_configs() if c.name.startswith("hotline.")]
    assert len(ours) > 10
    untranslated = [c.name for c in ours if not isinstance(c.verbose_name, Promise)]
    assert not untranslated
