"""The Kubernetes manifests under deploy/k8s, checked offline: no cluster runs here, so every mistake that
`kubectl apply -k` or the kubelet would only reveal on a real cluster (a schema error, a patch that misses,
a probe on a port that does not exist, a Secret key nobody defines, a pod that may run as root) has to be
caught from the files.

Schemas come from `kubernetes-validate` (bundled, strict: unknown fields fail); rendering is the real
kustomize inside `kubectl kustomize` (see k8s.py).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.deploy.k8s import (
    BASE,
    DEPLOY,
    K8S,
    OVERLAY,
    ROOT,
    SECRET_EXAMPLE,
    SECRET_NAME,
    containers,
    env_value,
    find,
    load_all,
    of_kind,
    pod_specs,
    render,
    walk,
)

# The oldest Kubernetes a current Kubeflow release runs on, and the newest the validator knows.
KUBE_VERSIONS = ("1.31.0", "1.37.0")
KFP_TOKEN_FILE = "/var/run/secrets/kubeflow/pipelines/token"
KFP_AUDIENCE = "pipelines.kubeflow.org"
NAMESPACE = "kubeflow-user-example-com"
RENDERED = {"base": BASE, "overlay": OVERLAY}

KUSTOMIZATIONS = sorted(K8S.rglob("kustomization.yaml"))


def _resource_files() -> list:
    """Every YAML file under deploy/k8s that holds whole objects: kustomizations and patches excluded (a patch
    is a fragment; it is validated as part of the rendered overlay)."""
    patches = {
        (k.parent / p["path"]).resolve()
        for k in KUSTOMIZATIONS
        for p in yaml.safe_load(k.read_text()).get("patches", [])
    }
    return sorted(p for p in K8S.rglob("*.yaml") if p.name != "kustomization.yaml" and p.resolve() not in patches)


def _validate(obj: dict[str, Any], where: str) -> None:
    for version in KUBE_VERSIONS:
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            what = f"{obj['kind']}/{obj['metadata']['name']}"
            pytest.fail(f"{where}: {what} invalid for Kubernetes {version}: {path}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:  # a typo in apiVersion or kind
            pytest.fail(f"{where}: {exc.message}")


# --- schemas ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", _resource_files(), ids=lambda p: str(p.relative_to(K8S)))
def test_each_manifest_file_validates_against_the_kubernetes_schema(path) -> None:
    """A misspelt field (`resource:` for `resources:`) or a wrong type is rejected by the API server only at
    apply time; strict schema validation finds it here."""
    docs = load_all(path)
    assert docs, f"{path} holds no object"
    for doc in docs:
        _validate(doc, str(path.relative_to(ROOT)))


@pytest.mark.parametrize("which", sorted(RENDERED))
def test_rendered_output_validates_against_the_kubernetes_schema(which: str) -> None:
    """What kustomize produces (patches merged, images and namespace set) is what the cluster sees."""
    objects = render(RENDERED[which])
    assert {o["kind"] for o in objects} >= {"ConfigMap", "ServiceAccount", "Deployment", "Service"}
    for obj in objects:
        _validate(obj, f"kubectl kustomize {which}")


def test_the_validator_rejects_a_broken_deployment() -> None:
    """The schema checks above are only worth something if a real mistake fails them."""
    deployment = find(render(BASE), "Deployment", "swarmops-slack")
    deployment["spec"]["template"]["spec"]["containers"][0]["resource"] = deployment["spec"]["template"]["spec"][
        "containers"
    ][0].pop("resources")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBE_VERSIONS[-1], strict=True)


# --- kustomizations -----------------------------------------------------------------------------------


def _defined(kustomization_dir) -> set[tuple[str, str]]:
    """(kind, name) of every object a kustomization's resources define, following nested kustomizations."""
    spec = yaml.safe_load((kustomization_dir / "kustomization.yaml").read_text())
    out: set[tuple[str, str]] = set()
    for entry in spec.get("resources", []):
        target = kustomization_dir / entry
        if target.is_dir():
            out |= _defined(target)
        else:
            out |= {(o["kind"], o["metadata"]["name"]) for o in load_all(target)}
    return out


