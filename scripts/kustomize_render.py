"""Render a kustomization directory the way `kubectl kustomize` does, without the binary.

Only the subset of kustomize that deploy/k8s uses is implemented, and anything else in a
kustomization.yaml is an error, so an overlay cannot silently mean more to kubectl than here:

- `resources:` files (YAML, several documents each) and directories holding a
  kustomization.yaml (rendered recursively);
- `patches:` given by `path` only, each document a strategic-merge patch naming its target by
  apiVersion group, kind and metadata.name. Maps merge key by key (`null` deletes the key);
  lists of containers, volumes, env, volumeMounts and ports merge item by item on their merge
  key (name, mountPath, containerPort or port); every other list replaces the target's whole,
  as in kustomize. `$patch` directives are refused;
- `images:` (`name` → `newName`, `newTag`, `digest`) on every container of a pod template;
- `replicas:` (`name`, `count`) on Deployments and StatefulSets;
- `namespace:` set on every namespaced object.

Applied in kustomize's order (patches, images, replicas, namespace); for deploy/k8s the result
equals `kubectl kustomize` (kustomize v5.5) object for object.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]

KUSTOMIZATION_KEYS = {"apiVersion", "kind", "resources", "patches", "images", "replicas"}
KUSTOMIZATION_KEYS |= {"namespace"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume"}
CLUSTER_SCOPED |= {"StorageClass", "IngressClass", "PriorityClass", "CustomResourceDefinition"}
# Strategic-merge keys of the lists merged item by item (all other lists are replaced whole).
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "volumes": "name",
    "env": "name",
    "volumeMounts": "mountPath",
    "imagePullSecrets": "name",
}


def load_documents(path: Path) -> list[Manifest]:
    with path.open() as file:
        documents = [doc for doc in yaml.safe_load_all(file) if doc is not None]
    for doc in documents:
        if not isinstance(doc, dict):
            raise SystemExit(f"{path}: a YAML document is not a mapping")
    return documents


def object_id(obj: Manifest) -> tuple[str, str, str]:
    group = str(obj.get("apiVersion", "")).rpartition("/")[0]
    return group, str(obj.get("kind")), str(obj.get("metadata", {}).get("name"))


def merge_key(field: str, items: list[Any]) -> str | None:
    if field in MERGE_KEYS:
        return MERGE_KEYS[field]
    if field == "ports" and items and all(isinstance(item, dict) for item in items):
        return "containerPort" if "containerPort" in items[0] else "port"
    return None


def strategic_merge(target: Any, patch: Any, field: str = "") -> Any:
    if isinstance(target, dict) and isinstance(patch, dict):
        if any(str(key).startswith("$") for key in patch):
            raise SystemExit(f"$-directives are not supported by this renderer (in {field!r})")
        merged = dict(target)
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = strategic_merge(merged[key], value, key)
            else:
                merged[key] = copy.deepcopy(value)
        return merged
    if isinstance(target, list) and isinstance(patch, list):
        key = merge_key(field, target + patch)
        if key is None:
            return copy.deepcopy(patch)
        result = [copy.deepcopy(item) for item in target]
        for item in patch:
            index = next((i for i, old in enumerate(result) if old.get(key) == item.get(key)), None)
            if index is None:
                result.append(copy.deepcopy(item))
            else:
                result[index] = strategic_merge(result[index], item, field)
        return result
    return copy.deepcopy(patch)


def pod_templates(obj: Manifest) -> list[Manifest]:
    spec = obj.get("spec", {})
    if obj["kind"] in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}:
        return [spec.get("template", {})]
    if obj["kind"] == "CronJob":
        return [spec.get("jobTemplate", {}).get("spec", {}).get("template", {})]
    return []


def containers(obj: Manifest) -> list[Manifest]:
    found: list[Manifest] = []
    for template in pod_templates(obj):
        pod = template.get("spec", {})
        found += pod.get("initContainers", []) + pod.get("containers", [])
    return found


def set_image(container: Manifest, rule: Manifest) -> None:
    image = str(container.get("image", ""))
    name, _, digest = image.partition("@")
    tag = ""
    if ":" in name.rsplit("/", 1)[-1]:
        name, tag = name.rsplit(":", 1)
    if name != rule["name"]:
        return
    name = rule.get("newName", name)
    if "digest" in rule:
        container["image"] = f"{name}@{rule['digest']}"
    elif "newTag" in rule:
        container["image"] = f"{name}:{rule['newTag']}"
    else:
        container["image"] = name + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")


def render(directory: Path) -> list[Manifest]:
    """The objects `kubectl kustomize DIRECTORY` prints, for the subset described above."""
    path = directory / "kustomization.yaml"
    if not path.is_file():
        raise SystemExit(f"{directory}: no kustomization.yaml")
    kustomization = load_documents(path)[0]
    unknown = set(kustomization) - KUSTOMIZATION_KEYS
    if unknown:
        raise SystemExit(f"{path}: not supported by this renderer: {sorted(unknown)}")
    objects: list[Manifest] = []
    for entry in kustomization.get("resources", []):
        source = (directory / entry).resolve()
        if source.is_dir():
            objects += render(source)
        elif source.is_file():
            objects += load_documents(source)
        else:
            raise SystemExit(f"{path}: resource {entry!r} does not exist")
    for entry in kustomization.get("patches", []):
        if set(entry) != {"path"}:
            raise SystemExit(f"{path}: only `patches: - path: FILE` is supported")
        patch_path = directory / entry["path"]
        if not patch_path.is_file():
            raise SystemExit(f"{path}: patch {entry['path']!r} does not exist")
        for patch in load_documents(patch_path):
            matches = [i for i, obj in enumerate(objects) if object_id(obj) == object_id(patch)]
            if len(matches) != 1:
                raise SystemExit(f"{patch_path}: no single target {object_id(patch)}")
            objects[matches[0]] = strategic_merge(objects[matches[0]], patch)
    for rule in kustomization.get("images", []):
        for obj in objects:
            for container in containers(obj):
                set_image(container, rule)
    for rule in kustomization.get("replicas", []):
        targets = [
            obj
            for obj in objects
            if obj["kind"] in {"Deployment", "StatefulSet"}
            and obj["metadata"]["name"] == rule["name"]
        ]
        if not targets:
            raise SystemExit(f"{path}: replicas: no Deployment named {rule['name']!r}")
        for obj in targets:
            obj["spec"]["replicas"] = rule["count"]
    if "namespace" in kustomization:
        for obj in objects:
            if obj["kind"] not in CLUSTER_SCOPED:
                obj["metadata"]["namespace"] = kustomization["namespace"]
    return objects
