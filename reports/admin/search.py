"""Search by the names people use: 利通区卫健局 finds 吴忠市利通区卫生健康局."""


class AgencyNameSearch:
    """The admin's search, also for the other spellings of the term (reports.names.spellings):
    the common abbreviation of an agency's kind spelled out, or the full name abbreviated. Each
    spelling is searched as typed (Django's search, in every search field), and the results joined."""

    def get_search_results(self, request, queryset, search_term):
        from reports.names import spellings  # reports.names loads the parsers, which load models

        found, duplicates = super().get_search_results(request, queryset, search_term)
        for spelling in spellings(search_term) - {search_term.strip()}:
            more, more_duplicates = super().get_search_results(request, queryset, spelling)
            found, duplicates = found | more, duplicates or more_duplicates
        return found, duplicates