@pytest.mark.parametrize("kustomization", KUSTOMIZATIONS, ids=lambda p: str(p.parent.relative_to(K8S)))
def test_kustomization_references_exist_and_patches_hit_the_base(kustomization) -> None:
    """A resource path that moved, or a patch whose kind or name no longer matches anything (kustomize then
    fails, or with a `target` silently patches nothing), breaks the apply of the whole overlay."""
    spec = yaml.safe_load(kustomization.read_text())
    here = kustomization.parent
    for entry in spec.get("resources", []):
        target = here / entry
        assert target.is_file() or (target / "kustomization.yaml").is_file(), f"{kustomization}: {entry} not found"
    defined = _defined(here)
    for patch in spec.get("patches", []):
        assert "path" in patch, f"{kustomization}: keep patches in files, so they are reviewed as YAML"
        path = here / patch["path"]
        assert path.is_file(), f"{kustomization}: patch {patch['path']} not found"
        for doc in load_all(path):
            target = patch.get("target") or {"kind": doc["kind"], "name": doc["metadata"]["name"]}
            assert (target["kind"], target["name"]) in defined, (
                f"{patch['path']} patches {target['kind']}/{target['name']}, which the base does not define"
            )


# --- the Kubeflow overlay -----------------------------------------------------------------------------


def test_overlay_puts_everything_in_the_profile_namespace() -> None:
    """The RoleBinding only authorises the ServiceAccount if both are in the namespace whose KFP resources
    it edits, and KFP requests name that namespace too; one of the three drifting makes every KFP call 403."""
    objects = render(OVERLAY)
    assert {o["metadata"].get("namespace") for o in objects} == {NAMESPACE}
    binding = find(objects, "RoleBinding", "swarmops-kubeflow-edit")
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "ClusterRole",
        "name": "kubeflow-edit",
    }
    (subject,) = binding["subjects"]
    assert subject["kind"] == "ServiceAccount"
    assert subject.get("namespace") == NAMESPACE
    find(objects, "ServiceAccount", subject["name"])  # the account the binding names exists
    for _, spec in pod_specs(objects):
        assert spec["serviceAccountName"] == subject["name"]
    assert find(objects, "ConfigMap", "swarmops-config")["data"]["SWARMOPS_KFP_NAMESPACE"] == NAMESPACE


def test_overlay_config_is_the_base_merged_with_the_in_cluster_endpoints() -> None:
    """The patch adds endpoints without dropping the base's settings (a replacing patch would lose the data
    dir, which must stay below the /data mount)."""
    base = find(render(BASE), "ConfigMap", "swarmops-config")["data"]
    merged = find(render(OVERLAY), "ConfigMap", "swarmops-config")["data"]
    assert merged["SWARMOPS_KFP_HOST"] == "http://ml-pipeline.kubeflow.svc.cluster.local:8888"
    assert merged["SWARMOPS_S3_ENDPOINT"] == "minio-service.kubeflow.svc.cluster.local:9000"
    for key, value in base.items():
        assert key in merged, f"the overlay lost {key}"
        if not key.startswith("SWARMOPS_SLACK_"):  # the allowlists are the overlay's to set
            assert merged[key] == value, f"the overlay changed {key}"
    assert "SWARMOPS_KFP_HOST" not in base, "the base must not point at a particular cluster"


def test_overlay_pins_the_image() -> None:
    """`images:` must catch every container (a second image name would be left at the bare placeholder, which
    no registry serves) and give a tag other than latest."""
    spec = yaml.safe_load((OVERLAY / "kustomization.yaml").read_text())
    (image,) = spec["images"]
    expected = f"{image['newName']}:{image['newTag']}"
    assert image["newTag"] not in ("", "latest")
    for _, _, container in containers(render(OVERLAY)):
        assert container["image"] == expected


# --- the team setup: replicas on one PostgreSQL -------------------------------------------------------

