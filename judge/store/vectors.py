"""Embeddings kept across runs, by model (name and revision) and text hash."""

from __future__ import annotations

from collections.abc import Sequence

from judge.store.base import StoreBase, in_chunks, insert_rows


class VectorsMixin(StoreBase):
    def get_vectors(self, model: str, keys: Sequence[str]) -> dict[str, bytes]:
        """The stored vectors of ``keys`` (text hashes) under ``model``: those it has."""
        out: dict[str, bytes] = {}
        for part, marks in in_chunks(keys):
            sql = f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({marks})"
            out.update(self._rows(sql, model, *part))
        return out

    def put_vectors(self, model: str, items: Sequence[tuple[str, bytes]]) -> None:
        """Keep ``(text hash, vector)`` pairs; a pair already stored is left as it is."""
        with self.engine.begin() as conn:
            insert_rows(conn, "embeddings", ("model", "text_hash", "vector"), [(model, k, v) for k, v in items], prefix="OR IGNORE")
