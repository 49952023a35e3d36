from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.accounts.choices import Role


class Site(models.Model):
    """A place where a team works; its calendar gives working days, holidays and time zone."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    calendar = models.ForeignKey(
        "rulebook.Calendar",
        on_delete=models.PROTECT,
        related_name="sites",
        verbose_name=_("calendar"),
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="teams", verbose_name=_("site")
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Provider staff are bound to one provider, customers to one account."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("team"),
    )
    provider = models.ForeignKey(
        "directory.Provider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("provider"),
    )
    customer = models.ForeignKey(
        "directory.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("customer"),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Pages are shown in this language after signing in."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Binding and role go together: a provider's staff member sees that provider's
            # orders only, a customer their own account only.
            models.CheckConstraint(
                condition=models.Q(role=Role.PROVIDER, provider__isnull=False)
                | (~models.Q(role=Role.PROVIDER) & models.Q(provider__isnull=True)),
                name="provider_staff_bound_to_one_provider",
            ),
            models.CheckConstraint(
                condition=models.Q(role=Role.CUSTOMER, customer__isnull=False)
                | (~models.Q(role=Role.CUSTOMER) & models.Q(customer__isnull=True)),
                name="customer_user_bound_to_one_customer",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_is_known"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is kept; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text=_("First characters, to tell tokens apart."))
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