DATABASE_URL = "SWARMOPS_DATABASE_URL"
#: Replicas of each Deployment in the overlay: at least this many. Both keep their state in the database (the MCP
#: server's confirm tokens too, over stateless HTTP), so any pod may take any request.
TEAM_REPLICAS = {"swarmops-slack": 2, "swarmops-mcp": 2}


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels and matchExpressions) picks pods with these labels. An empty
    selector picks every pod, as a PodDisruptionBudget's does."""
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def _pod_labels(deployment: dict[str, Any]) -> dict[str, str]:
    return deployment["spec"]["template"]["metadata"]["labels"]


def test_base_is_one_pod_each_with_its_state_in_the_pod() -> None:
    """Without a database each pod keeps threads, approvals and the audit log in its own data dir: a second pod,
    even for the moments of a rolling update, would answer Slack from state of its own. The base reads no
    database URL, so it runs without one; the overlay is the team setup."""
    deployments = of_kind(render(BASE), "Deployment")
    assert {d["metadata"]["name"] for d in deployments} == set(TEAM_REPLICAS)
    for deployment in deployments:
        name = deployment["metadata"]["name"]
        assert deployment["spec"]["replicas"] == 1, f"{name}: more than one pod without a shared database"
        assert deployment["spec"]["strategy"] == {"type": "Recreate"}, f"{name}: two pods at once during updates"
        for _, _, container in containers([deployment]):
            assert DATABASE_URL not in {e["name"] for e in container.get("env", [])}, (
                f"{name}: the base needs no database"
            )


def test_overlay_takes_the_database_url_from_the_secret_in_every_pod() -> None:
    """Every process must be on the one database (a pod without it keeps threads and audit log to itself, and
    says nothing), and the URL holds a password: a secretKeyRef to swarmops-secrets, required (an optional one
    would start the pod on SQLite when the key is missing), never a literal `value` or a ConfigMap entry."""
    objects = render(OVERLAY)
    assert DATABASE_URL not in find(objects, "ConfigMap", "swarmops-config")["data"], (
        "the database URL is in a ConfigMap"
    )
    assert {d["metadata"]["name"] for d in of_kind(objects, "Deployment")} == set(TEAM_REPLICAS)
    for workload, _, container in containers(objects):
        where = f"{workload['metadata']['name']}/{container['name']}"
        entries = [e for e in container.get("env", []) if e["name"] == DATABASE_URL]
        assert len(entries) == 1, f"{where}: {DATABASE_URL} set {len(entries)} times"
        (entry,) = entries
        assert "value" not in entry, f"{where}: {DATABASE_URL} is a literal value in the manifest"
        ref = entry.get("valueFrom", {}).get("secretKeyRef")
        assert ref is not None, f"{where}: {DATABASE_URL} does not come from a Secret"
        assert (ref["name"], ref["key"]) == (SECRET_NAME, DATABASE_URL), f"{where}: reads {ref['name']}/{ref['key']}"
        assert ref.get("optional") is not True, f"{where}: an optional database URL lets the pod start on SQLite"


def test_overlay_runs_each_service_twice_and_updates_without_a_gap() -> None:
    """Two pods of the Slack bot and of the MCP server, so that one answers while the other restarts or its node
    is drained; updates roll without ever taking a ready pod away before its successor is ready (maxUnavailable 0,
    and maxSurge above 0, without which the rollout cannot start)."""
    for deployment in of_kind(render(OVERLAY), "Deployment"):
        name, spec = deployment["metadata"]["name"], deployment["spec"]
        assert spec["replicas"] >= TEAM_REPLICAS[name], f"{name}: {spec['replicas']} replica(s)"
        assert spec["strategy"]["type"] == "RollingUpdate", f"{name}: {spec['strategy']['type']}"
        rolling = spec["strategy"].get("rollingUpdate", {})
        assert str(rolling.get("maxUnavailable")) in ("0", "0%"), f"{name}: a ready pod may stop before its successor"
        assert str(rolling.get("maxSurge", "25%")) not in ("0", "0%"), f"{name}: the rollout cannot start"


