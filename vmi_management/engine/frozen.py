"""Frozen dataclasses with slots that are quick to build.

The engine's value objects are frozen dataclasses with slots: safe to share,
cheap in memory. A plan builds a decision, its forecast, its outlook and
about eight steps per line: sixty-odd fields, a sixth of its time when each
goes through a call. Their class refuses ``setattr``, so the generated
``__init__`` of ``dataclasses`` calls ``object.__setattr__`` for each field;
assigning the slots directly takes a tenth of that, which :func:`frozen`'s
``__init__`` does while the object is briefly of a twin class that accepts
it.
"""

from dataclasses import MISSING, dataclass, fields


def frozen(cls):
    """``@dataclass(frozen=True, slots=True)``, with an ``__init__`` of the same
    signature that assigns the slots of a twin class and gives the object its own
    class back.

    The twin is a subclass without slots of its own and with the plain
    ``setattr``: the object's layout is the same, so it can take either class.
    The ``__init__`` is compiled from source, as ``dataclasses`` and
    ``collections.namedtuple`` build theirs. Fields are positional or keyword
    with a plain default, if any (no default factory, ``init=False`` or
    keyword-only field).
    """
    cls = dataclass(frozen=True, slots=True)(cls)
    building = type(
        f"{cls.__name__}Building",
        (cls,),
        {
            "__slots__": (),
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
        },
    )
    namespace = {
        "_set_class": object.__dict__["__class__"].__set__,
        "_building": building,
    }
    parameters = []
    body = ["    _class = type(self)\n    _set_class(self, _building)\n"]
    for item in fields(cls):
        if item.default_factory is not MISSING or not item.init or item.kw_only:
            raise TypeError(f"{cls.__name__}.{item.name}: not supported by frozen()")
        name = item.name
        if item.default is MISSING:
            parameters.append(name)
        else:
            namespace[f"_default_{name}"] = item.default
            parameters.append(f"{name}=_default_{name}")
        body.append(f"    self.{name} = {name}\n")
    body.append("    self.__class__ = _class\n")
    exec(f"def __init__(self, {', '.join(parameters)}):\n{''.join(body)}", namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {item.name: item.type for item in fields(cls)}
    cls.__init__ = init
    return cls
