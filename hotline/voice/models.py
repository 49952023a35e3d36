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


class PhoneState(models.Model):
    """What the agent's desk last said of its softphone: registered at the SIP edge, or not
    (registration refused or lost, the WebSocket down). The worker's tick alerts the team lead
    when an agent on the floor has had no registered phone for a while
    (HOTLINE_VOICE_PHONE_OFFLINE_SECONDS)."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_state"
    )
    registered = models.BooleanField(_("registered"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    since = models.DateTimeField(_("since"))  # in this state (registered or not) since
    reported_at = models.DateTimeField(_("reported"))

    class Meta:
        verbose_name = _("phone state")
        verbose_name_plural = _("phone states")

    def __str__(self) -> str:
        return f"{self.agent_id}: {'registered' if self.registered else 'offline'}"


class VoiceFailure(models.Model):
    """A trunk call the SIP edge could not hand to the floor (Hotline unreachable or refusing
    the routing question): the caller got 503 or the fallback group. Kamailio keeps it and
    posts it once Hotline answers again, so no INVITE is lost silently."""

    external_id = models.CharField(_("SIP call id"), max_length=100, unique=True)
    queue = models.CharField(_("queue"), max_length=30, blank=True)
    caller = models.CharField(_("caller"), max_length=64, blank=True)
    status = models.PositiveSmallIntegerField(_("Hotline's answer"))  # 0: no answer at all
    outcome = models.CharField(_("outcome"), max_length=20)  # "refused" (503) or "fallback"
    failed_at = models.DateTimeField(_("failed"))  # as the edge saw it (its clock)
    recorded_at = models.DateTimeField(_("recorded"), db_index=True)

    class Meta:
        verbose_name = _("SIP edge failure")
        verbose_name_plural = _("SIP edge failures")

    def __str__(self) -> str:
        return f"{self.external_id}: {self.outcome} ({self.status})"


class TransferLeg(models.Model):
    """A SIP call moved to a colleague's phone (A4): the trunk, asked by the first agent's phone
    (REFER), called again and the colleague answered. The call's PBX id is the new dialog's from
    then on; the dialog the first agent answered is kept here, so that its late BYE is known for
    what it is and its audio joins the call's recording."""

    transfer = models.OneToOneField(
        "calls.Transfer", on_delete=models.CASCADE, related_name="sip_leg"
    )
    call = models.ForeignKey("calls.Call", on_delete=models.CASCADE, related_name="sip_legs")
    from_external_id = models.CharField(_("first dialog's PBX id"), max_length=100, unique=True)
    to_external_id = models.CharField(_("new dialog's PBX id"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("moved"))

    class Meta:
        verbose_name = _("transferred SIP dialog")
        verbose_name_plural = _("transferred SIP dialogs")

    def __str__(self) -> str:
        return f"{self.call_id}: {self.from_external_id} -> {self.to_external_id}"
