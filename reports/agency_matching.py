"""Which registered agency a report's name means, for the user importing it.

The one home of agency resolution, reached through Agency.objects.resolver(user): every lookup
starts from the agencies the user may see, so an import can neither show nor overwrite a report
outside the user's 行政区划, and a new agency it creates lands inside that 行政区划.

Reports drop or add the city/province prefix (利通区卫生健康局 = 吴忠市利通区卫生健康局) and
abbreviate the agency's kind (利通区卫健局): a name means the agency of that exact name, or else
every agency that is the same name with or without its prefix, spelled out or abbreviated
(reports.names). Two such agencies are refused rather than guessed.
"""
from django.db import IntegrityError, transaction
from django.db.models import Q

from reports.models.agency import (
    Agency,
    AgencyNameEnding,
    AgencyRefused,
    office_region,
    regions_named,
    store_name_endings,
)
from reports.names import same_agency_named, shorter_forms, spellings
from reports.parsers.blocks import norm


class AgencyResolver:
    def __init__(self, agencies, user):
        self.agencies = agencies  # what the user may see
        self.office = office_region(user)  # None: every region

    def candidates(self, name):
        """The agencies `name` may mean: the exact name alone, or every nearby spelling."""
        name = norm(name or "")
        if not name:
            return []
        exact = self.agencies.filter(name=name).first()
        if exact:
            return [exact]
        nearby = self.agencies.filter(_nearby([name]))
        return [agency for agency in nearby[:20] if same_agency_named(agency.name, name)]

    def named(self, name):
        """The agency registered under exactly `name`, if the user may see it."""
        return self.agencies.filter(name=norm(name or "")).first()

    def match(self, name, create=False):
        """The one agency `name` refers to, or None; with `create`, a new agency when there is none.
        Raises AgencyRefused for an ambiguous name or one outside the user's 行政区划."""
        name = norm(name)
        candidates = self.candidates(name)
        if len(candidates) > 1:
            names = "、".join(a.name for a in candidates)
            raise AgencyRefused(f"机关名称「{name}」可对应多个机关（{names}），请先确认机关。")
        if candidates:
            return candidates[0]
        self.refuse_hidden(name)
        return self.create(name) if create else None

    def refuse_hidden(self, name):
        """Refuse a name registered outside the user's 行政区划 (its figures stay unseen)."""
        if Agency.objects.filter(name=norm(name)).exists():
            raise AgencyRefused(f"机关「{norm(name)}」不在您负责的行政区划内，不能导入其年报。")

    def new(self, name, regions=None):
        """An unsaved agency of `name`, of the kind and 行政区划 its name states; inside the user's
        行政区划 (where the name states none, the user's office's). `regions`: regions_named()."""
        agency = Agency(name=norm(name))
        agency.infer_kind()
        agency.infer_region(regions)
        if self.office is not None:
            if agency.region is None:
                agency.region = self.office
            elif not agency.region.path.startswith(self.office.path):
                raise AgencyRefused(f"机关「{agency.name}」属于{agency.region.name}，不在您负责的行政区划内，不能导入其年报。")
        return agency

    def create(self, name):
        """A new agency, or the one another import has just created under the same name."""
        agency = self.new(name)
        try:
            with transaction.atomic():  # a savepoint: the enclosing import goes on either way
                agency.save()
        except IntegrityError:
            agency = self.named(agency.name)
            if agency is None:
                self.refuse_hidden(name)
                raise
        return agency

    def match_many(self, names):
        """{name: match(name, create=True), or its AgencyRefused} for a batch's names, in order, so
        that a later spelling finds an agency an earlier file created. Two queries look up every
        name at once; a name with neither an exact match nor any agency that could be a nearby one
        is created (together, in one INSERT); anything else goes through match() itself."""
        names = list(dict.fromkeys(map(norm, names)))
        exact = {a.name: a for a in self.agencies.filter(name__in=names)}
        unknown = [name for name in names if name not in exact]
        # A superset of every unknown name's nearby agencies, visible or not (a hidden one must be
        # refused, not duplicated).
        possible = _Nearby(Agency.objects.filter(_nearby(unknown)) if unknown else ())
        regions = regions_named(unknown)
        agencies, unsaved = {}, []

        def create_unsaved():  # in one INSERT; before any query could look for them
            if unsaved:
                store_name_endings(Agency.objects.bulk_create([agencies[name] for name in unsaved]))
                unsaved.clear()

        for name in names:
            if name and name in exact:
                agencies[name] = exact[name]
            elif name and name not in possible:
                try:
                    agencies[name] = self.new(name, regions)
                except AgencyRefused as exc:
                    agencies[name] = exc
                    continue
                unsaved.append(name)
                possible.add(agencies[name])
            else:  # the single-file rules decide
                create_unsaved()
                try:
                    agencies[name] = self.match(name, create=True)
                except AgencyRefused as exc:
                    agencies[name] = exc
                else:
                    possible.add(agencies[name])
        create_unsaved()
        return agencies


def _nearby(names):
    """The agencies that may be `names`' nearby ones: named as one of their spellings or a shorter
    form of one, or having one of their spellings as a shorter form of their own name (an
    AgencyNameEnding): equalities an index serves, however many agencies there are."""
    forms = {form for name in names for form in spellings(name)}
    named = forms | {short for form in forms for short in shorter_forms(form)}
    endings = AgencyNameEnding.objects.filter(ending__in=forms).values("agency_id")
    return Q(name__in=named) | Q(pk__in=endings)


class _Nearby:
    """Agencies that candidates()' query may find for a name (erring towards yes: its LIKE ignores
    ASCII case on SQLite), indexed by every ending of their names: comparing each name of a batch
    with every agency would cost the square of the batch."""

    def __init__(self, agencies):
        self.names, self.endings = set(), set()
        for agency in agencies:
            self.add(agency)

    def add(self, agency):
        self.names.add(agency.name)
        name = agency.name.lower()
        self.endings.update(name[i:] for i in range(len(name)))

    def __contains__(self, name):
        return any(
            form.lower() in self.endings or not self.names.isdisjoint(shorter_forms(form)) for form in spellings(name)
        )
