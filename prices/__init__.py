"""tokencost's pricing module: the catalog, exact estimates, projections and token counts.

Pure Python: no Slack, no database. See docs/prices-api.md for the contract.
"""

from .catalog import Catalog, default_catalog, load_catalog, normalize_name
from .errors import BadUsage, CatalogError, PricesError, UnknownModel
from .estimate import MAX_TOKENS, PERIOD_SECONDS, estimate, project
from .fast import common_total
from .history import PriceChange
from .live import LiveCatalog, RefreshSettings, RefreshStatus, settings_from_env
from .models import (
    RATE_FIELDS,
    RETIRING_SOON_DAYS,
    Estimate,
    Model,
    PricePeriod,
    PriceSet,
    Projection,
    Tier,
    TimeWindow,
    TokenCount,
)
from .money import format_percent, format_usd, usd_string
from .providers import Provider, ProviderRegistry, registry
from .tokens import (
    count_message_tokens,
    count_tokens,
    defer_encodings,
    encoding_status,
    load_encodings,
)

__all__ = [
    "MAX_TOKENS",
    "PERIOD_SECONDS",
    "RATE_FIELDS",
    "RETIRING_SOON_DAYS",
    "BadUsage",
    "Catalog",
    "CatalogError",
    "Estimate",
    "LiveCatalog",
    "Model",
    "PriceChange",
    "PricePeriod",
    "PriceSet",
    "PricesError",
    "Projection",
    "Provider",
    "ProviderRegistry",
    "RefreshSettings",
    "RefreshStatus",
    "Tier",
    "TimeWindow",
    "TokenCount",
    "UnknownModel",
    "common_total",
    "count_message_tokens",
    "count_tokens",
    "default_catalog",
    "defer_encodings",
    "encoding_status",
    "estimate",
    "format_percent",
    "format_usd",
    "load_catalog",
    "load_encodings",
    "normalize_name",
    "project",
    "registry",
    "settings_from_env",
    "usd_string",
]
