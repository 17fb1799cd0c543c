"""`maeum accounts reset|signout-all`: the operator's side of sign-in (docs/privacy.md)."""

from __future__ import annotations

import argparse

from maeum.errors import MaeumError


def register(groups) -> None:
    reset = groups.command("reset", "print a one-time code (valid 24 h) with which NICKNAME chooses a new "
                           "secret in the app; also how a nickname-only account from before v3 signs in",
                           _reset, group="accounts")
    reset.add_argument("nickname")
    _database_option(reset)
    out = groups.command("signout-all", "void every sign-in token of NICKNAME (a lost phone, a shared link)",
                         _signout_all, group="accounts")
    out.add_argument("nickname")
    _database_option(out)


def _database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", help="SQLAlchemy URL or SQLite file (default: the serving settings')")
    parser.add_argument("--config", help="serving settings YAML (for the database URL)")


def _accounts(args: argparse.Namespace):
    from serving.accounts import Accounts
    from serving.config import ServingSettings
    from serving.store import Store, database_url_from_path

    url = database_url_from_path(args.database) if args.database else ServingSettings.load(args.config).database_url
    return Accounts(Store(url))


def _user_id(accounts, nickname: str) -> int:
    from sqlalchemy import select

    from serving.accounts.names import clean_name, name_key
    from serving.store.models import User

    name = clean_name(nickname)
    with accounts.store.session() as s:
        uid = s.scalar(select(User.id).where(User.name == name)) or \
            s.scalar(select(User.id).where(User.name_key == name_key(name)))
    if uid is None:
        raise MaeumError(f"no account named {name!r}")
    return uid


def _reset(args: argparse.Namespace) -> int:
    from serving.accounts import AccountError

    accounts = _accounts(args)
    try:
        code = accounts.issue_reset(args.nickname)
    except AccountError as exc:
        raise MaeumError(str(exc)) from None
    finally:
        accounts.store.close()
    print(f"reset code for {args.nickname!r} (valid 24 h, once): {code}")
    print("tell it to the person only over a channel you trust; in the app: '비밀 문구를 잊었어요'")
    return 0


def _signout_all(args: argparse.Namespace) -> int:
    accounts = _accounts(args)
    try:
        accounts.sign_out_everywhere(_user_id(accounts, args.nickname))
    finally:
        accounts.store.close()
    print(f"every sign-in of {args.nickname!r} has ended; they sign in again with their secret")
    return 0
