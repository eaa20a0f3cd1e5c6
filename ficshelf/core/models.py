"""The audit log (who did what to which object, why, and when), the workers' heartbeats
and the app servers seen running.

The audit log is low in the layers so every app's moderation and admin actions can write
to it. An entry
names its target twice: by content type and id (to link to it while it exists) and as the
text it read as at the time (so the entry still says what it was about once the target
is deleted or renamed). The actor is kept the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditEntry(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # As the actor was called when they acted; empty for the archive itself.
    actor_name = models.CharField(max_length=150, blank=True)
    # What was done, as a short phrase the log's filter lists ("hide", "suspend").
    action = models.CharField(max_length=40, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField("target", max_length=300, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_entry_target")]

    def __str__(self) -> str:
        who = self.actor_name or "the archive"
        return f"{who}: {self.action} {self.target_repr}"


class WorkerHeartbeat(models.Model):
    """A running worker (``ficshelf worker``), so that a task it left RUNNING when it died
    can be told from one it is still running, also from another server sharing the
    database (``core.workers``). Renewed every few seconds; removed when the worker stops
    cleanly, or by the recovery that finds it dead."""

    # django-tasks-db records this id in each task row the worker claims.
    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)  # for people reading the table
    # The boot and process namespace the worker runs in: a worker of the same machine is
    # known dead as soon as its process is gone, without waiting for its heartbeat to age.
    machine = models.CharField(max_length=100)
    process = models.CharField(max_length=40)  # "pid@start time", so a reused pid differs
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"worker {self.worker_id}"


class AppServer(models.Model):
    """A ``ficshelf serve`` running on this database: one data folder on one host. Lets
    ``ficshelf check --deploy`` (and ``serve`` as it starts) tell when several servers
    share the database, and so must share what they agree on (``core.servers``). Renewed
    every minute while it runs; removed when it stops cleanly, aged out when it did not."""

    server_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)  # for people reading the table
    data_dir = models.TextField()
    runs_worker = models.BooleanField(default=True)
    started_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.host}:{self.data_dir}"


class BlockedEmailDomain(models.Model):
    """Sign-up is refused from addresses at this domain and its subdomains (admin-edited)."""

    domain = models.CharField(max_length=253, unique=True, help_text="For example: spam.example")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args: object, **kwargs: object) -> None:
        self.domain = self.domain.strip().lower().rstrip(".").lstrip("@")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class BlockedNetwork(models.Model):
    """Comments sent from this address or network (CIDR) are held for moderation."""

    network = models.CharField(
        max_length=64, unique=True, help_text="An address (192.0.2.7) or a network (192.0.2.0/24)."
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["network"]

    def __str__(self) -> str:
        return self.network

    def clean(self) -> None:
        import ipaddress

        from django.core.exceptions import ValidationError

        try:
            self.network = str(ipaddress.ip_network(self.network.strip(), strict=False))
        except ValueError:
            raise ValidationError(
                {"network": "Enter an address such as 192.0.2.7 or a network such as 192.0.2.0/24."}
            ) from None


class SkinImageHost(models.Model):
    """A host skins may load images from with ``url()`` (``core.skin_image_hosts``).

    Admins edit the list; the hosts ``FICSHELF_IMAGE_HOSTS`` names are allowed besides it.
    Taking a host off stops its images in every skin at once: stylesheets are cleaned
    again against the list and move to a new address, and the Content-Security-Policy's
    ``img-src`` stops naming it.
    """

    host = models.CharField(
        max_length=253,
        unique=True,
        help_text="A host name such as images.example.org; *.example.org allows its subdomains.",
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["host"]
        verbose_name = "skin image host"

    def __str__(self) -> str:
        return self.host

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from ficshelf.core.embed_hosts import normalized_host

        host = normalized_host(self.host)
        if host is None:
            raise ValidationError(
                {"host": "Enter a host name such as images.example.org or *.example.org."}
            )
        self.host = host


class EmbedHost(models.Model):
    """A host whose players (audio, video, images) may be embedded in works as iframes.

    Admins edit the list (``core.embed_hosts``): the sanitizer keeps an ``<iframe>`` only
    when its address is on one of these hosts, and the Content-Security-Policy's
    ``frame-src`` names exactly these, so taking a host off stops its players at once,
    even in text saved before.
    """

    host = models.CharField(
        max_length=253,
        unique=True,
        help_text="A host name such as www.youtube-nocookie.com; *.example.org allows its "
        "subdomains.",
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["host"]

    def __str__(self) -> str:
        return self.host

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from ficshelf.core.embed_hosts import normalized_host

        host = normalized_host(self.host)
        if host is None:
            raise ValidationError(
                {"host": "Enter a host name such as player.example.org or *.example.org."}
            )
        self.host = host
