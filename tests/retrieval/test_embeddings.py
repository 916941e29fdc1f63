"""The local MiniLM embedder: real ONNX, pinned files, sensible similarities."""

from __future__ import annotations

import numpy as np
import pytest

from copilot.errors import ConfigError
from copilot.retrieval.embeddings import MiniLMEmbeddings, build_embeddings, model_id
from copilot.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbeddings:
    return MiniLMEmbeddings()


def test_vectors_are_unit_length_and_384d(minilm: MiniLMEmbeddings) -> None:
    vectors = np.array(minilm.embed_documents(["Pricing came up early.", "x" * 5000]))
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_similar_texts_are_closer(minilm: MiniLMEmbeddings) -> None:
    q = np.array(minilm.embed_query("the customer pushed back on price"))
    near, far = np.array(
        minilm.embed_documents(
            ["The customer said the price is too high.", "We booked a demo for Tuesday."]
        )
    )
    assert q @ near > q @ far + 0.2


def test_order_is_kept_across_length_sorted_batches(minilm: MiniLMEmbeddings) -> None:
    texts = [f"note {i} " + "word " * (i % 7 * 10) for i in range(40)]
    together = minilm.embed_documents(texts)
    alone = [minilm.embed_query(t) for t in (texts[0], texts[39])]
    assert np.allclose(together[0], alone[0], atol=1e-4)
    assert np.allclose(together[39], alone[1], atol=1e-4)


def test_openai_needs_a_key(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        build_embeddings(
            settings.model_copy(update={"embeddings": "openai", "openai_api_key": None})
        )


def test_model_id_is_stable(minilm: MiniLMEmbeddings) -> None:
    assert model_id(minilm) == "all-MiniLM-L6-v2-int8"
