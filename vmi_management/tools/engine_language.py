"""The reader's language for the messages of the engine and the intake.

The engine and the intake never import Odoo; their messages go through
``vmi_management.engine.i18n``, which translates them with a hook the
caller sets. Here the Odoo layer sets that hook to the module's own
translations (its ``i18n/*.po`` files, as Odoo loads them for ``_()``) in
the language of the user it works for.
"""

import functools

from odoo.tools.translate import code_translations

from ..engine.i18n import translating

MODULE = "vmi_management"


def engine_language(env, lang=None):
    """A context in which engine and intake messages are written in ``lang``.

    ``lang`` defaults to the environment's language, else its user's (a
    scheduled action's context carries none); English needs no translation.
    """
    lang = lang or env.lang or env.user.lang or "en_US"
    if lang == "en_US":
        return translating(None)
    return translating(code_translations.get_python_translations(MODULE, lang).get)


def in_engine_language(method):
    """Decorate a model method so the engine messages it makes are in its user's
    language."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with engine_language(self.env):
            return method(self, *args, **kwargs)

    return wrapper
