"""API errors in the grpc-gateway shape real KFP returns, so kfp.Client callers see familiar bodies."""

from __future__ import annotations

from typing import Any

# google.rpc.Code values used by the KFP API server
INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, INTERNAL = 3, 5, 6, 9, 13


class ApiError(Exception):
    """Raised anywhere in a request; app.py turns it into `{"error","code","message","details"}`."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    @classmethod
    def invalid(cls, message: str) -> ApiError:
        return cls(400, INVALID_ARGUMENT, message)

    @classmethod
    def not_found(cls, kind: str, ident: str) -> ApiError:
        return cls(404, NOT_FOUND, f"{kind} {ident} not found")

    @classmethod
    def exists(cls, message: str) -> ApiError:
        return cls(409, ALREADY_EXISTS, message)

    def body(self) -> dict[str, Any]:
        return {"error": self.message, "code": self.code, "message": self.message, "details": []}
