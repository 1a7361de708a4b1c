"""Storage: the database connection, the schema and its migrations.

SQLite by default (a file under var/), PostgreSQL in production, both through
SQLAlchemy 1.4 in 2.0 style. The schema is owned by Alembic migrations in migrations/;
`Database.migrate()` brings any database to the latest revision.

Nothing here may hold a raw Telegram id or message text: tables are keyed by pseudonyms.
"""

from bot.storage.database import Database, DatabaseUnavailable
from bot.storage.models import AuditEntry, Base, Escalation, OutboxMessage, ProcessedUpdate, Setting

__all__ = [
    "AuditEntry",
    "Base",
    "Database",
    "DatabaseUnavailable",
    "Escalation",
    "OutboxMessage",
    "ProcessedUpdate",
    "Setting",
]
