"""How good the forecasts and flags are on known outcomes: the backtest and its scores."""
