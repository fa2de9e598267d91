"""The shared request helper: every upstream call goes through `UpstreamClient._request`.

It owns URL and query building, auth headers, timeouts, retries (rules in
`retry.py`), JSON decoding and error mapping (rules in `error_mapping.py`), so the
endpoint methods only say what to send and which model to read back.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self, TypedDict, TypeVar
from urllib.parse import quote, urlsplit

import anyio
import httpx2
import pydantic
from pydantic import SecretStr

from salesnav_mcp.clock import Clock
from salesnav_mcp.config import Settings
from salesnav_mcp.upstream.error_mapping import ErrorAnswer
from salesnav_mcp.upstream.errors import (
    RateLimitedError,
    UnknownOutcomeError,
    UpstreamError,
    UpstreamFailure,
    ValidationError,
)
from salesnav_mcp.upstream.http import make_http_client
from salesnav_mcp.upstream.retry import RetryPolicy, may_retry, retry_at_from

log = logging.getLogger("salesnav_mcp.upstream")

M = TypeVar("M", bound=pydantic.BaseModel)
ErrorMapper = Callable[[ErrorAnswer], UpstreamError]

# The request never left this process: safe to retry whatever the call does.
_NOT_SENT = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout, httpx2.UnsupportedProtocol)


@dataclass(frozen=True)
class Call:
    """One endpoint: its method, its path template (for messages and logs) and whether repeating it is harmless."""

    method: str
    route: str
    idempotent: bool = True


@dataclass(frozen=True)
class Reply:
    status: int
    headers: httpx2.Headers
    data: Any  # parsed JSON; None when there was no body or none was expected
    content: bytes


def encode_query(params: Mapping[str, Any] | None) -> str:
    """`k=v&...` with every value fully percent-encoded (URNs keep no bare `:`); None values left out."""
    parts: list[str] = []
    for key, value in (params or {}).items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item is None:
                continue
            if isinstance(item, bool):
                text = "true" if item else "false"
            elif isinstance(item, datetime):
                text = item.isoformat().replace("+00:00", "Z")
            else:
                text = str(item)
            parts.append(f"{quote(key, safe='')}={quote(text, safe='')}")
    return "&".join(parts)


def validation_error(exc: pydantic.ValidationError, *, api: str, what: str) -> ValidationError:
    """A request model refused the caller's input: say which fields, before anything is sent."""
    fields: dict[str, str] = {}
    for err in exc.errors(include_url=False, include_input=False):
        key = ".".join(str(part) for part in err["loc"]) or "(request)"
        message = "unknown field (not accepted by upstream)" if err["type"] == "extra_forbidden" else err["msg"]
        fields[key] = f"{fields[key]}; {message}" if key in fields else message
    return ValidationError(f"Invalid {what} request, nothing was sent.", fields=fields, api=api)


class ClientOptions(TypedDict, total=False):
    """What every client takes besides its credential (see `UpstreamClient`)."""

    base_url: str | None
    settings: Settings | None
    http: httpx2.AsyncClient | None
    transport: httpx2.AsyncBaseTransport | None
    clock: Clock | None
    rng: random.Random | None
    sandbox: bool


