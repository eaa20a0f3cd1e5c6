"""The ``/health`` answer as JSON (``core.health`` runs the checks)."""

from __future__ import annotations

from django.http import JsonResponse

from ficshelf.core.health import run_checks

HEALTH_PATH = "/health"


def health_response() -> JsonResponse:
    results = run_checks()
    healthy = all(result.ok for result in results.values())
    response = JsonResponse(
        {
            "status": "ok" if healthy else "failing",
            "checks": {name: result.as_json() for name, result in results.items()},
        },
        status=200 if healthy else 503,
    )
    response["Cache-Control"] = "no-store"
    # Not a "Service Unavailable: /health" line per poll: the answer is the report, and what
    # fails is logged where it fails (the database's line in core.error_views).
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
