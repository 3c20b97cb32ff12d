"""All suites, by layer. Adding a suite means adding a module here and one line below."""

from __future__ import annotations

from quality.catalog import Catalog
from quality.checks import Asset, Check, Layer
from quality.params import QualityParams
from quality.suites import canonical, marts, raw
from yecai.errors import YecaiError
from yecai.settings import Paths

LAYERS = tuple(layer.value for layer in Layer)


def parse_layer(layer: str) -> Layer:
    try:
        return Layer(layer)
    except ValueError:
        raise YecaiError(
            f"unknown quality layer {layer!r}", f"use one of: {', '.join(LAYERS)}"
        ) from None


def plan(
    paths: Paths, layer: Layer, catalog: Catalog, params: QualityParams
) -> tuple[list[Asset], list[Check]]:
    """The assets and checks of one layer."""
    if layer is Layer.RAW:
        return raw.assets_and_checks(paths)
    if layer is Layer.CANONICAL:
        return canonical.assets(catalog), canonical.checks(catalog)
    return marts.assets(), marts.checks(params, catalog)
