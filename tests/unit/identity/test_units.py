"""The pieces: normalisation, the union-find that keeps undone pairs apart, scoring, pairwise precision/recall."""

from __future__ import annotations

from identity import normalize, pairwise
from identity.components import Components
from identity.records import Rec
from identity.scoring import score


def test_normalisation_of_what_people_type() -> None:
    assert normalize.email("  Jo.Ann@Acme.IO ") == "jo.ann@acme.io"  # dots kept: jo.ann and joann may be two people
    assert normalize.email("jo at acme.io") is None and normalize.email("jo@@acme.io") is None
    assert normalize.email("jo@acmeio") is None
    assert normalize.company_domain("jo@gmail.com") is None and normalize.company_domain("jo@acme.io") == "acme.io"
    assert normalize.name("  Zoë  O'Neil ") == "zoe oneil" and normalize.name("[not provided]") is None
    assert normalize.company("Acme Widgets GmbH") == "acme widgets" and normalize.company("Acme Labs") == "acme labs"
    assert normalize.domain("https://www.Acme.io/about") == "acme.io" == normalize.domain("www.acme.io")
    assert normalize.domain("acme") is None and normalize.phone("+44 20") is None
    assert normalize.phone("+44 20 7946 0123") == "+442079460123"


def test_components_refuse_to_join_a_pair_kept_apart_even_through_others() -> None:
    comps = Components(4, apart=[(0, 3)])
    assert comps.union(0, 1) and comps.union(2, 3)
    assert not comps.union(1, 2)  # would put 0 and 3 together
    assert comps.union(1, 1) is False and not comps.same(0, 3)
    assert sorted(map(sorted, comps.groups().values())) == [[0, 1], [2, 3]]


def _person(rid: str, first: str, last: str, *, email: str | None = None, phone: str | None = None,
            company: str | None = None, city: str | None = None) -> Rec:
    rec = Rec(rid, "contact", "c", "contacts", rid, {}, {}, None, first=first, last=last,
              full_name=f"{first} {last}", phone=phone, company=company, city=city)
    rec.email = email
    rec.email_local = email.split("@")[0] if email else None
    return rec


def test_scores_rise_with_agreeing_evidence_and_fall_with_contradicting() -> None:
    a = _person("1", "ada", "lovelace", email="ada.lovelace@acme.io", phone="+442079460123", company="acme",
                city="london")
    personal = _person("2", "ada", "lovelace", email="ada.lovelace@gmail.com", phone="+442079460123",
                       company="acme", city="london")
    namesake = _person("3", "ada", "lovelace", email="alovelace@other.io", phone="+33123456789", company="other",
                       city="paris")
    typo = _person("4", "ada", "lovelase", phone="+442079460123", company="acme", city="london")
    same, evidence = score(a, personal, "person")
    assert same > 0.999 and evidence == {"name": "exact", "phone": "same", "email": "same_local_part",
                                         "company": "same", "city": "same"}
    assert score(a, namesake, "person")[0] < 0.1
    assert score(a, typo, "person")[0] > 0.95


def test_pairwise_precision_and_recall() -> None:
    # truth: {r1, r2, r3} are entity A, {r4} is B; predicted: {r1, r2}, {r3, r4}
    result = pairwise([("x", "A"), ("x", "A"), ("y", "A"), ("y", "B")])
    assert (result["true_pairs"], result["predicted_pairs"], result["correct_pairs"]) == (3, 2, 1)
    assert result["precision"] == 0.5 and result["recall"] == round(1 / 3, 4)
    assert result["entities_exactly_resolved"] == 0.0
    assert pairwise([("x", "A"), ("x", "A"), ("y", "B")])["entities_exactly_resolved"] == 1.0


def test_role_mailboxes_identify_no_one() -> None:
    assert normalize.personal_email("info@acme.io") is None
    assert normalize.personal_email("ada@acme.io") == "ada@acme.io"
