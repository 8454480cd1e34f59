"""Django's Content-Security-Policy middleware, each policy built once rather than per response.

Django builds the header's text from the configuration (settings.SECURE_CSP, or a view's own)
on every response: 3 % of a story page rendered from its snapshot. The text changes only with
the configuration or a nonce, and public pages use none (their scripts are files of our own);
so a response whose nonce was never used gets the text built once for its configuration, and
one whose nonce was used (the admin's live blog) gets its own, as Django builds it.
"""

from django.conf import settings
from django.middleware import csp
from django.utils.csp import CSP, build_policy

LIMIT = 64  # configurations remembered; views name a few at most


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    policies = {}  # id(configuration) -> (configuration, header text)

    def process_response(self, request, response):
        if csp.get_nonce(request):  # the page used its nonce: its policy names it
            return super().process_response(request, response)
        for header, config in (
            (CSP.HEADER_ENFORCE, getattr(response, "_csp_config", settings.SECURE_CSP)),
            (CSP.HEADER_REPORT_ONLY,
             getattr(response, "_csp_ro_config", settings.SECURE_CSP_REPORT_ONLY)),
        ):  # fmt: skip
            if config and header not in response:  # as Django: a view's own header stays
                response.headers[str(header)] = self.policy(config)
        return response

    @classmethod
    def policy(cls, config):
        known = cls.policies.get(id(config))
        if known is not None and known[0] is config:
            return known[1]
        if len(cls.policies) >= LIMIT:
            cls.policies.clear()
        text = build_policy(config)
        cls.policies[id(config)] = (config, text)
        return text
