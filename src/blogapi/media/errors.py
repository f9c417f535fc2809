"""The errors of media, one class per code."""

from blogapi.core.errors import Conflict, PayloadTooLarge


class QuotaExceeded(PayloadTooLarge):
    code = "QUOTA_EXCEEDED"
    message = "This upload would pass your storage quota"


class MediaInUse(Conflict):
    code = "MEDIA_IN_USE"
    message = "A published post uses this image as its cover"
