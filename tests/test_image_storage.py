"""What library images leave in storage: the copies of a replaced file or focal point, and an
image deleted from the library, leave nothing behind once the change has committed; a change
rolled back loses nothing, and a file storage refuses to delete is logged, not an error."""

import io
import logging

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from articles import images
from articles.images import build_image_renditions
from articles.models import Image
from tests.factories import image_file, make_image, make_story

pytestmark = pytest.mark.django_db


def stored(media_root):
    """Every file in storage, as storage names them."""
    return sorted(
        str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()
    )


def copies_of(image):
    """The files an image's renditions record names."""
    return [
        record[key]
        for shape, records in image.renditions.items()
        if shape not in ("of", "error")
        for record in records
        for key in ("jpeg", "webp")
    ]


def files_of(image):
    return sorted([image.file.name, *copies_of(image)])


def test_a_replaced_file_takes_its_original_and_renditions_with_it_after_the_commit(
    media_root, django_capture_on_commit_callbacks
):
    image = make_image()
    old = files_of(image)
    assert len(old) > 2  # the original, and JPEG and WebP at each width of each shape
    image.file = image_file("better.png", size=(1600, 900))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        image.save()
    assert set(old) <= set(stored(media_root))  # nothing goes before the commit
    for callback in callbacks:
        callback()  # the commit: old files go, the task builds the new copies
    image.refresh_from_db()
    assert image.file.name.endswith("better.png") and images.progress(image) == (4, 4)
    assert stored(media_root) == files_of(image)


def test_a_new_focal_point_takes_the_old_crops_and_keeps_the_original(
    media_root, django_capture_on_commit_callbacks
):
    image = make_image(image_file("wide.png", size=(2000, 1000)))
    image.focal_x = 0.9
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    image.refresh_from_db()
    assert images.progress(image) == (4, 4)
    assert stored(media_root) == files_of(image)


def test_new_words_keep_every_file(media_root, django_capture_on_commit_callbacks):
    image = make_image()
    before = stored(media_root)
    image.caption = "A better caption"
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    assert stored(media_root) == before


def test_a_save_from_an_older_copy_keeps_what_the_task_recorded_since(
    media_root, django_capture_on_commit_callbacks
):
    """The admin loaded the image before its renditions were built; saving its words must
    neither drop the task's record (leaving its files unnamed) nor build again."""
    older = make_image(build=False)
    build_image_renditions.call(older.pk)
    older.caption = "Written while the copies were being made"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        older.save()
    image = Image.objects.get(pk=older.pk)
    assert callbacks == [] and images.progress(image) == (4, 4)
    assert stored(media_root) == files_of(image)


def test_a_rolled_back_replacement_loses_nothing(media_root, django_capture_on_commit_callbacks):
    image = make_image()
    old = files_of(image)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        image.file = image_file("better.png")
        image.save()
        raise RuntimeError("the rest of the change failed")
    image = Image.objects.get(pk=image.pk)
    assert files_of(image) == old and set(old) <= set(stored(media_root))
    assert images.progress(image) == (4, 4)


def test_deleting_an_image_in_the_library_removes_its_files(
    admin_client, media_root, django_capture_on_commit_callbacks
):
    image = make_image()
    keep = make_image(title="Another")
    url = reverse("admin:articles_image_delete", args=[image.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()
    assert set(files_of(image)) <= set(stored(media_root))  # not before the commit
    for callback in callbacks:
        callback()
    assert stored(media_root) == files_of(keep)


def test_deleting_several_from_the_list_removes_each_ones_files(
    admin_client, media_root, django_capture_on_commit_callbacks
):
    chosen = [make_image(title=f"Photo {n}") for n in range(3)]
    keep = make_image(title="Kept")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:articles_image_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [image.pk for image in chosen],
                "post": "yes",
            },
        )
    assert response.status_code == 302 and Image.objects.count() == 1
    assert stored(media_root) == files_of(keep)


