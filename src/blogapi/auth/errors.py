"""The errors of signing in, sessions and email verification, one class per code."""

from blogapi.core.errors import Conflict, Forbidden, Unauthorized


class InvalidCredentials(Unauthorized):
    code = "INVALID_CREDENTIALS"
    message = "Invalid email or password"


class TokenReused(Unauthorized):
    code = "TOKEN_REUSED"
    message = "This refresh token was already used; the session has been ended"


class AccountDisabled(Forbidden):
    code = "ACCOUNT_DISABLED"
    message = "This account is disabled"


class EmailNotVerified(Forbidden):
    code = "EMAIL_NOT_VERIFIED"
    message = "Verify your email address first"


class AlreadyVerified(Conflict):
    code = "ALREADY_VERIFIED"
    message = "This email address is already verified"
