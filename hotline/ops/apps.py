from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """What an operator watches: the probes (/healthz, /readyz), the Prometheus metrics, the
    worker's heartbeat and the request id in the logs (README, Production; docs/deploy.md)."""

    name = "hotline.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from django.core.signals import request_finished

        from hotline.ops.logs import request_id_clear

        # A thread serves one request after another (WSGI, the test client): what it logs
        # between two requests carries no stale id.
        request_finished.connect(request_id_clear, dispatch_uid="hotline.ops.request_id")
