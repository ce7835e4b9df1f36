"""Report templates are data: shipped per pack, overridden file by file from a desk's folder, and
refused when loaded if they cannot work (syntax, unknown field, unknown filter, unsafe access),
with the file, the line and the problem."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.report import cases
from watchdesk.errors import StoreError
from watchdesk.models.incident import ReportKind
from watchdesk.report.written import (
    DEFAULT,
    TEMPLATES,
    TemplateError,
    check_templates,
    draft,
    load_template,
    sample_context,
)

SHIPPED = TEMPLATES / DEFAULT
GOOD = """{# test #}
{% block title %}{{ incident.place }}{{ title_suffix }}{% endblock %}
{% block body %}
{{ incident.description }}
{% endblock %}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(folder: Path, kind: str = "written") -> TemplateError:
    with pytest.raises(TemplateError) as e:
        load_template(kind, override=folder)
    assert isinstance(e.value, StoreError)
    return e.value


def test_shipped_templates_load_and_name_their_source():
    check_templates()
    names = sorted(p.name for p in SHIPPED.iterdir())
    assert names == sorted(["_common.txt.j2", *(f"{k.value}.txt.j2" for k in ReportKind)])
    for path in SHIPPED.iterdir():
        head = path.read_text(encoding="utf-8").split("#}", 1)[0]
        assert head.startswith("{#"), path.name
        assert "来源" in head and ("reporting-rules.md §" in head or "written-report.md §" in head)


def test_a_syntax_error_is_refused_with_file_and_line(tmp_path):
    path = write(
        tmp_path,
        "written.txt.j2",
        GOOD.replace("{{ incident.description }}", "{{ incident.place + }}"),
    )
    e = refused(tmp_path)
    assert (Path(e.file), e.line) == (path, 4)
    assert f"{path}, line 4: " in str(e)
    # an unclosed tag: Jinja finds it where the block ends, and says which tag is open
    write(
        tmp_path,
        "written.txt.j2",
        GOOD.replace("{{ incident.description }}", "{% if figures.any %}"),
    )
    e = refused(tmp_path)
    assert e.line == 5 and "'if'" in e.problem


def test_an_unknown_field_is_refused_when_loaded(tmp_path):
    write(
        tmp_path,
        "written.txt.j2",
        GOOD.replace("{{ incident.description }}", "{{ incidnet.place }}"),
    )
    e = refused(tmp_path)
    assert e.line == 4 and "unknown field 'incidnet'" in e.problem


def test_an_unknown_field_is_refused_also_in_a_branch_no_sample_reaches(tmp_path):
    text = GOOD.replace(
        "{{ incident.description }}",
        "{{ incident.description }}\n{% if figures.dead > 1000 %}{{ incident.unitt }}{% endif %}",
    )
    write(tmp_path, "written.txt.j2", text)
    e = refused(tmp_path)
    assert e.line == 5 and "unknown field 'incident.unitt'" in e.problem


def test_an_unknown_field_of_a_list_item_is_refused_with_its_line(tmp_path):
    text = GOOD.replace(
        "{{ incident.description }}",
        "{{ incident.description }}\n{% for e in timeline %}\n{{ e.at }}{{ e.speaker }}\n{% endfor %}",
    )
    write(tmp_path, "written.txt.j2", text)
    e = refused(tmp_path)
    assert e.line == 6 and "unknown field" in e.problem and "speaker" in e.problem


def test_an_unknown_filter_is_refused(tmp_path):
    write(
        tmp_path,
        "written.txt.j2",
        GOOD.replace("{{ incident.description }}", "{{ incident.place|shout }}"),
    )
    e = refused(tmp_path)
    assert e.line == 4 and "shout" in e.problem


def test_a_template_without_its_blocks_is_refused(tmp_path):
    write(tmp_path, "written.txt.j2", "{{ incident.place }}\n")
    assert "block title" in refused(tmp_path).problem


def test_the_sandbox_refuses_what_a_template_must_not_reach(tmp_path):
    write(
        tmp_path,
        "written.txt.j2",
        GOOD.replace("{{ incident.description }}", "{{ incident.__class__.__mro__ }}"),
    )
    e = refused(tmp_path)
    assert e.line == 4 and "unsafe" in e.problem


def test_a_bad_shared_macro_file_is_named(tmp_path):
    common = (SHIPPED / "_common.txt.j2").read_text(encoding="utf-8")
    path = write(
        tmp_path, "_common.txt.j2", common.replace("{{ e.who }}作出批示", "{{ e.leader }}作出批示")
    )
    e = refused(tmp_path)
    assert Path(e.file).name == path.name and "leader" in e.problem and e.line


def test_a_missing_override_folder_is_refused(tmp_path):
    e = refused(tmp_path / "nowhere")
    assert "no such folder" in e.problem


def test_the_desk_folder_wins_file_by_file(store, clock, tmp_path):
    inc, moments = cases.major_road(store, clock)
    path = write(tmp_path, "written.txt.j2", GOOD)
    d = draft(store, inc, ReportKind.written, now=moments["written"], templates_dir=tmp_path)
    assert d.template == str(path)
    assert d.title == "G107国道K1532处"
    assert d.body.startswith("一辆载有45人的大型客车")
    # the phone card has no override: the pack's own
    card = draft(store, inc, ReportKind.phone, now=moments["phone"], templates_dir=tmp_path)
    assert Path(card.template) == SHIPPED / "phone.txt.j2"
    assert card.body.startswith("报告单位：")


def test_an_edited_override_is_checked_again(store, clock, tmp_path):
    inc, moments = cases.major_road(store, clock)
    path = write(tmp_path, "written.txt.j2", GOOD)
    draft(store, inc, ReportKind.written, now=moments["written"], templates_dir=tmp_path)
    path.write_text(GOOD.replace("incident.description", "incident.descr"), encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    with pytest.raises(TemplateError, match="descr"):
        draft(store, inc, ReportKind.written, now=moments["written"], templates_dir=tmp_path)


def test_the_sample_contexts_have_one_shape():
    """A template checked against the samples works on every incident: the complete and the sparse
    sample have the same keys all the way down (nothing is None, lists may be empty)."""

    def shape(value):
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items()}
        assert value is not None
        return type(value).__name__ if not isinstance(value, list) else "list"

    for kind in ReportKind:
        assert shape(sample_context(kind, full=True)) == shape(sample_context(kind, full=False))
