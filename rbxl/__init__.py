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

from rbxl._version import __version__

# public name -> module that defines it
_API = {
    "read_master": "rbxl.master.load",
    "load_master": "rbxl.master.load",
    "Roadmap": "rbxl.master.model",
    "plan": "rbxl.form.spec",
    "FormSpec": "rbxl.form.spec",
    "generate": "rbxl.template.generate",
    "plan_templates": "rbxl.template.generate",
    "write_templates": "rbxl.template.generate",
    "validate": "rbxl.checks.validate",
    "Report": "rbxl.checks.validate",
    "Submission": "rbxl.checks.submission",
    "consolidate": "rbxl.consolidation.build",
    "Tables": "rbxl.consolidation.build",
    "write_monitoring": "rbxl.render.monitoring",
    "write_csv_tables": "rbxl.render.monitoring",
    "run_validation": "rbxl.pipeline",
    "run_consolidation": "rbxl.pipeline",
    "Outputs": "rbxl.pipeline",
    "Finding": "rbxl.core.findings",
    "RbxlError": "rbxl.core.errors",
    "MasterError": "rbxl.core.errors",
    "UsageError": "rbxl.core.errors",
    "OutputError": "rbxl.core.errors",
    "Period": "rbxl.core.enums",
    "Verdict": "rbxl.core.enums",
    "Severity": "rbxl.core.enums",
    "StatusRole": "rbxl.core.enums",
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
    from rbxl.checks.report import Report
    from rbxl.checks.submission import Submission
    from rbxl.checks.validate import validate
    from rbxl.consolidation.build import consolidate
    from rbxl.consolidation.tables import Tables
    from rbxl.core.enums import Period, Severity, StatusRole, Verdict
    from rbxl.core.errors import MasterError, OutputError, RbxlError, UsageError
    from rbxl.core.findings import Finding
    from rbxl.form.spec import FormSpec, plan
    from rbxl.master.load import load_master, read_master
    from rbxl.master.model import Roadmap
    from rbxl.pipeline import Outputs, run_consolidation, run_validation
    from rbxl.render.monitoring import write_csv_tables, write_monitoring
    from rbxl.template.generate import generate, plan_templates, write_templates
