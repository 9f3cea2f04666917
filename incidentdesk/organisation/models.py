"""The organisation profile. Its facts decide which regimes apply to an incident."""

from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone such as Europe/Brussels")


# The register is kept at least this long (seed procedure §8: "at least five years"). The one place the
# floor is set: a shorter period is refused unless the profile records why (retention_reason).
RETENTION_FLOOR_YEARS = 5


class AIActRole(models.TextChoices):
    PROVIDER = "provider", "Provider"
    DEPLOYER = "deployer", "Deployer"
    BOTH = "both", "Provider and deployer"
    NONE = "none", "Neither"


class Art73Reading(models.TextChoices):
    """Counsel's answer to the open question whether AI Act Art 73 moves with Reg. (EU) 2026/1744's dates."""

    UNDECIDED = "undecided", "Not decided yet (the stricter, earlier date applies)"
    FROM_2026 = "from_2026_08_02", "Counsel says Art 73 applies from 2 August 2026"
    FOLLOWS_1744 = "follows_2026_1744", "Counsel says Art 73 follows the high-risk dates of Reg. (EU) 2026/1744"


class GdprRole(models.TextChoices):
    CONTROLLER = "controller", "Controller"
    PROCESSOR = "processor", "Processor"
    BOTH = "both", "Controller and processor"


class DraftLanguage(models.TextChoices):
    """The languages drafts are written in: each has its words in incidentdesk/notifications/letters/<code>.toml."""

    ENGLISH = "en", "English"
    DUTCH = "nl", "Nederlands (Dutch)"
    FRENCH = "fr", "Français (French)"
    GERMAN = "de", "Deutsch (German)"


