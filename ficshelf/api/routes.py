"""The one router of ``/api/v1/``: reads and writes share paths (``GET`` and ``POST``
``/works/{id}/kudos``), which Django's URL patterns can only route from one router."""

from ninja import Router

router = Router()
