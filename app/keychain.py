"""The one facade over the operating system's keychain (the only module that imports ``keyring``).

A workspace's join phrase is kept under the service ``caucus`` and the workspace's id; members'
personal signing keys (``app.signing``) under ``<workspace id>/member`` (this account's own key)
and ``<workspace id>/member/<name>`` (a teammate who shares this account). "No usable
keychain" (no backend, a locked or dismissed keychain, a backend that would store secrets in plain
text) is told apart from "no entry", and never papered over: the caller falls back, visibly, to a
phrase held for this session only.
"""

from __future__ import annotations

import keyring
from keyring.errors import InitError, KeyringError, KeyringLocked, NoKeyringError

from app.errors import CaucusError

SERVICE = "caucus"
_UNSAFE_BACKENDS = ("keyrings.alt",)  # they keep secrets in plain files: never use them


class KeychainUnavailable(CaucusError):
    """There is no usable keychain on this machine (or it is locked)."""


def _backend():
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # e.g. PYTHON_KEYRING_BACKEND names a module that is not there
        raise KeychainUnavailable(f"the keychain could not be loaded ({exc})") from None
    module = type(backend).__module__
    if module.startswith(_UNSAFE_BACKENDS):
        raise KeychainUnavailable(f"the keychain backend {module} stores secrets in plain text; "
                                  "Caucus does not use it")
    return backend


def _guard(action: str):
    def wrap(fn):
        def call(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except KeychainUnavailable:
                raise
            except (NoKeyringError, KeyringLocked, InitError) as exc:
                raise KeychainUnavailable(f"no usable keychain to {action} ({exc})") from None
            except KeyringError as exc:
                raise KeychainUnavailable(f"the keychain refused to {action} ({exc})") from None
            except Exception as exc:  # a third-party backend failing its own way
                raise KeychainUnavailable(f"the keychain failed to {action} ({exc})") from None
        return call
    return wrap


@_guard("read the join phrase")
def load(workspace_id: str) -> str | None:
    """The phrase stored for a workspace, or None when there is no entry."""
    return _backend().get_password(SERVICE, workspace_id)


@_guard("remember the join phrase")
def save(workspace_id: str, phrase: str) -> None:
    """Remember a workspace's phrase in the keychain."""
    _backend().set_password(SERVICE, workspace_id, phrase)


@_guard("forget the join phrase")
def forget(workspace_id: str) -> None:
    """Remove a workspace's phrase from the keychain (no error when there was none)."""
    backend = _backend()
    if backend.get_password(SERVICE, workspace_id) is not None:
        backend.delete_password(SERVICE, workspace_id)


def _member_entry(workspace_id: str, name: str | None) -> str:
    return f"{workspace_id}/member" + (f"/{name}" if name else "")


@_guard("read a member's signing key")
def load_member_key(workspace_id: str, name: str | None) -> str | None:
    """The text of a member key kept for a workspace (``name`` None: this account's own key)."""
    return _backend().get_password(SERVICE, _member_entry(workspace_id, name))


@_guard("keep a member's signing key")
def save_member_key(workspace_id: str, name: str | None, text: str) -> None:
    """Keep a member key for a workspace (``name`` None: this account's own key)."""
    _backend().set_password(SERVICE, _member_entry(workspace_id, name), text)


@_guard("forget a member's signing key")
def forget_member_key(workspace_id: str, name: str | None) -> None:
    """Remove a member key (no error when there was none)."""
    backend = _backend()
    if backend.get_password(SERVICE, _member_entry(workspace_id, name)) is not None:
        backend.delete_password(SERVICE, _member_entry(workspace_id, name))


def problem() -> str | None:
    """Why the keychain cannot be used, or None when it can (for a visible banner)."""
    try:
        load("caucus-probe")
    except KeychainUnavailable as exc:
        return str(exc)
    return None


# --- server passwords (PostgreSQL workspaces) ---------------------------------------------------
# Kept apart from the join phrases: service ``caucus-server``, entry ``user@host:port`` (the
# address's ``account``), so that one password serves every workspace on that server for that role.

SERVER_SERVICE = "caucus-server"


@_guard("read the server password")
def load_server_password(account: str) -> str | None:
    """The password stored for ``user@host:port``, or None when there is no entry."""
    return _backend().get_password(SERVER_SERVICE, account)


@_guard("remember the server password")
def save_server_password(account: str, password: str) -> None:
    """Remember the password of ``user@host:port`` in the keychain."""
    _backend().set_password(SERVER_SERVICE, account, password)


@_guard("forget the server password")
def forget_server_password(account: str) -> None:
    """Remove the password of ``user@host:port`` (no error when there was none)."""
    backend = _backend()
    if backend.get_password(SERVER_SERVICE, account) is not None:
        backend.delete_password(SERVER_SERVICE, account)
