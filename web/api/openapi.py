"""The OpenAPI 3.0 document of /api/v1, written by hand next to the views it describes."""

from __future__ import annotations

from typing import Any

from scheduler.people.models import Category
from scheduler.rosters.models import Priority
from web.api.openapi_surge import surge_paths

ERROR = {"$ref": "#/components/responses/Error"}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(c): ERROR for c in codes}


def _id_param(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
    }


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _ok(schema: dict[str, Any], status: str = "200", text: str = "OK") -> dict[str, Any]:
    return {status: {"description": text, **_json(schema)}}


PERSON_IN: dict[str, Any] = {
    "type": "object",
    "required": ["name", "category", "phone", "home_grid_id"],
    "properties": {
        "name": {"type": "string", "maxLength": 64},
        "category": {"type": "string", "enum": [c.value for c in Category]},
        "phone": {"type": "string", "maxLength": 32, "example": "13812345678"},
        "home_grid_id": {"type": "integer", "minimum": 1, "maximum": 2147483647},
        "email": {"type": "string", "maxLength": 254, "nullable": True},
        "work_unit": {"type": "string", "maxLength": 128, "nullable": True},
        "organisation": {"type": "string", "maxLength": 128, "nullable": True},
        "profession": {"type": "string", "maxLength": 32, "nullable": True},
        "birth_year": {"type": "integer", "minimum": 1900, "maximum": 2020, "nullable": True},
        "experienced": {"type": "boolean"},
        "no_night": {"type": "boolean"},
        "no_heavy": {"type": "boolean"},
        "max_hours_per_week": {"type": "integer", "minimum": 0, "maximum": 84, "nullable": True},
        "monthly_quota_hours": {"type": "integer", "minimum": 0, "maximum": 200, "nullable": True},
        "skills": {"type": "array", "maxItems": 50, "items": {"type": "string"}},
    },
}
PERSON_OUT: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "category", "phone", "active", "skills"],
    "properties": {
        **{k: v for k, v in PERSON_IN["properties"].items() if k != "skills"},
        "id": {"type": "integer"},
        "active": {"type": "boolean"},
        "skills": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "valid_until": {"type": "string", "format": "date", "nullable": True},
                },
            },
        },
    },
}
TEMPLATE_IN: dict[str, Any] = {
    "type": "object",
    "required": ["weekdays", "start", "end", "demands"],
    "properties": {
        "weekdays": {"type": "string", "pattern": "^[0-6]{1,7}$", "description": "0 = Monday; e.g. 01234"},
        "start": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
        "end": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
        "priority": {"type": "string", "enum": [p.value for p in Priority]},
        "needs_party_lead": {"type": "boolean"},
        "needs_professional": {"type": "boolean"},
        "active": {"type": "boolean"},
        "demands": {
            "type": "array",
            "maxItems": 20,
            "items": {
                "type": "object",
                "required": ["count"],
                "properties": {
                    "skill": {"type": "string", "nullable": True},
                    "count": {"type": "integer", "minimum": 0, "maximum": 50},
                },
            },
        },
    },
}
TEMPLATE_OUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        **TEMPLATE_IN["properties"],
        "id": {"type": "integer"},
        "grid_id": {"type": "integer"},
        "task_type": {"type": "string"},
    },
}
GRID_OUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "code": {"type": "string"},
        "name": {"type": "string"},
        "community_id": {"type": "integer"},
        "households": {"type": "integer"},
        "risk_level": {"type": "string", "enum": ["low", "medium", "high"]},
        "templates": {"type": "integer"},
    },
}


