"""Dynamics wire details without a sandbox: annotations flattened, record addresses, $batch bodies and answers,
and the client slowing down when the service protection headers run low."""

from __future__ import annotations

import json

import httpx
import pytest

from connectors.dynamics import batch
from connectors.dynamics.client import DynamicsClient
from connectors.dynamics.values import Wanted, flatten, record_segment
from connectors.errors import CursorExpired
from connectors.http.budget import Budget
from connectors.http.redact import Redactor

ROW = {
    "@odata.etag": 'W/"1001"', "contactid": "170000f4-514d-ed11-e08e-000d3a544b93", "statuscode": 1,
    "statuscode@OData.Community.Display.V1.FormattedValue": "Active",
    "_parentcustomerid_value": "160000f4-514d-ed11-e08e-000d3a544b93",
    "_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account",
    "_parentcustomerid_value@OData.Community.Display.V1.FormattedValue": "Contoso",
}


def test_annotations_become_labels_and_one_reference_per_target() -> None:
    fields = ["statuscode@label", "_parentcustomerid_value@account", "_parentcustomerid_value@contact", "@odata.etag"]
    wanted = Wanted.of(fields, always=("contactid", "modifiedon"))
    assert wanted.select == ("_parentcustomerid_value", "contactid", "modifiedon", "statuscode")
    record = flatten(ROW, wanted)
    assert record["statuscode@label"] == "Active" and record["statuscode"] == 1
    assert record["_parentcustomerid_value@account"] == ROW["_parentcustomerid_value"]
    assert record["_parentcustomerid_value@contact"] is None
    assert record["@odata.etag"] == 'W/"1001"'
    assert not any("OData.Community" in k or "Microsoft.Dynamics" in k for k in record)


def test_records_are_addressed_by_id_or_alternate_key() -> None:
    assert record_segment("170000F4-514D-ED11-E08E-000D3A544B93") == "(170000f4-514d-ed11-e08e-000d3a544b93)"
    assert record_segment("accountnumber=ACC-1") == "(accountnumber='ACC-1')"
    assert record_segment("emailaddress1=o'neil@x.com") == "(emailaddress1='o''neil%40x.com')"
    with pytest.raises(ValueError, match="neither a GUID"):
        record_segment("12345")


def test_batch_answers_map_back_to_requests_even_when_a_change_set_fails() -> None:
    reqs = [batch.BatchRequest("PATCH", f"https://org/api/data/v9.2/contacts({i})", {"If-Match": "*"},
                               {"jobtitle": f"t{i}"}) for i in range(3)]
    body, boundary = batch.build(reqs)
    text = body.decode()
    assert text.count("Content-Type: multipart/mixed; boundary=changeset_") == 3
    assert text.endswith(f"--{boundary}--\r\n")
    ok = ("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: {cid}\r\n\r\n"
          "HTTP/1.1 204 No Content\r\nOData-Version: 4.0\r\n\r\n")
    error = json.dumps({"error": {"code": "0x80044331", "message": "A validation error occurred."}})
    failed = ("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: 2\r\n\r\n"
              f"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n{error}")
    answer = "".join([
        "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_a\r\n\r\n"
        "--changesetresponse_a\r\n" + ok.format(cid=1) + "\r\n--changesetresponse_a--\r\n",
        "--batchresponse_1\r\n" + failed + "\r\n",
        "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_c\r\n\r\n"
        "--changesetresponse_c\r\n" + ok.format(cid=3) + "\r\n--changesetresponse_c--\r\n",
        "--batchresponse_1--\r\n",
    ])
    parts = batch.parse("multipart/mixed; boundary=batchresponse_1", answer.encode(), 3)
    assert [p.status if p else None for p in parts] == [204, 400, 204]
    assert parts[1] is not None and parts[1].body["error"]["code"] == "0x80044331"


class _Tokens:
    refreshable = False

    def token(self) -> str:
        return "t0k3n-abc"

    def refresh(self) -> None:
        raise AssertionError("not expected")


def _client(handler: httpx.MockTransport) -> DynamicsClient:
    return DynamicsClient(connection="dyn_unit", base_url="https://org.example", verify=True, tokens=_Tokens(),
                          budget=Budget(connection="dyn_unit"), redactor=Redactor(), max_concurrency=2,
                          low_requests=5, pause_s=0.0, transport=handler)


def test_the_client_slows_down_when_the_window_runs_low() -> None:
    left = iter(range(8, 0, -1))

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"value": []}, headers={
            "x-ms-ratelimit-burst-remaining-xrm-requests": str(next(left)),
            "x-ms-ratelimit-time-remaining-xrm-requests": "1,199.50"})

    client = _client(httpx.MockTransport(answer))
    for _ in range(6):
        client.get("contacts")
    # Answers said 8, 7, 6, 5, 4, ...: the requests sent after "5 left" waited (the first four did not).
    assert client.slowdowns == 2 and client.burst_remaining == 3 and client.time_remaining == 1199.5


def test_an_expired_version_stamp_is_a_cursor_expired() -> None:
    body = {"error": {"code": "0x80044352", "message": "Version stamp associated with the client has expired. "
                                                       "Please perform a full sync."}}
    client = _client(httpx.MockTransport(lambda request: httpx.Response(400, json=body)))
    with pytest.raises(CursorExpired, match="expired") as err:
        client.get("contacts?$deltatoken=1!01/01/2025 00:00:00", object="contacts")
    assert err.value.connection == "dyn_unit" and client.calls == 1  # not retried
