"""JSON bodies that cannot be read answer 400, whatever is wrong with them."""
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    """DRF's parser turns malformed JSON into 400 but lets a RecursionError through (JSON nested
    deeper than the interpreter's stack), which would answer 500; no work order nests that deep."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("请求内容嵌套层级过深，无法解析。")) from None
