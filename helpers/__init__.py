"""Reusable code of the book *Transformers are kernel smoothers*.

Modules follow the story of the book:

``data``       the data sets the chapters use
``kernels``    kernel profiles, distances, Gram matrices, feature maps
``smoothers``  k-nearest-neighbour and Nadaraya-Watson regression, bandwidth selection
``attention``  softmax, scaled dot-product attention, the kernel view of attention
``masks``      the set filters M(x_q, S): which keys a query may see
``positions``  the kernel on time: sinusoidal vectors, ALiBi slopes and biases, RoPE
``learning``   learning the kernel: a bandwidth or a metric (MLKR) by gradient descent
``linear_attention``  feature maps (elu + 1, Performer) that make attention linear in n
``streaming``  online softmax: attention and Nadaraya-Watson in one pass over key blocks
``minilm``     a trained transformer (all-MiniLM-L6-v2) run on the book's attention code
``plotting``   figures with one look: the true curve, a fit with its weights, heatmaps
``explore``    explorables: live sliders in a notebook, pre-rendered ones on the website
               (imported on its own, ``from helpers.explore import explore``, since it
               loads ipywidgets)
"""

from helpers import (
    attention,
    data,
    kernels,
    learning,
    linear_attention,
    masks,
    minilm,
    plotting,
    positions,
    smoothers,
    streaming,
)

__all__ = [
    "attention",
    "data",
    "kernels",
    "learning",
    "linear_attention",
    "masks",
    "minilm",
    "plotting",
    "positions",
    "smoothers",
    "streaming",
]
__version__ = "0.1.0"
