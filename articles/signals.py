"""Every signal receiver of the app, connected from `ArticlesConfig.ready()`.

Signals serve where what they follow comes from everywhere: the roles' permissions after
`migrate`, admin access following role membership, SQLite's accent folding on every new
connection, and, for changes from the admin's forms, inlines and bulk deletes, importers and
the shell, the page cache's one invalidation rule (articles/caching/invalidation.py says what
each change touches; the receivers here only tell it what changed). Writes that bypass
signals (`QuerySet.update`, `bulk_create`) go through the write path, which tells it itself.
"""

from django.db.backends.signals import connection_created
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)

from .caching import invalidation as rule
from .editorial import staff
from .editorial.roles import sync_roles_after_migrate
from .listing import folding
from .models import (
    Appeal,
    AppealVariant,
    Author,
    BreakingNews,
    Byline,
    Correction,
    FrontPage,
    FrontPick,
    Image,
    LeadPick,
    LiveUpdate,
    PublisherPolicies,
    Quote,
    RelatedStory,
    Section,
    SectionBlockPick,
    SectionPin,
    Source,
    Story,
    Tag,
    TopPick,
)

# What `remember` keeps of each model before a save.
REMEMBERED = {
    Story: rule.STORY_FIELDS,
    Image: rule.IMAGE_FIELDS,
    Byline: ("author_id", "story_id"),
    Quote: rule.QUOTE_FIELDS,
    **{model: rule.PUBLIC_FIELDS[model._meta.label_lower] for model in (Tag, Author, Source)},
}


def connect(app_config):
    # Grants the roles' permissions for models added after the roles migration ran.
    post_migrate.connect(sync_roles_after_migrate, sender=app_config)
    # Roles give admin access: is_staff follows role membership however it changes.
    staff.connect()
    # Every SQLite connection gets the accent-folding function search uses.
    connection_created.connect(folding.register, dispatch_uid="articles.listing.folding")
    receivers = [
        *((pre_save, model, remember) for model in REMEMBERED),
        (post_save, Story, story_saved),
        (post_save, Image, image_saved),
        (pre_delete, Image, image_deleting),
        (post_delete, Story, story_deleted),
        (m2m_changed, Story.tags.through, story_tags_changed),
        (post_save, Byline, byline_changed),
        (post_delete, Byline, byline_changed),
        (post_save, Quote, quote_changed),
        (post_delete, Quote, quote_changed),
        (post_save, LiveUpdate, live_update_changed),
        (post_delete, LiveUpdate, live_update_changed),
        (post_save, Correction, correction_changed),
        (post_delete, Correction, correction_changed),
        (post_save, Section, everywhere_changed),
        (post_delete, Section, everywhere_changed),
        (post_save, PublisherPolicies, everywhere_changed),
        (post_delete, PublisherPolicies, everywhere_changed),
        *((post_save, model, public_fields_changed) for model in (Tag, Author, Source)),
        *((post_delete, model, everywhere_changed) for model in (Tag, Author, Source)),
        # What editors arrange: picks (saved through their proxies by the front page admin).
        *(
            (signal, model, front_changed)
            for model in (FrontPage, FrontPick, LeadPick, TopPick, SectionBlockPick)
            for signal in (post_save, post_delete)
        ),
        (post_save, SectionPin, pin_changed),
        (post_delete, SectionPin, pin_changed),
        (post_save, RelatedStory, related_changed),
        (post_delete, RelatedStory, related_changed),
        (post_save, BreakingNews, breaking_changed),
        (post_delete, BreakingNews, breaking_changed),
        (pre_save, Appeal, remember_appeal),
        (pre_delete, Appeal, remember_appeal),
        (post_save, Appeal, appeal_saved),
        (post_delete, Appeal, appeal_saved),
        (post_save, AppealVariant, variant_changed),
        (post_delete, AppealVariant, variant_changed),
        *(
            (m2m_changed, getattr(Appeal, name).through, appeal_targeting_changed)
            for name in ("include_sections", "exclude_sections", "include_tags", "exclude_tags")
        ),
    ]
    for signal, sender, receiver in receivers:
        signal.connect(receiver, sender=sender, dispatch_uid=f"{receiver.__name__}:{sender}")


# --- Stories and what hangs off them ----------------------------------------------------


def remember(sender, instance, raw=False, **kwargs):
    """Before a save: the row as stored (what readers may be seeing), to compare after it."""
    fields = REMEMBERED[sender]
    instance._stored = (
        None
        if raw or instance.pk is None
        else sender.objects.filter(pk=instance.pk).values(*fields).first()
    )


