"""The OpenAPI paths of /api/v1/surge (added to the document by web/api/openapi.py)."""

from __future__ import annotations

from typing import Any

from scheduler.rosters.models import Priority

ERROR = {"$ref": "#/components/responses/Error"}
ID = {"type": "integer", "minimum": 1, "maximum": 2147483647}
MAX_NEEDS = 20

CALL_IN: dict[str, Any] = {
    "type": "object",
    "required": ["starts_at", "needs"],
    "description": "Give the grid as grid_id or as its code (grid).",
    "properties": {
        "grid_id": ID,
        "grid": {"type": "string", "maxLength": 32, "example": "A1"},
        "place": {"type": "string", "maxLength": 128, "nullable": True},
        "task_type": {"type": "string", "maxLength": 32, "example": "patrol"},
        "starts_at": {"type": "string", "format": "date-time", "example": "2026-11-27T10:00:00+08:00"},
        "ends_at": {
            "type": "string",
            "format": "date-time",
            "nullable": True,
            "description": "null or absent: open-ended, staffed in rolling blocks",
        },
        "needs": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_NEEDS,
            "items": {
                "type": "object",
                "required": ["skill", "count"],
                "properties": {
                    "skill": {"type": "string", "maxLength": 32, "example": "nurse"},
                    "count": {"type": "integer", "minimum": 0, "maximum": 500},
                },
            },
        },
        "lead": {"type": "boolean", "description": "a party member leads (党员带队)"},
        "priority": {"type": "string", "enum": [p.value for p in Priority]},
        "note": {"type": "string", "maxLength": 500, "nullable": True},
        "confirm_duplicate": {
            "type": "boolean",
            "description": "raise it even though the grid has an open call for this time",
        },
    },
}
CALL_OUT: dict[str, Any] = {
    "type": "object",
    "required": ["call_id", "status", "tier", "offers", "unfillable"],
    "properties": {
        "call_id": {"type": "integer"},
        "status": {"type": "string"},
        "tier": {"type": "string"},
        "blocks": {"type": "integer"},
        "offers": {"type": "integer", "description": "people asked at once"},
        "unfillable": {
            "type": "array",
            "description": "needs nobody in the district can meet, with the reason (said at once)",
            "items": {"type": "object"},
        },
        "assign_ms": {"type": "number"},
        "board_url": {"type": "string"},
    },
}
BOARD_OUT: dict[str, Any] = {
    "type": "object",
    "required": ["board", "after_action"],
    "properties": {
        "board": {
            "type": "object",
            "description": "needed / offered / confirmed / on the way / arrived per need, tier, minutes",
        },
        "after_action": {"type": "object"},
    },
}


def surge_paths() -> dict[str, Any]:
    return {
        "/surge/calls": {
            "post": {
                "summary": "Raise a surge call (网格呼叫); the grid's community is asked at once",
                "operationId": "raiseSurgeCall",
                "requestBody": {"required": True, "content": {"application/json": {"schema": CALL_IN}}},
                "responses": {
                    "201": {"description": "Raised", "content": {"application/json": {"schema": CALL_OUT}}},
                    **{str(c): ERROR for c in (400, 401, 403, 404, 409)},
                },
            }
        },
        "/surge/calls/{call_id}": {
            "parameters": [{"name": "call_id", "in": "path", "required": True, "schema": ID}],
            "get": {
                "summary": "A call's live board and after-action record",
                "operationId": "getSurgeCall",
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": BOARD_OUT}}},
                    **{str(c): ERROR for c in (401, 403, 404)},
                },
            },
        },
    }
