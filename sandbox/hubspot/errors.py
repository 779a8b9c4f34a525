"""HubSpot's error envelope ``{"status":"error","message","correlationId","category", ...}`` and the exception that
carries one from deep inside a handler to the response."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import JSONResponse


def error_body(message: str, category: str, **extra: Any) -> dict[str, Any]:
    return {"status": "error", "message": message, "correlationId": str(uuid.uuid4()), "category": category, **extra}


class ApiError(Exception):
    def __init__(self, status: int, message: str, category: str = "VALIDATION_ERROR", **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.category = category
        self.extra = extra

    def response(self) -> JSONResponse:
        return JSONResponse(error_body(self.message, self.category, **self.extra), status_code=self.status)


def not_found(object_type: str, object_id: str) -> ApiError:
    return ApiError(404, f"Object {object_type}/{object_id} not found", "OBJECT_NOT_FOUND")
