"""LaborWatch — 劳动关系风险监测与职工维权平台."""

__version__ = "0.1.0"
