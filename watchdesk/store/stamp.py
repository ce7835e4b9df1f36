"""The schema stamp: how many migrations this version of watchdesk has, kept in the desk file's
`PRAGMA user_version` by `migrations.apply`, and their names.

A desk whose stamp is above SCHEMA_STAMP was written by a newer watchdesk and is refused at once.
A desk stamped SCHEMA_STAMP whose `_sqlite_migrations` records exactly MIGRATION_NAMES (set
"watchdesk", nothing else) is up to date: `Store.open` reads those ~20 rows and opens it without
loading sqlite-utils (with click, dateutil, pluggy) and the migrations module (issue 19: ~55 ms
of CPU of every start-up). Any other desk (older, unstamped, legacy records, a record this code
does not know) takes the full check (pending migrations listed by name and applied) as before.
Add a migration's name here and raise the stamp for every migration you add;
`migrations.check_stamp()` refuses to migrate while they disagree with the list in
migrations.py, and a test runs it.
"""

SCHEMA_STAMP = 21

# The migrations of migrations.py, in order, recorded in this set (migrations.check_stamp holds
# the two to the same).
MIGRATION_SET = "watchdesk"
MIGRATION_NAMES: tuple[str, ...] = (
    "m01_foundation",
    "m02_directory",
    "m03_lifecycle",
    "m04_directory_fields",
    "m05_rollcall",
    "m06_warnings",
    "m07_handover",
    "m08_roster",
    "m09_deadlines_due",
    "m10_fts_merge_off_save_path",
    "m11_people",
    "m12_corrections",
    "m13_reports",
    "m14_report_drafts",
    "m15_areas_and_views",
    "m16_dispatch",
    "m17_unit_filings",
    "m18_handover_renderings",
    "m19_stats_indexes",
    "m20_search_filters",
    "m21_search_tags",
)

# Desks made before the migrations were one list recorded them in five sets under other names:
# (set, name) then -> name in set "watchdesk" now. `migrations.apply` renames such records; a
# desk stamped already is renamed on opening (`LEGACY_RECORDS_SQL` finds one cheaply).
LEGACY_NAMES: dict[tuple[str, str], str] = {
    ("watchdesk", "m001_foundation"): "m01_foundation",
    ("watchdesk", "m002_directory"): "m02_directory",
    ("watchdesk.incidents", "m001_lifecycle"): "m03_lifecycle",
    ("watchdesk.directory", "m001_directory_fields"): "m04_directory_fields",
    ("watchdesk.directory", "m002_rollcall"): "m05_rollcall",
    ("watchdesk.directory", "m003_warnings"): "m06_warnings",
    ("watchdesk.handover", "m001_handover"): "m07_handover",
    ("watchdesk.roster", "m001_roster"): "m08_roster",
    ("watchdesk.handover", "m002_deadlines_due"): "m09_deadlines_due",
    ("watchdesk.incidents", "m002_fts_merge_off_save_path"): "m10_fts_merge_off_save_path",
}

# Whether a desk still holds a legacy record: one read of a ten-row table.
LEGACY_RECORDS_SQL = "SELECT 1 FROM _sqlite_migrations WHERE {} LIMIT 1".format(
    " OR ".join(f"(migration_set = '{s}' AND name = '{n}')" for (s, n) in LEGACY_NAMES)
)
