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


def naive_mae(history):
    """Mean absolute day-to-day change of ``history`` (unknown days skipped): the naive forecast's error."""
    values = [value for value in history if value is not None]
    changes = [abs(b - a) for a, b in zip(values, values[1:])]
    return sum(changes) / len(changes) if changes else None


def mase(actual, forecast, history):
    """Mean absolute scaled error: MAE ÷ the naive forecast's in-sample MAE on ``history``.

    Below 1, the forecast beat "tomorrow as today"; scale-free, so lines
    and agreements compare. None when either is undefined or the history
    never changes.
    """
    error, scale = mae(actual, forecast), naive_mae(history)
    return error / scale if error is not None and scale else None


def relative_bias(actual, forecast):
    """(Σ forecast − Σ actual) ÷ Σ actual, as a fraction: positive when the forecast runs high (None without demand)."""
    pairs = list(zip(actual, forecast))
    total = sum(a for a, __ in pairs)
    return (sum(f for __, f in pairs) - total) / total if total else None