class Organisation(models.Model):
    """A single row (pk=1): IncidentDesk serves one organisation per installation."""

    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2, e.g. BE; decides public holidays")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    supervisory_authority = models.CharField(max_length=200, blank=True,
                                             help_text="GDPR supervisory authority, e.g. Belgian DPA (GBA/APD)")
    contact_point = models.CharField(
        "DPO or other contact point", max_length=300, blank=True,
        help_text="Name and contact details given to authorities and data subjects (GDPR Art 33(3)(b), 34(2))")
    draft_language = models.CharField(
        "Language of drafts", max_length=2, choices=DraftLanguage.choices, default=DraftLanguage.ENGLISH,
        help_text="Notifications and letters are drafted in this language; each draft can switch to another")
    ai_act_authority = models.CharField(max_length=200, blank=True,
                                        help_text="AI Act market surveillance authority, e.g. BIPT (presumed)")
    ai_act_role = models.CharField(max_length=10, choices=AIActRole.choices, default=AIActRole.DEPLOYER)
    immediate_target_hours = models.PositiveSmallIntegerField(
        "Our internal target for an 'immediate' AI Act duty (hours)", default=24,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text="AI Act Art 73 and 26(5) say 'immediately' and give no number of hours. This is your own "
                  "target; it is shown as internal, never as the law, beside the law's latest date")
    provider_ack_hours = models.PositiveSmallIntegerField(
        "Hours to wait for a provider to acknowledge our notice", default=24,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text="AI Act Art 26(5): without the provider's acknowledgement in this time we treat it as not "
                  "reachable, and our own Art 73 report is raised (internal target)")
    art73_reading = models.CharField(
        "When does AI Act Art 73 apply to us?", max_length=20, choices=Art73Reading.choices,
        default=Art73Reading.UNDECIDED,
        help_text="Open question: Reg. (EU) 2026/1744 moves the high-risk rules to 2 Dec 2027 (Annex III) and "
                  "2 Aug 2028 (Annex I); whether Art 73 moves too is for your counsel to answer")
    art73_reading_recorded_by = models.CharField(max_length=150, blank=True, editable=False,
                                                 help_text="Who recorded counsel's answer")
    art73_reading_recorded_at = models.DateTimeField(null=True, blank=True, editable=False,
                                                     help_text="When counsel's answer was recorded")
    gdpr_role = models.CharField(max_length=10, choices=GdprRole.choices, default=GdprRole.CONTROLLER)
    nis2_entity = models.BooleanField("NIS2 essential or important entity", default=False)
    nis2_trust_service_provider = models.BooleanField("NIS2 trust service provider", default=False)
    dora_financial_entity = models.BooleanField("DORA financial entity", default=False)
    dora_weekend_relief = models.BooleanField(
        "DORA weekend relief applies", default=True,
        help_text="Untick for credit institutions, CCPs, trading venues and NIS2 entities (RTS 2025/301 Art 5(5))")
    sb53_frontier_developer = models.BooleanField("Frontier developer under California SB 53", default=False)
    raise_frontier_developer = models.BooleanField("Frontier developer under New York's RAISE Act", default=False)
    gpai_systemic_risk_provider = models.BooleanField("Provider of a GPAI model with systemic risk", default=False)
    # Medical devices (MDR Art 87) and the Cyber Resilience Act (CRA Art 14): issue 11, regimes.
    mdr_manufacturer = models.BooleanField(
        "We manufacture a medical device", default=False,
        help_text="AI software with a medical purpose, or a medical device it is part of, placed on the EU market "
                  "under our name (MDR): serious incidents are reported to the competent authority (MDR Art 87)")
    cra_manufacturer = models.BooleanField(
        "We manufacture products with digital elements", default=False,
        help_text="Software or hardware we place on the EU market under our name (Cyber Resilience Act): "
                  "exploited vulnerabilities and severe incidents are reported to the CSIRT and ENISA (CRA Art 14)")
    # The last tabletop exercise is not kept here: it is the last completed exercise (preparedness.tabletop).
    retention_years = models.PositiveSmallIntegerField(
        default=RETENTION_FLOOR_YEARS, validators=[MinValueValidator(1)],  # the facts schema's minimum too
        help_text=f"Seed procedure §8: at least {RETENTION_FLOOR_YEARS} years; shorter only with a recorded reason")
    retention_reason = models.TextField(
        blank=True, help_text=f"Why the register is kept less than {RETENTION_FLOOR_YEARS} years (required then)")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        self.country = self.country.upper()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.retention_years is not None and self.retention_years < RETENTION_FLOOR_YEARS \
                and not (self.retention_reason or "").strip():
            raise ValidationError({"retention_years": (
                f"The register is kept at least {RETENTION_FLOOR_YEARS} years (seed procedure §8); a shorter "
                f"period ({self.retention_years}) needs a reason, recorded with it (on the command line: "
                "--retention-reason)")})

    @classmethod
    def current(cls) -> "Organisation":
        """The profile, or an unsaved default one before ``incidentdesk init``."""
        return cls.objects.filter(pk=1).first() or cls(name="(organisation not set up)", country="")

    def as_facts(self) -> dict:
        return {
            "name": self.name,
            "country": self.country or None,
            "time_zone": self.time_zone,
            "supervisory_authority": self.supervisory_authority or None,
            "ai_act_role": self.ai_act_role,
            "immediate_target_hours": self.immediate_target_hours,
            "provider_ack_hours": self.provider_ack_hours,
            "art73_reading": self.art73_reading,
            "gdpr_role": self.gdpr_role,
            "nis2_entity": self.nis2_entity,
            "nis2_trust_service_provider": self.nis2_trust_service_provider,
            "dora_financial_entity": self.dora_financial_entity,
            "dora_weekend_relief": self.dora_weekend_relief,
            "sb53_frontier_developer": self.sb53_frontier_developer,
            "raise_frontier_developer": self.raise_frontier_developer,
            "gpai_systemic_risk_provider": self.gpai_systemic_risk_provider,
            "mdr_manufacturer": self.mdr_manufacturer,
            "cra_manufacturer": self.cra_manufacturer,
            "retention_years": self.retention_years,
        }
