from . import api, portal, templates
