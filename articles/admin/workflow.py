"""The editorial workflow in the story admin: roles, review, revisions, no lost edits, corrections.

`StoryWorkflowForm` and `StoryWorkflowAdmin` are the workflow half of the story form and admin
(admin/stories.py builds on them). Every path that can change a story goes through the same
rules: the change form, the list's actions and crafted POSTs, because the checks live in the
forms and permission methods, not in which buttons are shown.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from ..editorial import live, pending
from ..editorial.ownership import can_publish, is_own_story, may_edit, openable
from ..editorial.revisions import ensure_baseline
from ..editorial.workflow import NOTE_NEEDED, needs_note, record_save
from ..html import sanitize_html
from ..models import Correction, Revision, Story, Transition, byline_prefetch, public_q
from . import presence
from .actions import ChangeFormActionsAdmin
from .confirmations import confirm_move, sent_back_message
from .corrections import CorrectionInline
from .live import LiveStoryPages, may_stage, stages_save
from .revisions import CONFLICT_SESSION_KEY, StoryRevisionPages

# Fields only publishers may change: they decide when (and whether) readers see a story.
SCHEDULE_FIELDS = ("published_at", "withdraw_at")
# The change form's workflow buttons: each saves the form and moves the story on (Withdraw
# then asks for the reason on a page of its own).
SUBMIT, SEND_BACK, WITHDRAW = "_submit_for_review", "_send_back", "_withdraw"
PUBLISH_NOW = "_publish_now"
# On a live story (editorial/pending.py): save the words straight to readers, send a reporter's
# pending changes to an editor, or drop the pending version.
PUBLISH_CHANGES, SUBMIT_CHANGES, DISCARD_CHANGES = (
    "_publish_changes", "_submit_changes", "_discard_changes",
)  # fmt: skip


class StoryWorkflowForm(forms.ModelForm):
    """The story form's workflow rules: version check, review buttons, schedule checks."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    workflow_note = forms.CharField(
        label="Note for the history",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the story's history. Needed when sending a story back (what to "
        "fix: the reporter sees it); useful when submitting (what to look at).",
    )
    changes_go_live_at = forms.SplitDateTimeField(
        label="Changes go live at",
        required=False,
        widget=AdminSplitDateTime,
        help_text="Optional: readers see these changes from this time, with no further step. "
        "Empty: they wait for “Publish changes”.",
    )

    # Set per request by StoryWorkflowAdmin.get_form.
    can_publish = False
    request = None
    # Publish now was pressed: publication_fields brings a scheduled time forward.
    publish_now = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.original_status = self.instance.status if self.instance.pk else ""
        self.original_schedule = {f: getattr(self.instance, f) for f in SCHEDULE_FIELDS}
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        pending = getattr(self.instance, "pending", None)
        if pending is not None:
            self.fields["changes_go_live_at"].initial = pending.go_live_at

    def clean(self):
        cleaned = super().clean()
        self._apply_review_buttons(cleaned)
        published_at, withdraw_at = cleaned.get("published_at"), cleaned.get("withdraw_at")
        if published_at and withdraw_at and withdraw_at <= published_at:
            self.add_error("withdraw_at", "The withdrawal time must be after the publication time.")
        if not self.can_publish:
            for name in SCHEDULE_FIELDS:
                if name in self.fields and self.fields[name].disabled:
                    # A disabled field gives its initial value, to the second: keep the stored one.
                    cleaned[name] = self.original_schedule[name]
                if name in cleaned and cleaned[name] != self.original_schedule[name]:
                    self.add_error(name, "Only editors with the publish permission can schedule.")
        self._check_go_live(cleaned)
        if self.instance.pk:
            self._check_version(cleaned)
        return cleaned

    def _check_go_live(self, cleaned):
        at = cleaned.get("changes_go_live_at")
        if at is None:
            return
        if not self.can_publish:
            self.add_error("changes_go_live_at", "Only editors can schedule changes.")
        elif not self.instance.pk or not self.instance.is_public:
            self.add_error(
                "changes_go_live_at",
                "Only changes to a live story are scheduled; set the publication time instead.",
            )
        elif PUBLISH_CHANGES in self.data:
            self.add_error(
                "changes_go_live_at", "Publishing changes now: clear the go-live time, or Save."
            )
        elif at <= timezone.now():
            self.add_error("changes_go_live_at", "The go-live time must be in the future.")

    def _apply_review_buttons(self, cleaned):
        if SUBMIT in self.data:
            if self.original_status not in ("", Story.Status.DRAFT):
                raise forms.ValidationError("Only a draft can be submitted for review.")
            cleaned["status"] = Story.Status.IN_REVIEW
        elif SEND_BACK in self.data:
            if not self.can_publish:
                raise forms.ValidationError("Only editors can send a story back.")
            if self.original_status != Story.Status.IN_REVIEW:
                raise forms.ValidationError("Only a story in review can be sent back.")
            cleaned["status"] = Story.Status.DRAFT
        elif PUBLISH_NOW in self.data:
            if not self.can_publish:
                raise forms.ValidationError("Only editors with the publish permission can publish.")
            cleaned["status"], self.publish_now = Story.Status.PUBLISHED, True
        elif WITHDRAW in self.data and not self.can_publish:
            raise forms.ValidationError("Only editors with the publish permission can withdraw.")
        elif PUBLISH_CHANGES in self.data and not self.can_publish:
            raise forms.ValidationError(
                "Only editors publish changes to a live story: submit them for review."
            )
        status, note = cleaned.get("status"), cleaned.get("workflow_note", "")
        if needs_note(self.original_status, status) and not note.strip():
            self.add_error("workflow_note", NOTE_NEEDED[status])

    def _check_version(self, cleaned):
        """Refuse a save based on an older version than the one in the database.

        The row is locked (PostgreSQL) until the admin's transaction ends, so two saves cannot
        both pass this check.
        """
        stories = Story.objects.all()
        if transaction.get_connection().in_atomic_block:  # the admin's views always are
            stories = stories.select_for_update()
        current = stories.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        loaded = cleaned.get("loaded_version")
        if current is None or loaded == current:
            self.instance.version = current or self.instance.version
            return
        self._keep_conflicting_copy(cleaned, loaded)
        # Their text stays in the form; the next save, after reading the diff, is deliberate.
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_version")] = str(current)
        # The last save: a kept revision, or a pending version of a live story.
        saves = Revision._base_manager.filter(story=self.instance.pk).select_related("user")
        last = saves.order_by("-created", "-pk").first()
        who = (
            (last.user.get_full_name() or last.user.get_username()) if last and last.user else None
        )
        when = timezone.localtime(last.created).strftime("%H:%M on %d %b") if last else ""
        url = reverse("admin:articles_story_conflict", args=[self.instance.pk])
        raise forms.ValidationError(
            format_html(
                "<strong>Not saved: {who} saved this story {when} while you were editing it "
                "(version {current}; you started from version {loaded}).</strong> "
                "Your text is still in the form below. "
                '<a href="{url}" target="_blank" rel="noopener">Compare your copy with the '
                "current version</a> (opens in a new tab, so this form stays as it is), "
                "bring in what you need, then save again to replace their version with yours.",
                who=who or "someone else",
                when=f"at {when}" if when else "",
                current=current,
                loaded=loaded if loaded is not None else "unknown",
                url=url,
            ),
            code="stale",
        )

    def _keep_conflicting_copy(self, cleaned, loaded):
        if self.request is None:
            return
        self.request.session[CONFLICT_SESSION_KEY.format(self.instance.pk)] = {
            "headline": cleaned.get("headline", self.data.get("headline", "")),
            "standfirst": cleaned.get("standfirst", self.data.get("standfirst", "")),
            "body": sanitize_html(cleaned.get("body", self.data.get("body", ""))),
            "dateline": cleaned.get("dateline", ""),
            "lead_image_id": getattr(cleaned.get("lead_image"), "pk", None),
            "loaded_version": loaded,
            "at": timezone.now().isoformat(),
        }


