from . import api, templates
