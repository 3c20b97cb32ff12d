"""Pages of a REST answer: where the records are and which request comes next (pure).

A paginator is a small object chosen by configuration (``rest.paginator.type``). It is
given each page as it arrives and answers the next request, or ``None`` at the end. It
also refuses what would otherwise lose or loop silently: a page without the cursor the
API promised, a cursor or next link seen before, the same records served again for the
next offset or page number. Those raise ``PagingError``, and the batch fails.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from ingestion.connectors.rest_settings import PaginatorSettings, path_parts
from yecai.errors import YecaiError

_MISSING = object()


class PagingError(YecaiError):
    """The API's paging broke its own rules; reading on would lose or repeat records."""


@dataclass(frozen=True)
class Request:
    url: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """One answer: the request that got it, its decoded body, its Link header's targets."""

    number: int  # 1 for the first page
    request: Request
    shown_url: str  # the request's URL for messages, secrets removed
    body: Any
    records: list[dict]
    links: Mapping[str, str] = field(default_factory=dict)  # rel → URL


def lookup(body: Any, path: str) -> Any:
    """The value at a dotted path in a JSON body, or ``_MISSING`` when a key is absent."""
    value = body
    for part in path_parts(path):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def is_missing(value: Any) -> bool:
    return value is _MISSING


def select_records(body: Any, records_path: str, shown_url: str) -> list[dict]:
    """The list of records in a body, or a one-line ``YecaiError`` saying what was expected."""
    parts = path_parts(records_path)
    where = f"{shown_url} answered"
    if not parts:
        if not isinstance(body, list):
            raise YecaiError(
                f"{where} {describe(body)}; expected a JSON array of records "
                "(rest.records_path is $)",
                "set rest.records_path to the field holding the records",
            )
        records = body
    else:
        if not isinstance(body, Mapping):
            raise YecaiError(
                f"{where} {describe(body)}; expected a JSON object with the records at "
                f"'{records_path}'",
                "set rest.records_path to $ if the answer is the list itself",
            )
        value = lookup(body, records_path)
        if is_missing(value):
            raise YecaiError(
                f"{where} an object without '{records_path}' ({describe(body)}); expected "
                f"the records there",
                "check rest.records_path against the API's answer",
            )
        if not isinstance(value, list):
            raise YecaiError(
                f"{where} '{records_path}' as {describe(value)}; expected a JSON array of records",
                "check rest.records_path against the API's answer",
            )
        records = value
    for i, record in enumerate(records, start=1):
        if not isinstance(record, Mapping):
            raise YecaiError(
                f"{where} record #{i} as {describe(record)}; expected a JSON object per record",
                "check rest.records_path points at the list of records",
            )
    return records


def describe(value: Any) -> str:
    """A short, value-free description of a JSON value (no personal data in messages)."""
    if isinstance(value, Mapping):
        keys = ", ".join(list(map(str, value))[:8])
        return f"a JSON object (keys: {keys})" if keys else "an empty JSON object"
    if isinstance(value, list):
        return f"a JSON array of {len(value)} item(s)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    return "a number"


class Paginator:
    """Base: the first request, then ``next_request(page)`` until it answers ``None``."""

    def __init__(self, settings: PaginatorSettings) -> None:
        self.settings = settings
        self.first: Request | None = None

    def first_request(self, url: str, params: dict[str, str]) -> Request:
        params = dict(params)
        if self.settings.page_size_param:
            params[self.settings.page_size_param] = str(self.settings.page_size)
        self.first = Request(url, params)
        return self.first

    def next_request(self, page: Page) -> Request | None:
        raise NotImplementedError


class SinglePagePaginator(Paginator):
    def next_request(self, page: Page) -> Request | None:
        return None


class _ReferencePaginator(Paginator):
    """Cursors and links: each must be new, or the API is sending us round in circles."""

    label = "reference"

    def __init__(self, settings: PaginatorSettings) -> None:
        super().__init__(settings)
        self.seen: dict[str, int] = {}

    def _remember(self, reference: str, page: Page) -> None:
        if reference in self.seen:
            raise PagingError(
                f"{page.shown_url} (page {page.number}) gave a {self.label} already given on "
                f"page {self.seen[reference]}: the API would be read in a loop; nothing landed",
                "check the API's paging (and rest.paginator), then run again",
            )
        self.seen[reference] = page.number


class CursorPaginator(_ReferencePaginator):
    """A cursor in the body, sent back as a query parameter; null or empty at the end."""

    label = "cursor"

    def next_request(self, page: Page) -> Request | None:
        s = self.settings
        cursor = lookup(page.body, s.cursor_path)
        if is_missing(cursor):
            raise PagingError(
                f"{page.shown_url} (page {page.number}) answered without '{s.cursor_path}', "
                "the cursor every page must carry (null on the last); the read stopped "
                "part-way, nothing landed",
                "check rest.paginator.cursor_path against the API's answer, then run again",
            )
        more = lookup(page.body, s.has_more_path) if s.has_more_path else None
        if cursor in (None, ""):
            if more is True:
                raise PagingError(
                    f"{page.shown_url} (page {page.number}) says '{s.has_more_path}' is true "
                    f"but gives no '{s.cursor_path}'; nothing landed",
                    "check rest.paginator against the API's answer, then run again",
                )
            return None
        if more is False:
            return None
        if isinstance(cursor, Mapping | list):
            raise PagingError(
                f"{page.shown_url} (page {page.number}) gave '{s.cursor_path}' as "
                f"{describe(cursor)}; expected text or a number",
                "point rest.paginator.cursor_path at the cursor value itself",
            )
        text = str(cursor)
        self._remember(text, page)
        assert self.first is not None
        return Request(self.first.url, {**self.first.params, s.cursor_param: text})