class TransitionInline(admin.TabularInline):
    """The story's review history, newest first: read-only, written by the workflow itself."""

    model = Transition
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("created", "who", "from_status", "to_status", "note")
    readonly_fields = fields
    verbose_name_plural = "workflow history"
    classes = ("workflow-history", "collapse")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description="Who")
    def who(self, obj):
        return obj.by or "—"


def workflow_notes(story, user):
    """The change form's notices: the last status change, notes saved since without one, and
    of those the colleagues' notes since `user` last wrote one (an editor's word on the
    changes a reporter submitted to her live story: published, or discarded and why)."""
    history = list(story.transitions.select_related("user")[:20])
    moves = [t for t in history if t.from_status != t.to_status]
    last_move = moves[0] if moves else None
    later = history[: history.index(last_move)] if last_move else history
    news = []
    for transition in later:  # newest first
        if transition.user_id == user.pk:
            break
        if transition.note:
            news.insert(0, transition)
    return {
        "last_transition": last_move,
        "later_notes": [t for t in reversed(later) if t.note],
        "notes_for_me": news,
    }


class ScheduleFilter(admin.SimpleListFilter):
    title = "schedule"
    parameter_name = "schedule"

    def lookups(self, request, model_admin):
        return (
            ("scheduled", "Scheduled to go live"),
            ("live", "Live now"),
            ("leaving", "Live, with a withdrawal time"),
            ("expired", "Past their withdrawal time"),
        )

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status=Story.Status.PUBLISHED)
        if self.value() == "scheduled":
            return published.filter(published_at__gt=now)
        if self.value() == "live":
            return queryset.filter(public_q(now))
        if self.value() == "leaving":
            return queryset.filter(public_q(now), withdraw_at__isnull=False)
        if self.value() == "expired":
            return published.filter(withdraw_at__lte=now)
        return queryset


