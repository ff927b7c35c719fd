"""The review page: a Starlette app served by uvicorn on 127.0.0.1 only.

Security, because anchors, titles and URLs in an export are written by whoever built the links:

* the page is a static HTML shell and a static script (``static/``); the data arrives as JSON
  and is rendered with ``textContent`` only, never parsed as HTML;
* every response carries a Content-Security-Policy allowing scripts from this origin only (no
  inline script, no ``eval``), no connections elsewhere, no frames, no forms;
* nothing is loaded from a CDN: no data or request leaves the machine;
* requests must name this host (``127.0.0.1`` / ``localhost``: a DNS-rebinding page cannot
  read the data), and a decision must be a JSON POST from this origin (another site's page can
  neither send JSON without a preflight this app never answers nor forge its Origin).
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from linkclf.errors import LinkclfError
from linkclf.review.session import Session
from linkclf.review.store import DecisionStore

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/review.js": ("review.js", "text/javascript; charset=utf-8"),
    "/static/review.css": ("review.css", "text/css; charset=utf-8"),
}


def _static(name: str) -> bytes:
    return (files("linkclf.review") / "static" / name).read_bytes()


def create_app(session: Session, store: DecisionStore, limit: int | None = 1000) -> Starlette:
    """The review app over one session (scored links) and one decision file."""
    assets = {path: (_static(name), media) for path, (name, media) in STATIC.items()}

    async def static(request: Request) -> Response:
        body, media = assets[request.url.path]
        return Response(body, media_type=media, headers=HEADERS)

    async def queue(request: Request) -> Response:
        return JSONResponse(session.payload(store.decisions(), limit), headers=HEADERS)

    async def decide(request: Request) -> Response:
        origin = request.headers.get("origin")
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if origin is not None and origin != own:
            return JSONResponse({"error": "cross-origin request refused"}, 403, headers=HEADERS)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return JSONResponse({"error": "expected application/json"}, 415, headers=HEADERS)
        try:
            body: Any = await request.json()
            level, key, decision = str(body["level"]), str(body["key"]), str(body["decision"])
            domain, facts = session.facts(level, key)
            decided = store.decide(level, key, decision, domain, facts)
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": "expected {level, key, decision}"}, 400, headers=HEADERS)
        except LinkclfError as exc:
            return JSONResponse({"error": exc.one_line()}, 400, headers=HEADERS)
        return JSONResponse(
            {
                "saved": str(store.path),
                "decisions": len(decided),
                "disavow": decided.count("disavow"),
                "keep": decided.count("keep"),
            },
            headers=HEADERS,
        )

    routes = [Route(path, static) for path in STATIC]
    routes += [Route("/api/queue", queue), Route("/api/decision", decide, methods=["POST"])]
    return Starlette(
        routes=routes,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"])],
    )
