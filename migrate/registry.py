"""Name -> matcher registries: each language's matchers module registers its matchers under the
names rules use in their `matcher:` key."""

from __future__ import annotations


class Registry:
    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, object] = {}

    def register(self, name: str):
        """Class decorator: register one instance of the class under `name`."""

        def deco(cls):
            self._items[name] = cls()
            return cls

        return deco

    def get(self, name: str):
        try:
            return self._items[name]
        except KeyError:
            raise KeyError(f"no {self.kind} matcher named {name!r}; known: {', '.join(sorted(self._items))}") from None

    def names(self) -> list[str]:
        """The registered matcher names (what a project's own rule may name in `matcher:`)."""
        return sorted(self._items)