ROSTER_OUT: dict[str, Any] = {
    "type": "object",
    "required": ["id", "street_id", "week", "version", "status"],
    "properties": {
        "id": {"type": "integer"},
        "street_id": {"type": "integer"},
        "week": {"type": "string", "example": "2026-W49"},
        "version": {"type": "integer"},
        "status": {"type": "string", "enum": ["draft", "published", "superseded"]},
        "required": {"type": "integer"},
        "filled": {"type": "integer"},
        "objective": {"type": "integer", "nullable": True},
        "bound": {"type": "integer", "nullable": True},
        "gap": {"type": "number", "nullable": True},
        "solve_status": {"type": "string", "nullable": True},
        "created_at": {"type": "string", "format": "date-time"},
        "published_at": {"type": "string", "format": "date-time", "nullable": True},
    },
}
ROSTER_DETAIL: dict[str, Any] = {
    "allOf": [
        ROSTER_OUT,
        {
            "type": "object",
            "properties": {
                "assignments": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "integer"},
                            "shift_id": {"type": "integer"},
                            "person_id": {"type": "integer"},
                            "person_name": {"type": "string"},
                            "status": {"type": "string"},
                            "locked": {"type": "boolean"},
                        },
                    },
                },
                "unmet": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "shift_id": {"type": "integer"},
                            "skill": {"type": "string", "nullable": True},
                            "missing": {"type": "integer"},
                            "reason": {"type": "string"},
                            "explanation": {"type": "string"},
                        },
                    },
                },
            },
        },
    ]
}
JOB_OUT: dict[str, Any] = {
    "type": "object",
    "required": ["id", "status"],
    "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelled"]},
        "street_id": {"type": "integer"},
        "week": {"type": "string"},
        "progress": {
            "type": "object",
            "description": "objective, bound, gap, seconds, solutions as they improve",
        },
        "result": {"type": "object", "description": "roster_id, filled, required, unmet, ... when finished"},
        "stop_requested": {"type": "boolean"},
    },
}
WEEK_PATTERN = "^[0-9]{4}-W[0-9]{2}$"


def _roster_paths() -> dict[str, Any]:
    roster_id, job_id = _id_param("roster_id"), _id_param("job_id")
    return {
        "/rosters": {
            "get": {
                "summary": "A street's roster versions, newest first",
                "operationId": "listRosters",
                "parameters": [
                    {
                        "name": "street_id",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
                    },
                    {"name": "week", "in": "query", "schema": {"type": "string", "pattern": WEEK_PATTERN}},
                ],
                "responses": {
                    **_ok(
                        {"type": "object", "properties": {"items": {"type": "array", "items": ROSTER_OUT}}}
                    ),
                    **_errors(400, 401, 403),
                },
            }
        },
        "/rosters/generate": {
            "post": {
                "summary": "Generate a roster for a street's week as a background job",
                "operationId": "generateRoster",
                "requestBody": {
                    "required": True,
                    **_json(
                        {
                            "type": "object",
                            "required": ["street_id", "week"],
                            "properties": {
                                "street_id": {"type": "integer", "minimum": 1, "maximum": 2147483647},
                                "week": {"type": "string", "pattern": WEEK_PATTERN},
                            },
                        }
                    ),
                },
                "responses": {
                    **_ok(JOB_OUT, "202", "Accepted: the job is queued"),
                    **_errors(400, 401, 403, 404, 409),
                },
            }
        },
        "/rosters/{roster_id}": {
            "parameters": [roster_id],
            "get": {
                "summary": "One roster with its assignments and unmet requirements",
                "operationId": "getRoster",
                "responses": {**_ok(ROSTER_DETAIL), **_errors(401, 403, 404)},
            },
        },
        "/rosters/{roster_id}/publish": {
            "parameters": [roster_id],
            "post": {
                "summary": "Publish a draft (the previous published version is superseded)",
                "operationId": "publishRoster",
                "responses": {**_ok(ROSTER_OUT), **_errors(401, 403, 404, 409)},
            },
        },
        "/jobs/{job_id}": {
            "parameters": [job_id],
            "get": {
                "summary": "A generation job: status and progress",
                "operationId": "getJob",
                "responses": {**_ok(JOB_OUT), **_errors(401, 403, 404)},
            },
        },
        "/jobs/{job_id}/stop": {
            "parameters": [job_id],
            "post": {
                "summary": "Stop a job; the best roster so far is kept",
                "operationId": "stopJob",
                "responses": {**_ok(JOB_OUT), **_errors(401, 403, 404)},
            },
        },
        "/assignments/{assignment_id}/lock": {
            "parameters": [_id_param("assignment_id")],
            "put": {
                "summary": "Lock or unlock an assignment (re-plans keep locked ones)",
                "operationId": "lockAssignment",
                "requestBody": {
                    "required": True,
                    **_json(
                        {
                            "type": "object",
                            "required": ["locked"],
                            "properties": {"locked": {"type": "boolean"}},
                        }
                    ),
                },
                "responses": {
                    **_ok(
                        {
                            "type": "object",
                            "properties": {"id": {"type": "integer"}, "locked": {"type": "boolean"}},
                        }
                    ),
                    **_errors(400, 401, 403, 404, 409),
                },
            },
        },
    }


