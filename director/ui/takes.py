"""Takes as the Direct tab shows them: the library's ``Take``/``Takes`` (``director.run.takes``,
where rewind, branch and resume live too)."""

from director.run.takes import Take, Takes

__all__ = ["Take", "Takes"]
