"""Working on a written report's draft in the store (issue 14): the officer's own wording kept
with a version (an edit on an older version refused, typed text kept by the caller), filled-in
markers leaving the missing list, a re-draw shown before it is kept, 报/送/抄送 by grade and
frozen once signed, holds on a draft between two consoles, and the reports' full-text index."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.report import cases
from tests.store.test_report_signoff import _as, _chain, _people, needs_font
from watchdesk.errors import InputError
from watchdesk.models.incident import ReportKind
from watchdesk.store.holds import Held
from watchdesk.store.signoff import Distribution, SignoffPolicy


@pytest.fixture
def gas(store, clock):
    _people(store)
    inc, moments = cases.gas_unknown(store, clock)
    clock.set(moments["written"])
    _as(store, "孙丽娜")
    return store, inc


def test_an_edit_is_kept_and_filled_markers_leave_the_missing_list(gas):
    store, inc = gas
    rep = store.written.create(inc, ReportKind.written)
    assert "事发单位" in rep.missing and rep.version == 1
    body = rep.body.replace("【待核实：事发单位】", "东坡燃气有限公司")
    edited = store.written.edit(rep.id, title=rep.title, body=body, version=rep.version)
    assert edited.version == 2 and edited.body == body
    assert "事发单位" not in edited.missing
    assert set(edited.missing) == set(rep.missing) - {"事发单位"}
    # The paper prints the officer's words.
    assert "东坡燃气有限公司" in "\n".join(store.written.paper_of(edited).paragraphs)


def test_an_edit_on_an_older_version_is_refused_and_nothing_changes(gas):
    store, inc = gas
    rep = store.written.create(inc, ReportKind.written)
    store.written.edit(rep.id, title=rep.title, body=rep.body + "\n补充一句。", version=1)
    with pytest.raises(InputError) as e:
        store.written.edit(rep.id, title="另一个标题", body="另一段话", version=1)
    assert e.value.msg.key == "err.signoff.edited_meanwhile"
    now = store.written.get(rep.id)
    assert now.version == 2 and now.title == rep.title and now.body.endswith("补充一句。")


def test_empty_title_or_body_refused(gas):
    store, inc = gas
    rep = store.written.create(inc, ReportKind.written)
    for title, body, field in (("  ", rep.body, "title"), (rep.title, " \n ", "body")):
        with pytest.raises(InputError) as e:
            store.written.edit(rep.id, title=title, body=body, version=rep.version)
        assert e.value.field == field
    assert store.written.get(rep.id).version == 1


def test_no_edit_once_in_sign_off_until_sent_back(gas):
    store, inc = gas
    rep = store.written.create(inc, ReportKind.written)
    store.written.sign(rep.id, "drafted")
    with pytest.raises(InputError) as e:
        store.written.edit(rep.id, title=rep.title, body="改", version=rep.version)
    assert e.value.msg.key == "err.signoff.not_editable"
    _as(store, "赵磊")
    back = store.written.back(rep.id, "伤亡情况表述不准确")
    _as(store, "孙丽娜")
    again = store.written.edit(
        rep.id, title=rep.title, body=rep.body + "\n已改。", version=back.version
    )
    assert again.status == "draft" and again.body.endswith("已改。")


def test_redraw_shows_the_new_text_and_keeps_it_only_when_taken(gas, clock):
    store, inc = gas
    rep = store.written.create(inc, ReportKind.written)
    mine = store.written.edit(rep.id, title=rep.title, body=rep.body + "\n我的补充。", version=1)
    # New figures arrive: the re-draw says so, the kept report does not yet.
    clock.advance(minutes=5)
    store.figures.update(inc, {"injured": 2}, source="县人民医院")
    fresh = store.written.redraw(rep.id)
    assert "2人受伤" in fresh.body and "我的补充" not in fresh.body
    assert store.written.get(rep.id).body == mine.body
    taken = store.written.take_redraw(rep.id, fresh, version=mine.version)
    assert taken.body == fresh.body and taken.version == mine.version + 1
    # A re-draw taken on an older version is refused.
    with pytest.raises(InputError):
        store.written.take_redraw(rep.id, fresh, version=mine.version)


def test_distribution_by_grade_and_frozen_once_signed(store, clock):
    _people(store)
    inc, moments = cases.major_road(store, clock)  # 重大 (II)
    clock.set(moments["written"])
    _as(store, "孙丽娜")
    policy = SignoffPolicy(
        distribution={
            "II": Distribution(
                report_to=["市应急管理局", "市人民政府总值班室"], copy_to=["县委办公室"]
            ),
            "default": Distribution(report_to=["市应急管理局"]),
        }
    )
    rep = store.written.create(inc, ReportKind.written, policy=policy)
    assert rep.report_to == ["市应急管理局", "市人民政府总值班室"] and rep.copy_to == ["县委办公室"]
    changed = store.written.set_distribution(
        rep.id,
        Distribution(report_to=["市应急管理局"], send_to=["县公安局"], copy_to=["县委办公室"]),
        version=rep.version,
    )
    pp = store.written.paper_of(changed)
    assert pp.distribution == [
        ("报", ["市应急管理局"]),
        ("送", ["县公安局"]),
        ("抄送", ["县委办公室"]),
    ]
    if needs_font.args[0]:  # no CJK font: signing cannot render the PDF
        return
    _chain(store, rep.id)
    signed = store.written.get(rep.id)
    with pytest.raises(InputError):
        store.written.set_distribution(rep.id, Distribution(), version=signed.version)
    # Sending records the 报 list as whom the report went to.
    sent = store.written.send(rep.id, via="传真")
    event = next(r for r in store.incidents.reports(inc) if r.id == sent.report_id)
    assert event.to_whom == "市应急管理局"


def test_without_configured_lists_report_goes_to_the_desks_office(gas):
    store, inc = gas
    store.settings.update(report_to=cases.CITY)
    rep = store.written.create(inc, ReportKind.written)
    assert rep.report_to == [cases.CITY] and rep.send_to == rep.copy_to == []


def test_bad_distribution_config_refused():
    with pytest.raises(ValidationError, match="V"):
        SignoffPolicy(distribution={"V": Distribution()})
    with pytest.raises(ValidationError, match="sendto"):
        Distribution.model_validate({"sendto": ["x"]})


def test_a_draft_held_by_one_console_is_refused_to_another(gas, clock):
    store, inc = gas
    rep = store.written.create(inc, ReportKind.written)
    store.report_holds.acquire(rep.id, "孙丽娜", "tty1")
    with pytest.raises(Held) as e:
        store.report_holds.acquire(rep.id, "赵磊", "tty2")
    assert e.value.msg.key == "err.hold.report_held_at"
    # Holds on reports and on incidents are separate.
    assert store.holds.current(inc) is None
    clock.advance(minutes=3)  # expired on its own
    assert store.report_holds.acquire(rep.id, "赵磊", "tty2").holder == "赵磊"


def test_reports_are_in_their_full_text_index(gas):
    store, inc = gas
    rep = store.written.create(inc, ReportKind.written)
    store.written.edit(
        rep.id, title=rep.title, body=rep.body + "\n涉事企业为东坡燃气公司。", version=1
    )
    from watchdesk.text.fulltext import match_query

    hits = [
        r[0]
        for r in store.db.execute(
            "SELECT rowid FROM written_reports_fts WHERE written_reports_fts MATCH ?",
            [match_query("东坡燃气")],
        )
    ]
    assert hits == [rep.id]
