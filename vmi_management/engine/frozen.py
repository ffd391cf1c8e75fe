"""Frozen dataclasses with slots that are quick to build.

The engine's value objects are frozen dataclasses with slots: safe to share,
cheap in memory. A plan builds a decision, its forecast, its outlook and up
to a dozen steps per line (fewer new ones where lines share theirs): dozens
of fields, a sixth of its time when each goes through a call. Their class
refuses ``setattr``, so the generated ``__init__`` of ``dataclasses`` calls
``object.__setattr__`` for each field; assigning the slots directly takes a
tenth of that, which :func:`frozen`'s ``__init__`` does while the object is
briefly of a twin class that accepts it. Calling the class still takes about
1.7 times as long as calling a function that builds the same object, so the
class also gets ``make``, that function, for the code that builds objects
line after line.
"""

from dataclasses import MISSING, dataclass, fields


def frozen(cls):
    """``@dataclass(frozen=True, slots=True)``, with an ``__init__`` of the same
    signature that assigns the slots of a twin class and gives the object its own
    class back, and ``cls.make``, a function of the same signature that returns the
    object, built the same way.

    The twin is a subclass without slots of its own and with the plain
    ``setattr``: the object's layout is the same, so it can take either class.
    ``make`` calls the twin for an empty object and assigns its class once; it
    builds ``cls`` itself, never a subclass. Both are compiled from the same
    source lines, as ``dataclasses`` and ``collections.namedtuple`` build
    theirs. Fields are positional or keyword with a plain default, if any
    (no default factory, ``init=False`` or keyword-only field).
    """
    cls = dataclass(frozen=True, slots=True)(cls)
    building = type(
        f"{cls.__name__}Building",
        (cls,),
        {
            "__slots__": (),
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
            # calling it makes an empty object in C, without __init__'s frame
            "__init__": object.__init__,
        },
    )
    namespace = {
        "_set_class": object.__dict__["__class__"].__set__,
        "_building": building,
        "_cls": cls,
    }
    parameters = []
    assignments = []
    for item in fields(cls):
        if item.default_factory is not MISSING or not item.init or item.kw_only:
            raise TypeError(f"{cls.__name__}.{item.name}: not supported by frozen()")
        name = item.name
        if item.default is MISSING:
            parameters.append(name)
        else:
            namespace[f"_default_{name}"] = item.default
            parameters.append(f"{name}=_default_{name}")
        assignments.append(f"    self.{name} = {name}\n")
    signature = ", ".join(parameters)
    assigned = "".join(assignments)
    exec(
        f"def __init__(self, {signature}):\n"
        "    _class = type(self)\n    _set_class(self, _building)\n"
        f"{assigned}    self.__class__ = _class\n"
        f"def make({signature}):\n"
        "    self = _building()\n"
        f"{assigned}    self.__class__ = _cls\n    return self\n",
        namespace,
    )
    init, make = namespace["__init__"], namespace["make"]
    annotations = {item.name: item.type for item in fields(cls)}
    for name, function in (("__init__", init), ("make", make)):
        function.__qualname__ = f"{cls.__qualname__}.{name}"
        function.__annotations__ = annotations
    make.__doc__ = (
        f"A new {cls.__name__}, as calling the class makes, in 3/5 of the time."
    )
    cls.__init__ = init
    cls.make = staticmethod(make)
    return cls
