"""Domain errors: an English code for the API and a message in Chinese and in English."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a person can cause; the web layer maps it to a message or JSON."""

    status = 400

    def __init__(self, code: str, message_zh: str, message_en: str | None = None) -> None:
        super().__init__(message_en or message_zh)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en or message_zh


class ValidationError(DomainError):
    pass


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409
