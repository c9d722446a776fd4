"""The views' JSON renderer: DRF's ``JSONRenderer`` output, byte for byte, written by orjson.

The standard library's encoder was the largest single cost of a big list page. orjson writes the
same compact UTF-8 for the types the API renders (str, int, bool, None, list, dict, UUID). For
anything it would write differently it hands over to DRF: datetimes, dates and times go through
DRF's encoder (``default``); an indented response, non-default ``UNICODE_JSON``/``COMPACT_JSON``,
non-string keys or any value orjson refuses are rendered by DRF itself. Floats could differ in
exponent notation, which both use only below 1e-4 and from 1e16 on: the floats the API renders
(points with four decimals, shares and means of reviews and results) lie between.
"""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
# DRF escapes these two so the output is also valid JavaScript; orjson writes them raw.
_LINE_SEPARATOR, _PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()
_SEPARATOR_LEAD = _LINE_SEPARATOR[:1]


class APIJSONRenderer(JSONRenderer):
    """``JSONRenderer`` with orjson doing the encoding whenever the bytes come out the same."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if (
            data is None
            or self.ensure_ascii
            or not self.compact
            or self.get_indent(accepted_media_type, renderer_context or {}) is not None
        ):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            content = orjson.dumps(data, default=self.encoder_class().default, option=_OPTIONS)
        except TypeError:  # orjson.JSONEncodeError included
            return super().render(data, accepted_media_type, renderer_context)
        # Both separators start with the byte 0xE2. Looking for that one byte is a memchr, about
        # a hundred times faster than looking for a three-byte sequence (2 ms per MB), so the
        # sequences are looked for only in a response that has the byte at all.
        if _SEPARATOR_LEAD in content:
            if _LINE_SEPARATOR in content:
                content = content.replace(_LINE_SEPARATOR, b"\\u2028")
            if _PARAGRAPH_SEPARATOR in content:
                content = content.replace(_PARAGRAPH_SEPARATOR, b"\\u2029")
        return content
