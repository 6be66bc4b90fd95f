"""The Qt layer: windows, dialogs and the models behind them. Only this package imports Qt."""
