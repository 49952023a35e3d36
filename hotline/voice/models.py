"""SIP credentials Hotline issues to agents' phones (softphone in the desk, or a desk phone)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SipCredential(models.Model):
    """What an agent's phone registers with at the SIP edge (Kamailio), for one floor session.

    Short-lived and never the account password: a random secret, shown once when issued; only
    its digest for the edge's realm (HA1 = MD5(username:realm:password), what SIP digest
    authentication checks against) is kept. It stops working when it expires, when the agent
    logs out of the floor (it was issued for that session), or when a newer one is issued."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sip_credentials"
    )
    username = models.CharField(_("SIP user name"), max_length=32, unique=True)
    realm = models.CharField(_("realm"), max_length=100)
    ha1 = models.CharField(max_length=32)
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("SIP credential")
        verbose_name_plural = _("SIP credentials")
        indexes = [models.Index(fields=["agent", "issued_at"], name="sip_credential_agent")]

    def __str__(self) -> str:
        return f"{self.username} ({self.agent})"


class Recording(models.Model):
    """The audio of one answered call through the SIP edge: a WAV Hotline made from rtpengine's
    pcap once the call ended, kept under HOTLINE_RECORDINGS_DIR (`path` is relative to it)
    until the retention of B11's reviews (`b11.recording_retention_days`) runs out."""

    call = models.OneToOneField(
        "calls.Call", on_delete=models.CASCADE, related_name="recording", verbose_name=_("call")
    )
    path = models.CharField(max_length=200, unique=True)
    duration = models.DurationField(_("duration"))
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("created"), db_index=True)

    class Meta:
        verbose_name = _("call recording")
        verbose_name_plural = _("call recordings")

    def __str__(self) -> str:
        return f"{self.call_id}: {self.path}"
