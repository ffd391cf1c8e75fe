"""Forecast accuracy measures, on paired sequences of actual and forecast values."""


def mae(actual, forecast):
    """Mean absolute error (None when there is nothing to compare)."""
    pairs = list(zip(actual, forecast))
    return sum(abs(a - f) for a, f in pairs) / len(pairs) if pairs else None


def mape(actual, forecast):
    """Mean absolute percentage error over the days with non-zero actuals, as a fraction.

    Undefined (None) when every actual is zero: a percentage of nothing is
    not an error measure, which is why WAPE is preferred for intermittent
    demand.
    """
    pairs = [(a, f) for a, f in zip(actual, forecast) if a]
    return sum(abs(a - f) / abs(a) for a, f in pairs) / len(pairs) if pairs else None


def wape(actual, forecast):
    """Weighted absolute percentage error: Σ|a − f| ÷ Σ|a|, as a fraction (None without demand)."""
    pairs = list(zip(actual, forecast))
    total = sum(abs(a) for a, __ in pairs)
    return sum(abs(a - f) for a, f in pairs) / total if total else None


def bias(actual, forecast):
    """Mean of forecast − actual: positive when the forecast runs high (None when empty)."""
    pairs = list(zip(actual, forecast))
    return sum(f - a for a, f in pairs) / len(pairs) if pairs else None
