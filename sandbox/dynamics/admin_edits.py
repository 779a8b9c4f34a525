"""What a person does in the Dynamics UI, made deterministic for tests: plausible edits and plausible new rows.

New contacts and leads come from population members who were not in this org yet (so they may already exist in the
other CRMs, as a freshly typed-in person often does); new accounts from companies without one.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from sandbox.common.people import TITLES, Population
from sandbox.dynamics import errors
from sandbox.dynamics import seedtools as st
from sandbox.dynamics.admin_more import MORE_EDITS, MoreCreations, custom_edit
from sandbox.dynamics.generator import INDUSTRY_CODES, SHARE
from sandbox.dynamics.schema import COMPANY_KEY, PERSON_KEY, Table
from sandbox.dynamics.store import Ref, Store
from sandbox.dynamics.tables import ACTIVITY_TYPES, TABLES

Values = dict[str, Any]


def _activity_edit(rnd: random.Random) -> Values:
    return rnd.choice(({"description": f"Notes updated ({rnd.randint(1, 999)})"},
                       {"prioritycode": rnd.choice((0, 1, 2))}))


EDITS: dict[str, Callable[[random.Random], Values]] = {
    "account": lambda rnd: rnd.choice(({"numberofemployees": rnd.randint(5, 50_000)},
                                       {"revenue": float(rnd.randint(1, 500) * 100_000)},
                                       {"telephone1": f"+1 {rnd.randint(200, 989)}-555-{rnd.randint(1000, 9999)}"})),
    "contact": lambda rnd: rnd.choice(({"jobtitle": rnd.choice(TITLES)[0]},
                                       {"mobilephone": f"+1 {rnd.randint(200, 989)}-555-{rnd.randint(1000, 9999)}"},
                                       {"preferredcontactmethodcode": rnd.choice((1, 2, 3))})),
    "lead": lambda rnd: rnd.choice(({"leadqualitycode": rnd.choice((1, 2, 3))}, {"jobtitle": rnd.choice(TITLES)[0]},
                                    {"description": f"Called back, follow-up #{rnd.randint(1, 99)}"})),
    "opportunity": lambda rnd: rnd.choice(({"estimatedvalue": float(rnd.randint(10, 900) * 1000)},
                                           {"closeprobability": rnd.choice((10, 30, 50, 70, 90))},
                                           {"description": f"Next step agreed ({rnd.randint(1, 99)})"})),
    "campaign": lambda rnd: {"budgetedcost": float(rnd.randint(5, 300) * 1000)},
    "systemuser": lambda rnd: {"title": rnd.choice(TITLES)[0]},
    "team": lambda rnd: {"description": f"Team charter v{rnd.randint(2, 9)}"},
    "product": lambda rnd: rnd.choice(({"price": float(rnd.randint(2, 400) * 50)},
                                       {"description": f"Catalogue text v{rnd.randint(2, 9)}"})),
    # a quantity or discount typed over: the platform recomputes baseamount and extendedamount
    "opportunityproduct": lambda rnd: rnd.choice(({"quantity": float(rnd.randint(1, 40))},
                                                  {"manualdiscountamount": float(rnd.randint(0, 20) * 50)})),
    "uom": lambda rnd: {"quantity": float(rnd.randint(1, 12))},
    "transactioncurrency": lambda rnd: {"exchangerate": round(rnd.uniform(0.8, 1.2), 4)},
    **{kind: _activity_edit for kind in ACTIVITY_TYPES},
    **MORE_EDITS,
}


def edit_values(table: Table, rnd: random.Random) -> Values:
    """What a person changes on a row of ``table``; custom tables get one of their own columns retyped."""
    edit = EDITS.get(table.logical)
    if edit is not None:
        return edit(rnd)
    if table.custom:
        return custom_edit(table, rnd)
    raise errors.DataverseError(400, errors.NOT_SUPPORTED, f"rows of {table.entity_set} cannot be edited")


class Creator(MoreCreations):
    """Values for a new row of a table, as someone would type it."""

    def __init__(self, *, store: Store, population: Population, scale: int, seed: int) -> None:
        self.store = store
        self.population = population
        self.scale = scale
        self.seed = seed

    def values(self, table: Table, rnd: random.Random) -> Values:
        if table.custom:
            return self.custom_values(table, rnd)
        maker = getattr(self, f"_{table.logical}", None)
        if maker is None:
            return {"description": "Created in the sandbox admin"}
        return maker(rnd)

    def _newcomer(self, rnd: random.Random) -> Any:
        """Someone not in this org yet (nor already typed in: contact emails are an alternate key)."""
        for _ in range(1000):
            key = rnd.randrange(self.scale)
            if self.population.member(key, "dynamics", SHARE):
                continue
            person = self.population.person(key)
            if self.store.find_by_key("contact", "emailaddress1_key", (person.email,)) is None:
                return person
        raise errors.DataverseError(400, "population_exhausted", "no newcomer left in the population to type in")

    def _account_for(self, company_key: int) -> str | None:
        return self.store.find_by_key("account", "accountnumber_key", (f"ACC-{company_key:07d}",))

    def _contact(self, rnd: random.Random) -> Values:
        person = self._newcomer(rnd)
        account = self._account_for(person.company_key) or self._some("account", rnd)
        return {"firstname": person.first_name, "lastname": person.last_name,
                "emailaddress1": st.vary_email(person.email, rnd), "telephone1": st.phone(person.phone),
                "jobtitle": person.title, "address1_city": person.city, "address1_country": person.country,
                "parentcustomerid": Ref("account", account) if account else None, PERSON_KEY: person.key}

    def _lead(self, rnd: random.Random) -> Values:
        person = self._newcomer(rnd)
        company = self.population.companies[person.company_key]
        return {"subject": f"Inbound enquiry - {company.name}", "firstname": person.first_name,
                "lastname": person.last_name, "companyname": company.name,
                "emailaddress1": st.vary_email(person.email, rnd), "telephone1": st.phone(person.phone),
                "jobtitle": person.title, "leadsourcecode": 8, "leadqualitycode": rnd.choice((1, 2, 3)),
                PERSON_KEY: person.key}

    def _account(self, rnd: random.Random) -> Values:
        companies = self.population.companies
        company = companies[rnd.randrange(len(companies))]
        for _ in range(100):
            if self._account_for(company.key) is None:
                break
            company = companies[rnd.randrange(len(companies))]
        number = f"ACC-{company.key:07d}" if self._account_for(company.key) is None else None
        return {"name": company.name, "accountnumber": number, "telephone1": st.phone(company.phone),
                "websiteurl": f"https://www.{company.domain}", "industrycode": INDUSTRY_CODES.get(company.industry),
                "numberofemployees": company.employees, "address1_city": company.city,
                "address1_country": company.country, COMPANY_KEY: company.key}

    def _opportunity(self, rnd: random.Random) -> Values:
        account = self._some("account", rnd)
        ref = Ref("account", account) if account else None
        return {"name": f"New business {rnd.randint(100, 999)}", "estimatedvalue": float(rnd.randint(5, 500) * 1000),
                "closeprobability": 20, "salesstagecode": 0, "parentaccountid": ref, "customerid": ref}

    def _product(self, rnd: random.Random) -> Values:
        n = rnd.randint(100, 999)
        unit, currency = self._some("uom", rnd), self._some("transactioncurrency", rnd)
        return {"name": f"Custom Bundle {n}", "productnumber": f"CUST-{n}", "producttypecode": 4,
                "quantitydecimal": 0, "price": float(rnd.randint(2, 200) * 100),
                "defaultuomid": Ref("uom", unit) if unit else None,
                "transactioncurrencyid": Ref("transactioncurrency", currency) if currency else None}

    def _opportunityproduct(self, rnd: random.Random) -> Values:
        opportunity, product = self._some("opportunity", rnd), self._some("product", rnd)
        if opportunity is None or product is None:
            raise errors.DataverseError(400, "nothing_to_link", "an opportunity product needs an opportunity and a "
                                        "product; create those first")
        row = self.store.get("product", product)
        price = row[TABLES["product"].col["price"]] if row is not None else None
        return {"opportunityid": Ref("opportunity", opportunity), "productid": Ref("product", product),
                "isproductoverridden": False, "quantity": float(rnd.randint(1, 20)), "priceperunit": price}

    def _campaign(self, rnd: random.Random) -> Values:
        return {"name": f"Spring push {rnd.randint(1, 99)}", "typecode": rnd.choice((1, 2, 3))}

    def _team(self, rnd: random.Random) -> Values:
        return {"name": f"Tiger team {rnd.randint(1, 999)}", "teamtype": 1}

    def _systemuser(self, rnd: random.Random) -> Values:
        n = rnd.randint(1000, 9999)
        return {"firstname": "New", "lastname": f"Hire{n}", "domainname": f"new.hire{n}@{st.ORG_DOMAIN}",
                "internalemailaddress": f"new.hire{n}@{st.ORG_DOMAIN}", "accessmode": 0, "isdisabled": False}

    def _activity(self, kind: str, rnd: random.Random) -> Values:
        contact = self._some("contact", rnd)
        return {"subject": f"{kind.capitalize()} logged by hand", "prioritycode": 1,
                "regardingobjectid": Ref("contact", contact) if contact else None}

    def _phonecall(self, rnd: random.Random) -> Values:
        return {**self._activity("phonecall", rnd), "directioncode": True}

    def _email(self, rnd: random.Random) -> Values:
        return {**self._activity("email", rnd), "directioncode": True}

    def _appointment(self, rnd: random.Random) -> Values:
        return {**self._activity("appointment", rnd), "location": "Teams meeting"}

    def _task(self, rnd: random.Random) -> Values:
        return {**self._activity("task", rnd), "percentcomplete": 0}