class NextLinkPaginator(_ReferencePaginator):
    """The URL of the next page in the body; null or empty at the end."""

    label = "next link"

    def next_request(self, page: Page) -> Request | None:
        path = self.settings.next_path
        link = lookup(page.body, path)
        if is_missing(link):
            raise PagingError(
                f"{page.shown_url} (page {page.number}) answered without '{path}', the next "
                "link every page must carry (null on the last); the read stopped part-way, "
                "nothing landed",
                "check rest.paginator.next_path against the API's answer, then run again",
            )
        if link in (None, ""):
            return None
        if not isinstance(link, str):
            raise PagingError(
                f"{page.shown_url} (page {page.number}) gave '{path}' as {describe(link)}; "
                "expected a URL",
                "point rest.paginator.next_path at the link itself",
            )
        url = urljoin(page.request.url, link)
        self._remember(url, page)
        return Request(url)


class LinkHeaderPaginator(_ReferencePaginator):
    """The next page in the HTTP Link header (``rel="next"``); no such link at the end."""

    label = "Link header"

    def next_request(self, page: Page) -> Request | None:
        link = page.links.get(self.settings.rel)
        if not link:
            return None
        url = urljoin(page.request.url, link)
        self._remember(url, page)
        return Request(url)


class _CountingPaginator(Paginator):
    """Offsets and page numbers: the API says nothing about the next page, so a page that
    repeats the previous one's records means it ignores the parameter we step."""

    step_param = ""

    def __init__(self, settings: PaginatorSettings) -> None:
        super().__init__(settings)
        self.previous: str | None = None
        self.position = 0

    def _check_not_repeated(self, page: Page) -> None:
        fingerprint = hashlib.sha256(
            json.dumps(page.records, sort_keys=True, default=str).encode()
        ).hexdigest()
        if page.records and fingerprint == self.previous:
            raise PagingError(
                f"{page.shown_url} (page {page.number}) served the same records as the page "
                f"before: the API seems to ignore '{self.step_param}'; nothing landed",
                "check rest.paginator against the API's paging parameters, then run again",
            )
        self.previous = fingerprint

    def _total(self, page: Page, path: str) -> int:
        value = lookup(page.body, path)
        if is_missing(value) or isinstance(value, bool) or not isinstance(value, int | float):
            raise PagingError(
                f"{page.shown_url} (page {page.number}) has no whole number at '{path}'; "
                "expected the total there",
                "check the total path in rest.paginator, or remove it",
            )
        return int(value)

    def _short(self, page: Page) -> bool:
        size = self.settings.page_size
        return size is not None and len(page.records) < size


class OffsetPaginator(_CountingPaginator):
    def first_request(self, url: str, params: dict[str, str]) -> Request:
        self.step_param = self.settings.offset_param or ""
        self.position = self.settings.start or 0
        request = super().first_request(url, {**params, self.step_param: str(self.position)})
        return request

    def next_request(self, page: Page) -> Request | None:
        self._check_not_repeated(page)
        if not page.records or self._short(page):
            return None
        self.position += len(page.records)
        if self.settings.total_path and self.position >= self._total(
            page, self.settings.total_path
        ):
            return None
        assert self.first is not None
        return Request(self.first.url, {**self.first.params, self.step_param: str(self.position)})


class PageNumberPaginator(_CountingPaginator):
    def first_request(self, url: str, params: dict[str, str]) -> Request:
        self.step_param = self.settings.page_param or ""
        self.position = 1 if self.settings.start is None else self.settings.start
        return super().first_request(url, {**params, self.step_param: str(self.position)})

    def next_request(self, page: Page) -> Request | None:
        self._check_not_repeated(page)
        if not page.records or self._short(page):
            return None
        if self.settings.total_pages_path:
            total = self._total(page, self.settings.total_pages_path)
            first = 1 if self.settings.start is None else self.settings.start
            if self.position - first + 1 >= total:
                return None
        self.position += 1
        assert self.first is not None
        return Request(self.first.url, {**self.first.params, self.step_param: str(self.position)})


_BY_TYPE: dict[str, type[Paginator]] = {
    "cursor": CursorPaginator,
    "next_link": NextLinkPaginator,
    "offset": OffsetPaginator,
    "page_number": PageNumberPaginator,
    "link_header": LinkHeaderPaginator,
    "single_page": SinglePagePaginator,
}


def make_paginator(settings: PaginatorSettings) -> Paginator:
    """A fresh paginator (they keep state: one per read)."""
    return _BY_TYPE[settings.type](settings)
