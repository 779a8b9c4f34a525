"""The seeded organisation: users and teams, campaigns, and the population's people as contacts and leads.

A person of the shared population is in this org with probability ``SHARE`` (0.4, so the same people show up in the
other CRMs too). A member becomes a contact at their company's account (engaged people more often) or stays a lead;
a third of contacts were converted from a lead, which is kept as a qualified lead pointing at them. Accounts exist
for the companies that have contacts. Opportunities and activities are added by ``generator_sales``, the
product catalogue and opportunities' product lines by ``generator_products``; competitors, quotes and the sales
process stages by ``generator_deals``, territories and goals by ``generator_targets``, cases and contracts by
``generator_service``, the custom tables (created through the metadata API's code) by ``generator_custom``, and the
foreign currencies, the organization row and each opportunity's currency by ``generator_currency``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.common.people import Company, Person, Population
from sandbox.dynamics import seedtools as st
from sandbox.dynamics.generator_currency import CurrencySeeder
from sandbox.dynamics.generator_custom import CustomSeeder, define
from sandbox.dynamics.generator_deals import DealSeeder
from sandbox.dynamics.generator_knowledge import KnowledgeSeeder
from sandbox.dynamics.generator_products import ProductSeeder
from sandbox.dynamics.generator_sales import SalesSeeder
from sandbox.dynamics.generator_service import ServiceSeeder
from sandbox.dynamics.generator_success import SuccessSeeder, define_success
from sandbox.dynamics.generator_targets import TargetSeeder
from sandbox.dynamics.guids import GuidFactory
from sandbox.dynamics.schema import COMPANY_KEY, PERSON_KEY
from sandbox.dynamics.store import Ref, Store
from sandbox.dynamics.tables import TABLES
from sandbox.dynamics.tables_sales import SALES_TABLES
from sandbox.dynamics.tables_service import SERVICE_TABLES
from sandbox.dynamics.values import to_seconds

SHARE = 0.4
INDUSTRY_CODES = {
    "Software": 6, "Financial Services": 16, "Healthcare": 11, "Manufacturing": 12, "Retail": 22, "Education": 27,
    "Telecommunications": 31, "Energy": 24, "Media": 3, "Logistics": 30, "Real Estate": 29, "Consulting": 7,
}
LEAD_SOURCE_CODES = {
    "Web": 8, "Organic Search": 8, "Paid Search": 1, "Referral": 3, "Event": 7, "Partner": 4, "Email": 10,
    "Social Media": 10,
}
INTERESTS = ("CRM rollout", "Analytics add-on", "Enterprise licence", "Renewal", "Pilot project",
             "Data migration", "Support plan", "Integration services")


@dataclass
class Org:
    """Who is who in the seeded organisation, for the auth layer, the writes and the admin."""

    organization_id: str
    business_unit_id: str
    system_user: str
    app_user: str
    sales_users: list[str] = field(default_factory=list)
    campaigns: list[str] = field(default_factory=list)
    custom_tracked: list[str] = field(default_factory=list)  # custom tables created with change tracking on


class Generator:
    def __init__(self, *, seed: int, scale: int, store: Store, client_id: str, end: datetime | None = None) -> None:
        """``end``: where the seeded data ends (the sandbox passes its clock's day); without one, the population's
        fixed span."""
        self.seed = seed
        self.scale = scale
        self.store = store
        self.client_id = client_id
        self.rows: dict[str, list[list[Any]]] = {name: [] for name in TABLES if name != "activitypointer"}
        self.population = Population(seed, scale, end=end)
        self.span = st.SeedSpan.ending(self.population.end)

    def run(self) -> Org:
        org = self._org()
        # The catalogue and lines take ids from a stream of their own, so adding them left every other seeded id
        # (and the tests that pick records by id order) as it was.
        products = ProductSeeder(seed=self.seed, rows=self.rows, guids=GuidFactory(self.seed, "products"),
                                 admin=org.system_user, span=self.span)
        products.catalogue()
        sales = SalesSeeder(seed=self.seed, org=org, rows=self.rows, guids=self.store.guids, products=products,
                            span=self.span)
        accounts: dict[int, list[Any]] = {}
        companies = self.population.companies
        for key in range(self.scale):
            if not self.population.member(key, "dynamics", SHARE):
                continue
            person = self.population.person(key)
            rnd = random.Random(f"{self.seed}:dynamics:{key}")
            owner = rnd.choice(org.sales_users)
            if rnd.random() < 0.45 + 0.3 * person.engagement:
                company = companies[person.company_key]
                account = accounts.get(company.key)
                if account is None:
                    account = accounts[company.key] = self._account(company, owner, rnd)
                contact = self._contact(person, account, owner, rnd, sales)
                sales.activities_for(contact, "contact", person, rnd)
            else:
                lead = self._lead(person, companies[person.company_key], owner, rnd, org)
                sales.activities_for(lead, "lead", person, rnd)
        for account in accounts.values():
            sales.opportunities_for(account, random.Random(f"{self.seed}:dynamics:opp:{account[0]}"))
        # What follows draws from random and id streams of its own, so adding it left every row above unchanged.
        DealSeeder(seed=self.seed, rows=self.rows, admin=org.system_user, span=self.span).run()
        TargetSeeder(seed=self.seed, rows=self.rows, sales_users=org.sales_users, admin=org.system_user,
                     span=self.span).run()
        ServiceSeeder(seed=self.seed, rows=self.rows, contacts_by_account=sales.contacts_by_account,
                      span=self.span).run()
        KnowledgeSeeder(seed=self.seed, rows=self.rows, authors=org.sales_users, span=self.span).run()
        org.custom_tracked = define(self.store)
        CustomSeeder(seed=self.seed, store=self.store, rows=self.rows, span=self.span).run()
        org.custom_tracked += define_success(self.store)
        SuccessSeeder(seed=self.seed, store=self.store, rows=self.rows, admin=org.system_user, span=self.span).run()
        CurrencySeeder(seed=self.seed, rows=self.rows, admin=org.system_user, organization_id=org.organization_id,
                       base_currency=products.currency, span=self.span).run()
        # The core tables take their row versions first, as before the later tables existed: delta tokens issued
        # by earlier releases of this sandbox still name the same point in their history.
        later = {t.logical for t in (*SALES_TABLES, *SERVICE_TABLES)} | {t.logical for t in self.store.catalog.tables()
                                                                        if t.custom}
        self.store.load({name: rows for name, rows in self.rows.items() if name not in later})
        self.store.load({name: rows for name, rows in self.rows.items() if name in later})
        return org

    def _org(self) -> Org:
        guids = self.store.guids
        org = Org(organization_id=guids.new(), business_unit_id=guids.new(), system_user=guids.new(),
                  app_user=guids.new())
        created = int(to_seconds(self.population.epoch)) - 86400 * 30
        users = TABLES["systemuser"]

        def user(uid: str, first: str | None, last: str, domain: str, access: int, title: str | None) -> None:
            self.rows["systemuser"].append(st.row_for(users, {
                "systemuserid": uid, "firstname": first, "lastname": last, "internalemailaddress": domain,
                "domainname": domain, "accessmode": access, "isdisabled": False, "title": title,
                "createdon": created, "modifiedon": created, "createdby": Ref("systemuser", org.system_user),
                "modifiedby": Ref("systemuser", org.system_user),
            }))

        user(org.system_user, None, "SYSTEM", f"system@{st.ORG_DOMAIN}", 0, None)
        user(org.app_user, "#", "crmhub-integration", f"{self.client_id}@{st.ORG_DOMAIN}", 4, "Application User")
        count = max(6, min(200, self.scale // 2000))
        for i in range(count):
            person = self.population.person(self.scale + 1_000_000 + i)
            uid = guids.new()
            org.sales_users.append(uid)
            email = f"{person.first_name}.{person.last_name}{i}@{st.ORG_DOMAIN}".lower().replace(" ", "")
            user(uid, person.first_name, person.last_name, email, 0, "Account Executive")
        teams = TABLES["team"]
        for name, kind, default in (("crmhubdemo", 0, True), ("Sales EMEA", 0, False),
                                    ("Sales Americas", 0, False), ("Sales APAC", 0, False), ("Marketing", 1, False)):
            self.rows["team"].append(st.row_for(teams, {
                "teamid": guids.new(), "name": name, "teamtype": kind, "isdefault": default,
                "administratorid": Ref("systemuser", org.sales_users[0]), "createdon": created,
                "modifiedon": created, "createdby": Ref("systemuser", org.system_user),
                "modifiedby": Ref("systemuser", org.system_user),
            }))
        self._campaigns(org)
        return org

    def _campaigns(self, org: Org) -> None:
        rnd = random.Random(f"{self.seed}:dynamics:campaigns")
        last_year = self.population.end.year
        kinds = ((1, "Ads"), (2, "Newsletter"), (3, "Webinar"), (3, "Roadshow"), (4, "Partner Launch"))
        for i in range(max(4, min(200, self.scale // 5000))):
            code, noun = rnd.choice(kinds)
            # Campaigns of the last three calendar years up to the data's end; earlier years' are completed.
            quarter, year = rnd.randint(1, 4), last_year - 2 + rnd.choice((0, 1, 2))
            created = self.span.clamp(to_seconds(datetime(year, 1, 1, tzinfo=UTC)) + 86400 * (91 * (quarter - 1) - 20))
            cid = self.store.guids.new()
            org.campaigns.append(cid)
            owner = rnd.choice(org.sales_users)
            self.rows["campaign"].append(st.row_for(TABLES["campaign"], {
                "campaignid": cid, "name": f"Q{quarter} {year} {noun}", "codename": f"CMP-{i + 1:05d}",
                "typecode": code, "budgetedcost": float(rnd.randrange(5, 200) * 1000),
                "expectedrevenue": float(rnd.randrange(50, 2000) * 1000),
                "statecode": 1 if year < last_year else 0,
                "statuscode": 6 if year < last_year else rnd.choice((0, 2, 3)),
                **st.stamps(created, self.span.modified_after(created, rnd), owner),
            }))

    def _account(self, company: Company, owner: str, rnd: random.Random) -> list[Any]:
        created = self.span.clamp(to_seconds(company.created_at))
        row = st.row_for(TABLES["account"], {
            "accountid": self.store.guids.new(),
            "name": None if rnd.random() < 0.01 else company.name,
            "accountnumber": f"ACC-{company.key:07d}", "telephone1": st.phone(company.phone),
            "emailaddress1": f"info@{company.domain}", "websiteurl": f"https://www.{company.domain}",
            "industrycode": INDUSTRY_CODES.get(company.industry), "numberofemployees": company.employees,
            "revenue": float(company.annual_revenue), "address1_city": company.city,
            "address1_country": company.country, "customertypecode": rnd.choice((3, 3, 8)),
            "accountcategorycode": rnd.choice((1, 2, 2, None)),
            **st.stamps(created, self.span.modified_after(created, rnd), owner),
            COMPANY_KEY: company.key,
        })
        self.rows["account"].append(row)
        return row

    def _contact(self, person: Person, account: list[Any], owner: str, rnd: random.Random,
                 sales: SalesSeeder) -> list[Any]:
        contacts, accounts = TABLES["contact"], TABLES["account"]
        created = self.span.clamp(to_seconds(person.created_at))
        contact_id = self.store.guids.new()
        origin = None
        if rnd.random() < 0.35:  # converted from a lead a few days before the contact was created
            origin = self._converted_lead(person, account, contact_id, created, owner, rnd)
            created = self.span.clamp(created + rnd.randint(3600, 86400 * 5))
            sales.qualified_leads.append(origin)
        inactive = rnd.random() < 0.05
        row = st.row_for(contacts, {
            "contactid": contact_id, "firstname": person.first_name,
            "lastname": None if rnd.random() < 0.01 else person.last_name,
            "emailaddress1": st.vary_email(person.email, rnd), "telephone1": st.phone(person.phone),
            "mobilephone": st.phone(person.phone) if rnd.random() < 0.3 else None, "jobtitle": person.title,
            "address1_city": person.city, "address1_country": person.country, "donotemail": rnd.random() < 0.05,
            "preferredcontactmethodcode": rnd.choice((1, 2, 3, None)),
            "parentcustomerid": Ref("account", account[accounts.col["accountid"]]),
            "originatingleadid": Ref("lead", origin[TABLES["lead"].col["leadid"]]) if origin else None,
            "statecode": 1 if inactive else 0, "statuscode": 2 if inactive else 1,
            **st.stamps(created, self.span.modified_after(created, rnd), owner),
            PERSON_KEY: person.key,
        })
        if account[accounts.col["primarycontactid"]] is None:
            account[accounts.col["primarycontactid"]] = contact_id
            account[accounts.col["~primarycontactid_type"]] = "contact"
        self.rows["contact"].append(row)
        sales.contacts_by_account.setdefault(account[0], []).append(contact_id)
        return row

    def _lead_values(self, person: Person, company: Company, rnd: random.Random) -> dict[str, Any]:
        quality = 1 if person.engagement > 0.5 else 2 if person.engagement > 0.25 else 3
        return {
            "leadid": self.store.guids.new(),
            "subject": None if rnd.random() < 0.01 else f"{rnd.choice(INTERESTS)} - {company.name}",
            "firstname": person.first_name, "lastname": person.last_name, "companyname": company.name,
            "emailaddress1": st.vary_email(person.email, rnd), "telephone1": st.phone(person.phone),
            "jobtitle": person.title, "websiteurl": f"https://www.{company.domain}",
            "industrycode": INDUSTRY_CODES.get(company.industry),
            "leadsourcecode": LEAD_SOURCE_CODES.get(person.lead_source, 10), "leadqualitycode": quality,
            "numberofemployees": company.employees, "revenue": float(company.annual_revenue),
            "address1_city": person.city, "address1_country": person.country, "donotemail": rnd.random() < 0.05,
            PERSON_KEY: person.key,
        }

    def _converted_lead(self, person: Person, account: list[Any], contact_id: str, created: int, owner: str,
                        rnd: random.Random) -> list[Any]:
        company = self.population.companies[person.company_key]
        values = self._lead_values(person, company, rnd)
        account_ref = Ref("account", account[0])
        qualified = self.span.clamp(created + rnd.randint(3600, 86400 * 5))
        values.update({
            "statecode": 1, "statuscode": 3, "parentaccountid": account_ref, "customerid": account_ref,
            "parentcontactid": Ref("contact", contact_id), **st.stamps(created, qualified, owner),
        })
        row = st.row_for(TABLES["lead"], values)
        self.rows["lead"].append(row)
        return row

    def _lead(self, person: Person, company: Company, owner: str, rnd: random.Random, org: Org) -> list[Any]:
        created = self.span.clamp(to_seconds(person.created_at))
        values = self._lead_values(person, company, rnd)
        disqualified = rnd.random() < 0.3
        values.update({
            "statecode": 2 if disqualified else 0,
            "statuscode": rnd.choice((4, 5, 6, 7)) if disqualified else rnd.choice((1, 1, 2)),
            "campaignid": Ref("campaign", rnd.choice(org.campaigns)) if rnd.random() < 0.3 else None,
            "estimatedamount": float(rnd.randrange(5, 500) * 100) if rnd.random() < 0.4 else None,
            **st.stamps(created, self.span.modified_after(created, rnd), owner),
        })
        row = st.row_for(TABLES["lead"], values)
        self.rows["lead"].append(row)
        return row
