"""The schema stamp: how many migrations this version of watchdesk has, kept in the desk file's
`PRAGMA user_version` by `migrations.apply`.

Opening a desk whose stamp equals SCHEMA_STAMP skips loading the migration machinery (sqlite-utils
and every domain's schema module) — the console's start-up only reads. Any other stamp (a desk
made before stamps, a newer or an older desk) takes the full check: pending migrations are
listed by name from `_sqlite_migrations` and applied. Add one here for every migration you add;
`migrations.check_stamp()` refuses to migrate while the two disagree, and a test runs it.
"""

SCHEMA_STAMP = 10
