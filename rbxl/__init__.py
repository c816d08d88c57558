"""rbxl: the monitoring cycle of a Road Map Reformasi Birokrasi, run through Excel workbooks.

The public API (see the README's "Python API")::

    from rbxl import read_master, plan, generate, validate, consolidate, write_monitoring

Names are imported on first use (module __getattr__), so `import rbxl` and `rbxl --help`
stay fast; no submodule shares a name with a function here, so `rbxl.validate` is always
the function.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> module that defines it
_API = {
    "read_master": "rbxl.master.load",
    "load_master": "rbxl.master.load",
    "Roadmap": "rbxl.master.model",
    "plan": "rbxl.form",
    "FormSpec": "rbxl.form",
    "generate": "rbxl.generation",
    "plan_templates": "rbxl.generation",
    "write_templates": "rbxl.generation",
    "validate": "rbxl.validation",
    "Report": "rbxl.validation",
    "Submission": "rbxl.checks",
    "consolidate": "rbxl.consolidation",
    "Tables": "rbxl.consolidation",
    "write_monitoring": "rbxl.monitoring",
    "write_csv_tables": "rbxl.monitoring",
    "run_validation": "rbxl.pipeline",
    "run_consolidation": "rbxl.pipeline",
    "Outputs": "rbxl.pipeline",
    "Finding": "rbxl.findings",
    "RbxlError": "rbxl.errors",
    "MasterError": "rbxl.errors",
    "UsageError": "rbxl.errors",
    "OutputError": "rbxl.errors",
    "Period": "rbxl.enums",
    "Verdict": "rbxl.enums",
    "Severity": "rbxl.enums",
    "StatusRole": "rbxl.enums",
}

__all__ = [
    "FormSpec", "Finding", "MasterError", "OutputError", "Outputs", "Period", "RbxlError", "Report", "Roadmap",
    "Severity", "StatusRole", "Submission", "Tables", "UsageError", "Verdict", "__version__", "consolidate",
    "generate", "load_master", "plan", "plan_templates", "read_master", "run_consolidation", "run_validation",
    "validate", "write_csv_tables", "write_monitoring", "write_templates",
]


def __getattr__(name: str) -> object:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'rbxl' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # for type checkers and editors; never run
    from .checks import Submission
    from .consolidation import Tables, consolidate
    from .enums import Period, Severity, StatusRole, Verdict
    from .errors import MasterError, OutputError, RbxlError, UsageError
    from .findings import Finding
    from .form import FormSpec, plan
    from .generation import generate, plan_templates, write_templates
    from .master.load import load_master, read_master
    from .master.model import Roadmap
    from .monitoring import write_csv_tables, write_monitoring
    from .pipeline import Outputs, run_consolidation, run_validation
    from .validation import Report, validate