def test_an_image_in_use_is_refused_and_keeps_its_files(
    admin_client, media_root, django_capture_on_commit_callbacks
):
    image = make_image()
    make_story(body=f'<p>Hi.</p><figure data-image-id="{image.pk}" data-layout="full"></figure>')
    before = stored(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        page = admin_client.post(
            reverse("admin:articles_image_delete", args=[image.pk]), {"post": "yes"}
        )
    assert "would require deleting the following protected" in page.text
    assert Image.objects.filter(pk=image.pk).exists() and stored(media_root) == before


def test_a_file_shared_with_another_image_stays_while_that_one_shows_it(
    media_root, django_capture_on_commit_callbacks
):
    """Lead images moved into the library may share one file between two entries."""
    image = make_image()
    twin = make_image(build=False, file=image.file.name, title="Same file, other words")
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert default_storage.exists(twin.file.name)
    assert not any(default_storage.exists(name) for name in copies_of(image))
    with django_capture_on_commit_callbacks(execute=True):
        twin.delete()
    assert stored(media_root) == []


def test_a_file_storage_will_not_delete_is_logged_and_the_save_goes_through(
    media_root, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    image = make_image()

    def refuse(name):
        raise PermissionError(f"read-only: {name}")

    monkeypatch.setattr(default_storage, "delete", refuse)
    image.file = image_file("better.png")
    with (
        caplog.at_level(logging.WARNING, logger="articles.images"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        image.save()
    image.refresh_from_db()
    assert image.file.name.endswith("better.png") and images.progress(image) == (4, 4)
    assert "Could not delete" in caplog.text and "left behind" in caplog.text


def test_a_build_overtaken_by_a_new_focal_point_removes_what_it_had_just_written(
    media_root, monkeypatch, django_capture_on_commit_callbacks
):
    """The worker is building when an editor moves the focal point: the shapes it recorded go
    with the editor's save, and the one it was writing goes when it notices."""
    image = make_image(build=False, file=image_file("wide.png", size=(2000, 1000)))
    build_shape = images.build_shape
    shapes_built = []

    def build_then_the_editor_saves(*args, **kwargs):
        records = build_shape(*args, **kwargs)
        shapes_built.append(args[2])
        if len(shapes_built) == 2:
            edited = Image.objects.get(pk=image.pk)
            edited.focal_x = 0.1
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                edited.save()
            callbacks[0]()  # the commit removes the copies recorded so far (not the build)
        return records

    monkeypatch.setattr(images, "build_shape", build_then_the_editor_saves)
    assert build_image_renditions.call(image.pk) == "superseded"
    assert shapes_built == ["free", "16:9"]
    assert stored(media_root) == [image.file.name]


def test_a_build_overtaken_by_a_deletion_leaves_nothing(
    media_root, monkeypatch, django_capture_on_commit_callbacks
):
    image = make_image(build=False)
    build_shape = images.build_shape

    def build_then_the_editor_deletes(*args, **kwargs):
        records = build_shape(*args, **kwargs)
        if args[2] == "16:9":
            with django_capture_on_commit_callbacks(execute=True):
                Image.objects.filter(pk=image.pk).delete()
        return records

    monkeypatch.setattr(images, "build_shape", build_then_the_editor_deletes)
    assert build_image_renditions.call(image.pk) == "superseded"
    assert stored(media_root) == []


def test_copies_written_before_a_failure_are_removed(media_root, monkeypatch):
    image = make_image(build=False)
    save = default_storage.save
    writes = []

    def full_after_five(name, content, **kwargs):
        if len(writes) == 5:
            raise OSError(28, "No space left on device")
        writes.append(save(name, content, **kwargs))
        return writes[-1]

    monkeypatch.setattr(default_storage, "save", full_after_five)
    with pytest.raises(OSError, match="No space"):
        build_image_renditions.call(image.pk)
    assert stored(media_root) == [image.file.name]


def test_rebuilding_every_image_removes_the_copies_it_replaces(
    media_root, django_capture_on_commit_callbacks
):
    image = make_image()
    with django_capture_on_commit_callbacks(execute=True):  # the command runs in autocommit
        call_command("build_renditions", "--all", "--now", stdout=io.StringIO())
    image.refresh_from_db()
    assert images.progress(image) == (4, 4)
    assert stored(media_root) == files_of(image)
