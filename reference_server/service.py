"""The SCIM operations themselves, free of HTTP: what the routes and /Bulk both call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ScimError, bad_request
from .limits import MAX_INDEX
from .filter import (AttrRef, Resolved, compile_node, fold, index_hint, parse, resolve,
                                     split_attr_path, values_at)
from .patch import apply_patch
from .projection import project
from .resources import normalise
from .schema import RESOURCE_TYPES, ResourceType
from .storage import Storage, Stored

LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


def etag(stored: Stored) -> str:
    return f'W/"{stored.version}"'


def to_resource(stored: Stored, base_url: str) -> dict:
    """The full JSON representation of a stored resource, as RFC 7643 lays it out."""
    doc = stored.doc
    endpoint = "Users" if stored.type == "User" else "Groups"
    out: dict = {"schemas": doc.get("schemas", []), "id": stored.id}
    for key, value in doc.items():
        if key != "schemas":
            out[key] = value
    if stored.members is not None:
        out["members"] = [
            {**member, "$ref": f"{base_url}/{'Users' if member['type'] == 'User' else 'Groups'}/{member['value']}"}
            for member in stored.members
        ]
    if stored.type == "User":
        out["groups"] = [
            {"value": g["value"], "$ref": f"{base_url}/Groups/{g['value']}", "display": g["display"], "type": "direct"}
            for g in stored.groups
        ]
    out["meta"] = {
        "resourceType": stored.type,
        "created": stored.created,
        "lastModified": stored.last_modified,
        "location": f"{base_url}/{endpoint}/{stored.id}",
        "version": etag(stored),
    }
    return out


@dataclass
class ListQuery:
    filter: str | None = None
    sort_by: str | None = None
    sort_order: str | None = None
    start_index: Any = None
    count: Any = None
    attributes: list[AttrRef] | None = None
    excluded: list[AttrRef] | None = None


def _positive_int(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise bad_request("invalidValue", f"'{name}' must be an integer.")
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise bad_request("invalidValue", f"'{name}' must be an integer, not {str(value)[:40]!r}.") from None
    return max(min(number, MAX_INDEX), -MAX_INDEX)  # past the last page is an empty page, not an error


class ScimService:
    def __init__(self, storage: Storage, max_results: int, max_scan: int, limits: dict[str, int | None] | None = None):
        self.storage = storage
        self.max_results = max_results
        self.max_scan = max_scan
        self.limits = {k: v for k, v in (limits or {}).items() if v is not None}

    # --- single resources ----------------------------------------------------------------------

    def get(self, rtype: ResourceType, resource_id: str) -> Stored:
        return self.storage.get(rtype, resource_id)

    def create(self, rtype: ResourceType, body: Any) -> Stored:
        doc = normalise(rtype, body)
        limit = self.limits.get(rtype.name)
        # Counted inside the create's write transaction: concurrent creates (threads or server processes) never pass it.
        return self.storage.create(rtype, doc, before=None if limit is None else lambda conn: self._room_for(rtype, limit))

    def _room_for(self, rtype: ResourceType, limit: int) -> None:
        if self.storage.count(rtype) >= limit:
            noun = "users" if rtype.name == "User" else "groups"
            raise ScimError(403, f"This organization already has {limit:,} synchronized {noun}, the documented maximum; "
                                 f"the {rtype.name.lower()} was not created. Remove one or raise the limit.")

    def replace(self, rtype: ResourceType, resource_id: str, body: Any, if_match=None) -> Stored:
        doc = normalise(rtype, body)
        return self.storage.modify(rtype, resource_id, lambda current: doc, if_match)

    def patch(self, rtype: ResourceType, resource_id: str, body: Any, if_match=None) -> Stored:
        def change(current: Stored) -> dict:
            doc = dict(current.doc)
            if current.members is not None:
                doc["members"] = [{k: v for k, v in m.items() if k != "type"} for m in current.members]
            return apply_patch(rtype, doc, body, resource_id)

        return self.storage.modify(rtype, resource_id, change, if_match)

    def delete(self, rtype: ResourceType, resource_id: str, if_match=None) -> None:
        self.storage.delete(rtype, resource_id, if_match)

    # --- lists ---------------------------------------------------------------------------------

    def search(self, rtypes: list[ResourceType], query: ListQuery, base_url: str) -> dict:
        start = max(_positive_int(query.start_index, "startIndex") or 1, 1)
        count = _positive_int(query.count, "count")
        count = self.max_results if count is None else min(max(count, 0), self.max_results)
        sort_key = self._sort_key(rtypes, query.sort_by, query.sort_order)

        if query.filter is None and sort_key is None:
            total, page = self._unfiltered_page(rtypes, start - 1, count)
            resources = [(s, to_resource(s, base_url)) for s in page]
        else:
            matched = self._matching(rtypes, query.filter, base_url)
            if sort_key is not None:
                matched = sort_key(matched)
            total = len(matched)
            resources = matched[start - 1:start - 1 + count]
        shown = [
            project(_type_of(stored), resource, query.attributes or [], query.excluded or [])
            for stored, resource in resources
        ]
        return {
            "schemas": [LIST_RESPONSE],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(shown),
            "Resources": shown,
        }

    def _unfiltered_page(self, rtypes: list[ResourceType], offset: int, limit: int) -> tuple[int, list[Stored]]:
        total, page = 0, []
        for rtype in rtypes:
            type_total = self.storage.count(rtype)
            skip = max(offset - total, 0)
            room = limit - len(page)
            if room > 0 and skip < type_total:
                page.extend(self.storage.page(rtype, skip, room)[1])
            total += type_total
        return total, page

    def _matching(self, rtypes: list[ResourceType], text: str | None, base_url: str) -> list[tuple[Stored, dict]]:
        node = parse(text) if text is not None else None
        out: list[tuple[Stored, dict]] = []
        errors: list[ScimError] = []
        for rtype in rtypes:
            predicate, hint = None, None
            if node is not None:
                try:
                    predicate = compile_node(node, rtype, text)
                except ScimError as error:
                    if len(rtypes) == 1:
                        raise
                    errors.append(error)  # on /.search, a filter may fit only some types
                    continue
                hint = index_hint(node, rtype)
            if hint is None and self.storage.count(rtype) > self.max_scan:
                raise bad_request("tooMany", f"The filter would scan more than {self.max_scan} {rtype.name} "
                                             "resources; filter on userName, externalId, displayName or id.")
            for stored in self.storage.find(rtype, hint):
                resource = to_resource(stored, base_url)
                if predicate is None or predicate(resource):
                    out.append((stored, resource))
        if errors and len(errors) == len(rtypes):
            raise errors[0]
        return out

    def _sort_key(self, rtypes: list[ResourceType], sort_by: str | None, sort_order: str | None):
        order = (sort_order or "ascending").lower()
        if order not in ("ascending", "descending"):
            raise bad_request("invalidValue", f"sortOrder must be 'ascending' or 'descending', not {sort_order!r}.")
        if not sort_by:
            return None
        try:
            ref = split_attr_path(sort_by, sort_by)
        except ScimError:
            raise bad_request("invalidValue", f"sortBy {sort_by!r} is not an attribute path.") from None
        resolved: dict[str, Resolved] = {}
        for rtype in rtypes:
            try:
                resolved[rtype.name] = resolve(rtype, ref, "invalidValue")
            except ScimError:
                if len(rtypes) == 1:
                    raise
        if not resolved:
            raise bad_request("invalidValue", f"sortBy '{sort_by}' is not an attribute of these resources.")

        def sort_value(item: tuple[Stored, dict]):
            stored, resource = item
            path = resolved.get(stored.type)
            if path is None:
                return None
            values = values_at(resource, path)
            if path.attribute.multi_valued and path.sub is not None:
                # RFC 7644 3.4.2.3: by the primary value if any, else the first.
                holder = resource.get(path.extension, {}) if path.extension else resource
                elements = holder.get(path.attribute.name) or []
                primary = [e for e in elements if isinstance(e, dict) and e.get("primary") is True]
                if primary:
                    values = [primary[0].get(path.sub.name)]
            value = next((v for v in values if v is not None), None)
            if isinstance(value, str) and not path.leaf.case_exact:
                value = fold(value)
            return value

        def sort(items: list[tuple[Stored, dict]]) -> list[tuple[Stored, dict]]:
            keyed = [(sort_value(item), item) for item in items]
            present = [k for k in keyed if k[0] is not None]
            missing = [k[1] for k in keyed if k[0] is None]
            try:
                present.sort(key=lambda k: (type(k[0]).__name__, k[0]), reverse=order == "descending")
            except TypeError:
                present.sort(key=lambda k: str(k[0]), reverse=order == "descending")
            # Resources without the attribute come last whichever the order.
            return [k[1] for k in present] + missing

        return sort


def _type_of(stored: Stored) -> ResourceType:
    return RESOURCE_TYPES[stored.type]
