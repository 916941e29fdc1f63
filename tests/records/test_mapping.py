"""CRM exports through a YAML mapping: the shipped Salesforce and HubSpot examples import and
re-import idempotently; every problem names file, line, column, rule and fix; nothing is
written unless everything is valid."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from copilot.components import Services
from copilot.errors import ImportValidationError
from copilot.records.ingest import ingest
from copilot.settings import PROJECT_ROOT
from copilot.store.tables import Activity, Call

EXAMPLES = PROJECT_ROOT / "examples" / "crm"


@pytest.fixture
def crm(services: Services, tmp_path: Path) -> Path:
    """A copy of the examples, with their reps imported."""
    target = tmp_path / "crm"
    shutil.copytree(EXAMPLES, target)
    ingest(services.store, services.indexer, [target / "reps.csv"])
    return target


def _activity(services: Services) -> dict[tuple[str, str], tuple[float, ...]]:
    with services.store.sessions() as s:
        return {
            (a.rep_id, a.period): (a.quota, a.revenue, a.meetings, a.demos, a.proposals, a.wins)
            for a in s.scalars(select(Activity))
        }


def _errors(services: Services, mapping: Path, *exports: Path) -> list[str]:
    before = _activity(services)
    with pytest.raises(ImportValidationError) as caught:
        ingest(services.store, services.indexer, list(exports), mapping=mapping)
    assert _activity(services) == before, "a failed import writes nothing"
    return [str(e) for e in caught.value.errors]


def test_salesforce_opportunities_add_up_to_monthly_activity(services: Services, crm: Path) -> None:
    report = ingest(
        services.store,
        services.indexer,
        [crm / "salesforce-opportunities.csv"],
        mapping=crm / "salesforce.yaml",
    )
    assert [(f.file, f.kind, f.inserted) for f in report.files] == [
        ("salesforce-opportunities.csv", "activity", 6)
    ]
    found = _activity(services)
    # October for Dana: won Pier (12,000); Cove in negotiation; Lantern in qualification.
    assert found[("CRM-1", "2026-10")] == (30000.0, 12000.0, 3, 2, 2, 1)
    assert found[("CRM-2", "2026-08")] == (36000.0, 24000.0, 1, 1, 1, 1)
    again = ingest(
        services.store,
        services.indexer,
        [crm / "salesforce-opportunities.csv"],
        mapping=crm / "salesforce.yaml",
    )
    assert [(f.inserted, f.updated, f.unchanged) for f in again.files] == [(0, 0, 6)]


def test_hubspot_deals_with_mixed_date_formats_and_european_amounts(
    services: Services, crm: Path
) -> None:
    ingest(
        services.store, services.indexer, [crm / "hubspot-deals.csv"], mapping=crm / "hubspot.yaml"
    )
    found = _activity(services)
    assert found[("CRM-1", "2026-09")] == (30000.0, 9600.0, 2, 2, 2, 1)  # 2026-09-30 17:00, 18/09
    assert found[("CRM-2", "2026-09")] == (30000.0, 0.0, 1, 1, 0, 0)
    assert ("CRM-1", "2026-10") not in found  # Lantern: skipped as open, with no close date


def test_an_unmapped_stage_name_names_file_line_column_rule_and_fix(
    services: Services, crm: Path
) -> None:
    export = crm / "salesforce-opportunities.csv"
    export.write_text(
        export.read_text().replace('"Closed Lost","$9,000.00"', '"Lost - No Budget","$9,000.00"')
    )
    assert _errors(services, crm / "salesforce.yaml", export) == [
        "salesforce-opportunities.csv:3 field 'Stage': 'Lost - No Budget' is not in the mapping "
        "(known: 'Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', "
        "'Id. Decision Makers', 'Perception Analysis', 'Proposal/Price Quote', "
        "'Negotiation/Review') (rule values.status). Fix: add 'Lost - No Budget': <value> "
        "under values.status in salesforce.yaml"
    ]


def test_a_date_in_no_listed_format_fails(services: Services, crm: Path) -> None:
    export = crm / "hubspot-deals.csv"
    export.write_text(export.read_text().replace("18/09/2026", '"Sept 18, 2026"'))
    assert _errors(services, crm / "hubspot.yaml", export) == [
        "hubspot-deals.csv:5 field 'Close Date': 'Sept 18, 2026' matches none of the date "
        "formats %Y-%m-%d %H:%M, %d/%m/%Y (rule dates.formats). Fix: correct the date, or add "
        "its format to dates.formats in hubspot.yaml"
    ]


def test_an_amount_in_another_number_format_fails(services: Services, crm: Path) -> None:
    export = crm / "hubspot-deals.csv"
    export.write_text(export.read_text().replace('"14.400,00"', '"14,400.00 USD"'))
    (message,) = _errors(services, crm / "hubspot.yaml", export)
    assert message.startswith(
        "hubspot-deals.csv:2 field 'Amount': '14,400.00 USD' is not a number as the mapping "
        "writes them (decimal ',', thousands '.') (rule numbers). Fix: correct the amount"
    )


def test_an_unknown_owner_and_a_missing_column(services: Services, crm: Path) -> None:
    export = crm / "salesforce-opportunities.csv"
    export.write_text(
        export.read_text().replace('"Tomas Whitfield","Seabright', '"T. W.","Seabright')
    )
    (owner,) = _errors(services, crm / "salesforce.yaml", export)
    assert owner.startswith("salesforce-opportunities.csv:9 field 'Opportunity Owner': 'T. W.' is")
    assert owner.endswith(
        "(rule values.rep_id). Fix: add 'T. W.': <value> under values.rep_id in salesforce.yaml"
    )
    export.write_text(export.read_text().replace('"Close Date"', '"Closing"'))
    (column,) = _errors(services, crm / "salesforce.yaml", export)
    assert column.startswith(
        "salesforce-opportunities.csv:1 field 'Close Date': column is missing (rule "
        "aggregate.month). Fix: export the column, or set aggregate.month in salesforce.yaml to "
        "one of: Opportunity Owner, Account Name"
    )


def test_a_mapping_without_a_rule_for_every_activity_field_fails(
    services: Services, crm: Path
) -> None:
    mapping = crm / "salesforce.yaml"
    mapping.write_text(mapping.read_text().replace("    conversations: 0\n", ""))
    assert _errors(services, mapping, crm / "salesforce-opportunities.csv") == [
        "salesforce.yaml field 'aggregate': no rule for conversations: give each under counts, "
        "sums or fixed. Fix: see the rules in docs/crm-mapping.md"
    ]


def test_a_mapping_that_is_not_yaml_names_its_line(services: Services, crm: Path) -> None:
    mapping = crm / "broken.yaml"
    mapping.write_text("kind: activity\ncolumns:\n  rep_id: [Owner\n")
    (message,) = _errors(services, mapping, crm / "salesforce-opportunities.csv")
    assert message.startswith("broken.yaml:4: not valid YAML (")


def test_one_row_per_row_for_calls_names_source_column_and_rule(
    services: Services, crm: Path
) -> None:
    export = crm / "calls-export.csv"
    export.write_text(
        "Activity ID,Owner,Activity Date,Company,Type,Notes\n"
        "a-1,Dana Reyes,2026-10-14 09:00,Harbor Dental,Discovery call,Asked about approvals.\n"
        "a 2,Dana Reyes,2026-10-15 09:00,Cove Smiles,Demo,Showed the board.\n"
    )
    mapping = crm / "calls.yaml"
    mapping.write_text(
        "kind: calls\n"
        "columns: {call_id: Activity ID, rep_id: Owner, date: Activity Date, account: Company,"
        " stage: Type, summary: Notes}\n"
        "constants: {source: self}\n"
        "dates: {formats: ['%Y-%m-%d %H:%M']}\n"
        "values:\n  rep_id: {Dana Reyes: CRM-1}\n"
        "  stage: {Discovery call: discovery, Demo: demo}\n"
    )
    assert _errors(services, mapping, export) == [
        "calls-export.csv:3 field 'Activity ID': 'a 2' contains spaces (rule columns.call_id). "
        "Fix: ids are single words, e.g. R-104"
    ]
    export.write_text(export.read_text().replace("a 2,", "a-2,"))
    ingest(services.store, services.indexer, [export], mapping=mapping)
    with services.store.sessions() as s:
        calls = {c.call_id: (c.rep_id, c.stage, str(c.date)) for c in s.scalars(select(Call))}
    assert calls == {
        "a-1": ("CRM-1", "discovery", "2026-10-14"),
        "a-2": ("CRM-1", "demo", "2026-10-15"),
    }


def test_an_activity_export_counts_dials_conversations_and_meetings(
    services: Services, crm: Path
) -> None:
    export = crm / "activities.csv"
    export.write_text(
        "Owner;Type;Outcome;Date\n"
        "Dana Reyes;Call;No answer;2026-10-01\n"
        "Dana Reyes;Call;Connected;2026-10-02\n"
        "Dana Reyes;Call;connected;2026-10-03\n"
        "Dana Reyes;Meeting;;2026-10-03\n"
        "Dana Reyes;Email;;2026-10-04\n"
        "Dana Reyes;Call;Connected;2026-11-02\n"
    )
    mapping = crm / "activities.yaml"
    mapping.write_text(
        "kind: activity\n"
        "delimiter: ';'\n"
        "values:\n  rep_id: {Dana Reyes: CRM-1}\n  status: {Call: call, Meeting: meeting, Email: email}\n"
        "aggregate:\n"
        "  rep: Owner\n  month: Date\n  status: Type\n"
        "  counts:\n"
        "    dials: [call]\n"
        "    conversations: {statuses: [call], where: {Outcome: [Connected]}}\n"
        "    meetings: [meeting]\n"
        "  fixed: {quota: 30000, revenue: 0, demos: 0, proposals: 0, wins: 0}\n"
    )
    ingest(services.store, services.indexer, [export], mapping=mapping)
    with services.store.sessions() as s:
        rows = {
            a.period: (a.dials, a.conversations, a.meetings) for a in s.scalars(select(Activity))
        }
    assert rows == {"2026-10": (3, 2, 1), "2026-11": (1, 1, 0)}
    mapping.write_text(mapping.read_text().replace("where: {Outcome:", "where: {Result:"))
    (missing,) = _errors(services, mapping, export)
    assert missing.startswith(
        "activities.csv:1 field 'Result': column is missing (rule "
        "aggregate.counts.conversations.where.Result)."
    )
