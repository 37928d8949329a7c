"""Bad input in a page or snippet, located at `path:line`, one problem or several at once."""

from __future__ import annotations


class SourceError(ValueError):
    """One problem in a source file, at a 1-based line."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = str(path), line, message


class SourceErrors(SourceError):
    """Several problems found in one reading (all of a page's unclassified blocks, say).

    It is a SourceError itself, located at the first problem, so a caller that only
    wants one location still has it; `errors` lists them all, in file order."""

    def __init__(self, errors: list[SourceError]):
        self.errors = sorted(errors, key=lambda e: (e.path, e.line))
        first = self.errors[0]
        ValueError.__init__(self, "\n".join(str(e) for e in self.errors))
        self.path, self.line, self.message = first.path, first.line, first.message

    @classmethod
    def of(cls, errors: list[SourceError]) -> SourceError:
        """One error as itself, several as a SourceErrors."""
        flat = [e for err in errors for e in (err.errors if isinstance(err, SourceErrors) else [err])]
        return flat[0] if len(flat) == 1 else cls(flat)
