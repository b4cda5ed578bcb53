"""The request every view sees: query arguments, form values and file names cleaned of control
characters in one place (:mod:`portal.domain.text`), so that no form field, search box or
upload has to remember it and nothing typed around them is lost."""

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.utils import cached_property

from portal.domain.text import clean_filename, clean_text


def _cleaned(values: MultiDict) -> MultiDict:
    return type(values)(
        (clean_text(key), clean_text(value) if isinstance(value, str) else value)
        for key, value in values.items(multi=True)
    )


class PortalRequest(Request):
    @cached_property
    def args(self) -> MultiDict:
        return _cleaned(super().args)

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        self.__dict__["form"] = _cleaned(self.__dict__["form"])
        for upload in self.__dict__["files"].values():
            if upload.filename:
                upload.filename = clean_filename(upload.filename)
