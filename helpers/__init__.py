"""Reusable code of the book *Transformers are kernel smoothers*.

Modules follow the story of the book:

``data``       the data sets the chapters use
``kernels``    kernel profiles, distances, Gram matrices, feature maps
``smoothers``  k-nearest-neighbour and Nadaraya-Watson regression, bandwidth selection
``plotting``   figures with one look
"""

from helpers import data, kernels, plotting, smoothers

__all__ = ["data", "kernels", "plotting", "smoothers"]
__version__ = "0.1.0"
