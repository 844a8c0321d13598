"""Password hashing (argon2) and bearer tokens (JWT, HS256)."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from models.base import utcnow
from service.settings import settings

_hasher = PasswordHasher()
# Generated initial passwords carry 60 random bits: their strength is the randomness, not the cost
# of the hash, so a light argon2 (≈0.5 ms instead of ≈100 ms) lets an import create thousands of
# accounts without holding the write lock for minutes. verify_password reads the cost from the hash.
_generated_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
ALGORITHM = "HS256"
GENERATED_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def generate_password() -> str:
    """A random initial password (about 70 bits), without look-alike characters."""
    return "".join(secrets.choice(GENERATED_ALPHABET) for _ in range(GENERATED_LENGTH))


def hash_generated_password(password: str) -> str:
    """The hash of a password made by :func:`generate_password` (light cost, see above)."""
    return _generated_hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_access_token(user_id: uuid.UUID, role: str) -> str:
    now = utcnow()
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "role": role,
        "iat": now,
        "exp": now + timedelta(minutes=settings.access_token_minutes),
    }
    return jwt.encode(claims, settings.jwt_secret(), algorithm=ALGORITHM)


def decode_access_token(token: str) -> uuid.UUID | None:
    """The user id of a valid token; None when it is invalid or expired."""
    try:
        claims = jwt.decode(token, settings.jwt_secret(), algorithms=[ALGORITHM])
        return uuid.UUID(str(claims["sub"]))
    except (jwt.PyJWTError, KeyError, ValueError):
        return None