def story_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        rule.story_changed(
            instance.pk, getattr(instance, "_stored", None), rule.story_fields(instance)
        )


def image_saved(sender, instance, raw=False, created=False, **kwargs):
    """A library image's words or picture changed: the stories showing it go stale (a new
    image is in no story yet)."""
    stored = getattr(instance, "_stored", None)
    if raw or created or stored is None:
        return
    if {k: str(v) for k, v in stored.items()} != rule.image_fields(instance):
        rule.image_changed(instance.pk)


def image_deleting(sender, instance, **kwargs):
    """A library image is being deleted (one, or many from the list): its original and its
    renditions leave storage once the deletion commits."""
    instance.discard_after_commit(instance.stored_row(), original=True)


def story_deleted(sender, instance, **kwargs):
    rule.story_changed(instance.pk, rule.story_fields(instance), None)


def story_tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear":
        instance._cleared_tags = list(
            Story.tags.through.objects.filter(
                **{"tag_id" if reverse else "story_id": instance.pk}
            ).values_list("story_id" if reverse else "tag_id", flat=True)
        )
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    changed = pk_set if action != "post_clear" else getattr(instance, "_cleared_tags", [])
    if reverse:  # tag.stories.add(...): instance is the tag, pk_set the stories
        for story_id in changed or ():
            rule.story_related_changed(story_id, tags=[instance.pk])
    else:
        rule.story_related_changed(instance.pk, tags=changed or ())


def live_update_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        rule.live_update_changed(instance.story_id)


def byline_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    stored = getattr(instance, "_stored", None) or {}
    authors = {instance.author_id, stored.get("author_id")} - {None}
    rule.story_related_changed(instance.story_id, authors=authors)


def quote_changed(sender, instance, raw=False, **kwargs):
    """Readers see confirmed quotes only: a suggestion coming and going changes nothing."""
    if raw:
        return
    now = {name: getattr(instance, name) for name in rule.QUOTE_FIELDS}
    if kwargs.get("signal") is post_delete:
        before, now = now, None
    else:
        before = getattr(instance, "_stored", None)
    rule.quote_changed(before, now)


def correction_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    # Linking a correction to the revision that made it changes nothing readers see.
    if raw or (update_fields and set(update_fields) <= {"revision", "created_by"}):
        return
    rule.story_related_changed(instance.story_id)


# --- Names shown on every page ----------------------------------------------------------


def front_changed(sender, raw=False, **kwargs):
    if not raw:
        rule.front_changed()


def pin_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        rule.pins_changed(instance.section_id)


def related_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        rule.related_changed(instance.story_id)


def breaking_changed(sender, raw=False, **kwargs):
    if not raw:
        rule.breaking_changed()


def everywhere_changed(sender, raw=False, **kwargs):
    if not raw:
        rule.site_changed()


def public_fields_changed(sender, instance, created=False, raw=False, **kwargs):
    """A new tag, author or source shows nowhere yet; a renamed one shows on every page."""
    stored = getattr(instance, "_stored", None)
    if raw or created or stored is None:
        return
    if any(getattr(instance, name) != value for name, value in stored.items()):
        rule.site_changed()


# --- Appeals ----------------------------------------------------------------------------


def remember_appeal(sender, instance, raw=False, **kwargs):
    """Where the appeal showed before this change, and whether it could show at all."""
    stored = None
    if not raw and instance.pk is not None:
        stored = Appeal.objects.filter(pk=instance.pk).values(*rule.APPEAL_FIELDS).first()
    instance._stored = stored
    instance._targets = rule.appeal_targets(instance.pk) if stored else []


def appeal_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    after = None if kwargs.get("signal") is post_delete else rule.appeal_fields(instance)
    targets = instance._targets if after is None else rule.appeal_targets(instance.pk)
    rule.appeal_changed(getattr(instance, "_stored", None), after, [*instance._targets, *targets])


def variant_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    state = Appeal.objects.filter(pk=instance.appeal_id).values(*rule.APPEAL_FIELDS).first()
    if state is not None:
        rule.appeal_changed(state, state, rule.appeal_targets(instance.appeal_id))


def appeal_targeting_changed(sender, instance, action, **kwargs):
    if action.startswith("pre_"):
        instance._targets = rule.appeal_targets(instance.pk)
    else:
        state = rule.appeal_fields(instance)
        targets = [*getattr(instance, "_targets", []), *rule.appeal_targets(instance.pk)]
        rule.appeal_changed(state, state, targets)
