"""What a programme accepts as a file: documents and images whose content is what their name
says, within a size limit, refused before anything is stored.

A file is judged by its extension AND by its bytes: an executable, a web page or a script
renamed ".pdf" reaches the people who download it as a PDF, so its first bytes (and, for
the zipped Office and OpenDocument formats, its table of contents) must agree."""

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Enough for every signature filetype knows, and for a PDF's header after a stray preamble.
HEAD_BYTES = 8192
# A stamp or signature is a few hundred pixels wide; far larger images are refused rather
# than decoded (a small PNG can expand to gigabytes of pixels).
MAX_IMAGE_PIXELS = 6000 * 6000


@dataclass(frozen=True)
class FileKind:
    content_type: str
    family: str  # how the content is checked: pdf, ole, ooxml, odf, image
    part: str = ""  # the OOXML part or the ODF mimetype its archive must hold


DOCUMENT_KINDS = {
    "pdf": FileKind("application/pdf", "pdf"),
    "doc": FileKind("application/msword", "ole"),
    "xls": FileKind("application/vnd.ms-excel", "ole"),
    "ppt": FileKind("application/vnd.ms-powerpoint", "ole"),
    "docx": FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "ooxml",
        "word/document.xml",
    ),
    "xlsx": FileKind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ooxml",
        "xl/workbook.xml",
    ),
    "pptx": FileKind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ooxml",
        "ppt/presentation.xml",
    ),
    "odt": FileKind(
        "application/vnd.oasis.opendocument.text", "odf", "application/vnd.oasis.opendocument.text"
    ),
    "ods": FileKind(
        "application/vnd.oasis.opendocument.spreadsheet",
        "odf",
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    "odp": FileKind(
        "application/vnd.oasis.opendocument.presentation",
        "odf",
        "application/vnd.oasis.opendocument.presentation",
    ),
    "png": FileKind("image/png", "image", "png"),
    "jpg": FileKind("image/jpeg", "image", "jpg"),
    "jpeg": FileKind("image/jpeg", "image", "jpg"),
}
IMAGE_KINDS = {name: kind for name, kind in DOCUMENT_KINDS.items() if kind.family == "image"}


def extension_of(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def content_type_for(name: str) -> str:
    kind = DOCUMENT_KINDS.get(extension_of(name))
    return kind.content_type if kind else "application/octet-stream"


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def too_large_message(limit: int) -> str:
    return _("The file is larger than %(mb)s MB; it was not saved.") % {"mb": megabytes(limit)}


def _head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def _zip_holds(upload: UploadedFile, kind: FileKind) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if kind.family == "ooxml":
                return "[Content_Types].xml" in names and kind.part in names
            if "mimetype" not in names:
                return False
            with archive.open("mimetype") as member:
                return member.read(len(kind.part) + 1).strip() == kind.part.encode()
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return False
    finally:
        upload.seek(0)


def _content_matches(upload: UploadedFile, extension: str, kind: FileKind) -> bool:
    head = _head(upload)
    guessed = filetype.guess(head)
    if kind.family == "pdf":
        return guessed is not None and guessed.extension == "pdf"
    if kind.family == "image":
        return guessed is not None and guessed.extension == kind.part
    if kind.family == "ole":
        # The legacy Office formats share one container; what filetype recognises inside
        # it must not be a different format.
        return head.startswith(OLE) and (
            guessed is None or guessed.extension in ("doc", "xls", "ppt")
        )
    if not head.startswith(b"PK\x03\x04"):
        return False
    return _zip_holds(upload, kind)


def check_size(upload: UploadedFile, limit: int) -> None:
    if upload.size is None or upload.size > limit:
        raise ValidationError(too_large_message(limit))


def check_material_file(upload: UploadedFile) -> str:
    """Refuse a material that is too large, of a type not accepted, or whose content is not
    what its name says; return the content type it will be served with."""
    check_size(upload, settings.MATERIAL_MAX_BYTES)
    extension = extension_of(upload.name or "")
    kind = DOCUMENT_KINDS.get(extension)
    if kind is None:
        raise ValidationError(
            _("Only PDF, Word, Excel, PowerPoint, OpenDocument, PNG or JPEG files are accepted.")
        )
    if not _content_matches(upload, extension, kind):
        raise ValidationError(
            _("The content of this file is not a %(type)s file; it was not saved.")
            % {"type": extension.upper()}
        )
    return kind.content_type


def check_image(upload: UploadedFile) -> None:
    """Refuse a stamp or signature image that is not a genuine PNG or JPEG within limits."""
    check_size(upload, settings.MATERIAL_IMAGE_MAX_BYTES)
    kind = IMAGE_KINDS.get(extension_of(upload.name or ""))
    if kind is None or not _content_matches(upload, extension_of(upload.name), kind):
        raise ValidationError(_("Upload a PNG or JPEG image."))
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format not in ("PNG", "JPEG"):
                raise ValidationError(_("Upload a PNG or JPEG image."))
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("The image is too large; use one of at most 6000 by 6000 pixels.")
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(_("The image is damaged or not a PNG or JPEG.")) from error
    finally:
        upload.seek(0)


def stored_name(prefix: str, original: str) -> str:
    """A name of our own for the stored file: nothing the uploader typed reaches the disk,
    and no address can be guessed from a document's title."""
    return f"{prefix}/{uuid.uuid4().hex}.{extension_of(original) or 'bin'}"


def material_upload_to(instance: object, filename: str) -> str:
    return stored_name("materials", filename)


def stamp_upload_to(instance: object, filename: str) -> str:
    return stored_name("programmes/stamps", filename)


def signature_upload_to(instance: object, filename: str) -> str:
    return stored_name("programmes/signatures", filename)


class SizeLimitedUploadHandler(FileUploadHandler):
    """First of the upload handlers (settings.FILE_UPLOAD_HANDLERS): a file that passes
    UPLOAD_MAX_BYTES is dropped while it arrives, so a 200 MB upload is neither kept in
    memory nor written to a temporary file. The page that expected it finds it missing and
    `upload_too_large` tells it why; smaller limits are checked by each service."""

    def __init__(self, request: object = None) -> None:
        super().__init__(request)
        self.limit = settings.UPLOAD_MAX_BYTES
        self.too_large = False
        self.received = 0

    def new_file(self, *args: object, **kwargs: object) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_too_large(request: object) -> bool:
    """Whether a file of this request was dropped for passing UPLOAD_MAX_BYTES."""
    return any(
        isinstance(handler, SizeLimitedUploadHandler) and handler.too_large
        for handler in getattr(request, "upload_handlers", ())
    )
