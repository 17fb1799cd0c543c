"""Accounts: a nickname (the display name) plus a secret the user chooses, or single sign-on.

- `names`: cleaning a nickname (NFC, invisible characters out) and the look-alike key that
  makes "Anna", "Ａｎｎａ" and "Аnna" (Cyrillic А) one name;
- `secrets`: argon2id hashing of secrets and one-time reset codes;
- `tokens`: the signed, expiring sign-in token that lets a reload stay signed in;
- `service`: sign-up, sign-in with attempt limits and back-off, the audit log, resets.

Nothing here imports Streamlit; `serving/app/auth.py` is the door drawn on top of it.
"""

from serving.accounts.names import NameError_, clean_name, name_key
from serving.accounts.service import AccountError, Accounts, SignInResult

__all__ = ["Accounts", "AccountError", "SignInResult", "NameError_", "clean_name", "name_key"]
