"""Iris classification: prepare data -> train a random forest -> evaluate.

(No `from __future__ import annotations` here: kfp reads the real annotation types.)

Parameters a person would tune (`n_estimators`, `max_depth`) are pipeline inputs with defaults;
the evaluation logs what a real training pipeline logs: accuracy and macro F1 as a Metrics artifact,
a confusion matrix and ROC curve as a ClassificationMetrics artifact, and the forest's feature
importances as a second Metrics artifact; the model is a Model artifact (a pickled scikit-learn
estimator).
"""

from kfp import dsl
from kfp.dsl import ClassificationMetrics, Dataset, Input, Metrics, Model, Output

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
def evaluate(
    test_data: Input[Dataset],
    model: Input[Model],
    metrics: Output[Metrics],
    classification_metrics: Output[ClassificationMetrics],
    feature_importance: Output[Metrics],
) -> float:
    """Score the model on held-out data and log what a person looks at to judge it.

    `metrics`: accuracy, macro F1 and the number of test rows. `classification_metrics`: the confusion
    matrix (rows: true class, columns: predicted class) and an ROC curve. `feature_importance`: the
    forest's impurity-based importance of each input feature (they sum to 1).
    """
    import pickle

    import numpy as np
    from sklearn.datasets import load_iris
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, roc_curve
    from sklearn.preprocessing import label_binarize

    with open(test_data.path) as fh:
        features = fh.readline().strip().split(",")[:-1]  # the CSV header prepare_data wrote
    rows = np.loadtxt(test_data.path, delimiter=",", skiprows=1)
    with open(model.path, "rb") as fh:
        clf = pickle.load(fh)
    truth = rows[:, -1]
    predicted = clf.predict(rows[:, :-1])
    accuracy = float(accuracy_score(truth, predicted))
    metrics.log_metric("accuracy", round(accuracy, 4))
    metrics.log_metric("f1_macro", round(float(f1_score(truth, predicted, average="macro")), 4))
    metrics.log_metric("test_rows", len(rows))

    names = [str(load_iris().target_names[int(c)]) for c in clf.classes_]  # setosa, versicolor, virginica
    matrix = confusion_matrix(truth, predicted, labels=clf.classes_)
    classification_metrics.log_confusion_matrix(names, [[int(v) for v in row] for row in matrix])
    # Iris has three classes and an ROC curve is binary: this is the one-vs-rest, micro-averaged curve
    # (every (row, class) pair scored as "is it this class?" by predict_proba, pooled into one curve).
    scores = clf.predict_proba(rows[:, :-1])
    fpr, tpr, thresholds = roc_curve(label_binarize(truth, classes=clf.classes_).ravel(), scores.ravel())
    thresholds = np.minimum(thresholds, 1.0)  # the first threshold is +inf, which JSON cannot carry
    classification_metrics.log_roc_curve(
        [round(float(v), 4) for v in fpr], [round(float(v), 4) for v in tpr], [round(float(v), 4) for v in thresholds]
    )

    for name, value in zip(features, clf.feature_importances_, strict=True):
        feature_importance.log_metric(name, round(float(value), 4))
    # The values also go into each artifact's own file: on a cluster Kubeflow keeps logged metadata in
    # its metadata store (MLMD), which the KFP REST API does not serve; the file lands in the object
    # store, where swarmops' chart tools read it (the embedded API publishes the same JSON).
    import json

    for artifact in (metrics, classification_metrics, feature_importance):
        with open(artifact.path, "w") as fh:
            json.dump(artifact.metadata, fh)
    print(f"accuracy {accuracy:.4f} on {len(rows)} test rows")
    return accuracy


@dsl.pipeline(name="iris", description="Train and evaluate a random forest on the iris data set.")
def iris_pipeline(n_estimators: int = 100, max_depth: int = 5, test_size: float = 0.3, seed: int = 42) -> float:
    data = prepare_data(test_size=test_size, seed=seed)
    model = train(train_data=data.outputs["train_data"], n_estimators=n_estimators, max_depth=max_depth, seed=seed)
    scored = evaluate(test_data=data.outputs["test_data"], model=model.outputs["model"])
    return scored.outputs["Output"]
