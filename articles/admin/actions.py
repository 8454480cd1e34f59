"""Change-form actions (Django 6.1) that never swallow a save.

Django runs a change form's action select, instead of saving, for any POST that names none of
`_save`, `_continue` and `_addanother`. Our forms have more buttons that save (the review
buttons), and a browser submits the Run button when Enter is pressed in a text field, so left
alone both would throw away what was typed and say "No action selected.". Here a POST runs an
action only when one was chosen and no button that saves was pressed.
"""

from django.contrib import admin

BOTH_LOCATIONS = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]
CHANGE_FORM_ACTION = f"{admin.ActionLocation.CHANGE_FORM.value}-action"


class ChangeFormActionsAdmin(admin.ModelAdmin):
    # Names of this admin's own submit buttons that save the form (besides Django's three).
    save_buttons = ()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and CHANGE_FORM_ACTION in request.POST:
            chosen = any(request.POST.getlist(CHANGE_FORM_ACTION))
            if not chosen or any(name in request.POST for name in self.save_buttons):
                request.POST = request.POST.copy()
                del request.POST[CHANGE_FORM_ACTION]
        return super().changeform_view(request, object_id, form_url, extra_context)
