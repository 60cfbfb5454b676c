"""Work orders and what hangs off them: SLA policies, plans and milestones, referrals, inbox."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborwatch.cases import transitions
from laborwatch.cases.statuses import OPEN_STATUSES, Status
from laborwatch.core.models import OrgUnit, district_key
from laborwatch.core.personal_text import PersonalTextMixin
from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.loop_models import InboxNotice, Instructed, SignedFor
from laborwatch.lib.transitions import Guarded
from laborwatch.text.taxonomy import WAGE_ARREARS, is_within
from laborwatch.workers.models import Worker


class Channel(models.TextChoices):
    HOTLINE = "hotline_12351", _("12351 hotline")
    SUPERIOR = "superior_assignment", _("Superior assignment")
    PUBLIC_OPINION = "public_opinion", _("Public-opinion monitoring")
    WALK_IN = "walk_in", _("Walk-in")
    ONLINE = "online", _("Online")
    DEPARTMENT = "department", _("Another department")


class RequestType(models.TextChoices):
    HELP = "help", _("Help request")
    CONSULTATION = "consultation", _("Consultation")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")


class HandlingMethod(models.TextChoices):
    MEDIATION = "mediation", _("Union mediation")
    JOINT = "joint", _("Joint handling")
    LEGAL_AID = "legal_aid", _("Legal aid")
    GUIDANCE = "guidance", _("Guidance")


class ClosureReason(models.TextChoices):
    UNSUBSTANTIATED = "unsubstantiated", _("Unsubstantiated")
    WITHDRAWN = "withdrawn", _("Withdrawn by the worker")
    TRANSFERRED = "transferred", _("Transferred out")


class UnionRole(models.TextChoices):
    LED = "led", _("Union led the mediation")
    JOINED = "joined", _("Union joined the mediation")
    NONE = "none", _("No union mediation")


class SlaStage(models.TextChoices):
    ACCEPT = "accept", _("Acceptance")
    CONTACT = "contact", _("First contact")
    FEEDBACK = "feedback", _("Feedback to the worker")
    RESOLVE = "resolve", _("Resolution")


class SlaPolicy(models.Model):
    """Time limits for a channel (and optionally a category prefix); the most specific wins."""

    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices, blank=True)
    category_prefix = models.CharField(_("category"), max_length=60, blank=True)
    accept_minutes = models.PositiveIntegerField(_("accept within (minutes)"), default=60)
    contact_minutes = models.PositiveIntegerField(_("first contact within (minutes)"), default=60)
    feedback_hours = models.PositiveIntegerField(_("feedback within (hours)"), default=24)
    resolve_working_days = models.PositiveIntegerField(
        _("resolve within (working days)"), default=15
    )
    # Yellow light once this share of a window has elapsed.
    yellow_at_percent = models.PositiveIntegerField(_("yellow at (% of window)"), default=75)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "category_prefix"], name="one_sla_policy")
        ]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return f"{self.get_channel_display() or '*'} / {self.category_prefix or '*'}"


class NumberSequence(models.Model):
    """How many numbers a prefix (GD work orders, QT group cases) has issued in a year."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    issued = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="one_number_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.year}: {self.issued}"


