"""The filtered listing and the facet pages built on it: filters (django-filter), the page
(respond, pagination, notices), the window query (counts and facets) and search."""