def test_every_replicated_deployment_has_a_disruption_budget_on_its_own_pods() -> None:
    """A node drain may evict every pod of a Deployment at once unless a PodDisruptionBudget holds one back. The
    budget must select exactly that Deployment's pods (a selector matching no pod protects nothing; one matching
    both Deployments counts the MCP pod as one of the bot's) and leave a pod evictable (minAvailable below the
    replicas), else every drain of the node waits forever; for that reason a one-pod Deployment has none."""
    objects = render(OVERLAY)
    deployments = {d["metadata"]["name"]: d for d in of_kind(objects, "Deployment")}
    covered: dict[str, str] = {}
    for budget in of_kind(objects, "PodDisruptionBudget"):
        budget_name, spec = budget["metadata"]["name"], budget["spec"]
        chosen = [n for n, d in deployments.items() if _selects(spec["selector"], _pod_labels(d))]
        assert len(chosen) == 1, f"PodDisruptionBudget {budget_name} selects the pods of {chosen or 'no Deployment'}"
        (name,) = chosen
        assert name not in covered, f"{name} has two budgets: {covered[name]}, {budget_name}"
        covered[name] = budget_name
        replicas = deployments[name]["spec"]["replicas"]
        if "minAvailable" in spec:
            assert isinstance(spec["minAvailable"], int), f"{budget_name}: give minAvailable as a number of pods"
            assert 1 <= spec["minAvailable"] < replicas, (
                f"{budget_name}: minAvailable {spec['minAvailable']} of {replicas}"
            )
        else:
            assert isinstance(spec.get("maxUnavailable"), int), f"{budget_name}: give maxUnavailable as a number"
            assert 1 <= spec["maxUnavailable"] < replicas, f"{budget_name}: maxUnavailable {spec['maxUnavailable']}"
    replicated = {n for n, d in deployments.items() if d["spec"]["replicas"] >= 2}
    assert set(covered) == replicated, f"budgets for {sorted(covered)}, replicated: {sorted(replicated)}"


def test_replicated_pods_prefer_different_nodes() -> None:
    """Two pods on one node go down together with it. The anti-affinity term must select the Deployment's own
    pods (a selector that matches none spreads nothing), per node, and be preferred, not required, so that a
    cluster with one schedulable node still runs both."""
    for deployment in of_kind(render(OVERLAY), "Deployment"):
        name = deployment["metadata"]["name"]
        if deployment["spec"]["replicas"] < 2:
            continue
        anti = deployment["spec"]["template"]["spec"].get("affinity", {}).get("podAntiAffinity", {})
        assert "requiredDuringSchedulingIgnoredDuringExecution" not in anti, f"{name}: required anti-affinity"
        terms = [t["podAffinityTerm"] for t in anti.get("preferredDuringSchedulingIgnoredDuringExecution", [])]
        assert any(
            t["topologyKey"] == "kubernetes.io/hostname"
            and _selects(t.get("labelSelector", {}), _pod_labels(deployment))
            for t in terms
        ), f"{name}: nothing spreads its pods over nodes"


# --- pods ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", sorted(RENDERED))
def test_probes_use_the_metrics_port_the_process_listens_on(which: str) -> None:
    """Probes name a container port that exists, and that port is the one SWARMOPS_METRICS_PORT opens on all
    interfaces: otherwise the kubelet restarts a healthy pod forever. Prometheus is pointed at the same port."""
    objects = render(RENDERED[which])
    config = find(objects, "ConfigMap", "swarmops-config")["data"]
    for workload, _, container in containers(objects):
        ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
        assert "metrics" in ports, f"{workload['metadata']['name']}: no port named metrics"
        for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz"), ("startupProbe", "/healthz")):
            get = container[probe]["httpGet"]
            assert get["path"] == path, f"{probe} checks {get['path']}"
            assert get["port"] == "metrics", f"{probe} uses port {get['port']!r}, not the named metrics port"
        assert env_value(container, config, "SWARMOPS_METRICS_PORT") == str(ports["metrics"])
        assert env_value(container, config, "SWARMOPS_METRICS_HOST") == "0.0.0.0"
        notes = workload["spec"]["template"]["metadata"]["annotations"]
        assert notes["prometheus.io/scrape"] == "true"
        assert notes["prometheus.io/port"] == str(ports["metrics"])
        assert notes["prometheus.io/path"] == "/metrics"