class StoryWorkflowAdmin(LiveStoryPages, StoryRevisionPages, ChangeFormActionsAdmin):
    """The workflow half of StoryAdmin. Reporters (no publish permission) see published
    stories and their own, and change only their own drafts; publishers change everything."""

    save_buttons = (SUBMIT, SEND_BACK, WITHDRAW, PUBLISH_NOW, PUBLISH_CHANGES, SUBMIT_CHANGES)
    change_form_template = "admin/articles/story/change_form.html"
    change_list_template = "admin/articles/story/change_list.html"

    @property
    def media(self):
        return super().media + forms.Media(
            css={"all": ["articles/workflow.css"]}, js=["articles/presence.js"]
        )

    # --- Permissions ---

    def get_queryset(self, request):
        return super().get_queryset(request).filter(openable(request.user))

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or may_edit(request.user, obj) or may_stage(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or may_edit(request.user, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.can_publish = can_publish(request.user)
        form.request = request
        if not form.can_publish:
            for name in SCHEDULE_FIELDS:
                if name in form.base_fields:
                    form.base_fields[name].disabled = True
                    form.base_fields[name].help_text = "Set by an editor when publishing."
        if obj is not None and may_stage(request.user, obj):
            # A reporter's changes to a live story are words for an editor to publish; the
            # rest of a live story (filing, address, image) is the desk's.
            # (Declared fields are shared by every form class: those are checked in clean.)
            for name, field in form.base_fields.items():
                if name not in (*pending.STAGED_FIELDS, *form.declared_fields):
                    field.disabled = True
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.is_public or not can_publish(request.user):
            return fieldsets
        return [
            (name, {**options, "fields": (*options["fields"], "changes_go_live_at")})
            if name == "Publication"
            else (name, options)
            for name, options in fieldsets
        ]

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        if obj is not None and may_stage(request.user, obj):
            return [TransitionInline]  # bylines, quotes, corrections: an editor's
        if obj is not None:
            inlines += [CorrectionInline, TransitionInline]
        return inlines

    def get_object(self, request, object_id, from_field=None):
        story = super().get_object(request, object_id, from_field)
        if story is not None and getattr(request, "edits_pending", False):
            self.show_pending(request, story)
        return story

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None and request.method == "POST" and DISCARD_CHANGES in request.POST:
            return self.discard_pending(request, self._story_or_404(request, object_id))
        return super().changeform_view(request, object_id, form_url, extra_context)

    # --- Saving: version, revision, transition, corrections ---

    def save_model(self, request, obj, form, change):
        obj.moved_from = form.original_status  # for the message after saving
        obj.staged_words = None
        if change:
            ensure_baseline(obj.pk)
            if stages_save(request, Story.objects.get(pk=obj.pk)) and obj.is_public:
                obj.staged_words = self.stage_words(request, obj, form)
        else:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        story = form.instance
        new_corrections = [c for fs in formsets if fs.model is Correction for c in fs.new_objects]
        if new_corrections:
            latest = max(c.published_at for c in new_corrections)
            if story.updated_at is None or story.updated_at < latest:
                story.updated_at = latest
                Story.objects.filter(pk=story.pk).update(updated_at=latest)
        staged = getattr(story, "staged_words", None)
        if staged is None or self.keep_pending(request, form, formsets, staged):
            record_save(
                story,
                request.user,
                from_status=getattr(form, "original_status", ""),
                created=not change,
                note="" if staged is not None else form.cleaned_data.get("workflow_note", ""),
                corrections=new_corrections,
            )
        if staged is None and change and getattr(story, "pending", None) is not None:
            # Published with the form (Publish changes, or no longer live): nothing is pending.
            pending.published_with_form(
                story, request.user, story.pending, form.cleaned_data.get("workflow_note", "")
            )
        live.clear_autosave(request.user, story if change else None)
        request.session.pop(CONFLICT_SESSION_KEY.format(story.pk), None)
        presence.leave(story.pk, request.user)

    # --- The change form ---

    def response_add(self, request, obj, post_url_continue=None):
        return self._response_review(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._response_review(request, obj) or super().response_change(request, obj)

    def _response_review(self, request, obj):
        """After a review button: say what happened, and go where the next task is."""
        if SUBMIT in request.POST:
            self.message_user(
                request,
                f"“{obj}” was submitted for review. An editor will publish it or send it "
                "back with a note.",
                messages.SUCCESS,
            )
            return self.response_post_save_change(request, obj)
        if SEND_BACK in request.POST:
            self.message_user(request, sent_back_message(obj), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_story_review"))
        if PUBLISH_NOW in request.POST:
            self.message_user(request, f"“{obj}” is live.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_story_change", args=[obj.pk]))
        if PUBLISH_CHANGES in request.POST:
            self.message_user(
                request, f"The changes to “{obj}” are published: readers see them now.",
                messages.SUCCESS,
            )  # fmt: skip
            return HttpResponseRedirect(reverse("admin:articles_story_change", args=[obj.pk]))
        if getattr(obj, "staged", None) is not None:
            self.staged_message(request, obj)
            return HttpResponseRedirect(reverse("admin:articles_story_change", args=[obj.pk]))
        if WITHDRAW in request.POST:
            return HttpResponseRedirect(reverse("admin:articles_story_withdraw", args=[obj.pk]))
        if obj.status == Story.Status.DRAFT and obj.moved_from not in ("", Story.Status.DRAFT):
            # Sent back with the Status field: the same news, then the usual next page.
            self.message_user(request, sent_back_message(obj), messages.SUCCESS)
        return None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        found = Story.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if found is not None:
            pending.settle(found)  # a scheduled update whose time has come is now the story's
        request.edits_pending = True  # the form edits the pending version (get_object)
        story = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if story is not None and self.has_view_or_change_permission(request, story):
            can_change = self.has_change_permission(request, story)
            context |= {
                # Only people who can change the story count as "editing" it.
                "others_editing": (presence.touch if can_change else presence.look)(
                    story.pk, request.user
                ),
                "presence_url": reverse("admin:articles_story_presence", args=[story.pk]),
                "heartbeat_seconds": presence.HEARTBEAT_SECONDS,
                "revision_count": story.revisions.count(),
                **workflow_notes(story, request.user),
                "can_submit": story.status == Story.Status.DRAFT and may_edit(request.user, story),
                "can_send_back": story.status == Story.Status.IN_REVIEW
                and can_publish(request.user),
                "can_withdraw": story.status == Story.Status.PUBLISHED
                and can_publish(request.user),
                "can_publish_now": not story.is_public and can_publish(request.user),
                "is_own": is_own_story(request.user, story),
                **self.pending_context(request, story),
                **self.autosave_context(request, story, story),
                "autosave_url": reverse("admin:articles_story_autosave", args=[story.pk]),
            }
        return super().change_view(request, object_id, form_url, context)

    def add_view(self, request, form_url="", extra_context=None):
        context = {
            "can_submit": True,
            "can_publish_now": can_publish(request.user),
            "autosave_url": reverse("admin:articles_story_autosave_new"),
            **self.autosave_context(request, None, Story()),
        }
        return super().add_view(request, form_url, {**(extra_context or {}), **context})

    # --- Extra pages ---

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("review/", view(self.review_queue_view), name="articles_story_review"),
            path("<int:pk>/withdraw/", view(self.withdraw_view), name="articles_story_withdraw"),
            path(
                "<int:pk>/presence/",
                view(require_POST(self.presence_view)),
                name="articles_story_presence",
            ),
            *self.revision_urls(),
            *self.live_urls(),
            *super().get_urls(),
        ]

    def review_queue_view(self, request):
        if not can_publish(request.user):
            raise PermissionDenied
        submissions = Transition.objects.filter(
            story=OuterRef("pk"), to_status=Story.Status.IN_REVIEW
        ).order_by("-created")
        stories = (
            Story.objects.filter(status=Story.Status.IN_REVIEW)
            .select_related("section", "created_by")
            .prefetch_related(byline_prefetch())
            .prefetch_related(
                Prefetch(
                    "transitions",
                    queryset=Transition.objects.filter(
                        to_status=Story.Status.IN_REVIEW
                    ).select_related("user"),
                    to_attr="submissions",
                )
            )
            .annotate(submitted_at=Subquery(submissions.values("created")[:1]))
            .order_by("submitted_at", "pk")
        )
        changes = (
            Revision.pending_versions.filter(submitted=True)
            .select_related("user", "story__section")
            .order_by("created")
        )
        return self._render(
            request, "review_queue.html", None, "Review queue", stories=stories,
            changes=changes, now=timezone.now(),
        )  # fmt: skip

    def withdraw_view(self, request, pk):
        """The story's Withdraw button lands here: the reason, then off the site."""
        story = self._story_or_404(request, pk)
        if not (can_publish(request.user) and self.has_change_permission(request, story)):
            raise PermissionDenied
        stories = Story.objects.filter(pk=story.pk)
        response = confirm_move(self, request, stories, Story.Status.WITHDRAWN, story=story)
        return response or HttpResponseRedirect(
            reverse("admin:articles_story_change", args=[story.pk])
        )

    def presence_view(self, request, pk):
        story = self._story_or_404(request, pk)
        heartbeat = presence.touch if self.has_change_permission(request, story) else presence.look
        return JsonResponse({"others": heartbeat(story.pk, request.user)})

    # --- The list ---

    @admin.display(description="Goes live", ordering="published_at")
    def schedule(self, obj):
        if obj.published_at is None:
            return "—"
        when = timezone.localtime(obj.published_at).strftime("%d %b %Y %H:%M")
        if obj.is_scheduled:
            text = format_html('<strong class="scheduled">Scheduled</strong> {}', when)
        else:
            text = format_html("{}", when)
        if obj.withdraw_at:
            leaves = timezone.localtime(obj.withdraw_at).strftime("%d %b %Y %H:%M")
            verb = "withdrawn" if obj.is_expired else "until"
            text = format_html("{}<br><small>{} {}</small>", text, verb, leaves)
        return text
