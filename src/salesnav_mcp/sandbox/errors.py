"""Error responses in the exact shapes each upstream uses, raised from handlers as exceptions."""

from __future__ import annotations

from typing import Any

import httpx2


class ApiError(Exception):
    """Turned into a JSON response with this status, body and headers."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


class SandboxConnectionDropped(httpx2.RemoteProtocolError):
    """The simulated connection broke before a complete response arrived.

    Raised inside the app for the "connection_drop" fault. In process (ASGITransport)
    it reaches the client as a transport error, as a real dropped connection would;
    under uvicorn the started response is aborted and the socket closes.
    """

    def __init__(self) -> None:
        super().__init__("Server disconnected without sending a complete response (sandbox fault).")


# ConnectSafely shapes.

def cs_error(status: int, message: str, code: str | None = None, **extra: Any) -> ApiError:
    body: dict[str, Any] = {"success": False}
    if code:
        body["code"] = code
    body["error"] = message
    body.update(extra)
    return ApiError(status, body)


def cs_no_seat(premium_type: str) -> ApiError:
    return cs_error(400, "This LinkedIn account does not have an active Sales Navigator seat",
                    "SALES_NAVIGATOR_REQUIRED", premiumType=premium_type)


def cs_account_not_found() -> ApiError:
    return cs_error(404, "Account not found")


# LinkedIn partner API (Rest.li) shape.

def restli_error(status: int, message: str, service_error_code: int = 0) -> ApiError:
    return ApiError(status, {"message": message, "serviceErrorCode": service_error_code, "status": status})
