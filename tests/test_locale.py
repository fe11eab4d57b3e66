"""The product's own translations (locale/): each compiled catalogue is its .po as committed, so a
server needs no gettext and an edit to a .po cannot be forgotten uncompiled."""
import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
ENTRY = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[(\d+)\])?) ((?:".*"\n?)+)', re.M)


def po_entries(path):
    """{(context, msgid): msgstr, or [msgstr…] for plurals} of a .po file, its header left out."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields = {}
        for keyword, index, strings in ENTRY.findall(block + "\n"):
            text = "".join(ast.literal_eval(line) for line in strings.split("\n") if line)
            fields.setdefault(keyword.split("[")[0], []).append(text)
        if fields.get("msgid", [""])[0]:
            translations = fields["msgstr"]
            key = (fields.get("msgctxt", [None])[0], fields["msgid"][0])
            entries[key] = translations if "msgid_plural" in fields else translations[0]
    return entries


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_each_catalogue_is_compiled_from_its_po(domain):
    with open(LOCALE / f"{domain}.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    written = po_entries(LOCALE / f"{domain}.po")
    assert written
    for (context, msgid), translation in written.items():
        key = f"{context}\x04{msgid}" if context else msgid
        if isinstance(translation, list):
            assert [catalog[(key, n)] for n in range(len(translation))] == translation, msgid
        else:
            assert catalog[key] == translation, msgid
    assert len([k for k in catalog if k]) == len(written)  # nothing compiled that the .po no longer has
