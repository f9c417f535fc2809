"""The errors of accounts, one class per code."""

from blogapi.core.errors import Conflict


class EmailTaken(Conflict):
    code = "EMAIL_TAKEN"
    message = "This email is already registered"


class UsernameTaken(Conflict):
    code = "USERNAME_TAKEN"
    message = "This username is taken"
