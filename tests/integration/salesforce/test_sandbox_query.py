"""SOQL over real HTTPS: the subset's semantics, paging and cursors, error shapes, describe and formulas,
and simple-salesforce's query_all and describe against the sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.sandboxes.salesforce import SalesforceSandbox, V, error_code, running_salesforce


@pytest.fixture(scope="module")
def sf() -> Iterator[SalesforceSandbox]:
    # Profile unlimited with a tiny daily limit: the allocation is counted and reported, never enforced.
    with running_salesforce(scale=6000, profile="unlimited", options={"daily_limit": "25"}) as sandbox:
        yield sandbox


def test_fields_relationships_and_polymorphic_paths(sf: SalesforceSandbox) -> None:
    rec = sf.records("SELECT Id, Name, account.name, Account.Owner.Name, Account_Tier__c FROM Contact "
                     "WHERE AccountId != null LIMIT 1")[0]
    assert list(rec) == ["attributes", "Id", "Name", "Account", "Account_Tier__c"]  # canonical names, SELECT order
    assert rec["attributes"] == {"type": "Contact", "url": f"{V}/sobjects/Contact/{rec['Id']}"}
    assert rec["Account"]["attributes"]["type"] == "Account" and set(rec["Account"]) == {"attributes", "Name", "Owner"}
    assert rec["Account"]["Owner"]["attributes"]["type"] == "User"
    assert rec["Account_Tier__c"] in ("Enterprise", "Mid-Market", "SMB")
    task = sf.records("SELECT Id, Who.Name, Who.Type, What.Name FROM Task WHERE WhoId != null AND WhatId != null "
                      "LIMIT 1")[0]
    assert task["Who"]["Type"] in ("Contact", "Lead") and task["Who"]["attributes"]["type"] == task["Who"]["Type"]
    orphan = sf.records("SELECT Id, Account.Name FROM Task WHERE AccountId = null LIMIT 1")
    assert orphan and orphan[0]["Account"] is None


def test_where_semantics(sf: SalesforceSandbox) -> None:
    name = sf.records("SELECT Name FROM Account LIMIT 1")[0]["Name"]
    assert [r["Name"] for r in sf.records(f"SELECT Name FROM Account WHERE Name = '{name.upper()}'")] == [name]
    like = sf.records(f"SELECT Name FROM Account WHERE Name LIKE '{name[:3].lower()}%'")
    assert like and all(r["Name"].lower().startswith(name[:3].lower()) for r in like)
    total = len(sf.records("SELECT Id FROM Lead"))
    rated = len(sf.records("SELECT Id FROM Lead WHERE Rating = 'Hot'"))
    others = len(sf.records("SELECT Id FROM Lead WHERE Rating != 'Hot'"))  # != includes nulls in SOQL
    assert rated + others == total
    in_list = sf.records("SELECT StageName FROM Opportunity WHERE StageName IN ('Closed Won', 'Closed Lost')")
    assert in_list and {r["StageName"] for r in in_list} <= {"Closed Won", "Closed Lost"}
    not_in = sf.records("SELECT Id FROM Opportunity WHERE StageName NOT IN ('Closed Won', 'Closed Lost')")
    assert len(in_list) + len(not_in) == len(sf.records("SELECT Id FROM Opportunity"))
    nested = sf.records("SELECT Id, IsClosed, Amount FROM Opportunity WHERE (IsClosed = true AND Amount > 10000) "
                        "OR (NOT Amount >= 0)")
    assert nested and all((r["IsClosed"] and (r["Amount"] or 0) > 10000) or r["Amount"] is None or r["Amount"] < 0
                          for r in nested)  # a null Amount fails ">= 0", so NOT keeps it
    dated = sf.records("SELECT CreatedDate FROM Account WHERE CreatedDate >= 2024-01-01T00:00:00Z AND "
                       "CreatedDate < 2024-02-01T00:00:00.000+00:00")
    assert dated and all(r["CreatedDate"].startswith("2024-01") for r in dated)
    assert sf.records("SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:30") == []  # seeded data is old
    assert sf.records("SELECT Id FROM Account WHERE Customer_Since__c < 2023-06-01")  # date literal on a date


def test_order_by_limit_offset_and_counts(sf: SalesforceSandbox) -> None:
    rows = sf.records("SELECT Name, AnnualRevenue FROM Lead ORDER BY AnnualRevenue DESC NULLS LAST, Name LIMIT 2000")
    revenues = [r["AnnualRevenue"] for r in rows]
    known = [v for v in revenues if v is not None]
    assert revenues == known + [None] * (len(revenues) - len(known)) and known == sorted(known, reverse=True)
    scores = [r["Score__c"] for r in sf.records("SELECT Score__c FROM Contact ORDER BY Score__c")]
    assert scores[0] is None  # ASC puts nulls first by default
    page = sf.records("SELECT Id FROM Account ORDER BY Id LIMIT 5 OFFSET 3")
    assert [r["Id"] for r in page] == [r["Id"] for r in sf.records("SELECT Id FROM Account ORDER BY Id LIMIT 8")][3:]
    count = sf.query("SELECT COUNT() FROM Account").json()
    assert count == {"totalSize": len(sf.live_ids("Account")), "done": True, "records": []}
    agg = sf.query("SELECT COUNT(Id) n, COUNT(Health_Score__c) FROM Account").json()["records"][0]
    assert agg["attributes"] == {"type": "AggregateResult"} and agg["n"] == count["totalSize"]
    assert 0 < agg["expr1"] < agg["n"]
    assert len(sf.records("SELECT FIELDS(ALL) FROM Account LIMIT 3")[0]) > 20
    assert error_code(sf.query("SELECT FIELDS(ALL) FROM Account")) == "MALFORMED_QUERY"


def test_paging_with_batch_size_and_cursor_rules(sf: SalesforceSandbox) -> None:
    first = sf.query("SELECT Id FROM Contact", **{"Sforce-Query-Options": "batchSize=200"}).json()
    assert first["done"] is False and len(first["records"]) == 200 and first["totalSize"] > 400
    assert first["nextRecordsUrl"].startswith(f"{V}/query/01g") and first["nextRecordsUrl"].endswith("-200")
    default = sf.query("SELECT Id FROM Task").json()
    assert default["totalSize"] > 2000 and len(default["records"]) == 2000
    assert default["nextRecordsUrl"].endswith("-2000")
    oversized = sf.query("SELECT Id FROM Task", **{"Sforce-Query-Options": "batchSize=5000"}).json()
    assert len(oversized["records"]) == 2000  # 2,000 is the most a page holds
    second = sf.api.get(first["nextRecordsUrl"]).json()
    assert second["totalSize"] == first["totalSize"] and len(second["records"]) == 200
    assert not {r["Id"] for r in first["records"]} & {r["Id"] for r in second["records"]}
    bogus = sf.api.get(f"{V}/query/01g5g000000000ZZZZ-200")
    assert bogus.status_code == 400 and error_code(bogus) == "INVALID_QUERY_LOCATOR"
    cursors = [sf.query("SELECT Id FROM Contact", **{"Sforce-Query-Options": "batchSize=200"}).json()["nextRecordsUrl"]
               for _ in range(11)]
    assert sf.api.get(cursors[0]).status_code == 400  # an eleventh open cursor released the oldest
    assert sf.api.get(cursors[-1]).status_code == 200
    sf.admin.advance_clock(16 * 60)
    assert error_code(sf.api.get(cursors[-2])) == "INVALID_QUERY_LOCATOR"  # 15 minutes unused


def test_query_errors_have_salesforce_shapes(sf: SalesforceSandbox) -> None:
    resp = sf.query("SELECT Id, Nmae FROM Account")
    assert resp.status_code == 400
    assert resp.json() == [{"message": "\nSELECT Id, Nmae FROM Account\n           ^\nERROR at Row:1:Column:12\nNo "
                            "such column 'Nmae' on entity 'Account'. If you are attempting to use a custom field, be "
                            "sure to append the '__c' after the custom field name. Please reference your WSDL or the "
                            "describe call for the appropriate names.", "errorCode": "INVALID_FIELD"}]
    assert error_code(sf.query("SELECT Id FROM Acount")) == "INVALID_TYPE"
    assert "unexpected token: FROM" in sf.query("SELECT FROM Account").json()[0]["message"]
    mixed = sf.query("SELECT Id FROM Lead WHERE Rating = 'Hot' AND Status = 'x' OR City = 'y'")
    assert error_code(mixed) == "MALFORMED_QUERY"
    quoted = sf.query("SELECT Id FROM Account WHERE SystemModstamp > '2024-01-01T00:00:00Z'")
    assert error_code(quoted) == "INVALID_FIELD" and "must be of type dateTime" in quoted.json()[0]["message"]
    assert error_code(sf.query("SELECT Id FROM Account WHERE Name = 5")) == "INVALID_FIELD"
    assert error_code(sf.query("SELECT Id FROM Account WHERE Id = 'x1'")) == "INVALID_QUERY_FILTER_OPERATOR"
    assert error_code(sf.query("SELECT Id FROM Account WHERE Description = 'x'")) == "INVALID_FIELD"
    assert error_code(sf.query("SELECT Id, Id FROM Account")) == "MALFORMED_QUERY"
    assert error_code(sf.query("SELECT Id, Boss.Name FROM Contact")) == "INVALID_FIELD"
    assert error_code(sf.api.get(f"{V}/query")) == "MALFORMED_QUERY"


def test_query_all_sees_the_recycle_bin(sf: SalesforceSandbox) -> None:
    victim = sf.live_ids("Campaign")[0]
    assert sf.api.delete(f"{V}/sobjects/Campaign/{victim}").status_code == 204
    soql = f"SELECT Id, IsDeleted FROM Campaign WHERE Id = '{victim}'"
    assert sf.records(soql) == []
    assert sf.records(soql, all_rows=True)[0]["IsDeleted"] is True
    assert sf.records(f"SELECT Id FROM CampaignMember WHERE CampaignId = '{victim}'") == []  # cascaded


# The planning and enablement objects (tests/integration/salesforce/test_objects_planning.py).
PLANNING = ("Account_Plan__c", "Sales_Playbook__c", "Enablement_Platform_Usage__c", "Quota_Plan__c",
            "Strategic_Initiative__c")


def test_describe_global_and_objects(sf: SalesforceSandbox) -> None:
    glob = sf.api.get(f"{V}/sobjects").json()
    names = {o["name"]: o for o in glob["sobjects"]}
    assert set(names) == {"Account", "Contact", "Lead", "Opportunity", "OpportunityHistory", "Task", "Event", "User",
                          "Campaign", "CampaignMember", "Product2", "Pricebook2", "PricebookEntry",
                          "OpportunityLineItem", "Case", "Contract", "Quote", "OpportunityContactRole",
                          "OpportunityCompetitor", "OpportunityStage", "Territory2Model", "Territory2Type",
                          "Territory2", "UserTerritory2Association", "ObjectTerritory2Association",
                          "ForecastingType", "ForecastingQuota", "CurrencyType", "DatedConversionRate",
                          "Training_Program__c", "Training_Enrollment__c", "Coaching_Session__c", "Assessment__c",
                          *PLANNING}
    assert {n for n, o in names.items() if o["custom"]} == {"Training_Program__c", "Training_Enrollment__c",
                                                            "Coaching_Session__c", "Assessment__c", *PLANNING}
    assert names["Lead"]["keyPrefix"] == "00Q" and names["OpportunityHistory"]["createable"] is False
    lead = sf.api.get(f"{V}/sobjects/Lead/describe").json()
    fields = {f["name"]: f for f in lead["fields"]}
    assert fields["Score__c"]["custom"] and fields["Score__c"]["type"] == "double"
    assert fields["Score_Band__c"]["calculated"] and not fields["Score_Band__c"]["updateable"]
    assert "Score__c" in fields["Score_Band__c"]["calculatedFormula"]
    assert fields["External_Id__c"]["externalId"] and fields["External_Id__c"]["unique"]
    assert "Closed - Converted" in [p["value"] for p in fields["Status"]["picklistValues"]]
    assert fields["ConvertedContactId"]["referenceTo"] == ["Contact"] and not fields["ConvertedContactId"]["updateable"]
    assert fields["Description"]["filterable"] is False and fields["Id"]["type"] == "id"
    task = {f["name"]: f for f in sf.api.get(f"{V}/sobjects/Task/describe").json()["fields"]}
    assert task["WhoId"]["referenceTo"] == ["Contact", "Lead"] and task["WhoId"]["polymorphicForeignKey"]
    account = sf.api.get(f"{V}/sobjects/Account/describe").json()
    assert {"childSObject": "Contact", "relationshipName": "Contacts"}.items() <= next(
        c for c in account["childRelationships"] if c["childSObject"] == "Contact").items()
    assert error_code(sf.api.get(f"{V}/sobjects/Nope/describe")) == "NOT_FOUND"
    basic = sf.api.get(f"{V}/sobjects/Lead").json()
    assert basic["objectDescribe"]["name"] == "Lead" and basic["recentItems"] == []
    assert sf.api.get(V).json()["query"] == f"{V}/query"


def test_formulas_change_without_systemmodstamp(sf: SalesforceSandbox) -> None:
    soql = "SELECT Id, Tier__c, SystemModstamp FROM Account ORDER BY Id"
    before = {r["Id"]: r for r in sf.records(soql)}
    result = sf.admin.post("/_admin/recalculate/Account")
    assert result["revision"] >= 1 and result["changed"] > 0
    after = {r["Id"]: r for r in sf.records(soql)}
    changed = [rid for rid in before if before[rid]["Tier__c"] != after[rid]["Tier__c"]]
    assert len(changed) == result["changed"]
    assert all(before[rid]["SystemModstamp"] == after[rid]["SystemModstamp"] for rid in before)
    # A cross-object formula: the Contact shows its Account's new tier; the Contact itself was not modified.
    contact = sf.records(f"SELECT Id, Account_Tier__c, SystemModstamp, AccountId FROM Contact WHERE AccountId = "
                         f"'{changed[0]}' LIMIT 1")
    if contact:
        assert contact[0]["Account_Tier__c"] == after[changed[0]]["Tier__c"]


def test_simple_salesforce_query_all_and_describe(sf: SalesforceSandbox) -> None:
    client = sf.simple_salesforce()
    sf.admin.reset_calls()
    everything = client.query_all("SELECT Id, Email FROM Lead", headers={"Sforce-Query-Options": "batchSize=200"})
    assert everything["totalSize"] == len(sf.live_ids("Lead")) > 600
    assert sf.admin.calls()["by_endpoint"]["query_more"] == everything["totalSize"] // 200  # pages it followed
    assert client.Account.describe()["name"] == "Account"
    assert {o["name"] for o in client.describe()["sobjects"]} >= {"Account", "Lead"}
    usage = client.api_usage["api-usage"]  # it parsed Sforce-Limit-Info
    assert usage.total == 25 and usage.used > 25  # the unlimited profile counts but never refuses
    assert sf.admin.calls()["by_endpoint"]["describe_global"] == 1
