"""``attributes`` and ``excludedAttributes`` (RFC 7644 section 3.4.2.5, RFC 7643 section 7 'returned')."""

from __future__ import annotations

from .errors import bad_request
from .filter import AttrRef, split_attr_path
from .limits import MAX_ATTRIBUTE_NAMES
from .schema import COMMON_ATTRIBUTES, ResourceType


def parse_attribute_list(text: str | None, param: str) -> list[AttrRef]:
    if text is None or not text.strip():
        return []
    if text.count(",") >= MAX_ATTRIBUTE_NAMES:
        raise bad_request("invalidValue", f"{param} names more than {MAX_ATTRIBUTE_NAMES} attributes, this server's limit.")
    refs = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            refs.append(split_attr_path(part, part))
        except Exception:
            raise bad_request("invalidValue", f"'{part}' in {param} is not an attribute path.") from None
    return refs


def _key(rtype: ResourceType, ref: AttrRef) -> tuple[str | None, str, str | None] | None:
    """(extension or None, canonical attribute name, canonical sub name or None)."""
    found = rtype.attribute(ref.urn, ref.name)
    if found is None:
        if ref.urn is not None and ref.sub is None and rtype.extension_urn(f"{ref.urn}:{ref.name}"):
            return rtype.extension_urn(f"{ref.urn}:{ref.name}"), "*", None
        return None
    extension, attribute = found
    sub = attribute.sub(ref.sub).name if ref.sub and attribute.sub(ref.sub) else None
    if ref.sub and sub is None:
        return None
    return extension, attribute.name, sub


def project(rtype: ResourceType, resource: dict, attributes: list[AttrRef], excluded: list[AttrRef]) -> dict:
    """Apply the 'returned' characteristic and the client's selection to a full resource."""
    always = {name for name, a in {**rtype.core.attributes, **COMMON_ATTRIBUTES}.items() if a.returned == "always"}
    if attributes:
        keep = [k for k in (_key(rtype, ref) for ref in attributes) if k is not None]
        out: dict = {}
        for key, value in resource.items():
            if key.lower() in always:
                out[key] = value
                continue
            if rtype.extension_urn(key):
                wanted = [k for k in keep if k[0] == key]
                if any(k[1] == "*" for k in wanted):
                    out[key] = value
                    continue
                selected = _select(value, [(name, sub) for _, name, sub in wanted])
                if selected:
                    out[key] = selected
                continue
            wanted = [(name, sub) for ext, name, sub in keep if ext is None and name == key]
            selected = _select({key: value}, wanted)
            out.update(selected)
        return out
    out = dict(resource)
    for key in (k for k in (_key(rtype, ref) for ref in excluded) if k is not None):
        extension, name, sub = key
        holder = out.get(extension) if extension else out
        if not isinstance(holder, dict) or (name.lower() in always and not extension):
            continue
        if extension and name == "*":
            out.pop(extension, None)
        elif sub is None:
            holder = dict(holder)
            holder.pop(name, None)
            _put(out, extension, holder)
        elif isinstance(holder.get(name), dict):
            holder = dict(holder)
            holder[name] = {k: v for k, v in holder[name].items() if k != sub}
            _put(out, extension, holder)
        elif isinstance(holder.get(name), list):
            holder = dict(holder)
            holder[name] = [{k: v for k, v in item.items() if k != sub} if isinstance(item, dict) else item
                            for item in holder[name]]
            _put(out, extension, holder)
    return out


def _put(out: dict, extension: str | None, holder: dict) -> None:
    if extension:
        out[extension] = holder
    else:
        out.clear()
        out.update(holder)


def _select(holder: dict, wanted: list[tuple[str, str | None]]) -> dict:
    out: dict = {}
    for name, sub in wanted:
        if name not in holder:
            continue
        value = holder[name]
        if sub is None:
            out[name] = value
        elif isinstance(value, dict):
            if sub in value:
                out.setdefault(name, {})[sub] = value[sub]
        elif isinstance(value, list):
            picked = [{sub: item[sub]} for item in value if isinstance(item, dict) and sub in item]
            if picked:
                existing = out.get(name)
                if isinstance(existing, list) and existing and all(isinstance(e, dict) for e in existing):
                    out[name] = [{**e, **p} for e, p in zip(existing, picked)] if len(existing) == len(picked) else picked
                else:
                    out[name] = picked
    return out
