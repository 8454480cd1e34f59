"""Live stories in the story admin: pending changes to a live story, autosave, and the live blog.

Mixed into the story admin (through StoryWorkflowAdmin), like StoryRevisionPages. The rules live
in editorial/pending.py (staged changes) and editorial/live.py (autosave, the live blog); here
are the change form's hooks and the small pages and endpoints.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..editorial import live, pending
from ..editorial.ownership import can_publish, is_own_story
from ..html import html_to_text
from ..models import LiveUpdate, Story

# The change form's non-model fields, which say nothing about the story itself.
FORM_ONLY = {"loaded_version", "workflow_note", "changes_go_live_at"}


def may_stage(user, story):
    """Reporters change their own live stories as pending versions, which an editor publishes."""
    return not can_publish(user) and story.is_public and is_own_story(user, story)


def stages_save(request, story):
    """Does this POST keep the words as the pending version rather than publish them?"""
    from .workflow import PUBLISH_CHANGES, PUBLISH_NOW, WITHDRAW

    if {PUBLISH_CHANGES, PUBLISH_NOW, WITHDRAW} & set(request.POST):
        return False
    # A correction is shown to readers at once, so the words it corrects go live with it.
    return pending.stages(story) and not adds_correction(request)


def adds_correction(request):
    """Does this POST add a correction (a new row of the corrections inline with text)?"""
    data = request.POST
    try:
        total = int(data.get("corrections-TOTAL_FORMS", 0))
        initial = int(data.get("corrections-INITIAL_FORMS", 0))
    except ValueError:
        return False
    return any(data.get(f"corrections-{n}-text", "").strip() for n in range(initial, total))


class LiveStoryPages:
    """Relies on ModelAdmin and StoryRevisionPages (`_story_or_404`, `_render`)."""

    def live_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "autosave/",
                view(require_POST(self.autosave_view)),
                name="articles_story_autosave_new",
            ),
            path(
                "<int:pk>/autosave/",
                view(require_POST(self.autosave_view)),
                name="articles_story_autosave",
            ),
            path(
                "<int:pk>/autosave/discard/",
                view(require_POST(self.autosave_discard_view)),
                name="articles_story_autosave_discard",
            ),
            path("<int:pk>/live/", view(self.live_blog_view), name="articles_story_live"),
        ]

    # --- Pending changes ---

    def show_pending(self, request, story):
        """The change form edits the pending version, if the story has one."""
        version = pending.pending_version(story)
        story.pending = version
        if version is not None:
            pending.show(story, version)
        if request.method == "GET" and request.GET.get("restore") == "autosave":
            slot = live.autosave_for(request.user, story)
            if slot is not None:
                live.restore(story, slot)
                story.restored_autosave = slot
        return story

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop("restore", None)
        if request.GET.get("restore") == "autosave":
            slot = live.autosave_for(request.user, None)
            if slot is not None:
                initial |= {name: getattr(slot, name) for name in live.AUTOSAVED_FIELDS}
        return initial

    def stage_words(self, request, obj, form):
        """Before the story is saved: take the words the form set aside for the pending version
        and put the live words back on `obj`, so the row readers see keeps them."""
        live_words = Story.objects.filter(pk=obj.pk).values(*pending.STAGED_FIELDS).get()
        staged = pending.staged_values(obj)
        for name, value in live_words.items():
            setattr(obj, name, value)
        return staged

    def keep_pending(self, request, form, formsets, staged):
        """After the save: keep the staged words as the pending version. True when the save
        also changed something else of the story (then it gets its revision as usual)."""
        from .workflow import SUBMIT_CHANGES

        story = form.instance
        submitted = not can_publish(request.user) and (
            SUBMIT_CHANGES in request.POST
            or bool(getattr(story, "pending", None) and story.pending.submitted)
        )
        story.staged = pending.stage(
            story,
            request.user,
            staged,
            go_live_at=form.cleaned_data.get("changes_go_live_at"),
            submitted=submitted,
            note=form.cleaned_data.get("workflow_note", ""),
        )
        others = set(form.changed_data) - set(pending.STAGED_FIELDS) - FORM_ONLY
        return bool(others) or any(formset.has_changed() for formset in formsets)

    def staged_message(self, request, story):
        staged = story.staged
        if staged.go_live_at:
            when = timezone.localtime(staged.go_live_at).strftime("%d %b %Y at %H:%M")
            self.message_user(
                request,
                f"Your changes to “{story}” are pending: readers see them from {when}.",
                messages.SUCCESS,
            )
        elif staged.submitted:
            self.message_user(
                request,
                f"Your changes to “{story}” were sent to an editor: readers keep the live "
                "version until an editor publishes them.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                f"Your changes to “{story}” are saved as a pending version: readers still see "
                "the live one. Press “Publish changes” when they are ready.",
                messages.SUCCESS,
            )

    def discard_pending(self, request, story):
        if not self.has_change_permission(request, story):
            raise PermissionDenied
        if pending.discard(story, request.user, request.POST.get("workflow_note", "")):
            self.message_user(
                request,
                f"The pending changes to “{story}” were discarded: this is the live version.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:articles_story_change", args=[story.pk]))

    def pending_context(self, request, story):
        version = getattr(story, "pending", None)
        if version is None:
            return {"live_story": story.is_public}
        live_story = Story.objects.get(pk=story.pk)
        return {
            "live_story": True,
            "pending": version,
            "pending_diff": pending.comparison(live_story, version),
            "can_publish_changes": can_publish(request.user),
        }

    # --- Autosave ---

    def autosave_view(self, request, pk=None):
        """The change form's text, every few seconds of typing and on leaving: one slot per
        person and story (a new story: one slot per person), never a revision."""
        story = None
        if pk is not None:
            story = self._story_or_404(request, pk)
            if not self.has_change_permission(request, story):
                raise PermissionDenied
        elif not self.has_add_permission(request):
            raise PermissionDenied
        saved = live.autosave(request.user, story, request.POST)
        if saved is None:
            return JsonResponse({"saved": False, "error": live.AUTOSAVE_REFUSED}, status=400)
        return JsonResponse({"saved": True, "saved_at": saved.saved_at.isoformat()})

    def autosave_discard_view(self, request, pk):
        story = self._story_or_404(request, pk)
        live.clear_autosave(request.user, story)
        self.message_user(request, "The autosaved text was discarded.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_story_change", args=[story.pk]))

    def autosave_context(self, request, story, shown):
        """The restore offer: the autosaved text, if it differs from what the form shows."""
        slot = live.autosave_for(request.user, story)
        if slot is None or not live.differs(slot, shown):
            return {}
        return {"autosave": slot, "autosave_diff": live.comparison(shown, slot)}

    # --- The live blog ---

    @transaction.atomic
    def live_blog_view(self, request, pk):
        story = self._story_or_404(request, pk)
        if not can_publish(request.user):
            raise PermissionDenied
        form = LiveUpdateForm()
        if request.method == "POST":
            done = self._live_blog_command(request, story)
            if done is not None:
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(request.path)
            form = LiveUpdateForm(request.POST)
            if form.is_valid():
                update = form.save(commit=False)
                update.story, update.author = story, request.user
                update.save()
                self.message_user(
                    request,
                    "The update is posted: readers' open pages show it within half a minute."
                    if story.is_public
                    else "The update is saved: readers see it once the story is published.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(request.path)
        updates = list(story.live_updates.shown())
        return self._render(
            request,
            "live_blog.html",
            story,
            f"Live blog: {story}",
            form=form,
            updates=updates,
            media=self.media + form.media,
        )

    def _live_blog_command(self, request, story):
        """Start or end the coverage, pin, mark or delete an update: what was done, in words,
        or None for a new update (the form)."""
        if "_start_coverage" in request.POST:
            live.set_coverage(story, request.user, live=True)
            return "Live coverage is on: readers see the Live badge and new updates as they come."
        if "_end_coverage" in request.POST:
            live.set_coverage(story, request.user, live=False)
            return "Live coverage has ended: the updates stay on the story, the badge goes."
        for command in ("pin", "unpin", "key", "unkey", "delete"):
            pk = request.POST.get(f"_{command}")
            if pk is None:
                continue
            update = story.live_updates.filter(pk=pk if pk.isdigit() else None).first()
            if update is None:
                return "That update no longer exists."
            if command == "delete":
                update.delete()
                return "The update was deleted."
            if command in ("pin", "unpin"):
                update.pinned = command == "pin"
            else:
                update.key_event = command == "key"
            update.save(update_fields=["pinned", "key_event", "modified"])
            return {
                "pin": "The update is pinned at the top.",
                "unpin": "The update is no longer pinned.",
                "key": "The update is marked as a key event.",
                "unkey": "The update is no longer a key event.",
            }[command]
        return None


class LiveUpdateForm(forms.ModelForm):
    """The compact form for one update: its words, and whether it is a key event or pinned."""

    class Meta:
        model = LiveUpdate
        fields = ("title", "body", "key_event", "pinned")

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not html_to_text(body).strip():
            raise forms.ValidationError("Write the update before posting it.")
        return body
