"""The report list's paging: a page's keys first, then its rows."""
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator


class KeysFirstPaginator(Paginator):
    """The report list sorts a year's 14,000 reports by agency name to show 100. Sorting whole
    rows reads each report's row (a year's rows lie on as many pages of the table); sorting
    their keys reads the report_year_keys index alone, and then only the page's rows are read."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(self.object_list.filter(pk__in=keys), number, self)


class KeysFirstChangeList(ChangeList):
    """A list of one page is read through the paginator too (the admin reads it whole): the same
    queries whatever the list's length."""

    def get_results(self, request):
        super().get_results(request)
        if not self.show_all and not self.multi_page:
            self.result_list = self.paginator.page(1).object_list
