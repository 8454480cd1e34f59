"""`{{ image|picture:"16:9" }}`: what a page shows of a library image in a shape."""

from django import template

register = template.Library()


@register.filter
def picture(image, shape="free"):
    return image.picture(shape) if image else None
