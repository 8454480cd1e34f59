"""The page between choosing a status change that needs a note and making it.

Sending stories back asks for what needs doing (the reporter reads it); withdrawing asks why,
and whether readers who follow a link to the story may read the reason. Only then are the
stories moved, through `change_status` like every other list action. From the list or the
change form's action menu the page re-posts the action that brought it up, so Django's action
machinery runs it again with the note; a missing note is refused on the page and nothing moves.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.text import get_text_list

from ..editorial.ownership import display_name, reporters
from ..editorial.workflow import NOTE_NEEDED, change_status
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
    Story.Status.WITHDRAWN: {
        "title": "Withdraw from the site",
        "button": "Withdraw",
        "note_label": "Why it is withdrawn",
        "note_help": "Kept in the story's history.",
        "show_note_label": "Show this reason to readers who follow a link to the story "
        "(otherwise they read only that it was withdrawn)",
        "applies": lambda story: story.status != Story.Status.WITHDRAWN,
        "not_applicable": "already withdrawn",
    },
}


class NoteForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    show_note = forms.BooleanField(required=False)

    def __init__(self, *args, to_status, **kwargs):
        super().__init__(*args, **kwargs)
        move = MOVES[to_status]
        self.to_status = to_status
        self.fields["note"].label = move["note_label"]
        self.fields["note"].help_text = move["note_help"]
        if "show_note_label" in move:
            self.fields["show_note"].label = move["show_note_label"]
        else:
            del self.fields["show_note"]

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(NOTE_NEEDED[self.to_status])
        return note


def confirm_move(model_admin, request, queryset, to_status, story=None):
    """Ask for the note, then move the stories it applies to. Returns the page, or None once
    done (the action's usual redirect follows). `story`: the page is that story's own (its
    Withdraw button), with the story in the breadcrumbs."""
    move = MOVES[to_status]
    stories = list(queryset.select_related("section"))
    moving = [story for story in stories if move["applies"](story)]
    skipped = [story for story in stories if not move["applies"](story)]
    form = NoteForm(request.POST if "confirm" in request.POST else None, to_status=to_status)
    if moving and form.is_valid():
        note, show_note = form.cleaned_data["note"], form.cleaned_data.get("show_note", False)
        moved = change_status(queryset.filter(pk__in=[s.pk for s in moving]), to_status,
                              request.user, note=note, show_note=show_note)  # fmt: skip
        message = _done(to_status, moving, moved, show_note)
        model_admin.message_user(request, message, messages.SUCCESS)
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": story,
        "title": move["title"],
        "move": move,
        "moving": moving,
        "skipped": skipped,
        "form": form,
        "hidden": _hidden_fields(request),
    }
    return TemplateResponse(request, "admin/articles/story/confirm_move.html", context)


def _done(to_status, moving, moved, show_note):
    one = len(moving) == 1 and moved == 1
    stories = f"“{moving[0]}”" if one else f"{moved} {'story' if moved == 1 else 'stories'}"
    if to_status == Story.Status.WITHDRAWN:
        readers = "with your reason" if show_note else "without the reason"
        return (f"{stories} {'was' if one else 'were'} withdrawn. Readers who follow a link to "
                f"{'it' if one else 'them'} read that {'it was' if one else 'they were'} "
                f"withdrawn, {readers}.")  # fmt: skip
    if one:
        return sent_back_message(moving[0])
    return f"Sent back {stories} with your note."


def sent_back_message(story):
    names = get_text_list([display_name(user) for user in reporters(story)], "and")
    return f"“{story}” was sent back to {names or 'its reporter'} with your note."


def _hidden_fields(request):
    """The action, its location and the selection, as they came: confirming re-runs the action."""
    names = ("action", CHANGE_FORM_ACTION, "index", "select_across", ACTION_CHECKBOX_NAME)
    return [(name, value) for name in names for value in request.POST.getlist(name)]
