"""Iris classification: prepare data -> train a random forest -> evaluate.

(No `from __future__ import annotations` here: kfp reads the real annotation types.)

Parameters a person would tune (`n_estimators`, `max_depth`) are pipeline inputs with defaults;
the evaluation logs accuracy and macro F1 as a Metrics artifact, and the model is a Model
artifact (a pickled scikit-learn estimator).
"""

from kfp import dsl
from kfp.dsl import Dataset, Input, Metrics, Model, Output

BASE_IMAGE = "python:3.11-slim"  # used on a real cluster; kfp.local runs in the current environment


@dsl.component(base_image=BASE_IMAGE, packages_to_install=["scikit-learn"])
def prepare_data(test_size: float, seed: int, train_data: Output[Dataset], test_data: Output[Dataset]) -> int:
    """Split the iris data set (shipped with scikit-learn, no download) into train and test CSVs.

    The last column of each CSV is the class label.
    """
    import numpy as np
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split

    iris = load_iris()
    rows = np.column_stack([iris.data, iris.target])
    train, test = train_test_split(rows, test_size=test_size, random_state=seed, stratify=iris.target)
    header = ",".join([*iris.feature_names, "target"])
    np.savetxt(train_data.path, train, delimiter=",", header=header, comments="", fmt="%g")
    np.savetxt(test_data.path, test, delimiter=",", header=header, comments="", fmt="%g")
    print(f"prepared {len(train)} training rows and {len(test)} test rows")
    return len(train)


@dsl.component(base_image=BASE_IMAGE, packages_to_install=["scikit-learn"])
def train(train_data: Input[Dataset], n_estimators: int, max_depth: int, seed: int, model: Output[Model]) -> None:
    """Fit a random forest; max_depth 0 means unlimited depth."""
    import pickle

    import numpy as np
    from sklearn.ensemble import RandomForestClassifier

    rows = np.loadtxt(train_data.path, delimiter=",", skiprows=1)
    clf = RandomForestClassifier(n_estimators=n_estimators, max_depth=max_depth or None, random_state=seed)
    clf.fit(rows[:, :-1], rows[:, -1])
    with open(model.path, "wb") as fh:
        pickle.dump(clf, fh)
    model.metadata["framework"] = "scikit-learn"
    model.metadata["n_estimators"] = n_estimators
    print(f"trained a random forest with {n_estimators} trees (max_depth={max_depth or 'unlimited'})")


@dsl.component(base_image=BASE_IMAGE, packages_to_install=["scikit-learn"])
def evaluate(test_data: Input[Dataset], model: Input[Model], metrics: Output[Metrics]) -> float:
    """Score the model on held-out data and log the metrics."""
    import pickle

    import numpy as np
    from sklearn.metrics import accuracy_score, f1_score

    rows = np.loadtxt(test_data.path, delimiter=",", skiprows=1)
    with open(model.path, "rb") as fh:
        clf = pickle.load(fh)
    predicted = clf.predict(rows[:, :-1])
    accuracy = float(accuracy_score(rows[:, -1], predicted))
    metrics.log_metric("accuracy", round(accuracy, 4))
    metrics.log_metric("f1_macro", round(float(f1_score(rows[:, -1], predicted, average="macro")), 4))
    metrics.log_metric("test_rows", len(rows))
    print(f"accuracy {accuracy:.4f} on {len(rows)} test rows")
    return accuracy


@dsl.pipeline(name="iris", description="Train and evaluate a random forest on the iris data set.")
def iris_pipeline(n_estimators: int = 100, max_depth: int = 5, test_size: float = 0.3, seed: int = 42) -> float:
    data = prepare_data(test_size=test_size, seed=seed)
    model = train(train_data=data.outputs["train_data"], n_estimators=n_estimators, max_depth=max_depth, seed=seed)
    scored = evaluate(test_data=data.outputs["test_data"], model=model.outputs["model"])
    return scored.outputs["Output"]