class ApiClient(models.Model):
    """An external system (the 12351 hotline) allowed to push work orders with a token."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField(_("token hint"), max_length=12, editable=False)
    channel = models.CharField(
        _("channel"), max_length=30, choices=Channel.choices, default=Channel.HOTLINE
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name


class Case(Guarded, PersonalTextMixin, models.Model):
    personal_text_fields = ("description", "outcome_note", "callback_note")
    # `case.can(action, user)`, `case.actions_for(user)`: what may be done now.
    transition_table = transitions.TABLE

    number = models.CharField(_("number"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices)
    request_type = models.CharField(
        _("request type"), max_length=20, choices=RequestType.choices, default=RequestType.HELP
    )
    category = models.CharField(_("category"), max_length=60, db_index=True)
    # What the text engine suggested at intake; a handler's correction becomes training data.
    suggested_category = models.CharField(_("suggested category"), max_length=60, blank=True)
    category_confidence = models.FloatField(_("suggestion confidence"), null=True, blank=True)
    api_client = models.ForeignKey(
        ApiClient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("pushed by"),
        # Pushes are looked up by client and reference (one_case_per_external_ref). An index on
        # the client alone tempted PostgreSQL, before its statistics caught up with a growing
        # table, into scanning every case of the client on each push.
        db_index=False,
    )
    external_ref = models.CharField(_("external reference"), max_length=64, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.RECEIVED,
        db_index=False,  # (status, next_due_at) leads with it: one index less to write per case
    )
    version = models.PositiveIntegerField(default=1)

    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="cases", verbose_name=_("worker")
    )
    employer = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("employer"),
        db_index=False,  # (employer, status) leads with it
    )
    employer_name_as_told = models.CharField(_("employer as told"), max_length=200, blank=True)
    district = district_key("cases", db_index=False)  # (district, status) leads with it
    description = models.TextField(_("description"))
    amount_claimed = models.DecimalField(
        _("amount claimed (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    workers_involved = models.PositiveIntegerField(_("workers involved"), default=1)
    arrears_from = models.DateField(_("arrears from"), null=True, blank=True)
    arrears_to = models.DateField(_("arrears to"), null=True, blank=True)
    project_name = models.CharField(_("project"), max_length=200, blank=True)

    # 督办: the assigning body and its own deadline.
    assigned_by = models.CharField(_("assigned by"), max_length=100, blank=True)
    superior_deadline = models.DateTimeField(_("superior deadline"), null=True, blank=True)

    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_cases",
        verbose_name=_("handler"),
    )
    handling_method = models.CharField(
        _("handling method"), max_length=20, choices=HandlingMethod.choices, blank=True
    )
    group = models.ForeignKey(
        "CaseGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("group case"),
        db_index=False,  # mostly empty: a partial index (Meta) holds only the cases that have one
    )
    possible_duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("possible duplicate of"),
        db_index=False,  # mostly empty: a partial index (Meta) holds only the cases that have one
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
        verbose_name=_("merged into"),
        db_index=False,  # mostly empty: a partial index (Meta) holds only the cases that have one
    )

    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    worker_contacted_at = models.DateTimeField(_("worker contacted at"), null=True, blank=True)
    employer_contacted_at = models.DateTimeField(_("employer contacted at"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)
    handling_started_at = models.DateTimeField(_("handling started at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    accept_due = models.DateTimeField(_("accept by"))
    contact_due = models.DateTimeField(_("contact by"))
    feedback_due = models.DateTimeField(_("feedback by"))
    resolve_due = models.DateTimeField(_("resolve by"))
    # The clock that runs now: its deadline and when it turns yellow (denormalised for sorting
    # the inbox and filtering by light in SQL; recomputed by every transition).
    sla_stage = models.CharField(
        _("SLA stage"), max_length=10, choices=SlaStage.choices, blank=True
    )
    next_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True, db_index=True)
    next_yellow_at = models.DateTimeField(null=True, blank=True)
    urged_stage = models.CharField(max_length=10, blank=True)
    escalated_stage = models.CharField(max_length=10, blank=True)
    # Deadlines missed along the way (for the on-time rate), by stage name.
    breached_stages = models.JSONField(default=list, blank=True)

    closure_reason = models.CharField(
        _("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    outcome_note = models.TextField(_("outcome"), blank=True)
    wages_recovered = models.DecimalField(
        _("wages recovered (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    workers_covered = models.PositiveIntegerField(_("workers covered"), default=0)
    resolved_by_method = models.CharField(
        _("resolved by"), max_length=20, choices=HandlingMethod.choices, blank=True
    )
    union_role = models.CharField(
        _("union role"), max_length=10, choices=UnionRole.choices, blank=True
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    callback_note = models.TextField(_("call-back note"), blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["api_client", "external_ref"],
                name="one_case_per_external_ref",
                condition=~models.Q(external_ref=""),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_due_at"]),
            models.Index(fields=["district", "status"]),
            models.Index(fields=["employer", "status"]),
            *(
                models.Index(
                    fields=[field],
                    name=f"case_{field}_set",
                    condition=models.Q(**{f"{field}__isnull": False}),
                )
                for field in ("group", "possible_duplicate_of", "merged_into")
            ),
        ]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_wage_arrears(self) -> bool:
        return is_within(self.category, WAGE_ARREARS)

    @property
    def days_to_resolution(self) -> int | None:
        if self.resolved_at is None:
            return None
        return (self.resolved_at - self.received_at).days

    def sla_light(self, now: dt.datetime | None = None) -> str:
        """green / yellow / red for the running clock; "" when no clock runs."""
        return sla_light(self.next_due_at, self.next_yellow_at, now or timezone.now())


def sla_light(
    next_due_at: dt.datetime | None, next_yellow_at: dt.datetime | None, now: dt.datetime
) -> str:
    """A case's light from its two clock fields (for rows read as values, not as cases)."""
    if next_due_at is None:
        return ""
    if now > next_due_at:
        return "red"
    if next_yellow_at is not None and now >= next_yellow_at:
        return "yellow"
    return "green"


