"""Public-opinion posts, their engagement history, the events they form, and the verification
loop's records: assignments with sign-for, disposals, the response-clock policy, the alerts the
sweep raises and the notices it sends.

A post is identified by platform + post id, or by its URL (`key`, as the engine spells it:
"weibo:4890123", "url:https://…"); pushed again it stays one row and its counts move on,
each change kept as a `PostEngagement` snapshot so growth can be measured. Text that came from
outside is stored with ID numbers and mobile numbers masked; the clear original, when there
was any personal data in it, is kept encrypted in `sealed` and shown only through the audited
reveal (as a worker's ID number and phone are).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from laborwatch.core.crypto import EncryptedTextField
from laborwatch.core.models import OrgUnit, district_key
from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.loop_models import InboxNotice, Numbered, SignedFor
from laborwatch.lib.transitions import Guarded
from laborwatch.opinion import transitions
from laborwatch.opinion.statuses import OPEN_STATUSES, EventStatus, VerificationResult


class Platform(models.TextChoices):
    """The engine's canonical platform codes."""

    WEIBO = "weibo", _("Weibo")
    DOUYIN = "douyin", _("Douyin")
    WECHAT = "wechat", _("WeChat")
    TOUTIAO = "toutiao", _("Toutiao")
    FORUM = "forum", _("Forum")
    NEWS = "news", _("News site")
    MESSAGE_BOARD = "message_board", _("Leaders' message board")
    OTHER = "other", _("Other")


class Grade(models.TextChoices):
    GENERAL = "general", pgettext_lazy("opinion", "General")
    MAJOR = "major", pgettext_lazy("opinion", "Major")
    GRAVE = "grave", pgettext_lazy("opinion", "Grave")


GRADE_LEVEL = {Grade.GENERAL: 1, Grade.MAJOR: 2, Grade.GRAVE: 3}


class ResponsePolicy(models.Model):
    """The response clock of one grade: an authoritative public response within
    `response_hours` wall-clock hours, and the sign-for window of a unit asked to verify."""

    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, unique=True)
    response_hours = models.PositiveIntegerField(_("respond within (hours)"))
    acknowledge_hours = models.PositiveIntegerField(_("sign for within (hours)"))
    # Yellow light once this share of the response window has elapsed.
    yellow_at_percent = models.PositiveIntegerField(_("yellow at (% of window)"), default=75)

    class Meta:
        ordering = ["grade"]
        verbose_name = _("public-opinion response policy")
        verbose_name_plural = _("public-opinion response policies")

    def __str__(self) -> str:
        return f"{self.get_grade_display()}: {self.response_hours} h"


class ResponseKind(models.TextChoices):
    PUBLISHED = "published", _("Public response published")
    DECLINED = "declined", _("Decided not to respond")


class VerificationCheck(models.TextChoices):
    """What verification checked (核实方式)."""

    ENTERPRISE = "enterprise_contacted", _("Enterprise contacted")
    POSTER = "poster_contacted", _("Poster contacted")
    SITE_VISIT = "site_visit", _("Site visit")
    DEPARTMENT = "department_reply", _("Department's reply")


