"""Revision pages of the story admin: list, compare, restore, and a refused save's diff."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from ..editorial.revisions import compare, current_state, ensure_baseline
from ..editorial.workflow import restore, restore_preview
from ..models import Correction, Image, Revision

# Where a refused save's text is kept (per user, in their session) for the conflict diff.
CONFLICT_SESSION_KEY = "story-conflict-{}"


def _lead_image(pk):
    image = Image.objects.filter(pk=pk).only("title").first() if pk else None
    return {"lead_image": image, "lead_image_title": image.title if image else ""}


class StoryRevisionPages:
    """Mixed into the story admin (through StoryWorkflowAdmin); relies on ModelAdmin."""

    def revision_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/revisions/",
                view(self.revision_list_view),
                name="articles_story_revisions",
            ),
            path(
                "<int:pk>/revisions/compare/",
                view(self.revision_compare_view),
                name="articles_story_compare",
            ),
            path(
                "<int:pk>/revisions/<int:revision_pk>/",
                view(self.revision_view),
                name="articles_story_revision",
            ),
            path(
                "<int:pk>/revisions/<int:revision_pk>/restore/",
                view(self.revision_restore_view),
                name="articles_story_restore",
            ),
            path("<int:pk>/conflict/", view(self.conflict_view), name="articles_story_conflict"),
        ]

    def _story_or_404(self, request, pk):
        story = self.get_object(request, str(pk))
        if story is None:
            raise Http404("No such story.")
        if not self.has_view_or_change_permission(request, story):
            raise PermissionDenied
        return story

    def _render(self, request, template, story, title, **context):
        return TemplateResponse(
            request,
            f"admin/articles/story/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": story,
                "title": title,
                "has_view_permission": True,
                "can_restore": story is not None and self.has_change_permission(request, story),
                **context,
            },
        )

    def revision_list_view(self, request, pk):
        story = self._story_or_404(request, pk)
        ensure_baseline(story.pk)
        revisions = story.revisions.select_related("user").prefetch_related(
            Prefetch("corrections", queryset=Correction.objects.order_by("published_at"))
        )
        return self._render(
            request,
            "revision_list.html",
            story,
            f"Revisions of “{story.headline}”",
            revisions=revisions,
        )

    def revision_compare_view(self, request, pk):
        story = self._story_or_404(request, pk)
        try:
            numbers = sorted(int(request.GET[key]) for key in ("from", "to"))
        except (KeyError, ValueError):
            messages.error(request, "Choose two revisions to compare.")
            return redirect("admin:articles_story_revisions", pk)
        found = {r.number: r for r in story.revisions.filter(number__in=numbers)}
        if len(found) != len(set(numbers)):
            messages.error(request, "One of those revisions does not exist.")
            return redirect("admin:articles_story_revisions", pk)
        old, new = found[numbers[0]], found[numbers[1]]
        return self._compare(request, story, old, new)

    def revision_view(self, request, pk, revision_pk):
        """One revision against the one before it: what that save changed."""
        story = self._story_or_404(request, pk)
        new = get_object_or_404(story.revisions, pk=revision_pk)
        old = story.revisions.filter(number__lt=new.number).first() or new
        return self._compare(request, story, old, new)

    def _compare(self, request, story, old, new, **context):
        context.setdefault("old_label", f"Revision {old.number}")
        context.setdefault("new_label", f"Revision {new.number}")
        return self._render(
            request,
            "revision_compare.html",
            story,
            f"Compare revisions of “{story.headline}”",
            old=old,
            new=new,
            pair=(old, new),
            comparison=compare(old, new),
            **context,
        )

    def revision_restore_view(self, request, pk, revision_pk):
        story = self._story_or_404(request, pk)
        revision = get_object_or_404(story.revisions, pk=revision_pk)
        if not self.has_change_permission(request, story):
            raise PermissionDenied
        if request.method == "POST":
            new = restore(story, revision, request.user)
            messages.success(
                request, f"Restored revision {revision.number}; it is now revision {new.number}."
            )
            return redirect("admin:articles_story_change", story.pk)
        # Compared with what restoring would leave, not with the revision as it was saved:
        # the page shows exactly what the button does.
        current = current_state(story)
        restored, plan = restore_preview(story, revision)
        return self._render(
            request,
            "revision_restore.html",
            story,
            f"Restore revision {revision.number}?",
            revision=revision,
            comparison=compare(current, restored),
            skipped=plan.skipped,
            old=current,
            new=restored,
            old_label="Current",
            new_label=f"After restoring {revision.number}",
        )

    def conflict_view(self, request, pk):
        """The editor's refused copy (kept in their session) against the current story."""
        story = self._story_or_404(request, pk)
        copy = request.session.get(CONFLICT_SESSION_KEY.format(story.pk))
        if not copy:
            messages.info(request, "There is no refused save of yours for this story to compare.")
            return redirect("admin:articles_story_change", story.pk)
        current = current_state(story)
        latest = story.revisions.select_related("user").first()
        current.user = latest.user if latest else None
        theirs = Revision(
            story=story,
            number=0,
            headline=copy["headline"],
            standfirst=copy["standfirst"],
            body=copy["body"],
            dateline=copy["dateline"],
            # Copies refused before the media library have no lead image: show no change.
            **_lead_image(copy.get("lead_image_id", current.lead_image_id)),
            slug=current.slug,
            seo_description=current.seo_description,
            status=current.status,
            published_at=current.published_at,
            withdraw_at=current.withdraw_at,
            updated_at=current.updated_at,
            section=current.section,
            tags=current.tags,
            bylines=current.bylines,
        )
        return self._compare(
            request,
            story,
            current,
            theirs,
            conflict=copy,
            old_label="Current version",
            new_label="Your copy",
        )
