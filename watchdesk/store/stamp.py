"""The schema stamp: how many migrations this version of watchdesk has, kept in the desk file's
`PRAGMA user_version` by `migrations.apply`.

A desk whose stamp is above SCHEMA_STAMP was written by a newer watchdesk and is refused at once.
Every opening also takes the full check (pending migrations listed by name from
`_sqlite_migrations` and applied): skipping it for a desk stamped as this version did not earn its
place at start-up (issue 11, bench/README.md finding 12). Add one here for every migration you
add; `migrations.check_stamp()` refuses to migrate while the two disagree, and a test runs it.
"""

SCHEMA_STAMP = 20

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