class Event(Guarded, Numbered):
    """Posts that tell one incident, across platforms: the unit of the verification list."""

    # `event.can(action, user)`, `event.actions_for(user)`: what may be done now.
    transition_table = transitions.TABLE
    number_prefix = "YQ"

    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.PENDING
    )
    version = models.PositiveIntegerField(default=1)
    # About labour relations (most of its posts are): on the list. Others are kept, off it.
    on_list = models.BooleanField(_("on the list"), default=False)

    first_seen_at = models.DateTimeField(_("first seen at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    first_platform = models.CharField(_("first platform"), max_length=20, choices=Platform.choices)
    platforms = models.JSONField(_("platforms"), default=list)
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    engagement = models.FloatField(_("engagement"), default=0)
    # Growth of the engagement over the 24 hours before `heat_at`.
    recent_engagement = models.FloatField(_("engagement in the last 24 h"), default=0)
    heat = models.FloatField(_("heat"), default=0)
    heat_at = models.DateTimeField(_("heat computed at"))
    # The highest grade the event has reached: it set the response clock, and stays.
    grade = models.CharField(
        _("grade"), max_length=10, choices=Grade.choices, default=Grade.GENERAL
    )
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinion_events",
        verbose_name=_("enterprise"),
    )
    # Confirmed by the centre (link_enterprise): new posts no longer change it.
    enterprise_confirmed = models.BooleanField(_("enterprise confirmed"), default=False)
    # The organisation the posts name, when no registered enterprise could be linked.
    enterprise_named = models.CharField(_("enterprise as named"), max_length=200, blank=True)
    district = district_key("opinion_events")
    category = models.CharField(_("category"), max_length=60, blank=True)
    workers_involved = models.PositiveIntegerField(_("workers involved"), null=True, blank=True)
    cues = models.JSONField(_("escalation cues"), default=list, blank=True)
    escalation = models.FloatField(_("escalation weight"), default=0)

    # The unit verifying it now (核实中 and after): the responsible unit of the list.
    assigned_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible unit"),
    )

    # The response clock: started as the event came on the list, due by its grade.
    clock_started_at = models.DateTimeField(_("clock started at"), null=True, blank=True)
    response_due = models.DateTimeField(_("respond by"), null=True, blank=True, db_index=True)
    response_yellow_at = models.DateTimeField(null=True, blank=True)

    verification_result = models.CharField(
        _("verification result"), max_length=16, choices=VerificationResult.choices, blank=True
    )
    verification_checks = models.JSONField(_("what was checked"), default=list, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    response_kind = models.CharField(
        _("response"), max_length=10, choices=ResponseKind.choices, blank=True
    )
    response_text = models.TextField(_("response text"), blank=True)
    response_channel = models.CharField(_("response channel"), max_length=100, blank=True)
    # When the response was published (or the decision not to respond was taken).
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    response_reason = models.TextField(_("reason for not responding"), blank=True)

    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_events",
        verbose_name=_("merged into"),
    )
    # Set by the services from their `now`, so a replayed history keeps its times.
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-heat", "-pk"]
        indexes = [
            models.Index(fields=["on_list", "status", "heat"]),
            models.Index(fields=["district", "status"]),
            models.Index(fields=["first_seen_at"]),
        ]
        verbose_name = _("public-opinion event")
        verbose_name_plural = _("public-opinion events")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @classmethod
    def begun_by(cls, first: Post, *, now: dt.datetime) -> Event:
        """A new event whose first post is `first`; its figures are the caller's to compute
        (services.figures.refresh_figures) once its posts are on it."""
        return cls.objects.create(
            title="",
            first_seen_at=first.published_at,
            last_seen_at=first.published_at,
            first_platform=first.platform,
            heat_at=now,
            created_at=now,
            updated_at=now,
        )

    @property
    def grade_level(self) -> int:
        return GRADE_LEVEL[Grade(self.grade)]

    def response_light(self, now: dt.datetime | None = None) -> str:
        """green / yellow / red while the response clock runs; "" when none runs."""
        if self.response_due is None or self.responded_at is not None or not self.is_open:
            return ""
        now = now or timezone.now()
        if now > self.response_due:
            return "red"
        if self.response_yellow_at is not None and now >= self.response_yellow_at:
            return "yellow"
        return "green"

    @property
    def responded_on_time(self) -> bool | None:
        if self.responded_at is None or self.response_due is None:
            return None
        return self.responded_at <= self.response_due


class Post(models.Model):
    # Identity as the engine spells it (PostIn.key: "weibo:4890123", "url:https://…"); its
    # digest is unique (a URL may be longer than an index entry), so a re-push finds its row.
    key = models.TextField(_("identity"))
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    post_id = models.CharField(_("post id"), max_length=200, blank=True)
    url = models.TextField(_("link"), blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"))
    title = models.CharField(_("title"), max_length=500, blank=True)
    # With ID numbers and mobile numbers masked (core.masking).
    text = models.TextField(_("text"))
    # {"title": …, "text": …} as received, only when masking changed either; encrypted.
    sealed = EncryptedTextField(blank=True, editable=False)
    ip_region = models.CharField(_("IP region"), max_length=20, blank=True)

    reposts = models.PositiveBigIntegerField(_("reposts"), default=0)
    comments = models.PositiveBigIntegerField(_("comments"), default=0)
    likes = models.PositiveBigIntegerField(_("likes"), default=0)
    views = models.PositiveBigIntegerField(_("views"), default=0)
    engagement = models.FloatField(_("engagement"), default=0)

    labour = models.BooleanField(_("about labour"), default=False)
    labour_probability = models.FloatField(_("labour probability"), default=0)
    category = models.CharField(_("category"), max_length=60, blank=True)
    # The district the engine read in the post.
    district = district_key("+", districts_only=False)
    workers = models.PositiveIntegerField(_("workers involved"), null=True, blank=True)
    cues = models.JSONField(_("escalation cues"), default=list, blank=True)
    escalation = models.FloatField(_("escalation weight"), default=0)
    organisations = models.JSONField(_("organisations named"), default=list, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinion_posts",
        verbose_name=_("enterprise"),
    )
    # Registry candidates the linker proposed: [{"credit_code", "name", "method", "confidence"}].
    enterprise_candidates = models.JSONField(default=list, blank=True)
    # The near-duplicate signature (engine EventIndex.signature): the index is rebuilt from it.
    signature = models.BinaryField(default=b"")
    # The streets and roads the analysis found (PostAnalysis.places, in order): the index
    # rebuilt from the stored posts joins a retelling naming no enterprise by them.
    places = models.JSONField(default=list, blank=True)

    event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("event"),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    stored_at = models.DateTimeField(_("stored at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["published_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "post_id"],
                condition=~models.Q(post_id=""),
                name="one_post_per_platform_id",
            ),
        ]
        indexes = [models.Index(fields=["event", "published_at"])]
        verbose_name = _("public-opinion post")
        verbose_name_plural = _("public-opinion posts")

    def __str__(self) -> str:
        return self.key

    @property
    def has_sealed_text(self) -> bool:
        return bool(self.sealed)


