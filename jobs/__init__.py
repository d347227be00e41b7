"""Operations over many documents and the archive: ingest, reparse (and later the January job)."""
