"""Dataverse errors: the HTTP status, the hexadecimal platform code and the message the real service sends.

The Web API wraps every failure as ``{"error": {"code": "0x8...", "message": "..."}}``. The codes matter to clients
(``0x80072322`` means back off, ``0x80044352`` means re-sync from scratch), so each raise site uses the real one.
"""

from __future__ import annotations

from typing import Any

ODATA = "0x80060888"  # query and URL errors raised by the OData layer
PAYLOAD = "0x80048d19"  # request bodies the OData reader rejects
NOT_FOUND = "0x80040217"  # ObjectDoesNotExist
KEY_NOT_FOUND = "0x80060891"  # RecordNotFoundByEntityKey
DUPLICATE = "0x80040237"  # DuplicateRecord
VERSION_MISMATCH = "0x80060882"  # ConcurrencyVersionMismatch
VALIDATION = "0x80044331"  # a length or range check failed
PICKLIST = "0x8004431A"  # PicklistValueOutOfRange
INVALID_ARGUMENT = "0x80040203"
NOT_SUPPORTED = "0x80040800"
EXPIRED_VERSION_STAMP = "0x80044352"
CHANGE_TRACKING_DISABLED = "0x80072491"
REQUESTS_LIMIT = "0x80072322"
EXECUTION_LIMIT = "0x80072321"
CONCURRENCY_LIMIT = "0x80072326"

PAYLOAD_PREFIX = (
    "Error identified in Payload provided by the user for Entity :'{entity}', For more information on this error "
    "please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ---->  InnerException : "
    "Microsoft.OData.ODataException: "
)


class DataverseError(Exception):
    """A failure the Web API reports with an OData error body."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


def odata_error(message: str, status: int = 400) -> DataverseError:
    return DataverseError(status, ODATA, message)


def payload_error(entity_set: str, inner: str) -> DataverseError:
    return DataverseError(400, PAYLOAD, PAYLOAD_PREFIX.format(entity=entity_set) + inner)


def no_property(type_name: str, name: str) -> DataverseError:
    return odata_error(f"Could not find a property named '{name}' on type '{type_name}'.")


def not_found(logical: str, record_id: str) -> DataverseError:
    return DataverseError(404, NOT_FOUND, f"{logical} With Id = {record_id} Does Not Exist")


def segment_not_found(segment: str) -> DataverseError:
    return odata_error(f"Resource not found for the segment '{segment}'.", status=404)
