"""Translatable messages of the engine and the intake, without Odoo.

The engine and the intake write explanations and errors that planners and
customers read in Odoo, in their own language, yet neither may import Odoo.
So the messages are marked with :func:`_`, which Odoo's export of
translatable terms finds in every Python file of the module (it extracts
the string literal of each ``_(...)`` call, whichever ``_`` it is), and
translated through a hook the caller sets with :func:`translating`: the
Odoo layer sets the module's translations for the reader's language around
its calls (``vmi_management.tools.engine_language``). Without a hook, the
command line and the framework-free tests, a message stays as written.

A message with values names them and is formatted after its translation,
so a translator can move them: ``_("over %(days)s days") % {"days": 14}``.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_translator = ContextVar("vmi_management_translator", default=None)


def _(message):
    """``message`` in the reader's language, or as written without a translation."""
    translate = _translator.get()
    return (translate(message) or message) if translate else message


@contextmanager
def translating(translate):
    """Translate the messages made inside the block with ``translate``.

    ``translate`` takes a message as written and returns its translation, or
    a false value where it has none. The hook belongs to the current thread
    (or task), so concurrent requests each keep their reader's language.
    """
    token = _translator.set(translate)
    try:
        yield
    finally:
        _translator.reset(token)
