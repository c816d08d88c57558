"""rbxl: the monitoring cycle of a Road Map Reformasi Birokrasi, run through Excel workbooks."""

__version__ = "0.1.0"
