"""Submit an admin change form the way a browser would: what the page rendered, plus changes."""

from datetime import date, datetime, time

from django import forms
from django.urls import reverse

MULTIPLE = (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)


def admin_form_data(response, **changes):
    """POST data for the change form in `response` (a GET of the change page), then `changes`.

    Keys in `changes` are HTML names ("headline", "published_at_0", "bylines-0-role").
    Like a browser it sends the change form's action select too (Django 6.1's change-form
    actions), with nothing chosen, and the hidden id of the story it would act on.
    """
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    context = response.context
    data = {}
    if context.get("action_form") is not None:
        _add_form(data, context["action_form"])
        data[ACTION_CHECKBOX_NAME] = str(context["original"].pk)
    _add_form(data, context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    data.update(changes)
    return data


def _add_form(data, form):
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if isinstance(field.widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else field.widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{bound.html_name}_{index}"] = _text(part)
        elif isinstance(field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(field, MULTIPLE) or isinstance(value, (list, tuple)):
            data[bound.html_name] = [_text(v) for v in value or ()]
        else:
            data[bound.html_name] = _text(value)


def _text(value):
    if value is None:
        return ""
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value.pk if hasattr(value, "pk") else value)


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def change_url(story):
    return reverse("admin:articles_story_change", args=[story.pk])
