"""The library's own exceptions; the CLI turns them into one-line errors.

Each class carries the process exit code documented in the README.
"""


class BriefingError(Exception):
    """Base class: a run failed for a reason the user can act on."""

    exit_code = 1


class InputError(BriefingError):
    """The source folder is missing or holds no usable document."""

    exit_code = 3


class TemplateError(BriefingError):
    """A template does not exist or does not parse or render."""

    exit_code = 4


class OutputError(BriefingError):
    """An output file or folder cannot be written."""

    exit_code = 5


class StateError(OutputError):
    """The state database is empty, damaged, missing beside its backup or unreadable.

    The message says how to recover (``briefing state restore``)."""


class FontError(BriefingError):
    """A configured font cannot be used."""

    exit_code = 6


class DeliveryError(BriefingError):
    """A mail could not be delivered (the generated files stay on disk)."""

    exit_code = 7


class ConfigError(BriefingError):
    """A setting (schedule, SMTP, data file) is invalid."""

    exit_code = 8


class LockedError(BriefingError):
    """Another run holds the state folder's lock."""

    exit_code = 9


class SchedulerError(BriefingError):
    """The Dask scheduler cannot be reached, has no worker, or its workers cannot run this briefing."""

    exit_code = 10


class Terminated(BaseException):
    """The process received SIGTERM: raised so that clean-up code runs (worker
    processes stopped, temporary files removed) before it exits."""