def _http_port(args: list[str]) -> int:
    return int(args[args.index("--http") + 1].rpartition(":")[2])


def test_each_deployment_runs_its_command_on_its_declared_port() -> None:
    """`--http 0.0.0.0:PORT` and the container port the Service targets must agree; binding 127.0.0.1 would
    make the pod unreachable."""
    objects = render(BASE)
    expected = {"swarmops-slack": ("slack", "http", 3000), "swarmops-mcp": ("mcp", "mcp", 8000)}
    assert {d["metadata"]["name"] for d in of_kind(objects, "Deployment")} == set(expected)
    for deployment in of_kind(objects, "Deployment"):
        command, port_name, port = expected[deployment["metadata"]["name"]]
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        args = container["args"]
        assert args[0] == command
        assert args[args.index("--http") + 1] == f"0.0.0.0:{port}"
        assert {p["name"]: p["containerPort"] for p in container["ports"]}[port_name] == _http_port(args)


def test_services_select_their_pods_and_target_ports_that_exist() -> None:
    """A Service whose selector matches no pod, or whose targetPort names no container port, has no
    endpoints: Slack's requests and MCP clients would get connection refused."""
    objects = render(BASE)
    expected = {"swarmops-slack": {3000, 9464}, "swarmops-mcp": {8000, 9464}}
    assert {s["metadata"]["name"] for s in of_kind(objects, "Service")} == set(expected)
    for service in of_kind(objects, "Service"):
        selector = service["spec"]["selector"]
        chosen = [
            d
            for d in of_kind(objects, "Deployment")
            if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(chosen) == 1, f"{service['metadata']['name']} selects {len(chosen)} deployments"
        (container,) = chosen[0]["spec"]["template"]["spec"]["containers"]
        named = {p["name"]: p["containerPort"] for p in container["ports"]}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in named, f"{service['metadata']['name']}: no container port {port['targetPort']}"
            assert port["port"] == named[port["targetPort"]]
        assert {p["port"] for p in service["spec"]["ports"]} == expected[service["metadata"]["name"]]


def _bytes(quantity: str) -> float:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 1e3, "M": 1e6, "G": 1e9}
    for unit, factor in units.items():
        if quantity.endswith(unit):
            return float(quantity[: -len(unit)]) * factor
    return float(quantity)


@pytest.mark.parametrize("which", sorted(RENDERED))
def test_containers_request_resources_and_cannot_run_as_root(which: str) -> None:
    """Without requests the scheduler packs the pod anywhere and torch gets OOM-killed. Running as root, privilege
    escalation, kept capabilities or no seccomp profile fail the restricted Pod Security Standard; a writable root
    filesystem is what readOnlyRootFilesystem keeps out."""
    for workload, spec, container in containers(render(RENDERED[which])):
        where = f"{workload['metadata']['name']}/{container['name']}"
        requests = container.get("resources", {}).get("requests", {})
        limits = container.get("resources", {}).get("limits", {})
        assert {"cpu", "memory"} <= requests.keys(), f"{where}: requests not set"
        assert _bytes(requests["memory"]) >= 2**30, f"{where}: torch + the embedding model need ~1 GiB"
        assert "memory" in limits and _bytes(limits["memory"]) >= _bytes(requests["memory"])
        pod = spec.get("securityContext", {})
        own = container.get("securityContext", {})
        assert own.get("runAsNonRoot", pod.get("runAsNonRoot")) is True, f"{where}: runAsNonRoot"
        assert own.get("runAsUser", pod.get("runAsUser", 10001)) != 0, f"{where}: runAsUser 0"
        assert own.get("readOnlyRootFilesystem") is True, f"{where}: root filesystem writable"
        assert own.get("allowPrivilegeEscalation") is False, f"{where}: privilege escalation allowed"
        assert own.get("capabilities", {}).get("drop") == ["ALL"], f"{where}: capabilities kept"
        seccomp = own.get("seccompProfile", pod.get("seccompProfile", {}))
        assert seccomp.get("type") in ("RuntimeDefault", "Localhost"), f"{where}: no seccomp profile"


