"""Example pipelines bundled with swarmops: uploaded to the embedded KFP API on first start.

They run offline with kfp.local and double as documentation of how to write pipelines for
swarmops: lightweight Python components, typed parameters with defaults, Metrics and Model
artifacts, and (for data validation) reading from the object store with credentials taken from
the environment, as a Kubernetes secret would provide them on a cluster.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from swarmops.pipelines.data_validation import data_validation_pipeline
from swarmops.pipelines.iris import iris_pipeline

#: name -> (pipeline function, description)
EXAMPLES: dict[str, tuple[Callable[..., Any], str]] = {
    "iris": (iris_pipeline, "Train and evaluate a random forest on the iris data set (scikit-learn)."),
    "data-validation": (
        data_validation_pipeline,
        "Check a CSV in the object store: row count, required columns, empty values.",
    ),
}


def compile_example(name: str, out_dir: Path) -> Path:
    """Compile one example to IR YAML (what upload_pipeline sends)."""
    from kfp import compiler

    func, _ = EXAMPLES[name]
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.yaml"
    compiler.Compiler().compile(func, str(path), pipeline_name=name)
    return path
