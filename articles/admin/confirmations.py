"""The page between choosing a status change that needs a note and making it.

Sending stories back from the list asks for what needs doing (the reporter reads it), and only
then moves them, through `change_status` like every other list action. The page re-posts the
action that brought it up (list or change form), so Django's action machinery runs it again
with the note; a missing note is refused on the page and nothing moves.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.text import get_text_list

from ..editorial.workflow import NOTE_NEEDED, change_status, display_name, reporters
from ..models import Story
from .actions import CHANGE_FORM_ACTION

# What each move's page says, and which stories it applies to.
MOVES = {
    Story.Status.DRAFT: {
        "title": "Send back to the reporter",
        "button": "Send back",
        "note_label": "What needs doing",
        "note_help": "The reporter sees this note on the story's page and in the e-mail that "
        "tells them it came back.",
        "applies": lambda story: story.status == Story.Status.IN_REVIEW,
        "not_applicable": "not in review",
    },
}


class NoteForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, to_status, **kwargs):
        super().__init__(*args, **kwargs)
        move = MOVES[to_status]
        self.to_status = to_status
        self.fields["note"].label = move["note_label"]
        self.fields["note"].help_text = move["note_help"]

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(NOTE_NEEDED[self.to_status])
        return note


def confirm_move(model_admin, request, queryset, to_status):
    """Ask for the note, then move the stories it applies to. Returns the page, or None once
    done (the action's usual redirect follows)."""
    move = MOVES[to_status]
    stories = list(queryset.select_related("section"))
    moving = [story for story in stories if move["applies"](story)]
    skipped = [story for story in stories if not move["applies"](story)]
    form = NoteForm(request.POST if "confirm" in request.POST else None, to_status=to_status)
    if moving and form.is_valid():
        note = form.cleaned_data["note"]
        moved = change_status(queryset.filter(pk__in=[s.pk for s in moving]), to_status,
                              request.user, note=note)  # fmt: skip
        model_admin.message_user(request, _done(to_status, moving, moved), messages.SUCCESS)
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": move["title"],
        "move": move,
        "moving": moving,
        "skipped": skipped,
        "form": form,
        "hidden": _hidden_fields(request),
    }
    return TemplateResponse(request, "admin/articles/story/confirm_move.html", context)


def _done(to_status, moving, moved):
    if len(moving) == 1 and moved == 1:
        story = moving[0]
        names = get_text_list([display_name(user) for user in reporters(story)], "and")
        return f"“{story}” was sent back to {names or 'its reporter'} with your note."
    return f"Sent back {moved} {'story' if moved == 1 else 'stories'} with your note."


def _hidden_fields(request):
    """The action, its location and the selection, as they came: confirming re-runs the action."""
    names = ("action", CHANGE_FORM_ACTION, "index", "select_across", ACTION_CHECKBOX_NAME)
    return [(name, value) for name in names for value in request.POST.getlist(name)]