class UpstreamClient:
    """Base of both API clients: construction, lifecycle and the request helper."""

    api_name: ClassVar[str] = "upstream"
    _error_mapper: ClassVar[ErrorMapper]
    # The settings that give the address and the credential when the caller passes none.
    _base_url_setting: ClassVar[str]
    _credential_setting: ClassVar[str]

    def __init__(
        self,
        *,
        credential: SecretStr | str | None = None,
        base_url: str | None = None,
        settings: Settings | None = None,
        http: httpx2.AsyncClient | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        sandbox: bool = False,
    ) -> None:
        if http is not None and transport is not None:
            raise TypeError("pass either an http client or a transport, not both")
        if not base_url:
            base_url = getattr(settings, self._base_url_setting) if settings else _default(self._base_url_setting)
        if credential is None and settings is not None:
            credential = getattr(settings, self._credential_setting)
        self.base_url = base_url.rstrip("/")
        self._credential = SecretStr(credential) if isinstance(credential, str) else credential
        self._timeout = settings.salesnav_http_timeout if settings else _default("salesnav_http_timeout")
        self._policy = (
            RetryPolicy.from_settings(settings)
            if settings
            else RetryPolicy(
                attempts=_default("salesnav_retry_attempts"), max_total_wait=_default("salesnav_retry_max_wait")
            )
        )
        self._owns_http = http is None
        self._http = http or make_http_client(transport=transport, timeout=self._timeout)
        self._clock = clock or Clock()
        self._rng = rng or random.Random()
        self.sandbox = sandbox

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, sandbox={self.sandbox})"

    # ------------------------------------------------------------------ helpers for endpoint methods

    def _headers(self) -> dict[str, str]:
        """Headers every authenticated call carries (subclasses add theirs)."""
        headers = {"Accept": "application/json"}
        if self._credential is not None:
            headers["Authorization"] = f"Bearer {self._credential.get_secret_value()}"
        return headers

    def _secrets(self) -> tuple[str, ...]:
        return (self._credential.get_secret_value(),) if self._credential is not None else ()

    def _build(self, model: type[M], request: M | None, fields: Mapping[str, Any], what: str) -> M:
        """The caller's request model, or one built (and checked) from keyword fields."""
        if request is not None and fields:
            raise TypeError(f"pass a {model.__name__} or keyword fields, not both")
        if request is not None:
            return request
        try:
            return model.model_validate(dict(fields))
        except pydantic.ValidationError as exc:
            raise validation_error(exc, api=self.api_name, what=what) from None

    def _parse(self, model: type[M], data: Any, call: Call) -> M:
        """Read an answer into its model; an answer that does not fit is upstream's failure."""
        try:
            return model.model_validate(data)
        except pydantic.ValidationError as exc:
            where = f"{self.api_name} {call.method} {call.route}"
            detail = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}"
                for e in exc.errors(include_url=False, include_input=False)[:3]
            )
            if call.idempotent:
                raise UpstreamFailure(
                    f"{where} answered in an unexpected shape ({detail}).", api=self.api_name
                ) from None
            raise UnknownOutcomeError(
                f"{where} answered success in an unexpected shape ({detail}); it probably happened.",
                api=self.api_name,
            ) from None

    async def _call(self, call: Call, answer: type[M], *, path: str | None = None, **request: Any) -> M:
        """`_request` to `path` (the call's route unless given), its answer read into `answer`."""
        reply = await self._request(call, path=path or call.route, **request)
        return self._parse(answer, reply.data, call)

    # ------------------------------------------------------------------ the request helper

    async def _request(
        self,
        call: Call,
        *,
        path: str | None = None,
        url: str | None = None,
        params: Mapping[str, Any] | None = None,
        raw_query: str | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        content_type: str | None = None,
        authenticated: bool = True,
        expect: Sequence[int] = (200,),
        body: str = "json",  # "json": must parse; "optional": parse if possible; "bytes": keep raw
        error_mapper: ErrorMapper | None = None,
        follow_redirects: bool = False,
        attempt_timeout: float | None = None,
    ) -> Reply:
        """Send one logical call, retrying as `retry.py` allows, and return the successful reply or raise.

        `attempt_timeout` replaces the client's per-try timeout for calls upstream documents as slow.
        """
        seconds = attempt_timeout or self._timeout
        target = url or f"{self.base_url}{path}"
        query = "&".join(q for q in (encode_query(params), raw_query) if q)
        if query:
            target = f"{target}{'&' if '?' in target else '?'}{query}"
        headers = self._headers() if authenticated else {"Accept": "*/*"}
        if content_type:
            headers["Content-Type"] = content_type
        mapper = error_mapper or type(self)._error_mapper
        where = f"{self.api_name} {call.method} {call.route}"
        attempt, slept = 0, 0.0

        while True:
            attempt += 1
            request = self._http.build_request(
                call.method,
                target,
                headers=headers,
                json=json_body,
                content=content,
                timeout=httpx2.Timeout(seconds),
            )
            status: int | None = None
            retry_at: datetime | None = None
            retry_after_header = False
            try:
                with anyio.fail_after(seconds):
                    response = await self._http.send(request, follow_redirects=follow_redirects)
            except _NOT_SENT as exc:
                failure: UpstreamError = UpstreamFailure(
                    f"{where}: could not connect ({type(exc).__name__}).", api=self.api_name
                )
            except (TimeoutError, httpx2.TimeoutException):
                failure = self._unanswered(call, f"{where}: no answer within {seconds:g} s")
            except (httpx2.TransportError, OSError) as exc:
                failure = self._unanswered(call, f"{where}: the connection failed", f" ({type(exc).__name__})")
            else:
                status = response.status_code
                if status in expect:
                    return self._success(call, response, body, mapper)
                data = _json_or_none(response)
                failure = mapper(self._answer(call, response, data))
                if status in (429, 503):
                    retry_at = retry_at_from(response.headers, data, self._clock.now())
                    retry_after_header = "retry-after" in response.headers
                if not may_retry(
                    status=status,
                    idempotent=call.idempotent,
                    hinted=retry_at is not None,
                    retry_after_header=retry_after_header,
                ):
                    if not call.idempotent and status in (502, 503, 504):
                        raise UnknownOutcomeError(
                            f"{where}: HTTP {status} from a gateway; the request may or may not have been processed.",
                            status=status,
                            api=self.api_name,
                        ) from None
                    raise failure

            # Here the try may be repeated: an allowed status, or no answer to a call that is safe to resend.
            now = self._clock.now()
            wait = self._policy.next_wait(attempt=attempt, slept=slept, retry_at=retry_at, now=now, rng=self._rng)
            if wait is None:
                raise self._give_up(failure, attempt, retry_at)
            log.info(
                "%s: %s, retrying in %.3f s (attempt %d of %d)",
                where,
                f"HTTP {status}" if status else type(failure).__name__,
                wait,
                attempt,
                self._policy.attempts,
            )
            await self._clock.sleep(wait)
            slept += wait

    # ------------------------------------------------------------------ internals

    def _answer(self, call: Call, response: httpx2.Response, data: Any) -> ErrorAnswer:
        return ErrorAnswer(
            api=self.api_name,
            method=call.method,
            route=call.route,
            response=response,
            data=data,
            now=self._clock.now(),
            secrets=self._secrets(),
        )

    def _unanswered(self, call: Call, what: str, detail: str = "") -> UpstreamFailure:
        """No answer after the request went out: a failure to retry, or for a call that must not be repeated,
        an unknown outcome (raised)."""
        if not call.idempotent:
            raise UnknownOutcomeError(f"{what} after the request was sent{detail}.", api=self.api_name) from None
        return UpstreamFailure(f"{what}{detail}.", api=self.api_name)

    def _success(self, call: Call, response: httpx2.Response, body: str, mapper: ErrorMapper) -> Reply:
        if body == "bytes":
            return Reply(response.status_code, response.headers, None, response.content)
        data = _json_or_none(response)
        if data is None and body == "json":
            where = f"{self.api_name} {call.method} {call.route}"
            if call.idempotent:
                raise UpstreamFailure(f"{where}: HTTP {response.status_code} with a malformed body.", api=self.api_name)
            raise UnknownOutcomeError(
                f"{where}: HTTP {response.status_code} with a malformed body; it probably happened.",
                status=response.status_code,
                api=self.api_name,
            )
        if isinstance(data, dict) and data.get("success") is False:
            raise mapper(self._answer(call, response, data))
        log.debug("%s %s -> HTTP %d", self.api_name, call.route, response.status_code)
        return Reply(response.status_code, response.headers, data, response.content)

    def _give_up(self, failure: UpstreamError, attempt: int, retry_at: datetime | None) -> UpstreamError:
        """The retry budget is spent: report when to come back if upstream said so."""
        if isinstance(failure, RateLimitedError):
            if failure.retry_at is None and retry_at is not None:
                failure.retry_at = retry_at
            return failure
        failure.message = f"{failure.message} Gave up after {attempt} attempt{'s' if attempt > 1 else ''}."
        return failure


def _json_or_none(response: httpx2.Response) -> Any:
    if not response.content.strip():
        return None
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None


def _default(name: str) -> Any:
    return Settings.model_fields[name].default


def path_only(url: str) -> str:
    """A URL without its query: pre-signed links carry their signature there."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
