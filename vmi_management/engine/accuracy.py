"""Forecast accuracy measures, on paired sequences of actual and forecast values."""


def mae(actual, forecast):
    """Mean absolute error (None when there is nothing to compare)."""
    pairs = list(zip(actual, forecast, strict=False))
    return sum(abs(a - f) for a, f in pairs) / len(pairs) if pairs else None


def mape(actual, forecast):
    """Mean absolute percentage error over the days with non-zero actuals, as a
    fraction.

    Undefined (None) when every actual is zero: a percentage of nothing is
    not an error measure, which is why WAPE is preferred for intermittent
    demand.
    """
    pairs = [(a, f) for a, f in zip(actual, forecast, strict=False) if a]
    return sum(abs(a - f) / abs(a) for a, f in pairs) / len(pairs) if pairs else None


def wape(actual, forecast):
    """Weighted absolute percentage error: Σ|a − f| ÷ Σ|a|, as a fraction (None without
    demand)."""
    pairs = list(zip(actual, forecast, strict=False))
    total = sum(abs(a) for a, __ in pairs)
    return sum(abs(a - f) for a, f in pairs) / total if total else None


def bias(actual, forecast):
    """Mean of forecast − actual: positive when the forecast runs high (None when
    empty)."""
    pairs = list(zip(actual, forecast, strict=False))
    return sum(f - a for a, f in pairs) / len(pairs) if pairs else None


def naive_mae(history):
    """Mean absolute day-to-day change of ``history`` (unknown days skipped): the naive
    forecast's error."""
    values = [value for value in history if value is not None]
    changes = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    return sum(changes) / len(changes) if changes else None


def mase(actual, forecast, history):
    """Mean absolute scaled error: MAE ÷ the naive forecast's in-sample MAE on
    ``history``.

    Below 1, the forecast beat "tomorrow as today"; scale-free, so lines
    and agreements compare. None when either is undefined or the history
    never changes.
    """
    error, scale = mae(actual, forecast), naive_mae(history)
    return error / scale if error is not None and scale else None


def relative_bias(actual, forecast):
    """(Σ forecast − Σ actual) ÷ Σ actual, as a fraction: positive when the forecast
    runs high (None without demand)."""
    pairs = list(zip(actual, forecast, strict=False))
    total = sum(a for a, __ in pairs)
    return (sum(f for __, f in pairs) - total) / total if total else None


def forecast_scores(actual, used, baseline=(), customer=(), history=()):
    """How the forecasts used did over some days, and how the statistical and the
    customer's did on the same days.

    :param actual: each day's demand
    :param used: the forecast each day was planned with
    :param baseline: the statistical forecast of each day (None where unknown)
    :param customer: the customer's forecast of each day (None where it sent none)
    :param history: the demand history MASE is scaled by
    :returns: dict with ``days``, ``wape``, ``bias`` (relative), ``mase`` of the
              forecast used; and, on the days the customer spoke for, ``customer_days``,
              the demand (``shared_demand``) and the absolute errors of the customer's
              and of the statistical forecast (``customer_error``, ``baseline_error``),
              with their WAPEs: the statistical WAPE less the customer's is the value
              the customer's forecast adds
    """
    shared = [
        (a, c, b)
        for a, c, b in zip(actual, customer, baseline, strict=False)
        if c is not None and b is not None
    ]
    demand = sum(a for a, __, __ in shared)
    customer_error = sum(abs(a - c) for a, c, __ in shared)
    baseline_error = sum(abs(a - b) for a, __, b in shared)
    return {
        "days": len(actual),
        "wape": wape(actual, used),
        "bias": relative_bias(actual, used),
        "mase": mase(actual, used, history),
        "customer_days": len(shared),
        "shared_demand": demand,
        "customer_error": customer_error,
        "baseline_error": baseline_error,
        "customer_wape": customer_error / demand if demand else None,
        "baseline_wape": baseline_error / demand if demand else None,
    }


def value_added(scores):
    """Forecast value added of the customer's forecasts over several lines' scores, in
    share of demand.

    (Σ statistical error − Σ customer error) ÷ Σ demand, on the days the
    customer sent a forecast for; None when it sent none (or no demand).
    """
    demand = sum(score["shared_demand"] for score in scores if score)
    if not demand:
        return None
    return (
        sum(
            score["baseline_error"] - score["customer_error"]
            for score in scores
            if score
        )
        / demand
    )
