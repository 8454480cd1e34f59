"""The media library in the admin: the list is the library (thumbnails, search, filters), the
change form sets the focal point and shows where an image is used and how far its renditions
are; "Upload images" takes many files at once by dragging. The body editor's image picker,
embed and related-story lookups are views here too (static/articles/body_editor.js)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import Resolver404, path, resolve, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from .. import embeds
from ..images import ACCEPT, progress
from ..models import Image, Story

PICKER_SIZE = 24


def thumbnail_url(image):
    """The smallest copy of the picture, or the original until copies exist."""
    renditions = image.renditions.get("free") or []
    if renditions:
        return default_storage.url(min(renditions, key=lambda r: r["width"])["jpeg"])
    return image.file.url


def thumbnail(image, width=96):
    height = round(width * image.height / image.width) if image.width and image.height else ""
    return format_html(
        '<img class="library-thumb" src="{}" alt="{}" width="{}" height="{}" loading="lazy">',
        thumbnail_url(image),
        image.alt_text,
        width,
        height,
    )


def image_summary(image):
    """The thumbnail, title and words of an image, linked to its page (the story form)."""
    return format_html(
        '<div class="library-summary">{}<div><a href="{}">{}</a><br>'
        '<span class="library-summary__alt">Alt text: {}</span>{}</div></div>',
        thumbnail(image, 160),
        reverse("admin:articles_image_change", args=[image.pk]),
        image.title,
        image.alt_text,
        format_html("<br>{} {}", image.caption, image.credit)
        if image.caption or image.credit
        else "",
    )


class LibraryImageWidget(ForeignKeyRawIdWidget):
    """The raw id field with the chosen image's thumbnail beside it (the magnifier opens the
    library to pick from, "Upload" adds one in a popup)."""

    template_name = "admin/articles/image/library_image_widget.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["upload_url"] = reverse("admin:articles_image_add") + "?_popup=1&_to_field=id"
        return context


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ("file", "title", "alt_text", "caption", "credit", "licence", "focal_x", "focal_y")
        widgets = {
            "file": forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            "focal_x": forms.NumberInput(attrs={"step": "0.01", "min": 0, "max": 1}),
            "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": 0, "max": 1}),
        }
        error_messages = {
            "alt_text": {
                "required": "Describe the image for readers who cannot see it: alt text is "
                "required."
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text += " Left empty, the file's name is used."


class UploadForm(ImageForm):
    class Meta(ImageForm.Meta):
        fields = ("file", "title", "alt_text", "caption", "credit", "licence")


class UsedFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return (("yes", "Used in a story"), ("no", "Not used yet"))

    def queryset(self, request, queryset):
        used = Q(lead_stories__isnull=False) | Q(uses__isnull=False)
        if self.value() == "yes":
            return queryset.filter(pk__in=Image.objects.filter(used).values("pk"))
        if self.value() == "no":
            return queryset.exclude(pk__in=Image.objects.filter(used).values("pk"))
        return queryset


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ("thumb", "title", "alt_short", "uploaded", "copies", "used_in_count")
    list_display_links = ("thumb", "title")
    list_filter = ("uploaded_by", "uploaded_at", UsedFilter)
    search_fields = ("title", "alt_text", "caption", "credit", "licence")
    date_hierarchy = "uploaded_at"
    list_select_related = ("uploaded_by",)
    list_per_page = 48
    readonly_fields = ("focal_preview", "size", "renditions_built", "used_in", "uploaded_by",
                       "uploaded_at")  # fmt: skip
    fieldsets = (
        (None, {"fields": ("file", "focal_preview", "focal_x", "focal_y", "size")}),
        ("Words", {"fields": ("title", "alt_text", "caption", "credit", "licence")}),
        ("In use", {"fields": ("used_in", "renditions_built", "uploaded_by", "uploaded_at")}),
    )

    class Media:
        css = {"all": ("articles/admin.css", "articles/media_admin.css")}
        js = ("articles/media_admin.js",)

    def get_queryset(self, request):
        return super().get_queryset(request).with_usage()

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="articles_image_upload"),
            path("picker/", view(self.picker_view), name="articles_image_picker"),
            path("embed/", view(self.embed_view), name="articles_image_embed"),
            path("related/", view(self.related_view), name="articles_image_related"),
            path("<int:pk>/about/", view(self.about_view), name="articles_image_about"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    # --- Columns and read-only fields ---

    @admin.display(description="Image")
    def thumb(self, obj):
        return thumbnail(obj)

    @admin.display(description="Uploaded", ordering="uploaded_at")
    def uploaded(self, obj):
        when = formats.date_format(timezone.localtime(obj.uploaded_at), "j M Y")
        return f"{when}, {obj.uploaded_by}" if obj.uploaded_by else when

    @admin.display(description="Alt text")
    def alt_short(self, obj):
        return Truncator(obj.alt_text).chars(40)

    @admin.display(description="Size")
    def size(self, obj):
        if not obj or not obj.width:
            return "—"
        return f"{obj.width} × {obj.height} pixels"

    @admin.display(description="Renditions")
    def renditions_built(self, obj):
        if not obj or not obj.pk:
            return "—"
        if obj.renditions.get("error"):
            return format_html(
                '<span class="renditions renditions--error">Could not read the file: {}. '
                "Upload it again.</span>",
                obj.renditions["error"],
            )
        done, total = progress(obj)
        css = "done" if done == total else "pending"
        return format_html(
            '<span class="renditions renditions--{}" data-renditions="{}/{}">{} of {} renditions '
            "built</span>",
            css,
            done,
            total,
            done,
            total,
        )

    @admin.display(description="Renditions")
    def copies(self, obj):
        if obj.renditions.get("error"):
            return format_html('<span class="renditions renditions--error">Unreadable</span>')
        done, total = progress(obj)
        css = "done" if done == total else "pending"
        return format_html(
            '<span class="renditions renditions--{}" title="{} of {} renditions built">{} of {}'
            "</span>",
            css, done, total, done, total,
        )  # fmt: skip

    @admin.display(description="Used in")
    def used_in_count(self, obj):
        count = obj.lead_count + obj.body_count
        if not count:
            return "—"
        return format_html(
            '<a href="{}#used-in">{} stor{}</a>',
            reverse("admin:articles_image_change", args=[obj.pk]),
            count,
            "y" if count == 1 else "ies",
        )

    @admin.display(description="Used in")
    def used_in(self, obj):
        stories = used_in(obj) if obj and obj.pk else []
        if not stories:
            return "Not used in any story yet."
        return format_html(
            '<ul class="used-in" id="used-in">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> <span class="used-in__how">({}, {})</span></li>',
                (
                    (
                        reverse("admin:articles_story_change", args=[story.pk]),
                        story.headline,
                        how,
                        story.get_status_display(),
                    )
                    for story, how in stories
                ),
            ),
        )

    @admin.display(description="Focal point")
    def focal_preview(self, obj):
        if not obj or not obj.pk:
            return "Upload the image first, then click it here to set what crops keep in view."
        return format_html(
            '<div class="focal" data-focal><img src="{}" alt="{}" width="{}" height="{}">'
            '<span class="focal__mark" aria-hidden="true"></span></div>'
            '<p class="help">Click the part of the picture that must stay in view when it is '
            "cropped for cards (a face, say), then save.</p>",
            thumbnail_url(obj),
            obj.alt_text,
            obj.width or "",
            obj.height or "",
        )

    # --- Views ---

    def upload_view(self, request):
        """Many images at once: the page takes dropped or chosen files, and posts them here one
        by one with their words (media_admin.js); each answer is JSON, so a refused file stays
        in the browser with its message while the others go on."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if not form.is_valid():
                return JsonResponse({"errors": form.errors}, status=400)
            image = form.save(commit=False)
            image.uploaded_by = request.user
            image.save()
            return JsonResponse(
                {
                    "id": image.pk,
                    "title": image.title,
                    "url": reverse("admin:articles_image_change", args=[image.pk]),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Upload images",
            "form": UploadForm(),
            "accept": ACCEPT,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/articles/image/upload.html", context)

    def picker_view(self, request):
        """The body editor's picker: the newest images, or those matching `q`, as a grid."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        images = Image.objects.all()
        q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
        if q:
            images = images.filter(
                Q(title__icontains=q) | Q(alt_text__icontains=q) | Q(caption__icontains=q)
            )
        context = {"images": [(image, thumbnail_url(image)) for image in images[:PICKER_SIZE]],
                   "q": q}  # fmt: skip
        return TemplateResponse(request, "admin/articles/image/picker.html", context)

    def about_view(self, request, pk):
        """What the body editor shows of an image it holds: its title, words and thumbnail."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        image = Image.objects.filter(pk=pk).first()
        if image is None:
            return JsonResponse(
                {
                    "error": f"Image no. {pk} is no longer in the library, so readers do not "
                    "see it here. Remove it, or insert another."
                },
                status=404,
            )
        return JsonResponse(
            {
                "id": image.pk,
                "title": image.title,
                "alt_text": image.alt_text,
                "caption": image.caption,
                "credit": image.credit,
                "thumbnail": thumbnail_url(image),
                "width": image.width,
                "height": image.height,
                "url": reverse("admin:articles_image_change", args=[image.pk]),
            }
        )

    def embed_view(self, request):
        """A pasted URL as the provider and id the body stores, or why it cannot be."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            provider, embed_id = embeds.parse(request.GET.get("url", ""))
        except embeds.UnknownEmbed as error:
            return JsonResponse({"error": str(error)}, status=400)
        return JsonResponse(
            {"provider": provider, "id": embed_id, "name": embeds.PROVIDERS[provider].name}
        )

    def related_view(self, request):
        """A story's address (public or admin) or number as the related story the body names."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        story = related_story(request.GET.get("q", ""))
        if story is None:
            return JsonResponse(
                {
                    "error": "No story has that address or number. Paste the story's address "
                    "(from the site or the admin) or type its number."
                },
                status=400,
            )
        return JsonResponse({"id": story.pk, "headline": story.headline})


def used_in(image):
    """[(story, "lead image" or "in the body"), …]: every story using the image."""
    lead = [(s, "lead image") for s in image.lead_stories.order_by("-pk")]
    body = [(u.story, "in the body") for u in image.uses.select_related("story").order_by("-pk")]
    return lead + body


def related_story(text):
    text = (text or "").strip().replace("\x00", "")
    if text.isdigit():
        return Story.objects.filter(pk=int(text)).first()
    path_part = "/" + text.split("://", 1)[-1].split("/", 1)[-1] if "/" in text else ""
    try:
        match = resolve(path_part.split("?")[0])
    except Resolver404:
        return None
    if match.url_name == "story-detail":
        return Story.objects.filter(slug=match.kwargs.get("slug")).first()
    if match.url_name in ("articles_story_change", "story-preview"):
        pk = match.kwargs.get("object_id") or match.kwargs.get("pk")
        return Story.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    return None
