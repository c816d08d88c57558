"""Writing templates: render a FormSpec with xlsxwriter, generate one per unit, prefill."""
