"""The web form for subgroup members and the HTTP API for other systems (``scr serve``).

:func:`create_app` builds a FastAPI application. Nothing about a case is kept between
requests: every page and every download is computed from the fields the browser sends,
and the only file written is the decision log, when one is given.

The form (no JavaScript, no external assets)
--------------------------------------------
``GET /`` is generated from the :class:`~scr_eligibility.facts.Facts` model: one fieldset per
group of :data:`~scr_eligibility.facts.GROUPS`, one question per field (its ``question`` and
``description``), "Unknown" the default answer of every question. ``POST /decide`` shows the
decision; ``POST /download/case.yaml`` and ``POST /download/decision.json`` re-evaluate the
submitted fields and return a case file (which ``scr check`` accepts) or the decision
(byte for byte what ``scr check --format json`` prints). ``POST /edit`` shows the form
again with the submitted answers. The stylesheet is inline in every page and allowed by a
hash in the Content-Security-Policy, so the pages need no other request and no internet. The
pages come from Jinja2 templates (:mod:`scr_eligibility.cli.render.html`).

The API
-------
``POST /v1/evaluate`` (facts as JSON in the body; query ``as_of=YYYY-MM-DD`` and
``edition=ID``, repeatable) returns the decision as ``scr check --format json`` prints it.
``GET /v1/editions``, ``GET /v1/criteria/{edition}`` and ``GET /v1/schema`` describe the
editions, their criteria (as ``scr criteria ID --format json``) and the fact set. The OpenAPI
description is at ``/openapi.json``. FastAPI's ``/docs`` and ``/redoc`` pages are switched
off: they load Swagger UI / ReDoc scripts and styles from a CDN, which a server without
internet access cannot serve; ``/openapi.json`` can be opened in any OpenAPI viewer.

Every API error has one JSON shape, :meth:`ScrError.to_dict
<scr_eligibility.errors.ScrError.to_dict>`::

    {"error": KIND, "message": TEXT, "source": TEXT or null,
     "problems": [{"location": ..., "found": ..., "expected": ..., "suggestion": ... or null}]}

========================  ======  =====================================================
``error``                 status  when
========================  ======  =====================================================
``input_error``           400     the body or the query is not a valid fact set (FastAPI's
                                  own 422 validation errors are converted to this)
``unauthorized``          401     a token is required and the request has none or a wrong one
``forbidden``             403     a cross-site request (``Sec-Fetch-Site: cross-site``, or a
                                  POST whose Origin is not the server's scheme, host and
                                  port), a form post without its page's CSRF token, or a
                                  Host header the server does not answer to
``edition_not_found``     404     an unknown edition or edition version
``not_found``             404     no such path
``method_not_allowed``    405     the path exists but not with that method
``request_too_large``     413     the body is over :data:`MAX_BODY` bytes (counted while
                                  reading, whatever Content-Length says)
``request_timeout``       408     the body did not arrive within :data:`.limits.BODY_TIMEOUT`
                                  seconds
``unsupported_media_type``415     ``/v1/evaluate`` without ``Content-Type: application/json``,
                                  or a form path sent anything but a form
``server_busy``           503     more requests in progress than :mod:`.limits` allows
``engine_error``          500     the rule engine failed; nothing was decided
``log_error``             500     the decision could not be recorded in the decision log
``criteria_error``        500     a shipped criteria file is not valid
========================  ======  =====================================================

Cross-site requests
-------------------
A web page elsewhere must not be able to make the user's browser decide (and log) a case.
Every form page carries a CSRF token, signed by the server, in a hidden field and in a cookie
(HttpOnly, SameSite=Strict); a form post whose field does not match its cookie is refused. The
API takes only ``application/json`` bodies, which a browser will not send to another site
without asking it first. Requests marked ``Sec-Fetch-Site: cross-site`` are refused (but for
following a link to a page), and so are posts whose Origin differs from the server's own in
scheme, host or port; behind a TLS proxy, name the public address with ``scr serve --origin``.

Tokens
------
With a token, every request must carry it: the API in the header ``Authorization: Bearer
TOKEN``; the form asks for it once (``POST /login``) and keeps, in an HttpOnly SameSite=Strict
cookie, an HMAC of it (not the token itself), so no session is kept on the server either.

Work and limits
---------------
Validation, evaluation, recording and the decision page run in worker threads, never on the
event loop, at most :data:`.limits.MAX_EVALUATIONS` (4) at once, with up to
:data:`.limits.MAX_WAITING` (64) more waiting their turn; a request body must arrive within
:data:`.limits.BODY_TIMEOUT` (10) seconds. ``bench/load.py`` measures the server under load.

The modules
-----------
:mod:`.app` (the routes), :mod:`.guard` (host, origin, token and body size, before routing),
:mod:`.forms` (the form page, and the fields it sends as facts), :mod:`.downloads` (the case
file and the decision), :mod:`.errors` (the error shape and the error page), :mod:`.tokens`
(the session proof and the CSRF tokens), :mod:`.limits` (work off the event loop, bounded).
"""

from __future__ import annotations

from ..render.html import CSP, render_decision
from .app import MAX_BODY, create_app
from .forms import OPTION_FIELDS, form_options, form_to_data, render_form

__all__ = ["CSP", "MAX_BODY", "OPTION_FIELDS", "create_app", "form_options", "form_to_data", "render_decision",
           "render_form"]