class CaseGroup(models.Model):
    """A group case (群体性): several workers against one employer within a window."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    employer = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="case_groups", verbose_name=_("employer")
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("group case")
        verbose_name_plural = _("group cases")

    def __str__(self) -> str:
        return self.number


class CasePlan(PersonalTextMixin, models.Model):
    """一案一策: the plan for one case, its milestones scheduled back from the deadline."""

    personal_text_fields = ("goal",)

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    goal = models.TextField(_("goal"))
    deadline = models.DateField(_("deadline"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("case plan")
        verbose_name_plural = _("case plans")

    def __str__(self) -> str:
        return f"{self.case.number} {self.goal[:20]}"


class Milestone(PersonalTextMixin, models.Model):
    # A title is typed by the planner: it may hold a phone ("联系职工13912345678").
    personal_text_fields = ("title",)

    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="milestones",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "order"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()


class Referral(SignedFor, PersonalTextMixin, models.Model):
    """转办 / 联动: the case handed to a department or district union, with its own deadlines."""

    personal_text_fields = ("request", "reply")

    class State(models.TextChoices):
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Signed for")
        REPLIED = "replied", _("Replied")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    to_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("referred to")
    )
    request = models.TextField(_("request"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SENT)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    reply_due = models.DateTimeField(_("reply by"))
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.case.number} → {self.to_unit.label}"


class Instruction(Instructed):
    """批示 / 督办: a leader's instruction on a work order, with the leader's deadline.

    While it is open the case is supervised (督办): its resolution is due by the leader's
    deadline at the latest. The handler signs for it (签收) and reports back (反馈); the
    leader reads the report and closes it (办结). One open instruction per case.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="instructions")

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=~models.Q(state="closed"),
                name="one_open_instruction_per_case",
            )
        ]
        indexes = [models.Index(fields=["state", "deadline"])]
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")

    def __str__(self) -> str:
        return f"{self.case.number} {self.text[:20]}"


class InboxItem(PersonalTextMixin, InboxNotice):
    """Something a user must act on: an urge (催办), an escalation, a referral to sign for."""

    # A message may quote typed text (a milestone's title).
    personal_text_fields = ("message",)

    class Kind(models.TextChoices):
        URGE = "urge", _("Urge")
        ESCALATION = "escalation", _("Escalation")
        REFERRAL = "referral", _("Referral")
        MILESTONE = "milestone", _("Milestone overdue")
        INSTRUCTION = "instruction", _("Leader's instruction")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_items"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="inbox_items")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")


class CategoryLabel(models.Model):
    """A handler's correction of a case's demand category: training data for the classifier."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="category_labels")
    text = models.TextField(_("text"))
    category = models.CharField(_("category"), max_length=60)
    previous_category = models.CharField(_("previous category"), max_length=60)
    labelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    labelled_at = models.DateTimeField(_("labelled at"), default=timezone.now)

    class Meta:
        ordering = ["labelled_at", "pk"]
        verbose_name = _("category label")
        verbose_name_plural = _("category labels")

    def __str__(self) -> str:
        return f"{self.case.number}: {self.previous_category} → {self.category}"


class EmployerAlias(models.Model):
    """A name callers use for an enterprise, learnt when a handler confirms the link."""

    name = models.CharField(_("name as told"), max_length=200, unique=True)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="aliases")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    class Meta:
        verbose_name = _("employer alias")
        verbose_name_plural = _("employer aliases")

    def __str__(self) -> str:
        return f"{self.name} → {self.enterprise.name}"