def test_writable_paths_are_volumes_and_the_data_dir_is_below_its_mount() -> None:
    """With a read-only root filesystem, /tmp and the data dir must be volumes. The data dir must be a directory
    below the mount, not the mount: swarmops chmods its data dir to 0700, which only the owner may do, and an
    emptyDir mount point belongs to root (the process would die with PermissionError at start)."""
    objects = render(BASE)
    config = find(objects, "ConfigMap", "swarmops-config")["data"]
    for workload, spec, container in containers(objects):
        volumes = {v["name"]: v for v in spec["volumes"]}
        mounts = {m["mountPath"]: volumes[m["name"]] for m in container["volumeMounts"]}
        assert "emptyDir" in mounts["/tmp"], f"{workload['metadata']['name']}: /tmp is not writable"
        data_dir = PurePosixPath(env_value(container, config, "SWARMOPS_DATA_DIR"))
        holders = [PurePosixPath(m) for m, v in mounts.items() if "emptyDir" in v and data_dir.is_relative_to(m)]
        assert holders, f"{workload['metadata']['name']}: {data_dir} is not on a writable volume"
        assert all(data_dir != m for m in holders), f"{data_dir} is a mount point: chmod 0700 would fail"


def test_kfp_token_is_a_projected_token_for_the_kfp_audience_where_the_setting_points() -> None:
    """Multi-user KFP accepts in-cluster clients by a ServiceAccount token with the pipelines.kubeflow.org
    audience; a wrong audience, path or mount gives 401s on every KFP call."""
    objects = render(BASE)
    config = find(objects, "ConfigMap", "swarmops-config")["data"]
    for workload, spec, container in containers(objects):
        assert env_value(container, config, "SWARMOPS_KFP_TOKEN_FILE") == KFP_TOKEN_FILE
        volumes = {v["name"]: v for v in spec["volumes"]}
        found = False
        for mount in container["volumeMounts"]:
            for source in volumes[mount["name"]].get("projected", {}).get("sources", []):
                token = source.get("serviceAccountToken")
                if token and str(PurePosixPath(mount["mountPath"]) / token["path"]) == KFP_TOKEN_FILE:
                    assert token["audience"] == KFP_AUDIENCE
                    assert mount.get("readOnly") is True
                    found = True
        assert found, f"{workload['metadata']['name']}: nothing mounts a token at {KFP_TOKEN_FILE}"
        assert spec["serviceAccountName"] == "swarmops"
        assert spec.get("automountServiceAccountToken") is False, "the API-server token is not needed"


# --- secrets ------------------------------------------------------------------------------------------


