"""What is costly to compute and kept across runs: embeddings by model revision; catalog searches and
artifacts (the keyword vocabulary) by catalog version."""

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
            insert_rows(conn, "embeddings", ("model", "text_hash", "vector"), [(model, k, v) for k, v in items], on_conflict="ignore")

    def stored_retrievals(self, catalog: str, k: int, any_word: bool, queries: Sequence[str]) -> dict[str, list[str]]:
        """Product ids of the searches already made on this catalog version: those it has."""
        out: dict[str, list[str]] = {}
        for part, marks in in_chunks(queries):
            sql = (f"SELECT query, product_ids FROM retrievals WHERE catalog = ? AND k = ? AND any_word = ? "
                   f"AND query IN ({marks})")
            out.update((q, ids.split("\t") if ids else []) for q, ids in self._rows(sql, catalog, k, int(any_word), *part))
        return out

    def add_retrievals(self, catalog: str, k: int, any_word: bool, items: Sequence[tuple[str, list[str]]]) -> None:
        rows = [(catalog, k, int(any_word), q, "\t".join(ids)) for q, ids in items]
        with self.engine.begin() as conn:
            insert_rows(conn, "retrievals", ("catalog", "k", "any_word", "query", "product_ids"), rows, on_conflict="ignore")

    def catalog_artifact(self, catalog: str, name: str) -> str | None:
        """A stored artifact of a catalog version, as the JSON text it was kept as."""
        return self._scalar("SELECT data_json FROM catalog_artifacts WHERE catalog = ? AND name = ?", catalog, name)

    def keep_catalog_artifact(self, catalog: str, name: str, data_json: str) -> None:
        with self.engine.begin() as conn:
            insert_rows(conn, "catalog_artifacts", ("catalog", "name", "data_json"), [(catalog, name, data_json)], on_conflict="replace")