class PostEngagement(models.Model):
    """A post's counts as one push reported them: the history growth is measured on."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="snapshots")
    at = models.DateTimeField(_("time"))
    reposts = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    likes = models.PositiveBigIntegerField(default=0)
    views = models.PositiveBigIntegerField(default=0)
    engagement = models.FloatField(default=0)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["post", "at"])]
        verbose_name = _("engagement snapshot")
        verbose_name_plural = _("engagement snapshots")

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.at:%Y-%m-%d %H:%M}"


class EventAssignment(SignedFor):
    """The event handed to a unit to verify (a district union, a department or the centre),
    which signs for it by its deadline; a new assignment ends the one before."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="assignments")
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned to")
    )
    request = models.TextField(_("what to verify"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=models.Q(ended_at=None),
                name="one_current_assignment_per_event",
            )
        ]
        verbose_name = _("verification assignment")
        verbose_name_plural = _("verification assignments")

    def __str__(self) -> str:
        return f"{self.event} → {self.org_unit.label}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class EventDisposal(models.Model):
    """处置: what was done about a verified event."""

    class Kind(models.TextChoices):
        OPEN_CASE = "open_case", _("Opened a work order")
        JOIN_CASE = "join_case", _("Joined an existing work order")
        ATTACH_WARNING = "attach_warning", _("Attached to the enterprise's warning")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="disposals")
    kind = models.CharField(_("measure"), max_length=16, choices=Kind.choices)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinion_disposals",
        verbose_name=_("work order"),
    )
    warning = models.ForeignKey(
        "warnings.Warning",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinion_disposals",
        verbose_name=_("warning"),
    )
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("disposal")
        verbose_name_plural = _("disposals")

    def __str__(self) -> str:
        return f"{self.event} {self.kind}"


class EventAlert(models.Model):
    """A deadline the sweep found passed or near: written once per deadline (the unique
    constraint), then claimed by the delivery (`processed`) that notifies and audits it."""

    class Kind(models.TextChoices):
        URGE = "urge", _("Response due soon")
        OVERDUE = "overdue", _("Response overdue")
        UNSIGNED = "unsigned", _("Not signed for in time")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due = models.DateTimeField(_("deadline"))
    assignment = models.ForeignKey(
        EventAssignment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    processed = models.DateTimeField(_("processed at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "kind", "due"], name="one_alert_per_deadline")
        ]
        verbose_name = _("public-opinion alert")
        verbose_name_plural = _("public-opinion alerts")

    def __str__(self) -> str:
        return f"{self.event} {self.kind} {self.due:%Y-%m-%d %H:%M}"


class OpinionNotice(InboxNotice):
    """A notice in a user's inbox about an event: assigned to verify, urged, overdue."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("To verify")
        URGE = "urge", _("Urge")
        ESCALATION = "escalation", _("Escalation")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opinion_notices"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("public-opinion notice")
        verbose_name_plural = _("public-opinion notices")


class ClusterLock(models.Model):
    """One row whose lock the clustering of a batch holds, so that batches arriving at once
    (two API pushes, a push during a file ingest) are clustered one after the other and one
    incident does not become two events."""

    name = models.CharField(max_length=20, unique=True)

    def __str__(self) -> str:
        return self.name