def _secret_refs(objects: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """(secret name, key or None for a whole-Secret envFrom/volume) for every reference anywhere."""
    refs: list[tuple[str, str | None]] = []
    for obj in objects:
        for key, value in walk(obj):
            if key == "secretKeyRef":
                refs.append((value["name"], value["key"]))
            elif key == "secretRef":
                refs.append((value["name"], None))
            elif key == "secret" and isinstance(value, dict) and "secretName" in value:
                refs.append((value["secretName"], None))
    return refs


@pytest.mark.parametrize("which", sorted(RENDERED))
def test_secrets_come_only_from_swarmops_secrets_and_none_ship_with_the_manifests(which: str) -> None:
    """Every secret reference names the one Secret the user creates, and every key read is one the example
    documents (a typo leaves the pod in CreateContainerConfigError). No Secret object is applied by
    kustomize: one in the output would overwrite the user's with committed values."""
    objects = render(RENDERED[which])
    assert not of_kind(objects, "Secret"), "a Secret is part of the kustomization"
    refs = _secret_refs(objects)
    assert refs, "no secret is referenced at all"
    (example,) = load_all(SECRET_EXAMPLE)
    for name, key in refs:
        assert name == SECRET_NAME, f"reference to Secret {name!r}"
        if key is not None:
            assert key in example["stringData"], f"key {key} is read but not in secret.example.yaml"
    required = {k for _, _, c in containers(objects) for k in _required_secret_keys(c)}
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SWARMOPS_MCP_TOKEN"} <= required


def _required_secret_keys(container: dict[str, Any]) -> set[str]:
    return {
        e["valueFrom"]["secretKeyRef"]["key"]
        for e in container.get("env", [])
        if "secretKeyRef" in e.get("valueFrom", {}) and not e["valueFrom"]["secretKeyRef"].get("optional")
    }


_CREDENTIAL_NAME = re.compile(
    r"PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|COOKIE|DSN"
    r"|(DATABASE|DB|PG|POSTGRES(QL)?)_?UR[LI]",
    re.I,
)
_URL_WITH_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^/@\s:]*:[^/@\s]+@", re.I)


@pytest.mark.parametrize("which", sorted(RENDERED))
def test_no_configmap_or_literal_env_value_holds_a_credential(which: str) -> None:
    """ConfigMaps and env values are committed here and readable by whoever may read the namespace's
    configuration; credentials, the database URL among them (it carries a password), belong in swarmops-secrets.
    A name ending in _FILE (SWARMOPS_KFP_TOKEN_FILE) is a path, not a secret."""
    objects = render(RENDERED[which])
    settings: list[tuple[str, str, Any]] = [
        (f"ConfigMap {cm['metadata']['name']}", key, value)
        for cm in of_kind(objects, "ConfigMap")
        for key, value in cm.get("data", {}).items()
    ]
    settings += [
        (f"{workload['metadata']['name']}/{container['name']} env", entry["name"], entry["value"])
        for workload, _, container in containers(objects)
        for entry in container.get("env", [])
        if "value" in entry
    ]
    assert settings
    for where, key, value in settings:
        assert key.endswith("_FILE") or not _CREDENTIAL_NAME.search(key), f"{where}: {key} looks like a credential"
        assert not _URL_WITH_PASSWORD.search(str(value)), f"{where}: {key} is a URL with a password in it"


def test_readme_secret_step_creates_every_required_key() -> None:
    """A required key missing from the Secret leaves the pod in CreateContainerConfigError. The `kubectl create
    secret` step of deploy/README.md is what people run, so it must create every key the overlay requires."""
    literals = set(re.findall(r"--from-literal=([A-Za-z0-9_]+)=", (DEPLOY / "README.md").read_text()))
    required = {k for _, _, c in containers(render(OVERLAY)) for k in _required_secret_keys(c)}
    assert DATABASE_URL in required
    assert required <= literals, f"deploy/README.md does not create {sorted(required - literals)}"


def test_secret_example_holds_placeholders_only_and_stays_out_of_kustomize() -> None:
    """The example is a template: a real-looking value there is a leaked credential, and a kustomization
    listing it would apply the placeholders over the user's Secret."""
    (example,) = load_all(SECRET_EXAMPLE)
    assert example["kind"] == "Secret" and example["metadata"]["name"] == SECRET_NAME
    assert "data" not in example
    for key, value in example["stringData"].items():
        assert "REPLACE-ME" in value, f"{key} has a value that is not a placeholder"
    for kustomization in KUSTOMIZATIONS:
        spec = yaml.safe_load(kustomization.read_text())
        listed = [*spec.get("resources", []), *(p["path"] for p in spec.get("patches", []) if "path" in p)]
        assert not any(PurePosixPath(entry).name == SECRET_EXAMPLE.name for entry in listed), kustomization
        assert "secretGenerator" not in spec, f"{kustomization} generates a Secret from committed values"
