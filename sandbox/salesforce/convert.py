"""Lead conversion, as a rep clicks Convert: an Account (or an existing one), a Contact, optionally an Opportunity,
and the Lead marked converted (IsConverted, ConvertedDate, Converted*Id) and read-only from then on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sandbox.salesforce.coerce import RecordError, RecordsRefused
from sandbox.salesforce.org import Org
from sandbox.salesforce.writes import Prepared

_CONTACT_FROM_LEAD = ("FirstName", "LastName", "Title", "Email", "Phone", "MobilePhone", "LeadSource",
                      "HasOptedOutOfEmail", "Score__c")


@dataclass(frozen=True, slots=True)
class Conversion:
    lead_id: str
    account_id: str
    contact_id: str
    opportunity_id: str | None


def _ok(prepared: Prepared | list[RecordError]) -> Prepared:
    if isinstance(prepared, list):
        raise RecordsRefused(prepared)
    return prepared


def convert_lead(org: Org, lead_id: str, *, actor: str, account_id: str | None = None,
                 create_opportunity: bool = True, opportunity_name: str | None = None,
                 converted_status: str = "Closed - Converted") -> Conversion:
    catalog, writer, store = org.catalog, org.writer, org.store
    lead_obj, account_obj = catalog.get("Lead"), catalog.get("Account")
    contact_obj, opp_obj = catalog.get("Contact"), catalog.get("Opportunity")
    assert lead_obj and account_obj and contact_obj and opp_obj
    found = writer.existing(lead_obj, lead_id)
    if isinstance(found, RecordError):
        raise RecordsRefused([found])
    lead_table = store.tables["Lead"]
    lead = dict(zip(lead_table.columns, found, strict=True))
    if lead["IsConverted"]:
        raise RecordsRefused([RecordError("CANNOT_UPDATE_CONVERTED_LEAD", "This lead was already converted.", [])])
    owner = lead["OwnerId"] or actor
    batch: list[Prepared] = []
    if account_id is None:
        account = _ok(writer.prepare_create(account_obj, _fields(account_obj, {
            "Name": lead["Company"], "BillingCity": lead["City"], "BillingCountry": lead["Country"],
            "Phone": lead["Phone"], "Website": lead["Website"], "Industry": lead["Industry"],
            "AnnualRevenue": lead["AnnualRevenue"], "NumberOfEmployees": lead["NumberOfEmployees"],
            "AccountSource": lead["LeadSource"], "OwnerId": owner}), actor=actor))
        batch.append(account)
        account_id = account.id
    elif isinstance(writer.existing(account_obj, account_id), RecordError):
        raise RecordsRefused([RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id",
                                           ["accountId"])])
    contact = _ok(writer.prepare_create(contact_obj, _fields(contact_obj, {
        **{name: lead[name] for name in _CONTACT_FROM_LEAD}, "MailingCity": lead["City"],
        "MailingCountry": lead["Country"], "AccountId": account_id, "OwnerId": owner}), actor=actor,
        parents_pending={account_id}))
    batch.append(contact)
    opportunity_id = None
    if create_opportunity:
        close = (org.now() + timedelta(days=30)).date().isoformat()
        opp = _ok(writer.prepare_create(opp_obj, _fields(opp_obj, {
            "Name": opportunity_name or f"{lead['Company']}-", "StageName": "Prospecting", "CloseDate": close,
            "AccountId": account_id, "LeadSource": lead["LeadSource"], "OwnerId": owner}), actor=actor,
            parents_pending={account_id}))
        batch.append(opp)
        opportunity_id = opp.id
    batch.append(_ok(writer.prepare_system_update(lead_obj, lead["Id"], {
        "IsConverted": True, "Status": converted_status, "ConvertedDate": org.now().date().isoformat(),
        "ConvertedAccountId": account_id, "ConvertedContactId": contact.id,
        "ConvertedOpportunityId": opportunity_id}, actor=actor,
        parents_pending={p.id for p in batch})))
    writer.apply(batch)
    key = store.person_key("Lead", lead["Id"])
    if key is not None:
        store.extra_person_keys[contact.id] = key
    return Conversion(lead["Id"], account_id, contact.id, opportunity_id)


def _fields(obj: Any, values: dict[str, Any]) -> dict[Any, Any]:
    return {obj.by_lower[name.lower()]: value for name, value in values.items() if value is not None}
