"""Writing a file that must not exist yet: atomically, and never over an existing one.

The text goes to a temporary file in the same folder, which is then linked to the final
name: the link fails if the name exists, even if another program creates it meanwhile,
so an existing file is never replaced and no reader ever sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError, Problem, register_messages

register_messages({
    "file-exists": {
        "en": "the file already exists; advise never overwrites it: choose another name, or remove it first",
        "fr": "le fichier existe déjà ; advise ne l'écrase jamais : choisissez un autre nom, ou supprimez-le d'abord",
    },
})


def refuse_existing(path: str | os.PathLike[str], option: str | None = None) -> None:
    """Raise the error `write_new_file` would, before any work is done (e.g. an interview)."""
    if os.path.lexists(path):
        raise InputError(Problem("file-exists", file=str(path), field=option))


def write_new_file(path: str | os.PathLike[str], text: str, *, option: str | None = None) -> None:
    target = Path(path)
    refuse_existing(target, option)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise InputError(Problem("output-failed", {"reason": error.strerror or str(error)}, file=str(target),
                                 field=option)) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise InputError(Problem("file-exists", file=str(target), field=option)) from None
        except OSError:  # a file system without hard links: exclusive creation instead
            with open(target, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
    except FileExistsError:
        raise InputError(Problem("file-exists", file=str(target), field=option)) from None
    except OSError as error:
        raise InputError(Problem("output-failed", {"reason": error.strerror or str(error)}, file=str(target),
                                 field=option)) from None
    finally:
        try:
            os.unlink(temporary)
        except OSError:
            pass
