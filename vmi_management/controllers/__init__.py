from . import api, openapi, portal, templates