def openapi_document() -> dict[str, Any]:
    person_id, grid_id, template_id = _id_param("person_id"), _id_param("grid_id"), _id_param("template_id")
    paths: dict[str, Any] = {
        "/me": {
            "get": {
                "summary": "The account of this token",
                "operationId": "getMe",
                "responses": {**_ok({"type": "object"}), **_errors(401)},
            }
        },
        "/people": {
            "get": {
                "summary": "People in the caller's street or community",
                "operationId": "listPeople",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 64}},
                    {
                        "name": "category",
                        "in": "query",
                        "schema": {"type": "string", "enum": [c.value for c in Category]},
                    },
                    {"name": "community_id", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "skill", "in": "query", "schema": {"type": "string", "maxLength": 32}},
                    {"name": "include_inactive", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                ],
                "responses": {
                    **_ok(
                        {
                            "type": "object",
                            "properties": {
                                "items": {"type": "array", "items": PERSON_OUT},
                                "total": {"type": "integer"},
                                "page": {"type": "integer"},
                                "page_size": {"type": "integer"},
                            },
                        }
                    ),
                    **_errors(400, 401),
                },
            },
            "post": {
                "summary": "Add a person",
                "operationId": "createPerson",
                "requestBody": {"required": True, **_json(PERSON_IN)},
                "responses": {**_ok(PERSON_OUT, "201", "Created"), **_errors(400, 401, 403)},
            },
        },
        "/people/{person_id}": {
            "parameters": [person_id],
            "get": {
                "summary": "One person",
                "operationId": "getPerson",
                "responses": {**_ok(PERSON_OUT), **_errors(401, 403, 404)},
            },
            "put": {
                "summary": "Replace a person's details",
                "operationId": "updatePerson",
                "requestBody": {"required": True, **_json(PERSON_IN)},
                "responses": {**_ok(PERSON_OUT), **_errors(400, 401, 403, 404)},
            },
        },
        "/people/{person_id}/active": {
            "parameters": [person_id],
            "put": {
                "summary": "Deactivate or reactivate a person",
                "operationId": "setPersonActive",
                "requestBody": {
                    "required": True,
                    **_json(
                        {
                            "type": "object",
                            "required": ["active"],
                            "properties": {"active": {"type": "boolean"}},
                        }
                    ),
                },
                "responses": {**_ok(PERSON_OUT), **_errors(400, 401, 403, 404)},
            },
        },
        "/grids": {
            "get": {
                "summary": "Grids in the caller's area",
                "operationId": "listGrids",
                "responses": {
                    **_ok({"type": "object", "properties": {"items": {"type": "array", "items": GRID_OUT}}}),
                    **_errors(401),
                },
            }
        },
        "/grids/{grid_id}/templates": {
            "parameters": [grid_id],
            "get": {
                "summary": "A grid's shift templates",
                "operationId": "listTemplates",
                "responses": {
                    **_ok(
                        {"type": "object", "properties": {"items": {"type": "array", "items": TEMPLATE_OUT}}}
                    ),
                    **_errors(401, 403, 404),
                },
            },
        },
        "/templates/{template_id}": {
            "parameters": [template_id],
            "put": {
                "summary": "Change a shift template's days, times and head counts",
                "operationId": "updateTemplate",
                "requestBody": {"required": True, **_json(TEMPLATE_IN)},
                "responses": {**_ok(TEMPLATE_OUT), **_errors(400, 401, 403, 404)},
            },
        },
    }
    paths.update(_roster_paths())
    paths.update(surge_paths())
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "gridroster API",
            "version": "1",
            "description": "Staff API. Authenticate with `Authorization: Bearer <token>` (issued on the "
            'account page). Every error is `{"error": {"code", "message"}}`.',
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "field": {"type": "string"},
                            },
                        }
                    },
                }
            },
            "responses": {
                "Error": {"description": "An error", **_json({"$ref": "#/components/schemas/Error"})}
            },
        },
    }
