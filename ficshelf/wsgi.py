import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ficshelf.settings")
application = get_wsgi_application()

# A web process keeps what it has loaded by now (Django, the apps, their modules) until it
# ends: frozen, the garbage collector no longer walks it on each full collection. A larger
# first threshold lets a request's thousands of short-lived ORM and template objects go by
# reference counting before a collection starts. Together: about 0.6 -> 0.2 ms of
# collection per request on a work page and a listing (issue 12, bench/RESULTS.md).
gc.freeze()
gc.set_threshold(50_000, 50, 100)
